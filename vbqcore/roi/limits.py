"""How many ROIs one image may hold, and how many vertices one ROI: the bounds that keep the work
per page rerun small.

A case needs seven ROIs per sequence (T12, L1-L5, CSF); a user redrawing may leave a few extra.
A restored case file or a canvas with thousands of objects would make every rerun measure them
all (50 000 ROIs took 63 s per rerun), so more than this is refused with a message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vbqcore.errors import RoiError

__all__ = ["MAX_ROIS_PER_IMAGE", "MAX_POINTS_PER_ROI", "check_roi_items"]

#: ROIs accepted on one sequence's image (from a case file, the canvas or ``measure``).
MAX_ROIS_PER_IMAGE = 50
#: Vertices of one polygon/freehand ROI (a freehand outline of a vertebral body is a few hundred).
MAX_POINTS_PER_ROI = 10_000


def check_roi_items(items: Sequence[Any], where: str) -> None:
    """Refuse more than ``MAX_ROIS_PER_IMAGE`` items, or an item with more than
    ``MAX_POINTS_PER_ROI`` points (``points`` of an ROI dict, ``path`` of a canvas object),
    before any of them is measured.

    Raises
    ------
    RoiError
        Naming ``where``, the count found and the limit.
    """
    if len(items) > MAX_ROIS_PER_IMAGE:
        raise RoiError(
            f"{where}: {len(items)} ROIs; at most {MAX_ROIS_PER_IMAGE} are measured on one image "
            "(T12, L1-L5 and CSF need seven). Delete the extra ones."
        )
    for i, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            continue
        for key in ("points", "path"):
            points = item.get(key)
            if isinstance(points, Sequence) and len(points) > MAX_POINTS_PER_ROI:
                raise RoiError(
                    f"{where}: ROI #{i} has {len(points)} points; at most {MAX_POINTS_PER_ROI} "
                    "are accepted. Draw it again with fewer."
                )
