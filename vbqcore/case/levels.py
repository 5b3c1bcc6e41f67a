"""Levels of a case's body ROIs by anatomy: one anchor fixes them all, relabelling one ROI can
shift the rest, and skipped bodies are counted (``vbqcore.roi.levels``), as case updates.

Every change comes back as a ``CaseUpdate`` whose warnings say what else moved or what looks
wrong (a gap in the spacing, a body pushed outside T12-L5), so the page can show it: nothing
is relabelled silently.
"""

from __future__ import annotations

import logging
import re

from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.model import Case, CaseUpdate, set_label
from vbqcore.errors import RoiError
from vbqcore.roi.levels import LevelPlan, find_gaps, levels_from_anchor

__all__ = ["apply_plan", "anchor_levels", "set_level", "gap_notes"]

logger = logging.getLogger(__name__)


def _level(label: object) -> Level | None:
    if label is None:
        return None
    text = str(label).strip().upper()
    return Level(text) if text in Level.__members__ else None


def apply_plan(case: Case, sequence: Sequence | str, plan: LevelPlan) -> Case:
    """Give every ROI of the sequence its label from ``plan`` (one label per ROI)."""
    rois = case[sequence].rois
    if len(plan.labels) != len(rois):
        raise RoiError(f"{len(plan.labels)} labels for {len(rois)} ROIs; give one per ROI.")
    for i, label in enumerate(plan.labels):
        if rois[i].label != label:
            case = set_label(case, sequence, i, label)
    return case


def _moved(before: Case, after: Case, sequence: Sequence | str, keep: int) -> list[str]:
    out = []
    for i, (old, new) in enumerate(zip(before[sequence].rois, after[sequence].rois, strict=True)):
        if i != keep and old.label != new.label:
            out.append(f"ROI #{i + 1} {old.label or '?'} -> {new.label or '?'}")
    return out


def anchor_levels(
    case: Case, sequence: Sequence | str, index: int, level: Level | str
) -> CaseUpdate:
    """ROI ``index`` (0-based) is ``level``; every other body ROI takes the level its place in
    the column gives (``vbqcore.roi.levels.levels_from_anchor``). The CSF ROI keeps its label.

    Raises
    ------
    RoiError
        When ``index`` is not a vertebral-body ROI of the sequence or ``level`` not T12-L5.
    """
    rois = case[sequence].rois
    if not 0 <= index < len(rois):
        raise RoiError(f"{Sequence(sequence).value}: there is no ROI #{index + 1}.")
    if rois[index].label == CSF:
        raise RoiError(
            f"{Sequence(sequence).value} ROI #{index + 1} is the CSF ROI; anchor the levels "
            "on a vertebral-body ROI."
        )
    plan = levels_from_anchor(rois, index, level)
    updated = apply_plan(case, sequence, plan)
    warnings = list(plan.notes)
    moved = _moved(case, updated, sequence, index)
    if moved:
        warnings.insert(0, "Levels follow the anchor: " + "; ".join(moved) + ".")
    return CaseUpdate(updated, tuple(_numbered(warnings)))


def set_level(
    case: Case, sequence: Sequence | str, index: int, label: object, *, shift_rest: bool
) -> CaseUpdate:
    """The reader sets ROI ``index``'s label (T12-L5, CSF or none).

    With ``shift_rest`` and a vertebral level, the whole column is re-anchored on that ROI
    (the other bodies move with it); otherwise only that ROI changes, and another body that
    carried the same level loses it, with a warning, so two bodies never share a level.
    """
    level = _level(label)
    if level is None or not shift_rest:
        updated = set_label(case, sequence, index, label)  # type: ignore[arg-type]
        warnings = []
        if level is not None:
            for i, roi in enumerate(updated[sequence].rois):
                if i != index and roi.label == level.value:
                    updated = set_label(updated, sequence, i, None)
                    warnings.append(
                        f"ROI #{i + 1} was {level.value} too; it is now unlabelled. Label it "
                        "again, or tick 'shift the other levels' to move the whole column."
                    )
        return CaseUpdate(updated, tuple(warnings))
    labelled = set_label(case, sequence, index, level.value)
    return anchor_levels(labelled, sequence, index, level)


def gap_notes(case: Case, sequence: Sequence | str) -> tuple[str, ...]:
    """A sentence per skipped body between the sequence's body ROIs (from their spacing)."""
    rois = case[sequence].rois
    out = []
    for gap in find_gaps(rois):
        above = rois[gap.above].label or f"ROI #{gap.above + 1}"
        below = rois[gap.below].label or f"ROI #{gap.below + 1}"
        out.append(
            f"{Sequence(sequence).value}: {above} and {below} are {gap.ratio:.1f} x the usual "
            f"spacing apart: {gap.missing} body(ies) skipped between them. Check their levels "
            "(anchor them again) or draw the skipped body."
        )
    return tuple(out)


def _numbered(notes: list[str]) -> list[str]:
    """``ROI 3`` (0-based, as ``vbqcore.roi.levels`` writes) read as the table's ``ROI #4``."""
    return [re.sub(r"\bROI (\d+)\b", lambda m: f"ROI #{int(m.group(1)) + 1}", n) for n in notes]
