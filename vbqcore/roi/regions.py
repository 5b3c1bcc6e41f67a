"""Grow a region of similar signal from one seed pixel, outlined by the strongest edge around it.

The one-click ROI engine (``vbqcore.roi.bodies``, ``vbqcore.roi.csf``) starts here: flood fills
(the connected pixels within a tolerance of the seed's value) of a lightly smoothed,
percentile-normalised copy of the slice at increasing tolerances. A vertebral body or the
thecal sac is bounded by a signal step (the dark cortical rim and endplates, the dark dura and
ligaments); the fill whose outline lies on the strongest edge is kept (peripheral contrast,
Hojjatoleslami & Kittler 1998), and a fill that reaches the edge of the search window or an
implausible size has leaked. This is the seeded region growing of semi-automatic tools such as
3D Slicer's "Grow from seeds", in a simple, deterministic form.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from skimage import filters, morphology

from vbqcore.errors import RoiError

__all__ = ["GrownRegion", "normalise", "grow_region", "fill_levels", "TOLERANCES"]

logger = logging.getLogger(__name__)

#: Tolerances tried, as fractions of the 1st-99th percentile range of the slice.
TOLERANCES: tuple[float, ...] = tuple(float(t) for t in np.round(np.arange(0.005, 0.4, 0.005), 3))


@dataclass(frozen=True, eq=False)
class GrownRegion:
    """A grown region inside a search window of the slice.

    ``mask`` covers the window ``rows`` x ``cols`` (slices into the full image). ``tolerance`` is
    the flood tolerance kept (fraction of the slice's 1st-99th percentile range); ``contrast``
    the mean gradient magnitude (normalised units per px) just outside the region's outline.
    """

    mask: npt.NDArray[np.bool_]
    rows: slice
    cols: slice
    tolerance: float
    contrast: float

    @property
    def area(self) -> int:
        return int(self.mask.sum())

    def full_mask(self, shape: tuple[int, int]) -> npt.NDArray[np.bool_]:
        """The region as a mask of the whole image."""
        out = np.zeros(shape, dtype=bool)
        out[self.rows, self.cols] = self.mask
        return out

    def coordinates(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Pixel-centre coordinates ``(x, y)`` of the region in image pixels."""
        rr, cc = np.nonzero(self.mask)
        return cc + self.cols.start + 0.5, rr + self.rows.start + 0.5


def normalise(pixels: npt.ArrayLike, *, sigma: float = 1.0) -> npt.NDArray[np.float64]:
    """Gaussian-smoothed copy scaled so the 1st and 99th percentiles map to 0 and 1.

    Percentiles rather than min/max so that one hot pixel or a black border does not change the
    scale; ``sigma`` (px) removes pixel noise without blurring a 2-3 px cortical rim away.
    """
    image = np.asarray(pixels, dtype=float)
    lo, hi = np.percentile(image, [1.0, 99.0])
    span = hi - lo if hi > lo else 1.0
    smooth = filters.gaussian(image, sigma=sigma, preserve_range=True) if sigma > 0 else image
    return np.asarray((smooth - lo) / span, dtype=float)


def grow_region(
    image: npt.NDArray[np.float64],
    seed: tuple[int, int],
    *,
    window: tuple[int, int],
    min_area: int,
    max_area: int,
    open_radius: int = 1,
    gradient: npt.NDArray[np.float64] | None = None,
    open_ended: bool = False,
) -> GrownRegion:
    """Grow the region around ``seed`` (row, col) in a normalised image (see ``normalise``).

    Flood fills at tolerances ``TOLERANCES`` are compared by their *peripheral contrast*, the
    mean gradient magnitude on the ring of pixels just outside the region, and the fill with
    the highest one is kept: the region whose outline best follows an edge (Hojjatoleslami &
    Kittler, IEEE Trans Image Process 1998;7(7):1079-1084). Fills that reach the window's edge
    or exceed ``max_area`` have leaked and end the search.

    Parameters
    ----------
    image : ndarray (rows, cols)
        Normalised, smoothed slice.
    seed : (int, int)
        Seed pixel ``(row, col)``.
    window : (int, int)
        Half-height and half-width (px) of the search window centred on the seed.
    min_area, max_area : int
        Plausible region areas (px).
    open_radius : int
        Radius (px) of the morphological opening that cuts thin bridges to neighbours.
    gradient : ndarray, optional
        Sobel gradient magnitude of ``image`` (computed when not given).
    open_ended : bool
        For a tube along the spine (the thecal sac): reaching the window's top or bottom edge
        is expected and not a leak; the ring at those edges is left out of the contrast.

    Raises
    ------
    RoiError
        When no tolerance gives a region of plausible size around the seed.
    """
    r0, c0 = seed
    rows = slice(max(r0 - window[0], 0), min(r0 + window[0] + 1, image.shape[0]))
    cols = slice(max(c0 - window[1], 0), min(c0 + window[1] + 1, image.shape[1]))
    sub = image[rows, cols]
    grad = (filters.sobel(image) if gradient is None else gradient)[rows, cols]
    local = (r0 - rows.start, c0 - cols.start)
    # Start from the seed's neighbourhood median so a noisy seed pixel does not bias the fill.
    patch = sub[max(local[0] - 2, 0) : local[0] + 3, max(local[1] - 2, 0) : local[1] + 3]
    work = sub.copy()
    work[local] = float(np.median(patch))
    tried: list[tuple[float, npt.NDArray[np.bool_], float]] = []
    reach = fill_levels(work, local)
    for tol in TOLERANCES:
        mask = reach <= tol
        area = int(mask.sum())
        edge = bool(mask[:, 0].any() or mask[:, -1].any())
        if not open_ended:
            edge = edge or bool(mask[0].any() or mask[-1].any())
        if area > max_area or edge:
            break
        if area < min_area:
            continue
        # The ring just outside the fill, computed on the fill's bounding box (+1 px).
        rows_in = np.flatnonzero(mask.any(axis=1))
        cols_in = np.flatnonzero(mask.any(axis=0))
        box = (
            slice(max(int(rows_in[0]) - 1, 0), int(rows_in[-1]) + 2),
            slice(max(int(cols_in[0]) - 1, 0), int(cols_in[-1]) + 2),
        )
        inner = mask[box]
        ring = ndimage.binary_dilation(inner) & ~inner
        if open_ended:  # no ring along the window's top and bottom edges
            if rows_in[0] == 0:
                ring[0] = False
            if rows_in[-1] == mask.shape[0] - 1:
                ring[-1] = False
            if not ring.any():
                continue
        contrast = float(grad[box][ring].mean())
        tried.append((contrast, mask, tol))
    if not tried:
        raise RoiError(
            f"No structure found around the seed at row {r0}, column {c0}: the signal there does "
            "not form a region of plausible size with a clear outline. Click nearer the middle "
            "of the vertebral body (or of the CSF), or draw the ROI by hand."
        )
    contrast, mask, tol = max(tried, key=lambda t: t[0])
    if open_radius > 0:
        opened = ndimage.binary_opening(mask, structure=morphology.disk(open_radius))
        if opened[local]:
            mask = _component_at(opened, local)
        elif opened.any():
            mask = _component_at(opened, _nearest(opened, local))
    filled = ndimage.binary_fill_holes(mask)  # basivertebral vein, small marrow islands
    return GrownRegion(
        mask=np.asarray(filled, dtype=bool),
        rows=rows,
        cols=cols,
        tolerance=tol,
        contrast=contrast,
    )


def fill_levels(image: npt.NDArray[np.float64], seed: tuple[int, int]) -> npt.NDArray[np.float64]:
    """The tolerance at which each pixel joins the flood fill from ``seed`` (row, col).

    A fill at tolerance t is the 4-connected component of ``|I - I(seed)| <= t`` holding the
    seed (``skimage.segmentation.flood(image, seed, tolerance=t, connectivity=1)``). All of them
    at once: the grayscale reconstruction by erosion, under the deviation map, of a marker that
    is the seed's deviation (0) there and the largest deviation elsewhere gives each pixel the
    smallest, over paths from the seed, of the largest deviation met on the path (Vincent, IEEE
    Trans Image Process 1993;2(2):176-201); so ``fill(t) = fill_levels(...) <= t``.
    """
    deviation = np.abs(image - image[seed])
    marker = np.full_like(deviation, float(deviation.max()))
    marker[seed] = deviation[seed]
    footprint = ndimage.generate_binary_structure(2, 1)
    return np.asarray(
        morphology.reconstruction(marker, deviation, method="erosion", footprint=footprint),
        dtype=float,
    )


def _nearest(mask: npt.NDArray[np.bool_], where: tuple[int, int]) -> tuple[int, int]:
    rr, cc = np.nonzero(mask)
    k = int(np.argmin((rr - where[0]) ** 2 + (cc - where[1]) ** 2))
    return int(rr[k]), int(cc[k])


def _component_at(mask: npt.NDArray[np.bool_], where: tuple[int, int]) -> npt.NDArray[np.bool_]:
    labels, _ = ndimage.label(mask)
    label = labels[where]
    if label == 0:
        return np.zeros_like(mask)
    return np.asarray(labels == label, dtype=bool)
