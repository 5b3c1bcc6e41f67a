"""ROI quality flags, with reference values worked by hand or known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from tests.roi.real_images import load_cases
from tests.roi.spine_phantom import make_spine
from vbqcore.imaging.reading import slice_from_array
from vbqcore.roi.quality import (
    QualityFlag,
    bimodality_coefficient,
    intensity_step,
    position_flags,
    roi_quality,
    signal_flags,
)
from vbqcore.roi.shapes import RectRoi

SPACING = (0.6, 0.6)


def _flags(flags) -> set[QualityFlag]:
    return {f.flag for f in flags}


def test_bimodality_coefficient_matches_closed_forms() -> None:
    # Population values: normal g=0, k=0 -> 1/3; uniform g=0, k=-1.2 -> 1/1.8 = 5/9;
    # a symmetric two-point distribution g=0, k=-2 -> 1/(−2 + 3) = 1. Large n: the sample
    # corrections 3(n-1)^2/((n-2)(n-3)) -> 3.
    rng = np.random.default_rng(0)
    assert bimodality_coefficient(rng.normal(size=200_000)) == pytest.approx(1 / 3, abs=0.01)
    assert bimodality_coefficient(rng.uniform(size=200_000)) == pytest.approx(5 / 9, abs=0.01)
    two = np.repeat([0.0, 1.0], 50_000)
    assert bimodality_coefficient(two) == pytest.approx(1.0, abs=0.001)
    assert np.isnan(bimodality_coefficient([1.0, 2.0, 3.0]))
    assert np.isnan(bimodality_coefficient(np.ones(10)))


def test_intensity_step_of_two_halves_is_worked_by_hand() -> None:
    pixels = np.full((40, 40), 100.0)
    pixels[20:] = 50.0
    roi = RectRoi(10, 10, 20, 20)  # rows 10-29: ten rows of 100 then ten of 50
    # Best split in the middle: |100 - 50| / mean 75 = 2/3.
    assert intensity_step(pixels, roi) == pytest.approx(2 / 3)
    flat = RectRoi(10, 0, 20, 20)  # rows 0-19: all 100
    assert intensity_step(pixels, flat) == pytest.approx(0.0)
    # Rotated 90 degrees, the ROI's height runs along x: no step across it.
    assert intensity_step(pixels, RectRoi(10, 15, 20, 10, angle=90)) < 0.05


def test_homogeneous_body_roi_has_no_flags() -> None:
    p = make_spine(noise=5.0)
    image = slice_from_array(p.pixels, pixel_spacing_mm=SPACING)
    x, y = p.centers["L3"]
    assert roi_quality(image, RectRoi(x - 15, y - 10, 30, 20, label="L3")) == ()


def test_roi_straddling_a_disc_is_flagged() -> None:
    p = make_spine(noise=5.0)
    image = slice_from_array(p.pixels, pixel_spacing_mm=SPACING)
    x, y = p.centers["L3"]
    # From the middle of L3 down into the L3/L4 disc (44 px bodies, 14 px discs).
    roi = RectRoi(x - 15, y, 30, 30, label="L3")
    flags = _flags(roi_quality(image, roi))
    assert QualityFlag.INTENSITY_STEP in flags
    assert QualityFlag.EDGE in flags or QualityFlag.OFF_BODY in flags


def test_roi_moved_off_the_body_is_flagged() -> None:
    p = make_spine(noise=5.0)
    image = slice_from_array(p.pixels, pixel_spacing_mm=SPACING)
    x, y = p.centers["L3"]
    moved = RectRoi(x - 15 - 45, y - 10, 30, 20, label="L3")  # 45 px anterior: mostly off
    assert QualityFlag.OFF_BODY in _flags(position_flags(image, moved))


def test_small_csf_and_cord_inside_csf_are_flagged() -> None:
    pixels = np.full((60, 60), 250.0)
    pixels[:, 30:33] = 80.0  # a dark strand (cord/roots on T2)
    image = slice_from_array(pixels)
    small = RectRoi(10, 10, 3, 4, label="CSF")
    assert QualityFlag.SMALL_CSF in _flags(signal_flags(image, small))
    with_cord = RectRoi(24, 10, 12, 30, label="CSF")  # 3 of 12 columns are the strand
    assert QualityFlag.CSF_CORD in _flags(signal_flags(image, with_cord))
    clean = RectRoi(5, 10, 12, 30, label="CSF")
    assert signal_flags(image, clean) == ()


def test_reader_boxes_on_real_slices_pass_the_signal_checks() -> None:
    for case in load_cases():
        for roi in case.reference.values():
            assert signal_flags(case.image, roi) == (), (case.name, roi.label)


def test_flags_serialise_with_a_plain_message() -> None:
    pixels = np.full((60, 60), 250.0)
    flag = signal_flags(slice_from_array(pixels), RectRoi(10, 10, 3, 4, label="CSF"))[0]
    d = flag.to_dict()
    assert d["flag"] == "small_csf" and d["label"] == "CSF" and d["value"] == 12.0
    assert "zoom in" in d["message"]
