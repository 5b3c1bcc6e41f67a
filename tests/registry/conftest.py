"""Registry fixtures: a SQLite registry in ``tmp_path``, a PostgreSQL one on a private cluster,
and a measured phantom case exported as the Case page's JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.registry.cases import phantom_case_json
from tests.registry.postgres import postgres_cluster
from vbqcore.registry.config import RegistrySettings
from vbqcore.registry.database import Registry, open_registry


@pytest.fixture(scope="session")
def case_json(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The case JSON of the phantom measured on T1, T2 and STIR (L1-L4 + CSF on each)."""
    return phantom_case_json(tmp_path_factory.mktemp("phantom"))


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> RegistrySettings:
    return RegistrySettings(f"sqlite:///{tmp_path / 'registry.sqlite'}", tmp_path / "key", 10.0)


@pytest.fixture
def registry(sqlite_settings: RegistrySettings) -> Iterator[Registry]:
    reg = open_registry(sqlite_settings)
    yield reg
    reg.dispose()


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """One throw-away PostgreSQL cluster per test module (skipped locally when absent)."""
    with postgres_cluster() as url:
        yield url


@pytest.fixture
def postgres_settings(postgres_url: str, tmp_path: Path) -> Iterator[RegistrySettings]:
    """A PostgreSQL registry emptied before each test (all tables dropped)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield RegistrySettings(postgres_url, tmp_path / "key", 10.0)
