"""Find a vertebral body around a clicked pixel on a sagittal slice and place an ROI inside it.

The body is grown from the seed (``vbqcore.roi.regions.grow_region``): marrow signal bounded by
the dark cortical rim and endplates. Marrow is patchy, so the grown region is ragged; its convex
hull stands for the body. Its upper and lower edges are the endplates and give the body's tilt,
so tilted and lordotic bodies get a rotated ROI. The ROI is the largest rectangle aligned with
the endplates, centred on the body, inside the hull shrunk by ``MARGIN_FRACTION`` of the body's
smaller side: the central medullary part of the body, clear of the endplates and the cortex, as
the readers of Huang et al. (Global Spine J 2026;16(1):162-170, Figure 2) placed their ROIs.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage
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
    "endplate_fit",
    "find_body_at_click",
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
#: Share of the body's depth, at its posterior side, kept out of the ROI: the basivertebral
#: venous plexus enters there and is bright on T2 and STIR; the paper's readers excluded the
#: "venous plexus" from their ROIs (Huang et al. 2026, "Measuring VBQ Scores").
BASIVERTEBRAL_FRACTION = 0.2
#: Radius (px) of the opening that cuts the grown body's thin bridges into neighbours.
OPEN_RADIUS = 2
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
    spine) are the body's extents in px (``endplate_fit``). ``roi`` is the
    suggested ROI; ``inside`` the share of its pixels inside the body (``hull``, the convex hull of
    the grown region over the region's window).
    """

    region: GrownRegion
    center: tuple[float, float]
    angle: float
    width: float
    height: float
    roi: RectRoi
    inside: float
    hull: npt.NDArray[np.bool_] | None = None

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


def endplate_fit(body: npt.NDArray[np.bool_]) -> tuple[float, float, float]:
    """Endplate angle (degrees, clockwise on screen), depth and height (px) of a body mask.

    The upper and lower edges of the mask over its central 60 % of columns are the endplates;
    the angle is that of the mean of the two least-squares slopes, clipped to ``MAX_TILT_DEG``.
    The height is the median endplate-to-endplate distance along the spine axis, the depth the
    median extent along the endplates over the central rows.
    """
    rows = np.nonzero(body.any(axis=1))[0]
    cols = np.nonzero(body.any(axis=0))[0]
    c0, c1 = int(cols.min()), int(cols.max())
    span = c1 - c0 + 1
    central = np.arange(c0 + int(0.2 * span), c0 + int(0.8 * span) + 1)
    central = central[body[:, central].any(axis=0)] if len(central) else cols
    top = np.array([np.nonzero(body[:, c])[0].min() for c in central], dtype=float)
    bottom = np.array([np.nonzero(body[:, c])[0].max() for c in central], dtype=float)
    if len(central) >= 3:
        slope = (np.polyfit(central, top, 1)[0] + np.polyfit(central, bottom, 1)[0]) / 2
    else:
        slope = 0.0
    angle = float(np.clip(math.degrees(math.atan(slope)), -MAX_TILT_DEG, MAX_TILT_DEG))
    height = float(np.median(bottom - top) + 1.0) * math.cos(math.radians(angle))
    r0, r1 = int(rows.min()), int(rows.max())
    mid = np.arange(r0 + int(0.3 * (r1 - r0)), r0 + int(0.7 * (r1 - r0)) + 1)
    depth = float(np.median(body[mid].sum(axis=1))) if len(mid) else float(span)
    return angle, depth * math.cos(math.radians(angle)), height


def _anterior_of(
    mask: npt.NDArray[np.bool_], angle: float, posterior: int, keep: float
) -> npt.NDArray[np.bool_]:
    """Pixels in the anterior ``keep`` share of ``mask``'s extent along the endplates."""
    t = math.radians(angle)
    rr, cc = np.indices(mask.shape, dtype=float)
    u: npt.NDArray[np.float64] = posterior * ((cc + 0.5) * math.cos(t) + (rr + 0.5) * math.sin(t))
    lo, hi = float(u[mask].min()), float(u[mask].max())
    return np.asarray(u <= lo + keep * (hi - lo), dtype=bool)


