"""The Slice record: SIs computed lazily from stored values, read-only, frozen, picklable."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_modality_lut

from tests.phantoms import pydicom_file
from vbqcore.errors import VbqInputError
from vbqcore.imaging.slices import Protocol, Slice, SliceSource, StoredPixels


def lazy_slice(values: np.ndarray, slope: float = 0.5, intercept: float = -100.0) -> Slice:
    return Slice.from_stored(
        StoredPixels(values, slope, intercept),
        source=SliceSource.DICOM,
        source_name="lazy",
        protocol=Protocol(),
        pixel_spacing_mm=(0.5, 0.5),
    )


def converted(slice_: Slice) -> bool:
    stored = slice_.stored_pixels
    assert stored is not None
    return "si" in vars(stored)


def test_stored_si_equal_pydicom_modality_lut_bit_for_bit() -> None:
    # MR2_UNCR: RescaleSlope 3.774114, RescaleIntercept 0.000061; the reference is pydicom's
    # own apply_modality_lut of the same stored values.
    ds = pydicom.dcmread(pydicom_file("MR2_UNCR.dcm"))
    stored = ds.pixel_array
    expected = apply_modality_lut(stored, ds)
    si = StoredPixels(stored, float(ds.RescaleSlope), float(ds.RescaleIntercept)).si
    assert si.dtype == np.float64
    np.testing.assert_array_equal(si, expected)
    # By hand at (500, 500): stored 323 -> 323 x 3.774114 + 0.000061 = 1219.038883.
    assert si[500, 500] == pytest.approx(1219.038883, abs=1e-9)


def test_pixels_are_computed_on_first_read_only() -> None:
    values = np.arange(12, dtype=np.uint16).reshape(3, 4)
    slice_ = lazy_slice(values)
    assert slice_.shape == (3, 4)  # from the stored values
    assert not converted(slice_)
    pixels = slice_.pixels
    assert converted(slice_)
    assert slice_.pixels is pixels  # computed once
    assert pixels.dtype == np.float64
    assert pixels.tolist() == [[k * 0.5 - 100.0 for k in range(r * 4, r * 4 + 4)] for r in range(3)]
    assert not pixels.flags.writeable
    assert not slice_.stored_pixels.values.flags.writeable  # type: ignore[union-attr]


def test_slice_stays_frozen_and_replace_keeps_fields() -> None:
    slice_ = lazy_slice(np.ones((2, 2), dtype=np.int16))
    with pytest.raises(dataclasses.FrozenInstanceError):
        slice_.pixels = np.zeros((2, 2))  # type: ignore[misc]
    moved = dataclasses.replace(slice_, position_mm=4.0)
    assert moved.position_mm == 4.0
    np.testing.assert_array_equal(moved.pixels, slice_.pixels)
    assert moved.pixel_spacing_mm == (0.5, 0.5)
    assert [f.name for f in dataclasses.fields(Slice)][:3] == ["pixels", "source", "source_name"]
    assert slice_ != lazy_slice(np.ones((2, 2), dtype=np.int16))  # eq=False: identity


def test_slice_made_from_si_array_is_unchanged() -> None:
    pixels = np.array([[1.5, 2.5]])
    made = Slice(pixels, SliceSource.SCREENSHOT, "shot.png")  # positional, as before
    assert made.pixels is pixels
    assert made.stored_pixels is None
    assert made.shape == (1, 2)


@pytest.mark.parametrize("touch", [False, True])
def test_pickle_round_trip(touch: bool) -> None:
    # st.cache_data pickles return values; a lazy slice pickles its stored values only.
    values = np.random.default_rng(5).integers(0, 4096, size=(64, 64)).astype(np.uint16)
    slice_ = lazy_slice(values)
    if touch:
        _ = slice_.pixels
    blob = pickle.dumps(slice_)
    assert len(blob) < values.nbytes + 2_000  # no float64 copy in it (that would be 32 KB)
    back = pickle.loads(blob)
    assert not converted(back)
    np.testing.assert_array_equal(back.pixels, values * 0.5 - 100.0)
    assert not back.pixels.flags.writeable
    assert not back.stored_pixels.values.flags.writeable
    assert (back.source, back.source_name, back.pixel_spacing_mm) == (
        SliceSource.DICOM,
        "lazy",
        (0.5, 0.5),
    )


def test_pickled_si_slice_stays_read_only() -> None:
    pixels = np.arange(4.0).reshape(2, 2)
    pixels.flags.writeable = False
    back = pickle.loads(pickle.dumps(Slice(pixels, SliceSource.SCREENSHOT, "a.png")))
    np.testing.assert_array_equal(back.pixels, pixels)
    assert not back.pixels.flags.writeable
    deep = copy.deepcopy(lazy_slice(np.ones((2, 2), dtype=np.uint8)))
    assert deep.pixels.tolist() == [[-99.5, -99.5], [-99.5, -99.5]]


def test_big_endian_values_are_made_native() -> None:
    values = np.array([[1, 2], [300, 65535]], dtype=">u2")
    stored = StoredPixels(values, 2.0, 1.0)
    assert stored.values.dtype.isnative
    assert stored.values.tolist() == [[1, 2], [300, 65535]]
    assert stored.si.tolist() == [[3.0, 5.0], [601.0, 131071.0]]  # by hand: 2v + 1


@pytest.mark.parametrize(
    "values",
    [np.zeros((2, 2), dtype=np.float32), np.zeros((2, 2, 2), dtype=np.uint16), np.zeros(4, int)],
)
def test_stored_pixels_refuse_non_integer_or_not_2d(values: np.ndarray) -> None:
    with pytest.raises(VbqInputError, match="2-D integer array"):
        StoredPixels(values)
