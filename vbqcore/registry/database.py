"""Opening the registry: engine set-up (SQLite WAL + foreign keys), schema upgrade, error mapping.

``open_registry`` is what the app and the CLI call: it creates a missing SQLite file, brings an
older schema up to date with the Alembic migrations (``vbqcore/registry/migrations``), refuses a
database written by a newer version, and turns driver errors into one ``RegistryUnavailableError``
whose message says what is wrong and what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from vbqcore.errors import RegistryUnavailableError
from vbqcore.registry.config import URL_VARIABLE, RegistrySettings, settings_from_env

__all__ = ["Registry", "open_registry", "schema_head", "explain_error", "alembic_config"]

logger = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_WRITE = "vbq_write"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` on the packaged migrations, bound to ``connection`` if given."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def schema_head() -> str:
    """The newest schema revision this version knows ("0002", ...)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None  # the packaged migrations always have a head
    return head


@dataclass(frozen=True, eq=False)
class Registry:
    """An open registry: its settings and engine. ``session(write=True)`` for changes."""

    settings: RegistrySettings
    engine: Engine

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error (nothing half-saved).

        With ``write`` a SQLite transaction starts ``BEGIN IMMEDIATE`` (takes the write lock at
        once, waiting up to the timeout), so two writers queue instead of one failing later.
        """
        bind = self.engine.execution_options(**{_WRITE: True}) if write else self.engine
        try:
            with Session(bind, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError:  # a constraint (duplicate case ID): the caller words it
            raise
        except DBAPIError as err:
            raise RegistryUnavailableError(explain_error(err, self.settings)) from err

    def dispose(self) -> None:
        self.engine.dispose()


def explain_error(err: BaseException, settings: RegistrySettings) -> str:
    """A user's message for a driver error: locked, read-only, unreachable, or other."""
    text = str(getattr(err, "orig", None) or err)
    where = settings.display_url
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            f"The registry {where} is locked by another program or session (waited "
            f"{settings.timeout_s:g} s). Nothing was saved; try again in a moment."
        )
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return (
            f"The registry {where} is read-only: cases can be read but not saved. Ask for write "
            f"access or set {URL_VARIABLE} to a writable database."
        )
    if "unable to open" in lowered or "connection" in lowered or "could not" in lowered:
        return (
            f"The registry {where} cannot be reached ({text.strip().splitlines()[0]}). Check "
            f"that the server runs and {URL_VARIABLE} is right; the rest of the app still works."
        )
    return f"The registry {where} failed: {text.strip().splitlines()[0]}."


def _engine(settings: RegistrySettings) -> Engine:
    url = make_url(settings.url)
    if url.get_backend_name() != "sqlite":
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": max(1, int(settings.timeout_s))}
            if url.get_backend_name() == "postgresql"
            else {},
        )
    database = url.database or ""
    if database and database != ":memory:" and not url.query.get("uri"):
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise RegistryUnavailableError(
                f"The folder of the registry {database} cannot be created ({err}); set "
                f"{URL_VARIABLE} to a writable location."
            ) from err
    # NullPool: a file connection is cheap, and no pooled connection outlives a fork.
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": settings.timeout_s})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy emits BEGIN itself (below) instead of pysqlite's implicit transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(settings.timeout_s * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except Exception as err:  # a read-only file keeps its mode; reading still works
            logger.info("journal_mode=WAL not set on %s: %s", settings.display_url, err)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _upgrade(engine: Engine, settings: RegistrySettings) -> None:
    """Bring the schema to ``schema_head()``; refuse a revision this version does not know."""
    from alembic import command

    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and current not in {s.revision for s in script.walk_revisions()}:
        raise RegistryUnavailableError(
            f"The registry {settings.display_url} has schema {current!r}, written by a newer "
            f"VBQ Dashboard (this one knows up to {script.get_current_head()!r}). Update VBQ "
            f"Dashboard, or set {URL_VARIABLE} to another database; nothing was changed."
        )
    if current == script.get_current_head():
        return
    logger.info("upgrading the registry %s from %s", settings.display_url, current or "empty")
    # One transaction around all migrations, opened here: on SQLite it starts BEGIN IMMEDIATE,
    # so one starting process migrates while the others wait for the write lock and then find
    # the schema at head. Left to Alembic, SQLite (no "transactional DDL" in its book) got one
    # transaction per migration, and a second process could apply 0002 after the first had.
    with engine.execution_options(**{_WRITE: True}).connect() as connection:
        with connection.begin():
            command.upgrade(alembic_config(connection), "head")


def open_registry(settings: RegistrySettings | None = None) -> Registry:
    """Connect to the registry (``VBQ_DATABASE_URL`` or the default SQLite file), upgrading an
    older schema; raise ``RegistryUnavailableError`` with a clear message if it cannot be used."""
    settings = settings or settings_from_env()
    try:
        engine = _engine(settings)
    except (SQLAlchemyError, ImportError) as err:
        raise RegistryUnavailableError(
            f"{URL_VARIABLE}={settings.display_url} cannot be used ({err}); check the URL and "
            "that its database driver is installed."
        ) from err
    try:
        _upgrade(engine, settings)
    except DBAPIError as err:
        engine.dispose()
        raise RegistryUnavailableError(explain_error(err, settings)) from err
    except RegistryUnavailableError:
        engine.dispose()
        raise
    return Registry(settings, engine)
