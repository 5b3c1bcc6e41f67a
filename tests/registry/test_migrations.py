"""Schema migrations from the first schema, and the database states the user must be told about:
newer, locked, read-only, unreachable. Each leaves nothing half-saved."""

from __future__ import annotations

import socket
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from vbqcore.errors import RegistryError, RegistryUnavailableError
from vbqcore.registry.config import RegistrySettings
from vbqcore.registry.database import alembic_config, open_registry, schema_head
from vbqcore.registry.records import record_from_case_json
from vbqcore.registry.schema import Base
from vbqcore.registry.store import get_case, list_cases, save_case, save_cases


def _first_schema_with_a_case(url: str) -> None:
    """A database as the first release left it: schema 0001 and one case written by it."""
    engine = create_engine(url)
    with engine.connect() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.commit()
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO registry_case (case_id, group_label, fractured, csf_level, method, "
                "software_version, measurements, levels_used, warnings, created_at, created_by, "
                "updated_at, updated_by, version) VALUES ('OLD-1', 'control', '', 'L3', 'mean', "
                "'0.1.0', '{\"T2_L1\": 330.0, \"T2_CSF\": 600.0}', 'L1', '', :now, 'a', :now, "
                "'a', 1)"
            ),
            {"now": now},
        )
        pk = conn.execute(text("SELECT id FROM registry_case")).scalar_one()
        conn.execute(
            text("INSERT INTO registry_score (case_pk, score, value) VALUES (:pk, 'vbq_t2', 0.55)"),
            {"pk": pk},
        )
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_upgrade_from_first_schema_keeps_cases(
    backend: str, request: pytest.FixtureRequest, sqlite_settings: RegistrySettings
) -> None:
    settings = (
        sqlite_settings if backend == "sqlite" else request.getfixturevalue("postgres_settings")
    )
    _first_schema_with_a_case(settings.url)
    registry = open_registry(settings)  # upgrades 0001 -> head on start
    try:
        with registry.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == schema_head()
            # The migrated schema is exactly the models' (no drift between the two).
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        old = get_case(registry, "OLD-1")
        assert old.record.note is None and old.record.scores["vbq_t2"] == 0.55  # type: ignore[index]
        assert old.record.measurements == {"T2_L1": 330.0, "T2_CSF": 600.0}
        assert old.to_dict()["created_at"] == "2026-01-02T03:04:05Z"
    finally:
        registry.dispose()


def test_empty_database_matches_models_and_downgrades(sqlite_settings: RegistrySettings) -> None:
    open_registry(sqlite_settings).dispose()
    engine = create_engine(sqlite_settings.url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        command.downgrade(alembic_config(conn), "base")
        conn.commit()
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).all()
        assert [t[0] for t in tables] == ["alembic_version"]
    engine.dispose()
    open_registry(sqlite_settings).dispose()  # and up again


def test_newer_database_refused(sqlite_settings: RegistrySettings) -> None:
    open_registry(sqlite_settings).dispose()
    path = sqlite_settings.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(
        RegistryUnavailableError, match="schema '0099', written by a newer VBQ Dashboard"
    ):
        open_registry(sqlite_settings)


def test_locked_database_then_retry(sqlite_settings: RegistrySettings, case_json: str) -> None:
    settings = RegistrySettings(sqlite_settings.url, sqlite_settings.key_path, 0.3)
    registry = open_registry(settings)
    record = record_from_case_json(case_json, case_id="R1")
    holder = sqlite3.connect(settings.url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(RegistryUnavailableError, match="locked by another program"):
            save_case(registry, record, actor="a")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert save_case(registry, record, actor="a").created  # the same work, retried
    registry.dispose()


def test_read_only_database(sqlite_settings: RegistrySettings, case_json: str) -> None:
    writable = open_registry(sqlite_settings)
    save_case(writable, record_from_case_json(case_json, case_id="R1"), actor="a")
    writable.dispose()
    path = sqlite_settings.url.removeprefix("sqlite:///")
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    registry = open_registry(RegistrySettings(url, sqlite_settings.key_path, 1.0))
    assert [c.record.case_id for c in list_cases(registry)] == ["R1"]
    with pytest.raises(RegistryUnavailableError, match="read-only"):
        save_case(registry, record_from_case_json(case_json, case_id="R2"), actor="a")
    registry.dispose()


def test_unreachable_server(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    url = f"postgresql+psycopg://vbq@127.0.0.1:{port}/vbq"
    with pytest.raises(RegistryUnavailableError, match="cannot be reached.*VBQ_DATABASE_URL"):
        open_registry(RegistrySettings(url, tmp_path / "k", 2.0))


def test_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    url = f"sqlite:///{tmp_path / 'file' / 'registry.sqlite'}"
    with pytest.raises(RegistryUnavailableError, match="cannot be created"):
        open_registry(RegistrySettings(url, tmp_path / "k"))


def test_failed_save_leaves_nothing(registry: object, case_json: str) -> None:
    from vbqcore.registry.database import Registry

    assert isinstance(registry, Registry)
    good = record_from_case_json(case_json, case_id="R1")
    clash = record_from_case_json(case_json, case_id="R1")
    with pytest.raises(RegistryError, match="already in the registry"):
        save_cases(registry, [good, clash], actor="a")
    assert list_cases(registry) == []
    # A failure inside the database (two ROIs at one position violate a constraint at flush).
    broken = record_from_case_json(case_json, case_id="R2")
    broken = type(broken)(**{**broken.__dict__, "rois": broken.rois + broken.rois[:1]})
    with pytest.raises(RegistryError):
        save_cases(registry, [good, broken], actor="a")
    assert list_cases(registry) == []
    with registry.session() as session:
        assert session.execute(text("SELECT count(*) FROM registry_roi")).scalar_one() == 0
        assert session.execute(text("SELECT count(*) FROM registry_audit")).scalar_one() == 0


def test_the_first_start_migrates_in_one_write_transaction(
    sqlite_settings: RegistrySettings,
) -> None:
    """All migrations run inside one BEGIN IMMEDIATE ... COMMIT, so a second process starting at
    the same moment waits for the whole schema instead of re-applying a migration between two
    of them (it once failed with "duplicate column name: note" under load)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    log: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        log.append(" ".join(statement.split()[:2]).upper())  # "BEGIN IMMEDIATE", "CREATE TABLE"

    def on_commit(_conn: Any) -> None:
        log.append("COMMIT")

    event.listen(Engine, "before_cursor_execute", on_execute)
    event.listen(Engine, "commit", on_commit)
    try:
        open_registry(sqlite_settings).dispose()
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)
        event.remove(Engine, "commit", on_commit)
    ddl = [i for i, entry in enumerate(log) if entry.split()[0] in {"CREATE", "ALTER", "DROP"}]
    assert ddl, log
    first, last = ddl[0], ddl[-1]
    begins = [i for i, entry in enumerate(log) if entry == "BEGIN IMMEDIATE"]
    assert any(i < first for i in begins), log
    assert "COMMIT" not in log[first:last], log  # no lock released between two migrations
    assert not [i for i in begins if first < i < last], log
