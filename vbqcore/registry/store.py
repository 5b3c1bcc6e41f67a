"""Saving, reading, relabelling and deleting registry cases; every change one transaction,
audit-logged, and refused when the case changed since it was opened (``StaleEditError``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from vbqcore.anatomy import Sex
from vbqcore.errors import RegistryError, StaleEditError
from vbqcore.registry.database import Registry
from vbqcore.registry.images import write_images
from vbqcore.registry.records import (
    CaseRecord,
    Group,
    parse_group,
    parse_number,
)
from vbqcore.registry.rows import AuditEntry, SaveResult, StoredCase, fill_row, iso_utc, stored_case
from vbqcore.registry.schema import AuditRow, CaseRow, ImageRow, RoiRow, ScoreRow, ZoneRow

__all__ = [
    "SORT_COLUMNS",
    "StoredCase",
    "SaveResult",
    "AuditEntry",
    "save_case",
    "save_cases",
    "get_case",
    "list_cases",
    "update_labels",
    "delete_case",
    "audit_log",
]

logger = logging.getLogger(__name__)

#: Columns the case list can be sorted by.
SORT_COLUMNS: tuple[str, ...] = ("updated_at", "created_at", "case_id", "group", "age")


def _now() -> datetime:
    return datetime.now(UTC)


def _actor(actor: str) -> str:
    text = (actor or "").strip()
    if not text:
        raise RegistryError(
            "Say who is saving (reader name or initials): it goes in the audit log."
        )
    return text[:128]


def _audit(session: Session, actor: str, action: str, case_id: str, **detail: Any) -> None:
    session.add(
        AuditRow(
            at=_now(),
            actor=actor,
            action=action,
            case_id=case_id,
            detail=json.dumps(detail, sort_keys=True, default=str),
        )
    )


def _load(session: Session, case_id: str) -> CaseRow | None:
    query = (
        select(CaseRow)
        .where(CaseRow.case_id == case_id)
        .options(selectinload(CaseRow.rois), selectinload(CaseRow.scores))
        .options(selectinload(CaseRow.zones))
    )
    return session.scalars(query).one_or_none()


def _save_one(
    session: Session, record: CaseRecord, actor: str, expected_version: int | None, action: str
) -> SaveResult:
    row = _load(session, record.case_id)
    now = _now()
    if expected_version is None:
        if row is not None:
            raise RegistryError(
                f"Case ID {record.case_id!r} is already in the registry (saved by "
                f"{row.updated_by}). Choose another case ID, or re-open that case from the "
                "Registry page to update it."
            )
        row = CaseRow(case_id=record.case_id, created_at=now, created_by=actor)
        session.add(row)
        created = True
    else:
        if row is None:
            raise RegistryError(
                f"Case {record.case_id!r} is no longer in the registry (deleted since it was "
                "opened). Save it as a new case instead."
            )
        if row.version != expected_version:
            raise StaleEditError(
                f"Case {record.case_id!r} was changed by {row.updated_by} at "
                f"{iso_utc(row.updated_at)} (version {row.version}) after you opened version "
                f"{expected_version}. Your changes were not saved: re-open the case from the "
                "registry to see theirs, or save yours under a new case ID."
            )
        created = False
        # Old ROIs, scores and zones go first: the new ones reuse their (case, position) keys.
        row.rois.clear()
        row.scores.clear()
        row.zones.clear()
        session.flush()
    fill_row(row, record)
    row.updated_at, row.updated_by = now, actor
    _audit(
        session,
        actor,
        action if created else "update",
        record.case_id,
        group=record.group.value,
        rois=len(record.rois),
        images=[i.sequence.value for i in record.images],
        scores={s.value: v for s, v in record.scores.items() if v is not None},
    )
    session.flush()  # the version counter is set (and an UPDATE checked) here
    write_images(session, row.id, record.images)
    same: tuple[str, ...] = ()
    if record.patient_hash:
        same = tuple(
            session.scalars(
                select(CaseRow.case_id)
                .where(CaseRow.patient_hash == record.patient_hash)
                .where(CaseRow.case_id != record.case_id)
                .order_by(CaseRow.created_at)
            )
        )
    return SaveResult(record.case_id, row.version, created, same)


def save_case(
    registry: Registry,
    record: CaseRecord,
    *,
    actor: str,
    expected_version: int | None = None,
) -> SaveResult:
    """Save a new case (``expected_version`` None) or update the one opened at that version.

    One transaction: on any error nothing of the case is changed. Raises ``RegistryError``
    (duplicate case ID, case deleted meanwhile), ``StaleEditError`` (changed meanwhile) or
    ``RegistryUnavailableError`` (locked, read-only, unreachable).
    """
    return save_cases(registry, [record], actor=actor, expected_version=expected_version)[0]


def save_cases(
    registry: Registry,
    records: Iterable[CaseRecord],
    *,
    actor: str,
    expected_version: int | None = None,
    action: str = "create",
) -> list[SaveResult]:
    """Save several cases in one transaction: all of them or (on any error) none."""
    who = _actor(actor)
    try:
        with registry.session(write=True) as session:
            return [_save_one(session, r, who, expected_version, action) for r in records]
    except StaleDataError as err:
        raise StaleEditError(
            "The case was changed by someone else while saving; nothing was saved. Re-open it "
            "from the registry."
        ) from err
    except IntegrityError as err:
        raise RegistryError(
            "Another session saved a case with the same case ID at the same moment; nothing "
            f"was saved. Choose another case ID ({str(err.orig).splitlines()[0]})."
        ) from err


def get_case(registry: Registry, case_id: str) -> StoredCase:
    """The case ``case_id``; ``RegistryError`` if it is not in the registry."""
    with registry.session() as session:
        row = _load(session, case_id)
        if row is None:
            raise RegistryError(f"Case {case_id!r} is not in the registry; check the case ID.")
        return stored_case(row)


def _query(
    search: str | None, group: Group | str | None, sort: str, descending: bool
) -> Select[CaseRow]:
    query = select(CaseRow).options(selectinload(CaseRow.scores), selectinload(CaseRow.rois))
    query = query.options(selectinload(CaseRow.zones))
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(CaseRow.case_id).like(like),
                func.lower(CaseRow.updated_by).like(like),
                func.lower(CaseRow.created_by).like(like),
                func.lower(func.coalesce(CaseRow.note, "")).like(like),
            )
        )
    if group:
        query = query.where(CaseRow.group_label == parse_group(group).value)
    if sort not in SORT_COLUMNS:
        raise RegistryError(f"Sort by {sort!r}: use one of {', '.join(SORT_COLUMNS)}.")
    column = {"group": CaseRow.group_label}.get(sort, getattr(CaseRow, sort))
    order = column.desc() if descending else column.asc()
    return query.order_by(order, CaseRow.case_id)


def list_cases(
    registry: Registry,
    *,
    search: str | None = None,
    group: Group | str | None = None,
    sort: str = "updated_at",
    descending: bool = True,
) -> list[StoredCase]:
    """Cases matching ``search`` (case ID, reader or note, any case) and ``group``, sorted."""
    with registry.session() as session:
        rows = session.scalars(_query(search, group, sort, descending)).all()
        return [stored_case(r) for r in rows]


def update_labels(
    registry: Registry,
    case_id: str,
    *,
    actor: str,
    expected_version: int,
    **changes: Any,
) -> SaveResult:
    """Change ``group``, ``sex``, ``age``, ``bmi`` or ``note`` of a case opened at a version."""
    allowed = {"group", "sex", "age", "bmi", "note"}
    unknown = set(changes) - allowed
    if unknown:
        raise RegistryError(f"Cannot edit {', '.join(sorted(unknown))}: only {sorted(allowed)}.")
    values: dict[str, Any] = {}
    if "group" in changes:
        values["group_label"] = parse_group(changes["group"]).value
    if "sex" in changes:
        sex = changes["sex"]
        parsed = None if sex in (None, "") else Sex.parse(sex)
        if sex not in (None, "") and parsed is None:
            raise RegistryError(f"Sex {sex!r}: use F or M (or leave it blank).")
        values["sex"] = None if parsed is None else parsed.value
    if "age" in changes:
        values["age"] = parse_number(changes["age"], "Age", 0, 120)
    if "bmi" in changes:
        values["bmi"] = parse_number(changes["bmi"], "BMI", 5, 100)
    if "note" in changes:
        values["note"] = (str(changes["note"] or "")).strip() or None
    who = _actor(actor)
    try:
        with registry.session(write=True) as session:
            row = _load(session, case_id)
            if row is None:
                raise RegistryError(f"Case {case_id!r} is not in the registry (deleted?).")
            if row.version != expected_version:
                raise StaleEditError(
                    f"Case {case_id!r} was changed by {row.updated_by} at "
                    f"{iso_utc(row.updated_at)} (version {row.version}) after you opened version "
                    f"{expected_version}; your edit was not saved. Reload the registry and edit "
                    "again."
                )
            before = {k: getattr(row, k) for k in values}
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at, row.updated_by = _now(), who
            changed = {k: [before[k], v] for k, v in values.items() if before[k] != v}
            _audit(session, who, "relabel", case_id, changed=changed)
            session.flush()
            return SaveResult(case_id, row.version, False)
    except StaleDataError as err:
        raise StaleEditError(f"Case {case_id!r} changed while saving; nothing saved.") from err


def delete_case(
    registry: Registry, case_id: str, *, actor: str, expected_version: int | None = None
) -> None:
    """Delete a case with its ROIs, scores and zones (audit-logged; the log entry stays)."""
    who = _actor(actor)
    with registry.session(write=True) as session:
        row = session.scalars(select(CaseRow).where(CaseRow.case_id == case_id)).one_or_none()
        if row is None:
            raise RegistryError(f"Case {case_id!r} is not in the registry; nothing deleted.")
        if expected_version is not None and row.version != expected_version:
            raise StaleEditError(
                f"Case {case_id!r} was changed by {row.updated_by} (version {row.version}) "
                f"after you opened version {expected_version}; it was not deleted. Reload first."
            )
        _audit(session, who, "delete", case_id, version=row.version, group=row.group_label)
        # Children first: works whether or not the database enforces ON DELETE CASCADE.
        for table in (RoiRow, ScoreRow, ZoneRow, ImageRow):
            session.execute(delete(table).where(table.case_pk == row.id))
        session.execute(delete(CaseRow).where(CaseRow.id == row.id))


def audit_log(
    registry: Registry, *, case_id: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    """The newest ``limit`` audit entries (of one case if given), newest first."""
    with registry.session() as session:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(max(1, int(limit)))
        if case_id is not None:
            query = query.where(AuditRow.case_id == case_id)
        return [
            AuditEntry(a.at, a.actor, a.action, a.case_id, json.loads(a.detail))
            for a in session.scalars(query)
        ]
