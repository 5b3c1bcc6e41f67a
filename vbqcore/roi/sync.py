"""Keep labelled ROIs in step with what the drawing canvas sends back, which carries no labels.

The canvas (Fabric.js) returns its objects in drawing order, and only ``LabeledRect`` objects keep
a label, so labels live with the ROIs kept in image space and are matched to the drawn objects
by geometry: a drawn object outlining the same region as a kept ROI *is* that ROI (its label and
exact coordinates are kept, so nothing drifts through repeated canvas round trips). Objects left
over are paired in order (a move, resize or rotation of one object changes one on each side),
and what remains is new (drawn) or gone (deleted, undone).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from vbqcore.roi.geometry import same_geometry
from vbqcore.roi.shapes import FreehandRoi, PolygonRoi, Roi

__all__ = ["SyncResult", "sync_rois", "relabel"]

logger = logging.getLogger(__name__)

#: Two outlines closer than this (image pixels) are the same ROI. A canvas round trip moves
#: coordinates by ~1e-9 px; a deliberate drag moves them by at least one screen pixel.
SAME_TOLERANCE_PX = 0.05


@dataclass(frozen=True)
class SyncResult:
    """The ROIs after a canvas update, which of them are new, and whether anything changed."""

    rois: tuple[Roi, ...]
    new: tuple[int, ...]
    changed: bool


def relabel(roi: Roi, label: str | None) -> Roi:
    """A copy of ``roi`` carrying ``label`` (``None`` or ``""`` removes it)."""
    return dataclasses.replace(roi, label=label or None)


def _adopt(drawn: Roi, kept: Roi) -> Roi:
    """``drawn``'s geometry with ``kept``'s label; a freehand ROI stays freehand as a polygon."""
    if isinstance(kept, FreehandRoi) and isinstance(drawn, PolygonRoi):
        return FreehandRoi(drawn.points, label=kept.label)
    return relabel(drawn, kept.label)


def sync_rois(
    kept: Sequence[Roi], drawn: Sequence[Roi], *, tolerance_px: float = SAME_TOLERANCE_PX
) -> SyncResult:
    """Merge the canvas's ROIs (``drawn``, image pixels, no labels) into the ``kept`` ones.

    Returns the ROIs in canvas order: a drawn ROI with the same outline as a kept one is that
    kept ROI unchanged; remaining drawn and kept ROIs are paired in order (drawn geometry, kept
    label); drawn ROIs left after that are new (no label) and listed in ``new``.
    """
    pair: dict[int, int] = {}  # drawn index -> kept index
    free = list(range(len(kept)))
    for i, roi in enumerate(drawn):
        order = ([i] if i in free else []) + [j for j in free if j != i]
        for j in order:
            if same_geometry(roi, kept[j], tolerance_px=tolerance_px):
                pair[i] = j
                free.remove(j)
                break
    unmatched = [i for i in range(len(drawn)) if i not in pair]
    moved = dict(zip(unmatched, free, strict=False))
    out: list[Roi] = []
    new: list[int] = []
    for i, roi in enumerate(drawn):
        if i in pair:
            out.append(kept[pair[i]])
        elif i in moved:
            out.append(_adopt(roi, kept[moved[i]]))
        else:
            out.append(relabel(roi, None))
            new.append(i)
    result = tuple(out)
    changed = result != tuple(kept)
    if changed:
        logger.debug("canvas sync: %d ROIs, %d new", len(result), len(new))
    return SyncResult(result, tuple(new), changed)
