"""Vertebral levels of body ROIs from anatomy: their order along the spine, one anchor, and gaps.

Labels follow the cranio-caudal order of the body ROIs on the slice, not the order they were
drawn in: the reader fixes one anchor (this ROI is L3) and every other body ROI takes the level
its position gives, counting the bodies in between. A skipped body shows as a gap in the
spacing: consecutive body ROIs on adjacent vertebrae are one vertebral period apart (body plus
disc, ~35-40 mm in the adult lumbar spine), so a centre-to-centre distance of
``GAP_FACTOR`` (1.5) times the typical spacing or more means at least one body was skipped,
and round(distance / typical) - 1 of them. The typical spacing is the smallest one (two bodies
cannot be closer than one period, while a skipped body only makes a spacing longer); it needs
three or more body ROIs: with two, no gap can be told and none is assumed. Relabelling one ROI
either moves only that ROI or, when asked, re-anchors the whole column on it. The anchor can be
proposed from the sacrum (``vbqcore.roi.sacrum``: the column's sharp backward turn onto a
narrower body below L5), for the reader to confirm: a silent wrong anchor shifts every level.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vbqcore.anatomy import CSF, Level
from vbqcore.errors import RoiError
from vbqcore.roi.geometry import roi_center
from vbqcore.roi.shapes import Roi

__all__ = [
    "GAP_FACTOR",
    "Gap",
    "LevelPlan",
    "vertical_order",
    "find_gaps",
    "levels_from_anchor",
    "relabel",
]

logger = logging.getLogger(__name__)

#: A centre-to-centre distance this many times the median spacing or more is a skipped body.
GAP_FACTOR = 1.5
_LEVELS = tuple(Level)


@dataclass(frozen=True)
class Gap:
    """Between body ROIs ``above`` and ``below`` (indices into the ROI list), ``missing`` bodies."""

    above: int
    below: int
    missing: int
    ratio: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "above": self.above,
            "below": self.below,
            "missing": self.missing,
            "ratio": self.ratio,
        }


@dataclass(frozen=True)
class LevelPlan:
    """Levels for a slice's ROIs from one anchor: ``labels`` (one per ROI; CSF kept, ``None``
    for a body that falls outside T12-L5), the gaps counted, and notes for the reader."""

    labels: tuple[str | None, ...]
    gaps: tuple[Gap, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "gaps": [g.to_dict() for g in self.gaps],
            "notes": list(self.notes),
        }


def _is_body(roi: Roi) -> bool:
    return roi.label != CSF


def vertical_order(rois: Sequence[Roi]) -> list[int]:
    """Indices of the body ROIs (all but CSF), cranial to caudal by centre row."""
    bodies = [i for i, roi in enumerate(rois) if _is_body(roi)]
    return sorted(bodies, key=lambda i: (roi_center(rois[i])[1], roi_center(rois[i])[0]))


def find_gaps(rois: Sequence[Roi]) -> tuple[Gap, ...]:
    """Skipped bodies between consecutive body ROIs, from their centre-to-centre spacing."""
    order = vertical_order(rois)
    if len(order) < 3:
        return ()
    centres = [roi_center(rois[i]) for i in order]
    steps = [math.dist(a, b) for a, b in zip(centres, centres[1:], strict=False)]
    typical = min(steps)
    if typical <= 0:
        return ()
    gaps = []
    for k, step in enumerate(steps):
        ratio = step / typical
        if ratio >= GAP_FACTOR:
            gaps.append(Gap(order[k], order[k + 1], max(int(round(ratio)) - 1, 1), ratio))
    return tuple(gaps)


def levels_from_anchor(rois: Sequence[Roi], anchor: int, level: Level | str) -> LevelPlan:
    """Levels of every body ROI when ROI ``anchor`` is ``level``; skipped bodies counted.

    Raises
    ------
    RoiError
        When ``anchor`` is not the index of a body ROI or ``level`` is not T12-L5.
    """
    if not 0 <= anchor < len(rois) or not _is_body(rois[anchor]):
        raise RoiError(
            f"ROI {anchor} cannot anchor the levels: pick a vertebral-body ROI (0 to "
            f"{len(rois) - 1}, not the CSF)."
        )
    try:
        anchor_level = Level(level)
    except ValueError as err:
        raise RoiError(f"Anchor level {level!r} is not one of T12, L1-L5.") from err
    order = vertical_order(rois)
    gaps = find_gaps(rois)
    skipped = {(g.above, g.below): g.missing for g in gaps}
    # Position of each body along the column, counting skipped bodies.
    position: dict[int, int] = {}
    step = 0
    for k, i in enumerate(order):
        if k:
            step += 1 + skipped.get((order[k - 1], i), 0)
        position[i] = step
    offset = _LEVELS.index(anchor_level) - position[anchor]
    labels: list[str | None] = [CSF if not _is_body(r) else None for r in rois]
    notes: list[str] = []
    for i in order:
        k = position[i] + offset
        if 0 <= k < len(_LEVELS):
            labels[i] = _LEVELS[k].value
        else:
            notes.append(
                f"ROI {i} falls outside T12-L5 when ROI {anchor} is {anchor_level.value}; "
                "it is left unlabelled. Check the anchor."
            )
    for g in gaps:
        notes.append(
            f"{g.missing} body(ies) skipped between ROI {g.above} and ROI {g.below} (spacing "
            f"{g.ratio:.1f} x the usual); the levels below the gap account for it. Draw the "
            "skipped body or check the spacing."
        )
    return LevelPlan(tuple(labels), gaps, tuple(notes))


def relabel(
    rois: Sequence[Roi],
    labels: Sequence[str | None],
    index: int,
    level: Level | str,
    *,
    shift_rest: bool,
) -> LevelPlan:
    """The reader sets ROI ``index`` to ``level``: only that ROI, or (``shift_rest``) the whole
    column re-anchored on it, so every other body moves with it.

    Without ``shift_rest``, another ROI that carried ``level`` loses it (set to ``None``) and a
    note says so: two bodies never share a level silently.
    """
    if shift_rest:
        return levels_from_anchor(rois, index, level)
    if len(labels) != len(rois):
        raise RoiError(f"{len(labels)} labels for {len(rois)} ROIs; give one label per ROI.")
    if not 0 <= index < len(rois) or not _is_body(rois[index]):
        raise RoiError(f"ROI {index} is not a vertebral-body ROI (0 to {len(rois) - 1}).")
    try:
        value = Level(level).value
    except ValueError as err:
        raise RoiError(f"Level {level!r} is not one of T12, L1-L5.") from err
    out = list(labels)
    notes = []
    for i, label in enumerate(out):
        if i != index and label == value:
            out[i] = None
            notes.append(f"ROI {i} was {value} too; it is now unlabelled. Label it again.")
    out[index] = value
    return LevelPlan(tuple(out), find_gaps(rois), tuple(notes))
