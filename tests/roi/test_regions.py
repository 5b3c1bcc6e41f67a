"""Region growing behind the one-click ROIs, cross-checked against scikit-image's flood fill."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import segmentation

from vbqcore.errors import RoiError
from vbqcore.roi.regions import TOLERANCES, fill_levels, grow_region, normalise


def test_every_tolerance_gives_skimage_flood_fill() -> None:
    # fill_levels gives all fills at once by grayscale reconstruction; each threshold must equal
    # skimage.segmentation.flood(image, seed, tolerance=t, connectivity=1) (4-connected).
    rng = np.random.default_rng(7)
    image = normalise(rng.normal(0.5, 0.15, (60, 70)) + np.linspace(0, 0.4, 70)[None, :])
    seed = (30, 35)
    reach = fill_levels(image, seed)
    for tol in (*TOLERANCES[::7], 0.6):
        expected = segmentation.flood(image, seed, tolerance=tol, connectivity=1)
        np.testing.assert_array_equal(reach <= tol, expected)


def test_grown_region_is_the_bright_square_with_the_sharpest_outline() -> None:
    image = np.full((80, 80), 0.2)
    image[20:50, 25:60] = 0.8  # a 30 x 35 square
    rng = np.random.default_rng(0)
    noisy = normalise(image + rng.normal(0, 0.02, image.shape))
    region = grow_region(noisy, (35, 40), window=(39, 39), min_area=20, max_area=3000)
    full = region.full_mask(image.shape)
    truth = image > 0.5
    # The outline follows the edge: all of the square but its blurred 1-2 px rim, nothing more.
    inner = np.zeros_like(truth)
    inner[22:48, 27:58] = True
    assert full[inner].all()
    assert (full & ~truth).sum() == 0


def test_no_plausible_region_raises_with_the_seed_position() -> None:
    flat = np.full((50, 50), 0.5)
    with pytest.raises(RoiError, match="row 25, column 25"):
        grow_region(flat, (25, 25), window=(20, 20), min_area=10, max_area=500)
