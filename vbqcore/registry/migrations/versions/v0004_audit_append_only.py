"""The audit log made append-only in the database itself: UPDATE and DELETE on it are refused.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MESSAGE = "registry_audit is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION registry_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER registry_audit_append_only BEFORE UPDATE OR DELETE ON "
            "registry_audit FOR EACH ROW EXECUTE FUNCTION registry_audit_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER registry_audit_no_{action.lower()} BEFORE {action} ON "
            f"registry_audit BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER registry_audit_append_only ON registry_audit")
        op.execute("DROP FUNCTION registry_audit_append_only()")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER registry_audit_no_{action}")
