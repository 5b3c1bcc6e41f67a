"""Images of a case, stored only when the user opts in: the measured slice of each sequence.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_image",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_pk",
            sa.Integer(),
            sa.ForeignKey("registry_case.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sequence", sa.String(4), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("pixels", sa.LargeBinary(), nullable=False),
        sa.Column("spacing_row_mm", sa.Float(), nullable=True),
        sa.Column("spacing_col_mm", sa.Float(), nullable=True),
        sa.Column("window_center", sa.Float(), nullable=True),
        sa.Column("window_width", sa.Float(), nullable=True),
        sa.Column("protocol", sa.Text(), nullable=False),
        sa.UniqueConstraint("case_pk", "sequence"),
    )


def downgrade() -> None:
    op.drop_table("registry_image")
