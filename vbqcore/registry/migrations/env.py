"""Alembic environment: migrate the connection that ``vbqcore.registry.database`` hands over.

Never reads ``alembic.ini`` or an URL of its own: the caller passes an open connection in
``config.attributes["connection"]``, so the app, the CLI and the tests migrate exactly the
database they use.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from vbqcore.registry.schema import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several app processes may start at once: one migrates, the others wait here.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(726574)")
        context.run_migrations()


connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("vbqcore registry migrations run through vbqcore.registry.database only.")
_run(connection)
