"""First registry schema: cases, their ROIs, scores, interpretation zones, and the audit log.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("patient_hash", sa.String(64), nullable=True),
        sa.Column("group_label", sa.String(16), nullable=False),
        sa.Column("sex", sa.String(1), nullable=True),
        sa.Column("age", sa.Float(), nullable=True),
        sa.Column("bmi", sa.Float(), nullable=True),
        sa.Column("fractured", sa.String(32), nullable=False),
        sa.Column("csf_level", sa.String(3), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("pretest_probability", sa.Float(), nullable=True),
        sa.Column("manufacturer", sa.String(128), nullable=True),
        sa.Column("model", sa.String(128), nullable=True),
        sa.Column("field_strength_t", sa.Float(), nullable=True),
        sa.Column("software_version", sa.String(32), nullable=False),
        sa.Column("measurements", sa.Text(), nullable=True),
        sa.Column("levels_used", sa.String(64), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("case_json", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("case_id"),
    )
    op.create_index("ix_registry_case_patient_hash", "registry_case", ["patient_hash"])
    op.create_table(
        "registry_roi",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_pk",
            sa.Integer(),
            sa.ForeignKey("registry_case.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sequence", sa.String(4), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(3), nullable=True),
        sa.Column("shape", sa.String(16), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("slice_index", sa.Integer(), nullable=True),
        sa.Column("n_pixels", sa.Integer(), nullable=True),
        sa.Column("area_mm2", sa.Float(), nullable=True),
        sa.Column("mean", sa.Float(), nullable=True),
        sa.Column("median", sa.Float(), nullable=True),
        sa.Column("sd", sa.Float(), nullable=True),
        sa.Column("min", sa.Float(), nullable=True),
        sa.Column("max", sa.Float(), nullable=True),
        sa.Column("p5", sa.Float(), nullable=True),
        sa.Column("p95", sa.Float(), nullable=True),
        sa.UniqueConstraint("case_pk", "sequence", "position"),
    )
    op.create_table(
        "registry_score",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_pk",
            sa.Integer(),
            sa.ForeignKey("registry_case.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("score", sa.String(16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.UniqueConstraint("case_pk", "score"),
    )
    op.create_table(
        "registry_zone",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_pk",
            sa.Integer(),
            sa.ForeignKey("registry_case.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("score", sa.String(16), nullable=False),
        sa.Column("cutoff_id", sa.String(64), nullable=False),
        sa.Column("cutoff", sa.Float(), nullable=False),
        sa.Column("position", sa.String(5), nullable=False),
        sa.UniqueConstraint("case_pk", "cutoff_id"),
    )
    op.create_table(
        "registry_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_registry_audit_at", "registry_audit", ["at"])
    op.create_index("ix_registry_audit_case_id", "registry_audit", ["case_id"])


def downgrade() -> None:
    for table in ("registry_audit", "registry_zone", "registry_score", "registry_roi"):
        op.drop_table(table)
    op.drop_index("ix_registry_case_patient_hash", "registry_case")
    op.drop_table("registry_case")
