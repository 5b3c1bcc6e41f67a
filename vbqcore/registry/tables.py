"""The registry as a CSV table in the ``score`` command's columns, and such a table imported.

Export: one row per case, the SI columns ``{T1|T2|STIR}_{T12|L1..L5|CSF}``, ``fractured``,
``csf_level`` and the ``score`` command's appended columns (``vbq_t1`` ... ``warnings``), after
``case_id``, ``group``, ``sex``, ``age``, ``bmi``, and followed by the scanner and who saved
it when. The cohort explorer and ``python -m vbqcore score`` read it as it is.

Import: each row is validated on its own (SIs, group, sex, age, BMI, case ID new and unique) and
its scores recomputed; a bad row is reported by its 1-based data row and skipped. The good rows
are saved in one transaction, or -- with ``skip_bad_rows=False`` -- nothing is saved when any
row is bad.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from vbqcore.anatomy import ROI_LABELS, Sex
from vbqcore.cohort.score_table import OUTPUT_COLUMNS, RowError
from vbqcore.errors import VbqInputError
from vbqcore.imaging.slices import Protocol
from vbqcore.measurements import MEASURED_SEQUENCES, CaseMeasurements
from vbqcore.registry.database import Registry
from vbqcore.registry.records import (
    CaseRecord,
    check_case_id,
    new_case_id,
    parse_group,
    parse_number,
    scored_record,
)
from vbqcore.registry.schema import CaseRow
from vbqcore.registry.store import StoredCase, list_cases, save_cases
from vbqcore.vbq import Aggregate, ScoreName

__all__ = [
    "SI_COLUMNS",
    "EXPORT_COLUMNS",
    "ImportRow",
    "ImportReport",
    "export_rows",
    "export_csv",
    "read_import_rows",
    "import_csv",
]

logger = logging.getLogger(__name__)

#: Every SI column, T1 then T2 then STIR, T12 ... L5 then CSF.
SI_COLUMNS: tuple[str, ...] = tuple(
    f"{seq.value}_{site}" for seq in MEASURED_SEQUENCES for site in ROI_LABELS
)
_FRONT = ("case_id", "group", "sex", "age", "bmi")
_BACK = (
    "method",
    "manufacturer",
    "model",
    "field_strength_t",
    "reader",
    "created_at",
    "updated_at",
    "version",
    "note",
)
#: The export's columns in order.
EXPORT_COLUMNS: tuple[str, ...] = (
    *_FRONT,
    *SI_COLUMNS,
    "fractured",
    "csf_level",
    *OUTPUT_COLUMNS,
    *_BACK,
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else repr(value)
    return str(value)


def export_rows(cases: list[StoredCase]) -> list[dict[str, str]]:
    """One dict per case in ``EXPORT_COLUMNS`` (CSV text cells; blank for missing)."""
    rows = []
    for stored in cases:
        r = stored.record
        row = {c: "" for c in EXPORT_COLUMNS}
        row.update(
            case_id=r.case_id,
            group=r.group.value,
            sex=_cell(None if r.sex is None else r.sex.value),
            age=_cell(r.age),
            bmi=_cell(r.bmi),
            fractured=";".join(lv.value for lv in r.fractured),
            csf_level=r.csf_level.value,
            levels_used=r.levels_used,
            warnings=" | ".join(r.warnings),
            method=r.method.value,
            manufacturer=_cell(r.manufacturer),
            model=_cell(r.model),
            field_strength_t=_cell(r.field_strength_t),
            reader=stored.updated_by,
            created_at=stored.to_dict()["created_at"],
            updated_at=stored.to_dict()["updated_at"],
            version=str(stored.version),
            note=_cell(r.note),
        )
        for key, value in (r.measurements or {}).items():
            if key in row:
                row[key] = _cell(value)
        for score in ScoreName:
            row[score.value] = _cell(r.scores.get(score))
        rows.append(row)
    return rows


def export_csv(registry: Registry) -> str:
    """Every case of the registry as CSV text (oldest first)."""
    cases = list_cases(registry, sort="created_at", descending=False)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(export_rows(cases))
    return out.getvalue()


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, case IDs saved, rows refused, whether anything was saved."""

    n_rows: int
    imported: tuple[str, ...]
    errors: tuple[RowError, ...]
    committed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_rows": self.n_rows,
            "imported": list(self.imported),
            "errors": [e.to_dict() for e in self.errors],
            "committed": self.committed,
        }