def inscribed_rect(
    mask: npt.NDArray[np.bool_],
    center: tuple[float, float],
    angle: float,
    *,
    label: str | None = None,
    aspect: float | None = None,
    height_first: bool = False,
) -> RectRoi | None:
    """Largest rectangle centred at ``center`` with rotation ``angle`` inside ``mask``.

    Grows the half-width and half-height one pixel at a time (each while the rectangle's pixels
    all stay inside ``mask``); with ``aspect`` (width / height) the two grow together; with
    ``height_first`` the height grows as far as it can before the width (a strip along a tube).
    Returns ``None`` when not even a 3 x 3 px rectangle fits.
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
    if height_first:
        while fits(hw, hh + 1.0):
            hh += 1.0
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
    posterior: int = 1,
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
    posterior : {1, -1}
        +1 when the spinal canal lies at larger x than the body (the usual display).

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
        open_radius=OPEN_RADIUS,
        gradient=gradient,
    )
    # Work in a crop around the body (2 px of padding): the masks stay small.
    hull_window = morphology.convex_hull_image(region.mask)
    rows_in, cols_in = np.nonzero(hull_window)
    r0 = region.rows.start + int(rows_in.min()) - 2
    c0 = region.cols.start + int(cols_in.min()) - 2
    full = np.zeros((int(np.ptp(rows_in)) + 5, int(np.ptp(cols_in)) + 5), dtype=bool)
    full[rows_in - rows_in.min() + 2, cols_in - cols_in.min() + 2] = True
    rr, cc = np.nonzero(full)
    cx, cy = float(cc.mean()) + 0.5, float(rr.mean()) + 0.5
    angle, width, height = endplate_fit(full)
    margin = max(int(round(MARGIN_FRACTION * min(width, height))), 2)
    core = ndimage.binary_erosion(full, iterations=margin)
    if core.any():
        core &= _anterior_of(core, angle, posterior, 1.0 - BASIVERTEBRAL_FRACTION)
        rr, cc = np.nonzero(core)
        if len(rr):
            cx, cy = float(cc.mean()) + 0.5, float(rr.mean()) + 0.5
    local = inscribed_rect(core, (cx, cy), round(angle, 1), label=label) if core.any() else None
    if local is None:
        raise RoiError(
            f"The region found around row {seed[0]}, column {seed[1]} is too small for an ROI "
            f"clear of its rim ({width:.0f} x {height:.0f} px). Click nearer the middle of the "
            "body, or zoom in and draw the ROI by hand."
        )
    inside = float(full[roi_mask(local, full.shape)].mean())
    roi = RectRoi(
        local.x + c0, local.y + r0, local.width, local.height, angle=local.angle, label=label
    )
    cx, cy = cx + c0, cy + r0
    return BodyFit(
        region=region,
        center=(cx, cy),
        angle=angle,
        width=width,
        height=height,
        roi=roi,
        inside=inside,
        hull=hull_window,
    )


def find_body_at_click(
    image: npt.NDArray[np.float64],
    click: tuple[int, int],
    *,
    spacing_mm: tuple[float, float] | None = None,
    label: str | None = None,
    gradient: npt.NDArray[np.float64] | None = None,
    posterior: int = 1,
) -> BodyFit:
    """``find_body`` from the click and four probes around it; the largest body holding the click.

    Patchy marrow can stop the fill from one pixel in a sub-region of the body; probes a few
    pixels away (5 % of the search window) start in other patches, and the largest body found
    whose outline still contains the click is the body the reader meant.
    """
    half = search_half_window(image.shape, spacing_mm, extent_mm=BODY_MAX_MM)
    step = max(3, int(0.05 * min(half)))
    fits: list[BodyFit] = []
    first_error: RoiError | None = None
    for dr, dc in ((0, 0), (-step, 0), (step, 0), (0, -step), (0, step)):
        probe = (click[0] + dr, click[1] + dc)
        if not (0 <= probe[0] < image.shape[0] and 0 <= probe[1] < image.shape[1]):
            continue
        try:
            fit = find_body(
                image,
                probe,
                spacing_mm=spacing_mm,
                label=label,
                gradient=gradient,
                posterior=posterior,
            )
        except RoiError as err:
            first_error = first_error or err
            continue
        rows, cols = fit.region.rows, fit.region.cols
        r, c = click[0] - rows.start, click[1] - cols.start
        hull = fit.hull if fit.hull is not None else morphology.convex_hull_image(fit.region.mask)
        if 0 <= r < hull.shape[0] and 0 <= c < hull.shape[1] and hull[r, c]:
            fits.append(fit)
    if not fits:
        if first_error is not None:
            raise first_error
        raise RoiError(
            f"No vertebral body found around row {click[0]}, column {click[1]}; click nearer "
            "the middle of the body, or draw the ROI by hand."
        )
    return max(fits, key=lambda fit: fit.region.area)
