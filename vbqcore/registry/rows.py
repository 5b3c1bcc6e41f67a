"""Registry rows <-> records: what a saved case, a save and an audit entry look like to callers,
and how a ``CaseRecord`` is written into / read from the ``registry_case`` row and its children."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vbqcore.anatomy import Level, Sequence, Sex
from vbqcore.registry.records import CaseRecord, Group, RoiRecord, Zone
from vbqcore.registry.schema import CaseRow, RoiRow, ScoreRow, ZoneRow
from vbqcore.vbq import Aggregate, ScoreName

__all__ = ["StoredCase", "SaveResult", "AuditEntry", "iso_utc", "fill_row", "stored_case"]


@dataclass(frozen=True)
class StoredCase:
    """A case read back: its record, its save ``version`` and who saved it when."""

    record: CaseRecord
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.record.to_dict(),
            "version": self.version,
            "created_at": iso_utc(self.created_at),
            "created_by": self.created_by,
            "updated_at": iso_utc(self.updated_at),
            "updated_by": self.updated_by,
        }


@dataclass(frozen=True)
class SaveResult:
    """A saved case: its ID, new version, whether it was new, and earlier cases of the same
    patient (same keyed PatientID hash)."""

    case_id: str
    version: int
    created: bool
    same_patient: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "version": self.version,
            "created": self.created,
            "same_patient": list(self.same_patient),
        }


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    at: datetime
    actor: str
    action: str
    case_id: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": iso_utc(self.at),
            "actor": self.actor,
            "action": self.action,
            "case_id": self.case_id,
            "detail": self.detail,
        }


def iso_utc(when: datetime) -> str:
    if when.tzinfo is None:  # SQLite gives naive datetimes back: they were stored as UTC
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fill_row(row: CaseRow, record: CaseRecord) -> None:
    row.patient_hash = record.patient_hash
    row.group_label = record.group.value
    row.sex = None if record.sex is None else record.sex.value
    row.age, row.bmi = record.age, record.bmi
    row.fractured = ";".join(lv.value for lv in record.fractured)
    row.csf_level = record.csf_level.value
    row.method = record.method.value
    row.pretest_probability = record.pretest_probability
    row.manufacturer, row.model = record.manufacturer, record.model
    row.field_strength_t = record.field_strength_t
    row.software_version = record.software_version
    row.measurements = None if record.measurements is None else json.dumps(record.measurements)
    row.levels_used = record.levels_used
    row.warnings = " | ".join(record.warnings)
    row.case_json = record.case_json
    row.note = record.note
    row.rois = [
        RoiRow(
            sequence=r.sequence.value,
            position=r.position,
            label=r.label,
            shape=r.shape,
            geometry=json.dumps(dict(r.geometry)),
            slice_index=r.slice_index,
            **{k: r.stats.get(k) for k in _ROI_STATS},
        )
        for r in record.rois
    ]
    row.scores = [ScoreRow(score=s.value, value=record.scores.get(s)) for s in ScoreName]
    row.zones = [
        ZoneRow(score=z.score.value, cutoff_id=z.cutoff_id, cutoff=z.cutoff, position=z.position)
        for z in record.zones
    ]


_ROI_STATS = ("n_pixels", "area_mm2", "mean", "median", "sd", "min", "max", "p5", "p95")


def _record(row: CaseRow) -> CaseRecord:
    scores = {ScoreName(s.score): s.value for s in row.scores}
    return CaseRecord(
        case_id=row.case_id,
        group=Group(row.group_label),
        sex=None if row.sex is None else Sex(row.sex),
        age=row.age,
        bmi=row.bmi,
        fractured=tuple(Level(v) for v in row.fractured.split(";") if v),
        csf_level=Level(row.csf_level),
        method=Aggregate(row.method),
        pretest_probability=row.pretest_probability,
        manufacturer=row.manufacturer,
        model=row.model,
        field_strength_t=row.field_strength_t,
        software_version=row.software_version,
        measurements=None if row.measurements is None else json.loads(row.measurements),
        scores=scores,
        zones=tuple(
            Zone(ScoreName(z.score), z.cutoff_id, z.cutoff, z.position)
            for z in sorted(row.zones, key=lambda z: z.cutoff_id)
        ),
        levels_used=row.levels_used,
        warnings=tuple(w for w in row.warnings.split(" | ") if w),
        rois=tuple(
            RoiRecord(
                Sequence(r.sequence),
                r.position,
                r.label,
                r.shape,
                json.loads(r.geometry),
                r.slice_index,
                {k: v for k in _ROI_STATS if (v := getattr(r, k)) is not None},
            )
            for r in row.rois
        ),
        case_json=row.case_json,
        patient_hash=row.patient_hash,
        note=row.note,
    )


def stored_case(row: CaseRow) -> StoredCase:
    return StoredCase(
        _record(row), row.version, row.created_at, row.created_by, row.updated_at, row.updated_by
    )
