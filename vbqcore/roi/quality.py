"""Quality flags for one ROI: is its signal fit for a VBQ score, and does it sit where it should?

Each flag says what was seen and what to do, in a plain sentence, for the ROI, the ROI table and
the report. The signal checks work on the ROI's pixels alone:

* **heterogeneous** -- coefficient of variation (sample SD / mean) above ``MAX_CV``;
* **mean_median** -- mean and median differ by more than ``MAX_MEAN_MEDIAN`` of the median
  (a skewed ROI: a vessel, a haemangioma or a dark endplate inside pulls the mean);
* **bimodal** -- Sarle's bimodality coefficient ``b = (g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3)))``
  (g: sample skewness, k: sample excess kurtosis, both bias-corrected) above 5/9, the value of a
  uniform distribution (SAS/STAT User's Guide, PROC CLUSTER; Pfister et al., Front Psychol
  2013;4:700), together with a real spread (CV above ``BIMODAL_MIN_CV``) so pure noise is
  not flagged;
* **intensity_step** -- the ROI's pixels ordered along its height (the spine axis) split in two
  at the best place differ in mean by more than ``MAX_STEP`` of the ROI mean: it crosses a disc
  or an endplate;
* **small_csf** -- a CSF ROI of fewer than ``MIN_CSF_PIXELS`` pixels;
* **csf_cord** -- more than ``MAX_CSF_OUTLIERS`` of a CSF ROI's pixels lie over 30 % from its
  median: cord, conus or roots inside.

The position checks grow the body under a body ROI with the one-click engine
(``vbqcore.roi.bodies``; the convex hull of the grown marrow, which stops at the cortex):
**off_body** when no body is found there or under 90 % of the ROI lies in it (e.g. an ROI copied
from T1 onto a T2 or STIR slice that moved), **edge** when some (up to 10 %) of the ROI's pixels
lie outside the grown marrow: it reaches the cortex or an endplate.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats
from skimage import morphology

from vbqcore.anatomy import CSF
from vbqcore.errors import RoiError
from vbqcore.imaging.slices import Slice
from vbqcore.roi.bodies import find_body_at_click
from vbqcore.roi.geometry import roi_center
from vbqcore.roi.regions import normalise
from vbqcore.roi.shapes import EllipseRoi, RectRoi, Roi, roi_mask

__all__ = [
    "QualityFlag",
    "RoiFlag",
    "bimodality_coefficient",
    "intensity_step",
    "signal_flags",
    "position_flags",
    "roi_quality",
]

logger = logging.getLogger(__name__)

MAX_CV = 0.25
MAX_MEAN_MEDIAN = 0.05
BIMODAL_THRESHOLD = 5.0 / 9.0
BIMODAL_MIN_CV = 0.1
MAX_STEP = 0.3
MIN_CSF_PIXELS = 20
MAX_CSF_OUTLIERS = 0.1
#: Each side of an intensity step holds at least this share of the ROI's pixels.
_STEP_MIN_SHARE = 0.2


class QualityFlag(StrEnum):
    """What can be wrong with an ROI."""

    HETEROGENEOUS = "heterogeneous"
    MEAN_MEDIAN = "mean_median"
    BIMODAL = "bimodal"
    INTENSITY_STEP = "intensity_step"
    SMALL_CSF = "small_csf"
    CSF_CORD = "csf_cord"
    OFF_BODY = "off_body"
    EDGE = "edge"


@dataclass(frozen=True)
class RoiFlag:
    """One flag on one ROI: the measured ``value`` behind it and a sentence of what to do."""

    flag: QualityFlag
    label: str | None
    value: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "flag": self.flag.value,
            "label": self.label,
            "value": self.value,
            "message": self.message,
        }


def bimodality_coefficient(values: npt.ArrayLike) -> float:
    """Sarle's bimodality coefficient of a sample (NaN for fewer than 4 values or no spread).

    ``(g^2 + 1) / (k + 3 (n-1)^2 / ((n-2)(n-3)))`` with the bias-corrected sample skewness g
    and excess kurtosis k (``scipy.stats.skew/kurtosis(bias=False)``). 5/9 for a uniform
    distribution; above it suggests two modes.
    """
    x = np.asarray(values, dtype=float).ravel()
    n = len(x)
    if n < 4 or not np.ptp(x) > 0:
        return float("nan")
    g = float(stats.skew(x, bias=False))
    k = float(stats.kurtosis(x, bias=False))
    return (g * g + 1.0) / (k + 3.0 * (n - 1) ** 2 / ((n - 2) * (n - 3)))


def _height_axis(roi: Roi) -> tuple[float, float]:
    """Unit vector ``(x, y)`` along the ROI's height (its own frame for rect/ellipse)."""
    if isinstance(roi, RectRoi | EllipseRoi):
        t = math.radians(roi.angle)
        return -math.sin(t), math.cos(t)
    return 0.0, 1.0


