"""Which display windows a slice offers, and the window that shows its measured ROIs best.

Window = (centre, width) in the slice's SI units, as DICOM's WindowCenter/WindowWidth; the
two-handle slider of the viewer works with the equivalent (low, high) = (centre - width / 2,
centre + width / 2). MR SIs have no physical unit, so there is no CT-style bone window: the
presets are the scanner's own window (only when the DICOM header has one; else the 0.5th-99.5th
percentiles), the full range, a narrow high-contrast window, and, once L1-L4 ROIs exist, a
window fitted to them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from vbqcore.anatomy import CSF
from vbqcore.imaging.slices import Slice
from vbqcore.imaging.windowing import display_window, full_range_window, robust_window
from vbqcore.roi.shapes import Roi, roi_mask

__all__ = [
    "AUTO_DICOM",
    "AUTO_PERCENTILES",
    "FULL_RANGE",
    "HIGH_CONTRAST",
    "FROM_ROIS",
    "CUSTOM",
    "available_presets",
    "preset_window",
    "window_from_rois",
    "to_bounds",
    "from_bounds",
]

logger = logging.getLogger(__name__)

AUTO_DICOM = "Auto (DICOM)"
#: Without a header window: the 0.5th-99.5th percentiles (``windowing.robust_window``).
AUTO_PERCENTILES = "Auto (0.5–99.5 %)"
FULL_RANGE = "Full range"
HIGH_CONTRAST = "High contrast"
FROM_ROIS = "Auto from L1–L4 ROIs"
CUSTOM = "Custom"
_BODIES = ("L1", "L2", "L3", "L4")


def available_presets(slice_: Slice, rois: Sequence[Roi] = ()) -> tuple[str, ...]:
    """The presets this slice offers: the DICOM window only if its header has one (else the
    percentile window), the ROI window only once an L1-L4 ROI exists."""
    presets: list[str] = []
    if slice_.window is not None and slice_.window[1] > 0:
        presets.append(AUTO_DICOM)
    else:
        presets.append(AUTO_PERCENTILES)
    presets += [FULL_RANGE, HIGH_CONTRAST]
    if any(r.label in _BODIES for r in rois):
        presets.append(FROM_ROIS)
    presets.append(CUSTOM)
    return tuple(presets)


def preset_window(
    slice_: Slice,
    preset: str,
    *,
    custom: tuple[float, float] | None = None,
    rois: Sequence[Roi] = (),
) -> tuple[float, float]:
    """(centre, width) of a preset: min-max (``FULL_RANGE``), the 5th-95th percentiles
    (``HIGH_CONTRAST``), fitted to the L1-L4 ROIs (``FROM_ROIS``, when there are any), ``custom``
    (centre, width) when its width is positive; anything else, and a preset that cannot be made,
    is the automatic window (:func:`vbqcore.imaging.windowing.display_window`)."""
    if preset == FULL_RANGE:
        return full_range_window(slice_)
    if preset == HIGH_CONTRAST:
        return robust_window(slice_.pixels, percentiles=(5.0, 95.0))
    if preset == FROM_ROIS:
        fitted = window_from_rois(slice_, rois)
        if fitted is not None:
            return fitted
    if preset == CUSTOM and custom is not None and custom[1] > 0:
        return float(custom[0]), float(custom[1])
    return display_window(slice_)


def window_from_rois(slice_: Slice, rois: Sequence[Roi]) -> tuple[float, float] | None:
    """(centre, width) from the 1st to the 99th percentile of the pixels inside the L1-L4 ROIs
    (and the CSF ROI when there is one), widened by half that span on each side so the bodies'
    edges, the discs and the CSF stay visible. ``None`` without an L1-L4 ROI."""
    chosen = [r for r in rois if r.label in _BODIES or r.label == CSF]
    if not any(r.label in _BODIES for r in chosen):
        return None
    mask = np.zeros(slice_.shape, dtype=bool)
    for roi in chosen:
        mask |= roi_mask(roi, slice_.shape)
    if not mask.any():
        return None
    low, high = (float(v) for v in np.percentile(slice_.pixels[mask], [1.0, 99.0]))
    span = max(high - low, 1.0)
    low, high = low - span / 2, high + span / 2
    return (low + high) / 2, high - low


def to_bounds(window: tuple[float, float]) -> tuple[float, float]:
    """(low, high) SI of a (centre, width) window."""
    centre, width = window
    return centre - width / 2, centre + width / 2


def from_bounds(low: float, high: float) -> tuple[float, float]:
    """(centre, width) of the (low, high) SI range; width at least 1e-6."""
    if high < low:
        low, high = high, low
    return (low + high) / 2, max(high - low, 1e-6)
