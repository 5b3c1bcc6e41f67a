"""Display window and 8-bit preview: header window, robust percentiles, linear mapping."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pydicom.pixels import apply_modality_lut, apply_windowing

from tests.phantoms import pydicom_file
from vbqcore.errors import VbqInputError
from vbqcore.imaging.reading import read_slice, slice_from_array
from vbqcore.imaging.slices import Protocol, Slice, SliceSource, StoredPixels
from vbqcore.imaging.window_choice import AUTO_DICOM, preset_window
from vbqcore.imaging.windowing import (
    display_window,
    full_range_window,
    robust_window,
    to_preview,
)


def test_header_window_is_used() -> None:
    assert display_window(read_slice(pydicom_file("MR_small.dcm"))) == (600.0, 1600.0)


def test_robust_window_equals_numpy_percentiles_on_small_images() -> None:
    rng = np.random.default_rng(3)
    pixels = rng.gamma(2.0, 300.0, size=(200, 300))  # 60 000 pixels: no subsampling
    low, high = np.percentile(pixels, [0.5, 99.5])  # the reference: numpy's linear percentiles
    center, width = display_window(slice_from_array(pixels))
    assert center == pytest.approx((low + high) / 2, rel=1e-12)
    assert width == pytest.approx(high - low, rel=1e-12)


def test_robust_window_on_large_image_is_close_to_exact() -> None:
    rng = np.random.default_rng(4)
    pixels = rng.normal(1000.0, 150.0, size=(1024, 1024))  # subsampled to 65 536 pixels
    low, high = np.percentile(pixels, [0.5, 99.5])
    center, width = robust_window(pixels)
    # Within 1/255 of the width: the preview differs by at most about one grey level.
    assert center == pytest.approx((low + high) / 2, abs=(high - low) / 255)
    assert width == pytest.approx(high - low, abs=(high - low) / 255)


def test_robust_window_ignores_outliers() -> None:
    pixels = np.full((100, 100), 100.0)
    pixels[50:, :] = 300.0
    pixels[0, :20] = 1e6  # 20 hot pixels (0.2 %): a min-max window would be useless
    center, width = robust_window(pixels)
    assert (center, width) == (200.0, 200.0)


def test_constant_image_gets_width_one() -> None:
    assert robust_window(np.full((8, 8), 42.0)) == (42.0, 1.0)


def test_preview_by_hand() -> None:
    # Window centre 100, width 200: black at SI <= 0, white at SI >= 200, grey = SI x 255/200
    # rounded: 50 -> 63.75 -> 64; 100 -> 127.5 -> 128; 199 -> 253.725 -> 254.
    slice_ = slice_from_array(np.array([[-50.0, 0.0, 50.0], [100.0, 199.0, 250.0]]))
    preview = to_preview(slice_, window=(100.0, 200.0))
    assert preview.dtype == np.uint8
    assert preview.tolist() == [[0, 0, 64], [128, 254, 255]]


def test_preview_agrees_with_pydicom_voi_lut() -> None:
    # pydicom's apply_windowing (DICOM LINEAR VOI function, PS3.3 C.11.2.1.2.1) maps MR_small
    # (signed 16-bit) to -32768..32767; rescaled to 0..255 it must match within one grey level.
    path = pydicom_file("MR_small.dcm")
    ds = pydicom.dcmread(path)
    reference = apply_windowing(apply_modality_lut(ds.pixel_array, ds), ds)
    reference_8bit = (reference + 32768.0) / 65535.0 * 255.0
    preview = to_preview(read_slice(path))
    assert np.abs(preview - reference_8bit).max() <= 1.0


def test_preview_rejects_bad_window() -> None:
    with pytest.raises(VbqInputError, match="width must be positive, got 0"):
        to_preview(slice_from_array(np.zeros((2, 2))), window=(0.0, 0.0))


@settings(max_examples=50, deadline=None)
@given(
    pixels=arrays(np.float64, (6, 7), elements=st.floats(-1e5, 1e5, allow_nan=False)),
    center=st.floats(-1e4, 1e4),
    width=st.floats(1e-3, 1e5),
)
def test_preview_is_monotone_in_si(pixels: np.ndarray, center: float, width: float) -> None:
    preview = to_preview(slice_from_array(pixels), window=(center, width)).ravel()
    order = np.argsort(pixels.ravel(), kind="stable")
    assert np.all(np.diff(preview[order].astype(int)) >= 0)
    assert preview.shape == (42,)


# --- DICOM slices: window and preview from the stored values ---------------------------------


def stored_slice(
    values: np.ndarray, slope: float, intercept: float, window: tuple[float, float] | None = None
) -> Slice:
    return Slice.from_stored(
        StoredPixels(values, slope, intercept),
        source=SliceSource.DICOM,
        source_name="stored",
        protocol=Protocol(),
        window=window,
    )


def si_twin(slice_: Slice) -> Slice:
    """The same SIs as a plain array: the reference path (no stored values)."""
    return slice_from_array(slice_.pixels, window=slice_.window)


@settings(max_examples=60, deadline=None)
@given(
    values=arrays(np.uint16, (9, 11), elements=st.integers(0, 4095)),
    slope=st.sampled_from([0.5, 1.0, 3.774114, -0.5, -1.25, 0.0]),
    intercept=st.floats(-2000, 2000),
    header_window=st.booleans(),
)
def test_stored_preview_equals_si_preview_within_one_level(
    values: np.ndarray, slope: float, intercept: float, header_window: bool
) -> None:
    window = (float(np.median(values)) * slope + intercept, 300.0) if header_window else None
    lazy = stored_slice(values, slope, intercept, window)
    preview = to_preview(lazy)
    assert "si" not in vars(lazy.stored_pixels)  # previewed without converting to SIs
    reference = to_preview(si_twin(lazy))
    assert preview.dtype == np.uint8 and preview.shape == values.shape
    assert np.abs(preview.astype(int) - reference.astype(int)).max() <= 1


def test_stored_preview_of_a_real_image_is_identical() -> None:
    # MR2_UNCR (1024 x 1024, slope 3.774114): float32 rounding could move a pixel on a rounding
    # boundary by one level; on this image none moves, with the header or the robust window.
    ds = pydicom.dcmread(pydicom_file("MR2_UNCR.dcm"))
    for window in ((float(ds.WindowCenter), float(ds.WindowWidth)), None):
        lazy = stored_slice(
            ds.pixel_array, float(ds.RescaleSlope), float(ds.RescaleIntercept), window
        )
        np.testing.assert_array_equal(to_preview(lazy), to_preview(si_twin(lazy)))


@pytest.mark.parametrize(("slope", "intercept"), [(0.5, -100.0), (-1.25, 3000.0), (0.0, 7.0)])
def test_window_of_stored_values_equals_window_of_sis(slope: float, intercept: float) -> None:
    # Percentiles commute with a linear map (a negative slope swaps low and high); reference:
    # numpy's percentiles of the SIs themselves.
    values = np.random.default_rng(6).gamma(2.0, 400.0, size=(512, 512)).astype(np.uint16)
    lazy = stored_slice(values, slope, intercept)
    center, width = display_window(lazy)
    assert (center, width) == pytest.approx(robust_window(lazy.pixels), rel=1e-12, abs=1e-9)
    if slope != 0.0:
        low, high = np.percentile(lazy.pixels.ravel()[::4], [0.5, 99.5])
        assert center == pytest.approx((low + high) / 2, rel=1e-12)
        assert width == pytest.approx(high - low, rel=1e-12)
    else:
        assert (center, width) == (7.0, 1.0)  # constant image


@settings(max_examples=50, deadline=None)
@given(
    pixels=st.one_of(
        arrays(np.float64, st.integers(1, 300), elements=st.floats(-1e6, 1e6)),
        arrays(np.int16, st.integers(1, 300)),
        arrays(np.uint8, st.integers(1, 300)),
    ),
    q=st.tuples(st.floats(0, 100), st.floats(0, 100)),
)
def test_robust_window_percentiles_equal_numpy(pixels: np.ndarray, q: tuple[float, float]) -> None:
    # Read off the sorted sample instead of numpy.percentile: the same numbers, bit for bit.
    low, high = np.percentile(pixels, q)
    center, width = robust_window(pixels, percentiles=q)
    expected_width = float(high - low) if high - low > 0 else 1.0
    assert width == expected_width
    assert center == float(low + high) / 2.0


def test_robust_window_rejects_bad_percentiles() -> None:
    with pytest.raises(VbqInputError, match=r"percentiles must lie in 0-100, got \(-1\.0, 50\.0\)"):
        robust_window(np.zeros((2, 2)), percentiles=(-1.0, 50.0))


def test_preset_windows_by_hand() -> None:
    # pixels 0..99 (a 10 x 10 ramp): full range 0..99 -> centre 49.5, width 99;
    # numpy's linear 5th/95th percentiles of 0..99 are 4.95 and 94.05 -> centre 49.5, width 89.1.
    image = slice_from_array(np.arange(100, dtype=np.float64).reshape(10, 10))
    assert preset_window(image, "Full range") == (49.5, 99.0)
    centre, width = preset_window(image, "High contrast")
    assert centre == pytest.approx(49.5) and width == pytest.approx(89.1)
    assert preset_window(image, "Custom", custom=(10.0, 20.0)) == (10.0, 20.0)
    # Custom without a positive width, and an unknown preset, fall back to the automatic window.
    assert preset_window(image, "Custom", custom=(10.0, 0.0)) == display_window(image)
    assert preset_window(image, "Auto (DICOM)") == display_window(image)
    assert AUTO_DICOM == "Auto (DICOM)"


def test_full_range_of_a_constant_image_has_width_one() -> None:
    image = slice_from_array(np.full((4, 4), 7.0))
    assert full_range_window(image) == (7.0, 1.0)
