"""Eight processes saving 25 cases each at once, and all updating one shared case, against
SQLite (WAL, BEGIN IMMEDIATE) and PostgreSQL: nothing lost, nothing saved twice."""

from __future__ import annotations

import multiprocessing
import queue
import sys
import time
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from vbqcore.errors import StaleEditError
from vbqcore.registry.config import RegistrySettings
from vbqcore.registry.database import open_registry, schema_head
from vbqcore.registry.records import record_from_case_json
from vbqcore.registry.schema import AuditRow, CaseRow, RoiRow
from vbqcore.registry.store import get_case, list_cases, save_case

PROCESSES, SAVES = 8, 25


def _worker(
    settings: RegistrySettings, case_json: str, index: int, barrier: Any, results: Any
) -> None:
    try:
        registry = open_registry(settings)  # every process also runs the start-up upgrade
        barrier.wait(timeout=300)
        for j in range(SAVES):
            record = record_from_case_json(case_json, case_id=f"P{index}-{j:02d}")
            save_case(registry, record, actor=f"process {index}")
        retries = 0
        while True:  # optimistic update of one shared case: retry on a stale edit
            current = get_case(registry, "SHARED")
            note = f"{current.record.note or ''}{index};"
            record = record_from_case_json(case_json, case_id="SHARED", note=note)
            try:
                save_case(
                    registry, record, actor=f"process {index}", expected_version=current.version
                )
                break
            except StaleEditError:
                retries += 1
        registry.dispose()
        results.put((index, "ok", retries))
    except BaseException:  # reported to the parent, which fails the test with it
        results.put((index, "error", traceback.format_exc()))


@contextmanager
def plain_main() -> Iterator[None]:
    """Start spawned workers from a plain ``__main__``.

    Streamlit's AppTest leaves the last page script it ran as ``sys.modules["__main__"]``, and
    a "spawn" child re-imports the parent's ``__main__``: after any AppTest in the same pytest
    process, every worker would run a Streamlit page at start-up and die before reporting.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def collect(procs: list[Any], results: Any, *, limit_s: float = 600.0) -> list[Any]:
    """One result per worker; fails at once (with the exit codes) when a worker died without
    reporting, instead of waiting out the whole limit."""
    outcomes: list[Any] = []
    deadline = time.monotonic() + limit_s
    while len(outcomes) < len(procs):
        try:
            outcomes.append(results.get(timeout=2.0))
            continue
        except queue.Empty:
            pass
        silent = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
        if silent or time.monotonic() > deadline:
            pytest.fail(
                f"only {len(outcomes)} of {len(procs)} processes reported ({outcomes}); "
                f"exit codes of the others: {[p.exitcode for p in procs]}"
            )
    return outcomes


def _run(settings: RegistrySettings, case_json: str) -> None:
    setup = open_registry(settings)
    save_case(setup, record_from_case_json(case_json, case_id="SHARED"), actor="setup")
    setup.dispose()
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(settings, case_json, i, barrier, results))
        for i in range(PROCESSES)
    ]
    with plain_main():
        for p in procs:
            p.start()
    try:
        outcomes = collect(procs, results)
    finally:
        for p in procs:
            p.join(timeout=60)
    errors = [o for o in outcomes if o[1] != "ok"]
    assert not errors, errors[0][2]

    registry = open_registry(settings)
    try:
        ids = [c.record.case_id for c in list_cases(registry, sort="case_id", descending=False)]
        expected = sorted(f"P{i}-{j:02d}" for i in range(PROCESSES) for j in range(SAVES))
        assert sorted(ids) == sorted([*expected, "SHARED"])
        assert len(ids) == len(set(ids)) == PROCESSES * SAVES + 1
        with registry.session() as session:
            per_case = session.execute(
                select(CaseRow.case_id, func.count(RoiRow.id))
                .join(RoiRow, RoiRow.case_pk == CaseRow.id)
                .group_by(CaseRow.case_id)
            ).all()
            assert {n for _, n in per_case} == {15} and len(per_case) == len(ids)
            creates = session.scalar(
                select(func.count()).select_from(AuditRow).where(AuditRow.action == "create")
            )
            updates = session.scalar(
                select(func.count()).select_from(AuditRow).where(AuditRow.action == "update")
            )
        assert (creates, updates) == (PROCESSES * SAVES + 1, PROCESSES)
        shared = get_case(registry, "SHARED")
        # Every process's update is there: none overwrote another's (stale edits retried).
        assert shared.version == 1 + PROCESSES
        assert sorted((shared.record.note or "").rstrip(";").split(";")) == sorted(
            str(i) for i in range(PROCESSES)
        )
    finally:
        registry.dispose()


@pytest.mark.slow
def test_eight_processes_sqlite(sqlite_settings: RegistrySettings, case_json: str) -> None:
    settings = RegistrySettings(sqlite_settings.url, sqlite_settings.key_path, 120.0)
    _run(settings, case_json)


@pytest.mark.slow
def test_eight_processes_postgres(postgres_settings: RegistrySettings, case_json: str) -> None:
    _run(postgres_settings, case_json)


def _start(settings: RegistrySettings, barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=300)
        registry = open_registry(settings)  # all at once on an empty database
        with registry.engine.connect() as conn:
            from alembic.runtime.migration import MigrationContext

            results.put(("ok", MigrationContext.configure(conn).get_current_revision()))
        registry.dispose()
    except BaseException:
        results.put(("error", traceback.format_exc()))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_simultaneous_first_start(
    backend: str, request: pytest.FixtureRequest, sqlite_settings: RegistrySettings
) -> None:
    """Four app processes starting together on an empty database: one creates the schema, the
    others wait for it (SQLite's write lock, PostgreSQL's advisory lock); none fails."""
    settings = (
        RegistrySettings(sqlite_settings.url, sqlite_settings.key_path, 120.0)
        if backend == "sqlite"
        else request.getfixturevalue("postgres_settings")
    )
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_start, args=(settings, barrier, results)) for _ in range(4)]
    with plain_main():
        for p in procs:
            p.start()
    try:
        outcomes = collect(procs, results)
    finally:
        for p in procs:
            p.join(timeout=60)
    assert all(kind == "ok" for kind, _ in outcomes), outcomes
    assert {revision for _, revision in outcomes} == {schema_head()}
