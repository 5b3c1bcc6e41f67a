"""Click to place: one click on the slice proposes the ROI of the chosen label at that pixel.

The click seeds the one-click engine (``vbqcore.roi.suggest.suggest_rois``, without following
the column) exactly as ``python -m vbqcore suggest IMAGE --seed LABEL=ROW,COL`` does, so the
same click gives the same ROI in the app and on the command line. The proposal is an ordinary
ROI of the case (the reader moves, resizes or deletes it like a drawn one); the reader's own
ROIs are never replaced: a label that already has an ROI is refused with a sentence saying so.
"""

from __future__ import annotations

import logging
import math

from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.model import Case, CaseUpdate, set_rois
from vbqcore.errors import RoiError
from vbqcore.roi.suggest import Seed, suggest_rois

__all__ = ["NEXT", "NEXT_ORDER", "click_label", "place_at_click"]

logger = logging.getLogger(__name__)

#: The click label that means "the first label of ``NEXT_ORDER`` this sequence lacks".
NEXT = "next"
#: The order "next" fills: the four measured bodies, then the CSF at L3.
NEXT_ORDER: tuple[str, ...] = (
    Level.L1.value,
    Level.L2.value,
    Level.L3.value,
    Level.L4.value,
    CSF,
)


def click_label(case: Case, sequence: Sequence | str, choice: str) -> str:
    """The label a click with ``choice`` (a label, or ``NEXT``) places on ``sequence``.

    Raises
    ------
    RoiError
        ``NEXT`` when L1-L4 and the CSF all have ROIs already.
    """
    if choice != NEXT:
        return choice
    have = {r.label for r in case[sequence].rois}
    for label in NEXT_ORDER:
        if label not in have:
            return label
    raise RoiError(
        f"{case[sequence].sequence.value}: L1-L4 and the CSF all have ROIs; pick a label for "
        "the click (e.g. T12 or L5), or delete an ROI in the table to place it again."
    )


def place_at_click(
    case: Case, sequence: Sequence | str, choice: str, x: float, y: float
) -> CaseUpdate:
    """Add the engine's ROI for a click at image point (``x``, ``y``) (pixel (row ``floor(y)``,
    col ``floor(x)``)) with label ``choice`` (or ``NEXT``).

    Raises
    ------
    RoiError
        No slice, a label that already has an ROI, a click outside the image, or no body / CSF
        found around the click (the engine's message says which).
    """
    state = case[sequence]
    name = state.sequence.value
    if state.slice is None:
        raise RoiError(f"{name}: load a series before placing ROIs.")
    label = click_label(case, sequence, choice)
    if any(r.label == label for r in state.rois):
        raise RoiError(
            f"{name} already has an {label} ROI: delete it in the table first, or pick another "
            "label for the click."
        )
    if not (math.isfinite(x) and math.isfinite(y)):
        raise RoiError(f"{name}: the click position ({x}, {y}) is not a number.")
    seed = Seed(label, int(math.floor(y)), int(math.floor(x)))
    (suggestion,) = suggest_rois(state.slice, [seed])
    notes = [
        f"{name} {label}: placed at row {seed.row}, col {seed.col} (confidence "
        f"{suggestion.confidence:.2f}); check it and move or delete it if needed.",
        *suggestion.warnings,
    ]
    logger.debug("click placed %s at %s", label, seed)
    return CaseUpdate(set_rois(case, sequence, (*state.rois, suggestion.roi)), tuple(notes))