def intensity_step(pixels: npt.NDArray[np.float64], roi: Roi) -> float:
    """Largest change of mean SI between the two parts of the ROI split across its height.

    The ROI's pixels are ordered by their position along the height axis; for each split between
    two positions that leaves at least a fifth of them on each side, take
    ``|mean(before) - mean(after)|``; the largest, divided by the ROI's mean. NaN for fewer than
    10 pixels or a non-positive mean.
    """
    mask = roi_mask(roi, pixels.shape)
    rr, cc = np.nonzero(mask)
    if len(rr) < 10:
        return float("nan")
    values = pixels[rr, cc].astype(float)
    mean = float(values.mean())
    if not mean > 0:
        return float("nan")
    ax, ay = _height_axis(roi)
    position = (cc + 0.5) * ax + (rr + 0.5) * ay
    order = np.argsort(position, kind="stable")
    v = values[order]
    p = position[order]
    n = len(v)
    csum = np.cumsum(v)
    k = np.arange(1, n)
    before = csum[:-1] / k
    after = (csum[-1] - csum[:-1]) / (n - k)
    # Split only between pixels at different positions along the axis, never within a row.
    between = p[1:] - p[:-1] > 1e-6
    keep = between & (k >= _STEP_MIN_SHARE * n) & (n - k >= _STEP_MIN_SHARE * n)
    if not keep.any():
        return float("nan")
    return float(np.max(np.abs(before - after)[keep]) / mean)


