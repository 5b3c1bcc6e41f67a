"""Window presets offered per slice, the window fitted to the ROIs, and bounds <-> window."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from vbqcore.imaging.reading import slice_from_array
from vbqcore.imaging.window_choice import (
    AUTO_DICOM,
    AUTO_PERCENTILES,
    CUSTOM,
    FROM_ROIS,
    FULL_RANGE,
    HIGH_CONTRAST,
    available_presets,
    from_bounds,
    to_bounds,
    window_from_rois,
)
from vbqcore.roi.shapes import RectRoi


def test_dicom_window_is_offered_only_when_the_header_has_one() -> None:
    plain = slice_from_array(np.zeros((10, 10)))
    assert available_presets(plain) == (AUTO_PERCENTILES, FULL_RANGE, HIGH_CONTRAST, CUSTOM)
    dicom = dataclasses.replace(plain, window=(100.0, 200.0))
    assert available_presets(dicom)[0] == AUTO_DICOM
    rois = [RectRoi(1, 1, 3, 3, label="L2")]
    assert available_presets(plain, rois)[-2:] == (FROM_ROIS, CUSTOM)
    assert AUTO_DICOM not in available_presets(plain, rois)
    assert FROM_ROIS not in available_presets(plain, [RectRoi(1, 1, 3, 3, label="CSF")])


def test_window_from_rois_spans_the_bodies_and_csf_with_a_margin() -> None:
    pixels = np.full((40, 40), 500.0)
    pixels[0:10, 0:10] = 100.0  # "L1" body
    pixels[20:30, 20:30] = 300.0  # "CSF"
    image = slice_from_array(pixels)
    rois = [RectRoi(0, 0, 10, 10, label="L1"), RectRoi(20, 20, 10, 10, label="CSF")]
    # Pixels inside: 100 x 100 px at 100, 100 at 300: 1st/99th percentiles 100 and 300
    # (numpy linear interpolation on 200 values: index 1.99 -> 100, 197.01 -> 300);
    # span 200, widened by 100 each side: (0, 400) -> centre 200, width 400.
    assert window_from_rois(image, rois) == pytest.approx((200.0, 400.0))
    assert window_from_rois(image, [RectRoi(0, 0, 5, 5, label="CSF")]) is None


def test_bounds_round_trip() -> None:
    assert to_bounds((200.0, 400.0)) == (0.0, 400.0)
    assert from_bounds(0.0, 400.0) == (200.0, 400.0)
    assert from_bounds(400.0, 0.0) == (200.0, 400.0)
    assert from_bounds(5.0, 5.0)[1] == pytest.approx(1e-6)
