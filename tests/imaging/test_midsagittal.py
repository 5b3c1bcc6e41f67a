"""Mid-sagittal slice proposal on a synthetic stack whose plane of symmetry is known."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from vbqcore.imaging.midsagittal import propose_midsagittal
from vbqcore.imaging.reading import slice_from_array
from vbqcore.imaging.slices import Slice


def _stack(midline: int, n: int = 15, *, t1: bool = False, seed: int = 0) -> list[Slice]:
    """Sagittal slices 4 mm apart of a spine whose midline is slice ``midline``.

    At lateral distance d (mm) the bodies are 60*sqrt(1 - (d/24)^2) px deep (an ellipse-like
    body 48 mm wide), the canal shows only within 8 mm of the midline and a pedicle column
    appears at 10-20 mm: the anatomy depends on |d| only, so the stack is symmetric about it.
    """
    rng = np.random.default_rng(seed)
    marrow, csf, pedicle, soft = (200.0, 40.0, 120.0, 60.0) if t1 else (100.0, 260.0, 40.0, 55.0)
    out = []
    for s in range(n):
        d = abs(s - midline) * 4.0
        image = np.full((160, 160), soft)
        depth = 60.0 * np.sqrt(max(0.0, 1 - (d / 24.0) ** 2))
        for top in range(10, 150, 34):
            image[top : top + 24, 40 : 40 + int(depth)] = marrow
        if d <= 8:
            image[:, 104:114] = csf
        if 10 <= d <= 20:
            image[:, 100:110] = pedicle
        image += rng.normal(0, 5, image.shape)
        flat = slice_from_array(image, pixel_spacing_mm=(0.8, 0.8))
        out.append(dataclasses.replace(flat, position_mm=4.0 * s))
    return out


@pytest.mark.parametrize("midline", [7, 5, 9])
def test_the_plane_of_symmetry_is_proposed(midline: int) -> None:
    proposal = propose_midsagittal(_stack(midline))
    assert proposal.index == midline
    assert proposal.position_mm == pytest.approx(4.0 * midline)
    assert "Confirm" in proposal.message


def test_t1_and_t2_of_one_exam_propose_the_same_position() -> None:
    t1 = propose_midsagittal(_stack(6, t1=True, seed=1))
    t2 = propose_midsagittal(_stack(6, seed=2))
    assert t1.position_mm == t2.position_mm == pytest.approx(24.0)


def test_short_series_keep_the_middle_slice() -> None:
    two = _stack(0, n=2)
    proposal = propose_midsagittal(two)
    assert proposal.index == 1 and "fewer than 3 slices" in proposal.message
