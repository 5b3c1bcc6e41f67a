"""One click on a case: from one labelled body ROI, propose the other L1-L4 ROIs and the CSF.

The reader draws (or places) one ROI in a body and labels it, say L3; ``propose_from_anchor``
seeds the one-click engine (``vbqcore.roi.suggest``, ``follow=True``) at that ROI's centre and
adds the ROIs it proposes for the labels the sequence does not have yet. The reader's own ROIs
are never replaced or moved. Each added ROI and anything that could not be proposed is reported
in a plain sentence, with the engine's warnings, for the reader to check.
"""

from __future__ import annotations

import logging
import math

from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.model import Case, CaseUpdate, set_rois
from vbqcore.errors import RoiError
from vbqcore.roi.geometry import roi_center
from vbqcore.roi.shapes import Roi
from vbqcore.roi.suggest import Seed, suggest_rois

__all__ = ["anchor_roi", "propose_from_anchor"]

logger = logging.getLogger(__name__)

_PREFERENCE = (Level.L3, Level.L2, Level.L4, Level.L1, Level.L5, Level.T12)


def anchor_roi(rois: tuple[Roi, ...]) -> Roi | None:
    """The labelled body ROI to start from: L3 if drawn, else the nearest level to it."""
    by_label = {r.label: r for r in rois if r.label and r.label != CSF}
    for level in _PREFERENCE:
        if level.value in by_label:
            return by_label[level.value]
    return None


def propose_from_anchor(case: Case, sequence: Sequence | str) -> CaseUpdate:
    """Add the proposed L1-L4 and CSF ROIs the sequence lacks, starting from its anchor ROI.

    Raises
    ------
    RoiError
        When the sequence has no slice or no labelled body ROI, or the engine finds no body
        under the anchor ROI.
    """
    state = case[sequence]
    if state.slice is None:
        raise RoiError(f"{state.sequence.value}: load a series before proposing ROIs.")
    anchor = anchor_roi(state.rois)
    if anchor is None or anchor.label is None:
        raise RoiError(
            f"{state.sequence.value}: draw one ROI inside a vertebral body and label it (e.g. "
            "L3) first; the other levels and the CSF are proposed from it."
        )
    x, y = roi_center(anchor)
    seed = Seed(anchor.label, int(math.floor(y)), int(math.floor(x)))
    suggestions = suggest_rois(state.slice, [seed], follow=True)
    have = {r.label for r in state.rois if r.label}
    added: list[Roi] = []
    notes: list[str] = []
    for s in suggestions:
        label = s.roi.label
        if label in have:
            notes.extend(w for w in s.warnings if "not proposed" in w)
            continue
        added.append(s.roi)
        notes.append(
            f"{state.sequence.value} {label}: proposed (confidence {s.confidence:.2f}); check "
            "it and move or delete it if needed."
        )
        notes.extend(s.warnings)
    if not added:
        notes.append(f"{state.sequence.value}: nothing to add; L1-L4 and the CSF are all drawn.")
    return CaseUpdate(set_rois(case, sequence, (*state.rois, *added)), tuple(notes))
