"""Find a vertebral body around a clicked pixel on a sagittal slice and place an ROI inside it.

The body is grown from the seed (``vbqcore.roi.regions.grow_region``): marrow signal bounded by
the dark cortical rim and endplates. Marrow is patchy, so the grown region is ragged; its convex
hull stands for the body. The smallest rotated rectangle around the hull gives the body's
centre, endplate direction, depth and height, so tilted and lordotic bodies get a rotated ROI.
The ROI is that rectangle shrunk by ``MARGIN_FRACTION`` of each side at each end: the central
medullary part of the body, clear of the endplates and the cortex, as the readers of Huang et
al. (Global Spine J 2026;16(1):162-170, Figure 2) placed their ROIs.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from skimage import morphology

from vbqcore.errors import RoiError
from vbqcore.roi.regions import GrownRegion, grow_region
from vbqcore.roi.shapes import RectRoi, roi_mask

__all__ = [
    "MARGIN_FRACTION",
    "BodyFit",
    "search_half_window",
    "find_body",
    "inscribed_rect",
]

logger = logging.getLogger(__name__)

#: Inward margin at each end, as a fraction of the body's height (and depth), between the ROI
#: and the body outline: clears the ~1-2 mm endplate and cortical rim, their partial-volume
#: band and the irregular marrow next to the endplates.
MARGIN_FRACTION = 0.14
#: Largest plausible lumbar body extent (mm): AP depth of an adult L5 is about 35-50 mm.
BODY_MAX_MM = 60.0
#: Without a pixel spacing (screenshots), the largest body extent as a fraction of the slice:
#: a lumbar sagittal field of view shows at least five bodies, so one is under a fifth of it.
BODY_MAX_FRACTION = 0.22
#: A region smaller than this (px) is noise, not a body.
MIN_BODY_PIXELS = 40
#: Endplates of lumbar bodies tilt at most this much (degrees) from horizontal on a sagittal
#: slice, lordosis included (L5/S1 is the steepest, ~30-40 degrees in lordotic spines).
MAX_TILT_DEG = 45.0


@dataclass(frozen=True, eq=False)
class BodyFit:
    """A vertebral body found on the slice.

    ``center`` is ``(x, y)`` in image pixels; ``angle`` (degrees, clockwise on screen) is the
    direction of the endplates; ``width`` (along the endplates, AP) and ``height`` (along the
    spine) are the body's extents in px (its smallest rotated bounding box). ``roi`` is the
    suggested ROI; ``inside`` the share of its pixels inside the body (the grown region's hull).
    """

    region: GrownRegion
    center: tuple[float, float]
    angle: float
    width: float
    height: float
    roi: RectRoi
    inside: float

    @property
    def axis(self) -> tuple[float, float]:
        """Unit vector ``(x, y)`` along the spine through this body (pointing caudally, +y)."""
        t = math.radians(self.angle)
        return -math.sin(t), math.cos(t)


def search_half_window(
    shape: tuple[int, int], spacing_mm: tuple[float, float] | None, *, extent_mm: float
) -> tuple[int, int]:
    """Half-height and half-width (px) of the window searched around a seed.

    ``extent_mm`` is the largest plausible size of the structure; without a spacing the window
    is ``BODY_MAX_FRACTION`` of the larger image side.
    """
    if spacing_mm is None:
        half = max(int(BODY_MAX_FRACTION * max(shape)), 12)
        return half, half
    row_mm, col_mm = spacing_mm
    return max(int(extent_mm / row_mm), 12), max(int(extent_mm / col_mm), 12)


def min_area_rect(
    xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64]
) -> tuple[float, float, float, float, float]:
    """Centre, angle (degrees) and width/height of the smallest rotated box around the points.

    Angles within ``MAX_TILT_DEG`` of horizontal are tried in 0.5 degree steps (the box's
    ``width`` side is the one closer to horizontal, the endplate direction); unlike second
    moments, this stays well defined for a body as deep as it is tall.
    """
    best = (float(xs.mean()), float(ys.mean()), 0.0, math.inf, math.inf)
    for angle in np.arange(-MAX_TILT_DEG, MAX_TILT_DEG + 0.25, 0.5):
        t = math.radians(float(angle))
        u = xs * math.cos(t) + ys * math.sin(t)  # along the endplates
        v = -xs * math.sin(t) + ys * math.cos(t)  # along the spine
        # Pixel centres span (n - 1) px; the pixels themselves one more.
        w = float(u.max() - u.min()) + 1.0
        h = float(v.max() - v.min()) + 1.0
        if w * h < best[3] * best[4] - 1e-9:
            uc, vc = (u.max() + u.min()) / 2, (v.max() + v.min()) / 2
            cx = uc * math.cos(t) - vc * math.sin(t)
            cy = uc * math.sin(t) + vc * math.cos(t)
            best = (float(cx), float(cy), float(angle), w, h)
    return best


def inscribed_rect(
    mask: npt.NDArray[np.bool_],
    center: tuple[float, float],
    angle: float,
    *,
    label: str | None = None,
    aspect: float | None = None,
) -> RectRoi | None:
    """Largest rectangle centred at ``center`` with rotation ``angle`` inside ``mask``.

    Grows the half-width and half-height one pixel at a time (each while the rectangle's pixels
    all stay inside ``mask``); with ``aspect`` (width / height) the two grow together. Returns
    ``None`` when not even a 3 x 3 px rectangle fits.
    """
    cx, cy = center

    def fits(hw: float, hh: float) -> bool:
        roi = RectRoi(cx - hw, cy - hh, 2 * hw, 2 * hh, angle=angle, label=label)
        try:
            inside = roi_mask(roi, mask.shape)
        except RoiError:
            return False
        n = int(inside.sum())
        return n > 0 and bool(mask[inside].all()) and n >= 0.6 * 4 * hw * hh

    hw = hh = 1.5
    if not fits(hw, hh):
        return None
    grow_w = grow_h = True
    while grow_w or grow_h:
        if aspect is not None:
            if fits(hw + aspect, hh + 1.0):
                hw, hh = hw + aspect, hh + 1.0
                continue
            break
        if grow_w:
            grow_w = fits(hw + 1.0, hh)
            hw += 1.0 if grow_w else 0.0
        if grow_h:
            grow_h = fits(hw, hh + 1.0)
            hh += 1.0 if grow_h else 0.0
    return RectRoi(cx - hw, cy - hh, 2 * hw, 2 * hh, angle=angle, label=label)


def find_body(
    image: npt.NDArray[np.float64],
    seed: tuple[int, int],
    *,
    spacing_mm: tuple[float, float] | None = None,
    label: str | None = None,
    gradient: npt.NDArray[np.float64] | None = None,
) -> BodyFit:
    """The vertebral body around ``seed`` (row, col) and an ROI in its central part.

    Parameters
    ----------
    image : ndarray (rows, cols)
        The slice normalised by ``vbqcore.roi.regions.normalise``.
    seed : (int, int)
        A pixel inside the body.
    spacing_mm : (float, float), optional
        Row and column spacing; bounds the plausible body size (else a fraction of the slice).
    label : str, optional
        Label for the ROI (``L1`` ...).
    gradient : ndarray, optional
        Sobel gradient of ``image`` (computed when not given; pass it when finding many).

    Raises
    ------
    RoiError
        When no body-sized region grows from the seed, or no ROI fits inside it.
    """
    half = search_half_window(image.shape, spacing_mm, extent_mm=BODY_MAX_MM)
    region = grow_region(
        image,
        seed,
        window=half,
        min_area=MIN_BODY_PIXELS,
        max_area=int(0.8 * (2 * half[0]) * (2 * half[1]) * 0.5),
        open_radius=2,
        gradient=gradient,
    )
    hull = morphology.convex_hull_image(region.mask)
    rr, cc = np.nonzero(hull)
    xs = cc + region.cols.start + 0.5
    ys = rr + region.rows.start + 0.5
    cx, cy, angle, width, height = min_area_rect(xs, ys)
    roi = RectRoi(
        cx - width * (0.5 - MARGIN_FRACTION),
        cy - height * (0.5 - MARGIN_FRACTION),
        width * (1 - 2 * MARGIN_FRACTION),
        height * (1 - 2 * MARGIN_FRACTION),
        angle=round(angle, 1),
        label=label,
    )
    full = np.zeros(image.shape, dtype=bool)
    full[region.rows, region.cols] = hull
    inside = float(full[roi_mask(roi, image.shape)].mean())
    return BodyFit(
        region=region,
        center=(cx, cy),
        angle=angle,
        width=width,
        height=height,
        roi=roi,
        inside=inside,
    )