def _row_record(row: Mapping[str, str]) -> CaseRecord:
    folded = {k.strip().lower(): v for k, v in row.items() if k is not None}
    raw_id = (folded.get("case_id") or "").strip()
    sex_text = (folded.get("sex") or "").strip()
    sex = Sex.parse(sex_text) if sex_text else None
    if sex_text and sex is None:
        raise VbqInputError(f"sex {sex_text!r}: use F or M (or leave it blank).")
    try:
        method = Aggregate((folded.get("method") or "mean").strip().lower())
    except ValueError as err:
        raise VbqInputError(f"method {folded.get('method')!r}: use mean or median.") from err
    strength = parse_number(folded.get("field_strength_t"), "field_strength_t", 0.01, 20)
    maker = (folded.get("manufacturer") or "").strip() or None
    model = (folded.get("model") or "").strip() or None
    protocol = (
        None
        if strength is None and maker is None and model is None
        else Protocol(manufacturer=maker, model=model, field_strength_t=strength)
    )
    base = CaseRecord(
        case_id=check_case_id(raw_id) if raw_id else new_case_id(),
        group=parse_group(folded.get("group")),
        sex=sex,
        age=parse_number(folded.get("age"), "age", 0, 120),
        bmi=parse_number(folded.get("bmi"), "bmi", 5, 100),
        method=method,
        manufacturer=maker,
        model=model,
        field_strength_t=strength,
        note=(folded.get("note") or "").strip() or None,
    )
    measurements = CaseMeasurements.from_flat(
        {k: v for k, v in row.items() if k is not None and k.strip().lower() not in _IGNORED}
    )
    return scored_record(base, measurements, protocol=protocol)


# Columns of the export that from_flat must not see (it reads SI columns, fractured, csf_level).
_IGNORED = {c.lower() for c in (*_FRONT, *_BACK, *OUTPUT_COLUMNS)}


@dataclass(frozen=True)
class ImportRow:
    """A valid row: its 1-based data row, the line it ended on, and the case it gives."""

    row: int
    line: int
    record: CaseRecord


def read_import_rows(
    text: str, *, source: str = "import file"
) -> tuple[int, list[ImportRow], list[RowError]]:
    """Validate every row of a CSV: (rows read, good rows, bad rows with their reasons)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    if not header:
        raise VbqInputError(f"{source}: empty file or no header row.")
    if not any(h.strip().upper() in {c.upper() for c in SI_COLUMNS} for h in header):
        raise VbqInputError(
            f"{source}: no SI columns. Expected columns such as T2_L1 ... T2_L4, T2_CSF (the "
            "registry export or the score command's columns)."
        )
    good: list[ImportRow] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    n = 0
    for n, row in enumerate(reader, start=1):
        try:
            if None in row:
                raise VbqInputError("more fields than the header; check for an unquoted comma.")
            record = _row_record(row)
            if record.case_id in seen:
                raise VbqInputError(f"case_id {record.case_id!r} appears twice in the file.")
        except VbqInputError as err:
            errors.append(RowError(n, reader.line_num, str(err)))
            continue
        seen.add(record.case_id)
        good.append(ImportRow(n, reader.line_num, record))
    return n, good, errors


def import_csv(
    registry: Registry,
    text: str,
    *,
    actor: str,
    skip_bad_rows: bool = True,
    source: str = "import file",
) -> ImportReport:
    """Import the rows of a CSV (see the module docstring); one transaction."""
    n_rows, good, errors = read_import_rows(text, source=source)
    if good:
        ids = [g.record.case_id for g in good]
        with registry.session() as session:
            taken = set(session.scalars(select(CaseRow.case_id).where(CaseRow.case_id.in_(ids))))
        for g in good:
            if g.record.case_id in taken:
                errors.append(
                    RowError(
                        g.row,
                        g.line,
                        f"case_id {g.record.case_id!r} is already in the registry; delete it "
                        "there or give the row another case_id.",
                    )
                )
        errors.sort(key=lambda e: e.row)
        good = [g for g in good if g.record.case_id not in taken]
    if errors and not skip_bad_rows:
        return ImportReport(n_rows, (), tuple(errors), False)
    if not good:
        return ImportReport(n_rows, (), tuple(errors), False)
    save_cases(registry, [g.record for g in good], actor=actor, action="import")
    logger.info("imported %d of %d rows (%d refused)", len(good), n_rows, len(errors))
    return ImportReport(n_rows, tuple(g.record.case_id for g in good), tuple(errors), True)
