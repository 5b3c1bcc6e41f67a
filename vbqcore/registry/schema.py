"""The registry's tables as SQLAlchemy 2 models (the Alembic migrations create the same).

``registry_case`` holds one measured case under a pseudonymous ``case_id``: never a patient
name, PatientID or birth date, only the keyed hash ``patient_hash``
(``vbqcore.registry.identity``). ROIs, scores and interpretation zones hang off it and go with
it; ``registry_audit`` is append-only and names cases by ``case_id``, so it outlives a deletion.
``version`` counts the saves of a case: an edit made on an older version is refused
(``StaleEditError``) instead of overwriting someone else's change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "CaseRow", "RoiRow", "ScoreRow", "ZoneRow", "ImageRow", "AuditRow"]


class Base(DeclarativeBase):
    """Declarative base of the registry tables."""


class CaseRow(Base):
    """One case: options, demographics, scanner, flat SIs (JSON) and who saved it when."""

    __tablename__ = "registry_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), unique=True)
    patient_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    group_label: Mapped[str] = mapped_column(String(16), index=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    age: Mapped[float | None] = mapped_column(Float)
    bmi: Mapped[float | None] = mapped_column(Float)
    fractured: Mapped[str] = mapped_column(String(32))
    csf_level: Mapped[str] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(String(8))
    pretest_probability: Mapped[float | None] = mapped_column(Float)
    manufacturer: Mapped[str | None] = mapped_column(String(128))
    model: Mapped[str | None] = mapped_column(String(128))
    field_strength_t: Mapped[float | None] = mapped_column(Float)
    software_version: Mapped[str] = mapped_column(String(32))
    measurements: Mapped[str | None] = mapped_column(Text)
    levels_used: Mapped[str] = mapped_column(String(64))
    warnings: Mapped[str] = mapped_column(Text)
    case_json: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)

    rois: Mapped[list[RoiRow]] = relationship(
        back_populates="case",
        cascade="all, delete-orphan",
        order_by="RoiRow.id",
        passive_deletes=True,
    )
    scores: Mapped[list[ScoreRow]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )
    zones: Mapped[list[ZoneRow]] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class RoiRow(Base):
    """One ROI: sequence, position in the sequence's list, label, geometry (JSON) and stats."""

    __tablename__ = "registry_roi"
    __table_args__ = (UniqueConstraint("case_pk", "sequence", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("registry_case.id", ondelete="CASCADE"))
    sequence: Mapped[str] = mapped_column(String(4))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(3))
    shape: Mapped[str] = mapped_column(String(16))
    geometry: Mapped[str] = mapped_column(Text)
    slice_index: Mapped[int | None] = mapped_column(Integer)
    n_pixels: Mapped[int | None] = mapped_column(Integer)
    area_mm2: Mapped[float | None] = mapped_column(Float)
    mean: Mapped[float | None] = mapped_column(Float)
    median: Mapped[float | None] = mapped_column(Float)
    sd: Mapped[float | None] = mapped_column(Float)
    min: Mapped[float | None] = mapped_column(Float)
    max: Mapped[float | None] = mapped_column(Float)
    p5: Mapped[float | None] = mapped_column(Float)
    p95: Mapped[float | None] = mapped_column(Float)

    case: Mapped[CaseRow] = relationship(back_populates="rois")


class ScoreRow(Base):
    """One VBQ score of a case (``vbq_t1`` ... ``vbq_t2_stir``); NULL when not computable."""

    __tablename__ = "registry_score"
    __table_args__ = (UniqueConstraint("case_pk", "score"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("registry_case.id", ondelete="CASCADE"))
    score: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)

    case: Mapped[CaseRow] = relationship(back_populates="scores")


class ZoneRow(Base):
    """A score against one published cut-off: below / at / above (``vbqcore.interpretation``)."""

    __tablename__ = "registry_zone"
    __table_args__ = (UniqueConstraint("case_pk", "cutoff_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("registry_case.id", ondelete="CASCADE"))
    score: Mapped[str] = mapped_column(String(16))
    cutoff_id: Mapped[str] = mapped_column(String(64))
    cutoff: Mapped[float] = mapped_column(Float)
    position: Mapped[str] = mapped_column(String(5))

    case: Mapped[CaseRow] = relationship(back_populates="zones")


class ImageRow(Base):
    """The measured slice of one sequence, stored only when the user opts in for the case.

    ``pixels`` is the slice's SIs as a zlib-compressed ``.npy`` (float64, rows x columns);
    ``protocol`` the de-identified ``Protocol`` as JSON (no patient attribute exists in it).
    No ORM relationship: the blobs are read only when a case is re-opened.
    """

    __tablename__ = "registry_image"
    __table_args__ = (UniqueConstraint("case_pk", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("registry_case.id", ondelete="CASCADE"))
    sequence: Mapped[str] = mapped_column(String(4))
    source: Mapped[str] = mapped_column(String(16))
    pixels: Mapped[bytes] = mapped_column(LargeBinary)
    spacing_row_mm: Mapped[float | None] = mapped_column(Float)
    spacing_col_mm: Mapped[float | None] = mapped_column(Float)
    window_center: Mapped[float | None] = mapped_column(Float)
    window_width: Mapped[float | None] = mapped_column(Float)
    protocol: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    """Append-only (database triggers refuse UPDATE and DELETE, migration 0004): who did what
    to which case, when; ``detail`` is JSON (fields changed)."""

    __tablename__ = "registry_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[str] = mapped_column(Text)
