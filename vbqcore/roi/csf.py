"""Find the thecal sac around a clicked pixel and place a narrow CSF ROI inside it.

The sac is grown from the seed like a body (``vbqcore.roi.regions.grow_region``) but as an open
tube: CSF continues above and below the level. The ROI is a strip along the sac's centre line,
``CSF_HALF_HEIGHT_MM`` above and below the seed (about the height of a lumbar body, "CSF at L3",
Huang et al., Global Spine J 2026;16(1):162-170), as wide as fits inside the CSF after a margin
that keeps it off the dura and the canal walls; dark strands inside the sac (cord, conus, cauda
equina roots on T2) are outside the grown CSF and so outside the strip.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from vbqcore.errors import RoiError
from vbqcore.roi.bodies import inscribed_rect
from vbqcore.roi.regions import GrownRegion, grow_region
from vbqcore.roi.shapes import RectRoi, roi_mask

__all__ = ["CSF_HALF_HEIGHT_MM", "CsfFit", "find_csf"]

logger = logging.getLogger(__name__)

#: Half the height of the CSF strip (mm): about half a lumbar body's height.
CSF_HALF_HEIGHT_MM = 12.0
#: The same without a pixel spacing, as a fraction of the larger image side.
CSF_HALF_HEIGHT_FRACTION = 0.03
#: Widest plausible thecal sac (mm, antero-posterior); its window's half-width.
SAC_MAX_MM = 30.0
#: The same without a pixel spacing, as a fraction of the larger image side.
SAC_MAX_FRACTION = 0.08
#: Margin kept between the CSF strip and each side of the sac, as a share of the sac's width.
WALL_MARGIN = 0.15
#: Fewer CSF pixels than this make a noisy reference (the issue's "too small" threshold).
MIN_CSF_PIXELS = 20


@dataclass(frozen=True, eq=False)
class CsfFit:
    """The CSF found around a seed: the grown sac segment, the strip ROI and its fit.

    ``width`` is the sac's mean width (px) across the strip's rows; ``inside`` the share of the
    ROI's pixels inside the grown CSF.
    """

    region: GrownRegion
    roi: RectRoi
    width: float
    inside: float


def _half_extents(
    shape: tuple[int, int], spacing_mm: tuple[float, float] | None
) -> tuple[int, int]:
    """(half-height of the strip, half-width of the search window) in px."""
    if spacing_mm is None:
        side = max(shape)
        return max(int(CSF_HALF_HEIGHT_FRACTION * side), 6), max(int(SAC_MAX_FRACTION * side), 8)
    return (
        max(int(CSF_HALF_HEIGHT_MM / spacing_mm[0]), 6),
        max(int(SAC_MAX_MM / spacing_mm[1]), 8),
    )


def find_csf(
    image: npt.NDArray[np.float64],
    seed: tuple[int, int],
    *,
    spacing_mm: tuple[float, float] | None = None,
    label: str | None = "CSF",
    gradient: npt.NDArray[np.float64] | None = None,
) -> CsfFit:
    """The CSF around ``seed`` (row, col) and a narrow ROI inside it.

    Parameters
    ----------
    image : ndarray (rows, cols)
        The slice normalised by ``vbqcore.roi.regions.normalise``.
    seed : (int, int)
        A pixel inside the thecal sac.
    spacing_mm : (float, float), optional
        Row and column spacing (else sizes are fractions of the slice).
    label : str, optional
        Label of the ROI.
    gradient : ndarray, optional
        Sobel gradient of ``image`` (computed when not given).

    Raises
    ------
    RoiError
        When no sac-like region grows from the seed or no strip of at least
        ``MIN_CSF_PIXELS`` pixels fits inside it.
    """
    half_height, half_width = _half_extents(image.shape, spacing_mm)
    region = grow_region(
        image,
        seed,
        window=(2 * half_height, half_width),
        min_area=MIN_CSF_PIXELS,
        max_area=int(4 * half_height * 2 * half_width * 0.6),
        open_radius=0,
        gradient=gradient,
        open_ended=True,
    )
    full = region.full_mask(image.shape)
    band = np.zeros_like(full)
    band[max(seed[0] - half_height, 0) : seed[0] + half_height + 1] = True
    sac = _component_nearest(full & band, seed)
    rows = np.nonzero(sac.any(axis=1))[0]
    centres = np.array([np.nonzero(sac[r])[0].mean() for r in rows]) + 0.5
    widths = sac[rows].sum(axis=1)
    # Centre line x = a + b * y; the strip's long side follows it (angle clockwise on screen).
    slope = float(np.polyfit(rows + 0.5, centres, 1)[0]) if len(rows) >= 3 else 0.0
    angle = round(-math.degrees(math.atan(slope)), 1)
    # Off the dura and canal walls: a margin of WALL_MARGIN of the sac's width on each side.
    margin = int(round(WALL_MARGIN * float(widths.mean())))
    core = ndimage.binary_erosion(sac, iterations=margin) if margin >= 1 else sac
    if not core.any():
        core = sac
    centre_row = min(max(seed[0], int(rows.min())), int(rows.max()))
    centre_x = float(np.interp(centre_row + 0.5, rows + 0.5, centres))
    roi = inscribed_rect(core, (centre_x, centre_row + 0.5), angle, label=label, height_first=True)
    if roi is None or int(roi_mask(roi, image.shape).sum()) < MIN_CSF_PIXELS:
        raise RoiError(
            f"The CSF found around row {seed[0]}, column {seed[1]} is too narrow for an ROI of "
            f"at least {MIN_CSF_PIXELS} pixels clear of the canal walls (mean width "
            f"{widths.mean():.1f} px). Zoom in and check the click lies in the thecal sac, or use "
            "an adjacent level (L2 or L4) where the sac is wider."
        )
    inside = float(full[roi_mask(roi, image.shape)].mean())
    return CsfFit(region=region, roi=roi, width=float(widths.mean()), inside=inside)


def _component_nearest(mask: npt.NDArray[np.bool_], seed: tuple[int, int]) -> npt.NDArray[np.bool_]:
    labels, n = ndimage.label(mask)
    if n == 0:
        raise RoiError(
            f"No CSF found at the level of row {seed[0]}, column {seed[1]}; click inside the "
            "thecal sac."
        )
    if labels[seed]:
        return np.asarray(labels == labels[seed], dtype=bool)
    rr, cc = np.nonzero(labels)
    k = int(np.argmin((rr - seed[0]) ** 2 + (cc - seed[1]) ** 2))
    return np.asarray(labels == labels[rr[k], cc[k]], dtype=bool)
