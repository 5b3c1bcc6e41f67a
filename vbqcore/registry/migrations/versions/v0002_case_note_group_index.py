"""A reader's free-text note on a case, and an index on the group label (registry filters).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_case") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.create_index("ix_registry_case_group_label", ["group_label"])


def downgrade() -> None:
    with op.batch_alter_table("registry_case") as batch:
        batch.drop_index("ix_registry_case_group_label")
        batch.drop_column("note")