def signal_flags(image: Slice, roi: Roi) -> tuple[RoiFlag, ...]:
    """Flags from the ROI's pixel values alone (see the module docstring)."""
    mask = roi_mask(roi, image.shape)
    values = image.pixels[mask].astype(float)
    label = roi.label
    name = label or "ROI"
    out: list[RoiFlag] = []
    n = len(values)
    if label == CSF and n < MIN_CSF_PIXELS:
        out.append(
            RoiFlag(
                QualityFlag.SMALL_CSF,
                label,
                float(n),
                f"CSF: only {n} pixels (fewer than {MIN_CSF_PIXELS}); zoom in and draw a "
                "longer strip in the sac, or use L2 or L4 where the sac is wider.",
            )
        )
    if n < 2:
        return tuple(out)
    mean = float(values.mean())
    median = float(np.median(values))
    cv = float(values.std(ddof=1) / mean) if mean > 0 else float("nan")
    if cv > MAX_CV:
        out.append(
            RoiFlag(
                QualityFlag.HETEROGENEOUS,
                label,
                cv,
                f"{name}: heterogeneous signal (CV {cv:.2f} > {MAX_CV}); move the ROI off "
                "vessels, haemangiomas, sclerosis or the endplates.",
            )
        )
    if median > 0 and abs(mean - median) / median > MAX_MEAN_MEDIAN:
        gap = abs(mean - median) / median
        out.append(
            RoiFlag(
                QualityFlag.MEAN_MEDIAN,
                label,
                gap,
                f"{name}: mean and median differ by {100 * gap:.0f} %; something bright or "
                "dark inside pulls the mean. Check the ROI's content.",
            )
        )
    bc = bimodality_coefficient(values)
    if bc > BIMODAL_THRESHOLD and cv > BIMODAL_MIN_CV:
        out.append(
            RoiFlag(
                QualityFlag.BIMODAL,
                label,
                bc,
                f"{name}: two populations of signal (bimodality coefficient {bc:.2f} > 0.56); "
                "the ROI covers two tissues. Shrink it to one.",
            )
        )
    step = intensity_step(image.pixels, roi)
    if step > MAX_STEP:
        out.append(
            RoiFlag(
                QualityFlag.INTENSITY_STEP,
                label,
                step,
                f"{name}: the signal jumps by {100 * step:.0f} % across the ROI; it probably "
                "crosses a disc or an endplate. Keep it inside one body.",
            )
        )
    if label == CSF and n >= MIN_CSF_PIXELS and median > 0:
        outliers = float(np.mean(np.abs(values - median) > 0.3 * median))
        if outliers > MAX_CSF_OUTLIERS:
            out.append(
                RoiFlag(
                    QualityFlag.CSF_CORD,
                    label,
                    outliers,
                    f"CSF: {100 * outliers:.0f} % of the pixels differ from the CSF signal by "
                    "over 30 %; the ROI includes cord, conus or roots. Narrow it to pure CSF.",
                )
            )
    return tuple(out)


def position_flags(image: Slice, roi: Roi, *, posterior: int = 1) -> tuple[RoiFlag, ...]:
    """Whether a body ROI sits on a body and clear of its edge (grows the body under it)."""
    if roi.label == CSF:
        return ()
    name = roi.label or "ROI"
    cx, cy = roi_center(roi)
    row, col = int(math.floor(cy)), int(math.floor(cx))
    if not (0 <= row < image.shape[0] and 0 <= col < image.shape[1]):
        return ()
    g = normalise(image.pixels)
    try:
        fit = find_body_at_click(
            g, (row, col), spacing_mm=image.pixel_spacing_mm, posterior=posterior
        )
    except RoiError:
        return (
            RoiFlag(
                QualityFlag.OFF_BODY,
                roi.label,
                0.0,
                f"{name}: no vertebral body found under the ROI; if it was copied from "
                "another sequence, the slices moved. Move it onto the body.",
            ),
        )
    body = np.zeros(image.shape, dtype=bool)
    hull = fit.hull if fit.hull is not None else morphology.convex_hull_image(fit.region.mask)
    body[fit.region.rows, fit.region.cols] = hull
    pixels = roi_mask(roi, image.shape)
    if not pixels.any():
        return ()
    inside = float(body[pixels].mean())
    if inside < 0.9:
        return (
            RoiFlag(
                QualityFlag.OFF_BODY,
                roi.label,
                inside,
                f"{name}: only {100 * inside:.0f} % of the ROI lies on the body; if it was "
                "copied from another sequence, the slices moved. Move it onto the body.",
            ),
        )
    outside = int((pixels & ~body).sum())
    if outside > 0:
        return (
            RoiFlag(
                QualityFlag.EDGE,
                roi.label,
                float(outside),
                f"{name}: {outside} pixel(s) of the ROI reach the edge of the body (cortex, "
                "endplate or beyond); shrink it into the marrow.",
            ),
        )
    return ()


def roi_quality(
    image: Slice, roi: Roi, *, check_position: bool = True, posterior: int = 1
) -> tuple[RoiFlag, ...]:
    """All flags for one ROI: its signal, and (for body ROIs) its position on the body."""
    flags = signal_flags(image, roi)
    if check_position:
        flags += position_flags(image, roi, posterior=posterior)
    return flags
