"""Suggest vertebral-level and CSF labels for ROIs from where they sit on a sagittal slice.

Rules (image pixels; x = column, y = row pointing caudally; ``posterior`` is the side of the
spinal canal, +x in the usual sagittal display where the patient faces left, as DICOM sagittal
images with ImageOrientationPatient 0\\1\\0\\0\\0\\-1 are shown):

* **CSF.** The CSF ROI sits in the thecal sac, behind the vertebral bodies, and the sac is much
  narrower (antero-posteriorly) than a body. An unlabelled ROI is a CSF candidate when it is
  *narrow* -- at most ``NARROW_RATIO`` (0.6) times the median width of the body ROIs -- and
  *behind* the bodies -- its centre lies posterior to the posterior edge of every body ROI.
  With no body ROI to compare with, an ROI at least ``TALL_RATIO`` (2) times as tall as it is
  wide counts as the CSF strip. One CSF per sequence: the most elongated candidate wins.
* **Levels.** The other ROIs are bodies, ordered cranio-caudally by centre. Each unlabelled body
  gets the first free level going down from the body above it; the top-most one, with no
  labelled body above, gets L1 (or the levels just above the first labelled body below it, e.g.
  T12 above a labelled L1), T12 when six bodies are drawn. A level is free when no other ROI of
  the sequence carries it. A body skipped between two body ROIs (their spacing 1.5 x the usual
  or more, ``vbqcore.roi.levels.find_gaps``) skips its level too: L1, L2 then a body two
  periods lower is L4.

These are suggestions for the user to check in the label table, never silent corrections.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Collection, Sequence

from vbqcore.anatomy import CSF, ROI_LABELS, Level
from vbqcore.errors import RoiError
from vbqcore.roi.geometry import roi_bounds
from vbqcore.roi.levels import find_gaps
from vbqcore.roi.shapes import Roi

__all__ = ["NARROW_RATIO", "TALL_RATIO", "suggest_labels", "csf_candidates"]

logger = logging.getLogger(__name__)

#: Narrow: the thecal sac's AP diameter at L3 (~15 mm) is about half a lumbar body's AP depth
#: (~33 mm), and ROIs are drawn inside both, so 0.6 x the median body-ROI width separates them.
NARROW_RATIO = 0.6
#: Tall: a CSF strip drawn along the canal; used only when there is no body ROI to compare with.
TALL_RATIO = 2.0

_LEVELS = tuple(Level)  # T12 ... L5, cranial to caudal
_L1 = Level.L1.order


def _geometry(roi: Roi) -> tuple[float, float, float, float, float]:
    """(centre x, centre y, width, height, posterior-edge x) of the ROI's bounding box."""
    x0, y0, x1, y1 = roi_bounds(roi)
    return (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, x1


def _level_of(label: str | None) -> Level | None:
    return Level(label) if label is not None and label in Level.__members__ else None


def csf_candidates(rois: Sequence[Roi], *, posterior: int = 1) -> list[int]:
    """Indices of unlabelled ROIs that look like the CSF ROI (narrow, behind the bodies).

    ``posterior`` is +1 when the canal is at larger x (patient facing left), -1 otherwise.
    """
    if posterior not in (1, -1):
        raise RoiError(f"posterior must be +1 or -1, got {posterior!r}.")
    geo = [_geometry(r) for r in rois]
    labelled_bodies = [i for i, r in enumerate(rois) if _level_of(r.label) is not None]
    out = []
    for i, roi in enumerate(rois):
        if roi.label:
            continue
        cx, _, w, h, _ = geo[i]
        ref = labelled_bodies or [j for j, r in enumerate(rois) if j != i and r.label != CSF]
        if not ref:
            if h >= TALL_RATIO * w:
                out.append(i)
            continue
        median_w = statistics.median(geo[j][2] for j in ref)
        if posterior == 1:
            behind = cx > max(geo[j][4] for j in ref)
        else:
            behind = cx < min(geo[j][0] - geo[j][2] / 2 for j in ref)
        if w <= NARROW_RATIO * median_w and behind:
            out.append(i)
    return out


def suggest_labels(
    rois: Sequence[Roi], *, only: Collection[int] | None = None, posterior: int = 1
) -> tuple[str | None, ...]:
    """Labels for every ROI: its own label if it has one, else a suggestion (or ``None``).

    Parameters
    ----------
    rois : sequence of Roi
        The ROIs of one sequence's slice, in image pixels; ``roi.label`` is kept when set.
    only : collection of int, optional
        Suggest only for these indices (e.g. the ROIs just drawn); others keep their label.
    posterior : {1, -1}
        +1 when the spinal canal lies at larger x than the bodies (the usual display).

    Returns
    -------
    tuple of str or None
        One entry per ROI, each one of ``ROI_LABELS`` or ``None`` when nothing fits (every
        level taken, or a second CSF-like ROI).
    """
    labels: list[str | None] = [r.label if r.label in ROI_LABELS else None for r in rois]
    wanted = set(range(len(rois))) if only is None else {i for i in only if 0 <= i < len(rois)}
    open_ = [i for i in range(len(rois)) if labels[i] is None and i in wanted]
    if not open_:
        return tuple(labels)
    # Judge CSF-ness against the ROIs as they are now (unlabelled ones included as bodies).
    candidates = [i for i in csf_candidates(rois, posterior=posterior) if i in wanted]
    if candidates and CSF not in labels:
        geo = {i: _geometry(rois[i]) for i in candidates}
        best = max(candidates, key=lambda i: geo[i][3] / max(geo[i][2], 1e-9))
        labels[best] = CSF
    skip = set(candidates)  # a CSF-like ROI is never suggested as a body
    bodies = [
        i
        for i in range(len(rois))
        if _level_of(labels[i]) is not None or (labels[i] is None and i in wanted and i not in skip)
    ]
    bodies.sort(key=lambda i: _geometry(rois[i])[1])
    taken = {lv.order for lv in (_level_of(lab) for lab in labels) if lv is not None}
    unlabelled_run = sum(1 for i in bodies if labels[i] is None)
    # A skipped body (a spacing 1.5 x the usual; vbqcore.roi.levels) skips its level too.
    skipped = {
        (bodies[g.above], bodies[g.below]): g.missing for g in find_gaps([rois[i] for i in bodies])
    }
    previous: int | None = None
    above: int | None = None
    for pos, i in enumerate(bodies):
        own = _level_of(labels[i])
        if own is not None:
            previous, above = own.order, i
            continue
        if previous is not None:
            start = previous + 1 + (skipped.get((above, i), 0) if above is not None else 0)
        else:
            start = _start_without_anchor_above(bodies[pos:], labels, unlabelled_run)
        level = _first_free(start, taken)
        if level is None:
            continue
        labels[i] = _LEVELS[level].value
        taken.add(level)
        previous, above = level, i
    return tuple(labels)


def _start_without_anchor_above(
    below: list[int], labels: list[str | None], unlabelled_run: int
) -> int:
    """First level to try for the top-most unlabelled body(ies) when no labelled body is above.

    With a labelled body further down (level k, reached after m unlabelled bodies), the levels
    k - m ... k - 1 fit; otherwise L1, or T12 when six bodies are to be labelled.
    """
    for m, i in enumerate(below):
        anchor = _level_of(labels[i])
        if anchor is not None:
            start = anchor.order - m
            return start if start >= 0 else _L1
    return 0 if unlabelled_run >= len(_LEVELS) else _L1


def _first_free(start: int, taken: set[int]) -> int | None:
    """The first level at or below ``start`` (going caudally) that no ROI carries, or None."""
    for order in range(max(start, 0), len(_LEVELS)):
        if order not in taken:
            return order
    return None
