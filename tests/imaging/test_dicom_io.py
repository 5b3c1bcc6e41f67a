"""DICOM reading: pydicom's bundled files, compressed variants, the modality LUT, bad files."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.pixels import apply_modality_lut
from pydicom.pixels.decoders.base import Decoder
from pydicom.uid import MPEG2MPML, DeflatedExplicitVRLittleEndian, JPEG2000Lossless, RLELossless

from tests.phantoms import (
    PHANTOM_VALUES,
    marker_value,
    phantom_regions,
    pydicom_file,
    write_phantom_multiframe,
    write_phantom_series,
)
from vbqcore.anatomy import Sequence
from vbqcore.errors import DicomReadError, VbqInputError
from vbqcore.imaging.dicom_io import block_dtype, decode_frames, open_dicom
from vbqcore.imaging.reading import read_series, read_slice
from vbqcore.imaging.slices import SliceSource
from vbqcore.imaging.sources import load_source


def test_mr_small_matches_pydicom_stored_values() -> None:
    # MR_small has no RescaleSlope/Intercept: the SIs are the stored values pydicom decodes.
    expected = pydicom.dcmread(pydicom_file("MR_small.dcm")).pixel_array.astype(np.float64)
    slice_ = read_slice(pydicom_file("MR_small.dcm"))
    assert slice_.source is SliceSource.DICOM
    assert slice_.pixels.dtype == np.float64
    np.testing.assert_array_equal(slice_.pixels, expected)
    assert slice_.pixel_spacing_mm == (0.3125, 0.3125)  # PixelSpacing 0.3125\0.3125
    assert slice_.window == (600.0, 1600.0)  # WindowCenter 600, WindowWidth 1600
    assert not slice_.pixels.flags.writeable


@pytest.mark.parametrize(
    "variant",
    [
        "MR_small_RLE.dcm",
        "MR_small_jp2klossless.dcm",
        "MR_small_jpeg_ls_lossless.dcm",
        "MR_small_bigendian.dcm",
        "MR_small_implicit.dcm",
    ],
)
def test_lossless_variants_decode_to_the_same_pixels(variant: str) -> None:
    # Lossless compression and other byte orders must give the uncompressed file's pixels.
    reference = read_slice(pydicom_file("MR_small.dcm")).pixels
    np.testing.assert_array_equal(read_slice(pydicom_file(variant)).pixels, reference)


def test_modality_lut_of_mr2_checked_by_hand() -> None:
    # MR2_UNCR: RescaleSlope 3.774114, RescaleIntercept 0.000061, stored value 323 at (500, 500).
    # By hand: 323 x 3.774114 + 0.000061 = 1219.038822 + 0.000061 = 1219.038883.
    path = pydicom_file("MR2_UNCR.dcm")
    ds = pydicom.dcmread(path)
    assert ds.pixel_array[500, 500] == 323
    slice_ = read_slice(path)
    assert slice_.pixels[500, 500] == pytest.approx(1219.038883, abs=1e-9)
    # The whole image equals pydicom's own modality LUT, bit for bit.
    np.testing.assert_array_equal(slice_.pixels, apply_modality_lut(ds.pixel_array, ds))
    assert slice_.protocol.sequence_guess is Sequence.T1  # SE, TR 350 ms, TE 27 ms
    assert slice_.protocol.manufacturer == "Philips"
    assert slice_.protocol.field_strength_t == 1.5


def test_mr2_jpeg2000_reversible_equals_uncompressed() -> None:
    np.testing.assert_array_equal(
        read_slice(pydicom_file("MR2_J2KR.dcm")).pixels,
        read_slice(pydicom_file("MR2_UNCR.dcm")).pixels,
    )


@pytest.mark.parametrize(
    "variant",
    [
        "emri_small.dcm",
        "emri_small_RLE.dcm",
        "emri_small_jpeg_2k_lossless.dcm",
        "emri_small_jpeg_ls_lossless.dcm",
        "emri_small_big_endian.dcm",
    ],
)
def test_multiframe_emri_small(variant: str) -> None:
    frames = pydicom.dcmread(pydicom_file("emri_small.dcm")).pixel_array  # (10, 64, 64) uint16
    series = read_series([pydicom_file(variant)])
    assert len(series.slices) == 10
    assert series.default_index == 5  # 10 // 2
    np.testing.assert_array_equal(np.stack([s.pixels for s in series.slices]), frames)
    middle = read_slice(pydicom_file(variant))
    np.testing.assert_array_equal(middle.pixels, frames[5])
    assert any("frame 6 of 10" in note for note in middle.notes)


@pytest.mark.parametrize("sequence", [Sequence.T1, Sequence.T2, Sequence.STIR])
@pytest.mark.parametrize("transfer_syntax", [None, RLELossless, JPEG2000Lossless])
def test_phantom_region_means_are_exact(
    tmp_path: Path, sequence: Sequence, transfer_syntax: pydicom.uid.UID | None
) -> None:
    options = {} if transfer_syntax is None else {"transfer_syntax": transfer_syntax}
    paths = write_phantom_series(tmp_path, sequence=sequence, n_slices=3, **options)
    slice_ = read_slice(paths[1])
    for label, region in phantom_regions(sequence).items():
        if label == "background":
            continue
        # Exact equality: stored = (SI + 100) / 0.5 is an integer, and x * 0.5 - 100 is exact.
        assert slice_.pixels[region.index].mean() == region.value, label
    assert slice_.pixels[2:10, 2:10].mean() == marker_value(1)
    assert slice_.protocol.sequence_guess is sequence


def test_phantom_with_other_slope_and_signed_intercept(tmp_path: Path) -> None:
    # Slope 1.25, intercept 0: SI 400 <- stored 320; 345 <- 276; by hand, both exact.
    values = {"L1": 345.0, "L2": 400.0, "L3": 400.0, "L4": 400.0, "CSF": 100.0, "T12": 400.0,
              "L5": 400.0, "disc": 300.0, "background": 200.0}  # fmt: skip
    (path,) = write_phantom_series(tmp_path, n_slices=1, slope=1.25, intercept=0.0, values=values)
    assert pydicom.dcmread(path).pixel_array[60, 100] == 276
    slice_ = read_slice(path)
    assert slice_.pixels[60, 100] == 345.0


def test_enhanced_multiframe_functional_groups(tmp_path: Path) -> None:
    # Frames stored in reverse position order; spacing, rescale, timing only in functional groups.
    path = write_phantom_multiframe(tmp_path / "enhanced.dcm", sequence=Sequence.STIR)
    series = read_series([path])
    assert [s.pixels[3, 3] for s in series.slices] == [marker_value(k) for k in range(5)]
    assert [s.position_mm for s in series.slices] == [-8.0, -4.0, 0.0, 4.0, 8.0]
    shown = series.default_slice
    assert shown.pixel_spacing_mm == (2.1875, 2.0)  # (row, column): not swapped
    regions = phantom_regions(Sequence.STIR, rows=128, cols=128)
    assert shown.pixels[regions["L3"].index].mean() == PHANTOM_VALUES[Sequence.STIR]["L3"]
    protocol = series.protocol
    assert (protocol.tr_ms, protocol.te_ms, protocol.ti_ms) == (4000.0, 40.0, 150.0)
    assert protocol.field_strength_t == 3.0
    assert protocol.sequence_guess is Sequence.STIR
    assert shown.window is not None


def _rewrite(path: Path, **changes: object) -> Path:
    ds = pydicom.dcmread(path)
    for keyword, value in changes.items():
        if value is None:
            delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    ds.save_as(path)
    return path


def test_imager_pixel_spacing_fallback_and_missing_spacing(tmp_path: Path) -> None:
    first, second = write_phantom_series(tmp_path, n_slices=2)
    _rewrite(first, PixelSpacing=None, ImagerPixelSpacing=[0.5, 0.75])
    fallback = read_slice(first)
    assert fallback.pixel_spacing_mm == (0.5, 0.75)
    assert any("ImagerPixelSpacing" in note for note in fallback.notes)
    _rewrite(second, PixelSpacing=None)
    missing = read_slice(second)
    assert missing.pixel_spacing_mm is None
    assert any("No pixel spacing" in note for note in missing.notes)


def test_multivalued_window_uses_first_pair(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    _rewrite(path, WindowCenter=[300, 500], WindowWidth=[600, 1000])
    assert read_slice(path).window == (300.0, 600.0)


def test_monochrome1_and_philips_scale_slope_are_noted(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    ds = pydicom.dcmread(path)
    ds.PhotometricInterpretation = "MONOCHROME1"
    ds.add_new(0x20050010, "LO", "Philips MR Imaging DD 001")
    ds.add_new(0x2005100E, "FL", 0.0123)
    ds.save_as(path)
    notes = " ".join(read_slice(path).notes)
    assert "MONOCHROME1" in notes
    assert "Philips private scale slope" in notes


def test_dicom_without_preamble_is_read(tmp_path: Path) -> None:
    # Old ACR-NEMA-style file: no 128-byte preamble, no "DICM", no file meta.
    ds = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    expected = ds.pixel_array
    ds.file_meta = FileMetaDataset()
    ds.preamble = None
    headless = tmp_path / "headless"
    ds.save_as(headless, implicit_vr=True, little_endian=True, enforce_file_format=False)
    raw = headless.read_bytes()
    assert raw[128:132] != b"DICM"
    np.testing.assert_array_equal(read_slice(headless).pixels, expected)


# --- bad input ------------------------------------------------------------------------------


def test_truncated_file_is_refused() -> None:
    with pytest.raises(DicomReadError, match=r"MR_truncated\.dcm is truncated: .*8130 bytes"):
        read_slice(pydicom_file("MR_truncated.dcm"))


def test_file_cut_inside_header_is_refused() -> None:
    # Cut after Rows/Columns (offset ~1370) but long before the pixel data (offset 1500).
    data = Path(pydicom_file("MR_small.dcm")).read_bytes()[:1450]
    with pytest.raises(DicomReadError, match=r"cut\.dcm is incomplete: .*64 x 64 image"):
        read_slice(data, name="cut.dcm")


@pytest.mark.filterwarnings("ignore:End of file reached before delimiter")
def test_compressed_file_cut_short_is_refused() -> None:
    with pytest.raises(DicomReadError, match=r"too_short\.dcm is damaged or cut short"):
        read_series([pydicom_file("emri_small_jpeg_2k_lossless_too_short.dcm")])


def test_no_pixel_data(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    _rewrite(path, PixelData=None, Rows=None, Columns=None)
    with pytest.raises(DicomReadError, match=r"IM0001\.dcm is a DICOM file without an image"):
        read_slice(path)


def test_colour_dicom_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DicomReadError, match=r"SC_rgb\.dcm is a colour image .*RGB"):
        read_slice(pydicom_file("SC_rgb.dcm"))
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    _rewrite(path, PhotometricInterpretation="YBR_FULL", SamplesPerPixel=3)
    with pytest.raises(DicomReadError, match=r"colour image \(PhotometricInterpretation YBR_FULL"):
        read_slice(path)


def test_compression_without_any_decoder(tmp_path: Path) -> None:
    # MPEG-2 video: pydicom 3 implements no decoder for it (a real case, not simulated).
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    ds = pydicom.dcmread(path)
    ds.PixelData = encapsulate([b"\x00\x00\x01\xb3" + bytes(60)])
    ds.file_meta.TransferSyntaxUID = MPEG2MPML
    ds.save_as(path)
    with pytest.raises(DicomReadError, match=r"compression \(MPEG2 Main Profile.*cannot decode"):
        read_slice(path)


def test_unknown_transfer_syntax(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    ds = pydicom.dcmread(path)
    ds.PixelData = encapsulate([bytes(64)])
    ds.file_meta.TransferSyntaxUID = "1.2.826.0.1.3680043.9.9999.1"  # a private codec UID
    ds.save_as(path)
    with pytest.raises(DicomReadError, match=r"unknown \(1\.2\.826\.0\.1\.3680043\.9\.9999\.1\)"):
        read_slice(path)


def test_decoder_plugins_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: pretend the pylibjpeg/pillow JPEG 2000 plugins are not installed. The real
    # decoders are installed here, so only this monkeypatch can show the message users get.
    monkeypatch.setattr(Decoder, "is_available", property(lambda self: False))
    with pytest.raises(DicomReadError, match=r"compressed as JPEG 2000.*no decoder for it"):
        read_slice(pydicom_file("MR_small_jp2klossless.dcm"))


def _oversized_dicom(path: Path, side: int) -> Path:
    """A header promising side x side 16-bit pixels, its pixel data a sparse file of that size."""
    ds = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    del ds.PixelData
    ds.Rows = ds.Columns = side
    ds.save_as(path)
    length = side * side * 2
    with path.open("ab") as fh:
        fh.write(struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, length))
        fh.truncate(fh.tell() + length)  # sparse: no disk used, nothing read
    return path


def test_huge_image_refused_before_decoding(tmp_path: Path) -> None:
    path = _oversized_dicom(tmp_path / "huge.dcm", 20000)
    assert path.stat().st_size > 800_000_000
    with pytest.raises(DicomReadError, match=r"huge\.dcm is 20000 x 20000 pixels, larger than"):
        read_slice(path)


def test_total_series_size_is_limited(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1, rows=64, cols=64)
    _rewrite(path, NumberOfFrames=30000)  # 30000 x 64 x 64 = 123 MP > 100 MP
    with pytest.raises(DicomReadError, match=r"30000 frames of 64 x 64 pixels"):
        read_series([path])


def test_damaged_header_after_dicm_prefix() -> None:
    junk = bytes(128) + b"DICM" + b"\x02\x00\x10\x00UI\xff\xff" + bytes(40)
    with pytest.raises(VbqInputError, match=r"junk\.dcm"):
        read_slice(junk, name="junk.dcm")


# --- stored values, read as stored, SIs computed on first use --------------------------------


def _eager_si(path: Path | str) -> np.ndarray:
    """The reference: pydicom's own decode and modality LUT of the file."""
    ds = pydicom.dcmread(path)
    return apply_modality_lut(ds.pixel_array, ds)


@pytest.mark.parametrize(
    ("slope", "intercept"), [(0.5, -100.0), (-0.5, 2000.0), (1.0, 0.0), (1.25, 0.0)]
)
@pytest.mark.parametrize("transfer_syntax", [None, RLELossless, JPEG2000Lossless])
def test_lazy_pixels_equal_pydicom_modality_lut(
    tmp_path: Path, slope: float, intercept: float, transfer_syntax: pydicom.uid.UID | None
) -> None:
    values = dict(PHANTOM_VALUES[Sequence.T2]) if slope != 1.25 else None
    options = {} if transfer_syntax is None else {"transfer_syntax": transfer_syntax}
    paths = write_phantom_series(
        tmp_path, sequence=Sequence.T2, n_slices=3, slope=slope, intercept=intercept,
        values=values, **options,
    )  # fmt: skip
    series = read_series(paths)
    for path, slice_ in zip(paths, series.slices, strict=True):
        assert slice_.stored_pixels is not None
        assert "si" not in vars(slice_.stored_pixels)  # nothing converted by loading
        np.testing.assert_array_equal(slice_.pixels, _eager_si(path))
        assert not slice_.pixels.flags.writeable


@pytest.mark.parametrize(
    "name",
    ["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR2_UNCR.dcm",
     "emri_small.dcm", "MR_small_RLE.dcm", "CT_small.dcm"],
)  # fmt: skip
def test_stored_values_equal_pydicom_pixel_array(name: str) -> None:
    # Signed and unsigned, in memory and read later, 12 of 16 bits, big-endian, multi-frame.
    path = pydicom_file(name)
    expected = pydicom.dcmread(path).pixel_array
    series = read_series([path])
    stored = np.stack([s.stored_pixels.values for s in series.slices])  # type: ignore[union-attr]
    np.testing.assert_array_equal(stored, expected.reshape(stored.shape))
    assert stored.dtype == expected.dtype.newbyteorder("=")


@pytest.mark.parametrize("signed", [False, True])
def test_eight_bit_pixel_data_read_as_stored(tmp_path: Path, signed: bool) -> None:
    # 300 x 300 bytes > DEFER_SIZE: read from disk after the header (and in memory as upload).
    (path,) = write_phantom_series(tmp_path, n_slices=1, rows=300, cols=300)
    ds = pydicom.dcmread(path)
    rng = np.random.default_rng(8)
    dtype = np.int8 if signed else np.uint8
    values = rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max, (300, 300)).astype(dtype)
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit, ds.PixelRepresentation = 7, int(signed)
    ds.PixelData = values.tobytes()
    ds.save_as(path)
    np.testing.assert_array_equal(pydicom.dcmread(path).pixel_array, values)  # the fixture
    for source in (path, ("upload.dcm", path.read_bytes())):
        slice_ = read_slice(source)
        np.testing.assert_array_equal(slice_.stored_pixels.values, values)  # type: ignore[union-attr]
        np.testing.assert_array_equal(slice_.pixels, values * 0.5 - 100.0)


def test_series_read_from_disk_shares_one_block(tmp_path: Path) -> None:
    paths = write_phantom_series(tmp_path, n_slices=4)
    files = [open_dicom(load_source(p)) for p in paths]
    assert {block_dtype(f) for f in files} == {np.dtype("<u2")}
    slices = read_series(paths).slices
    first, last = (s.stored_pixels.values for s in (slices[0], slices[-1]))  # type: ignore[union-attr]
    assert np.shares_memory(first.base, last.base)  # one block for the series
    uploads = read_series([(p.name, p.read_bytes()) for p in paths]).slices
    assert block_dtype(open_dicom(load_source(paths[0].read_bytes()))) is None  # in memory
    for on_disk, uploaded in zip(slices, uploads, strict=True):
        np.testing.assert_array_equal(on_disk.pixels, uploaded.pixels)


@pytest.mark.parametrize("name", ["MR2_UNCR.dcm", "MR_small.dcm", "emri_small_RLE.dcm"])
def test_block_dtype_only_for_values_read_as_stored(name: str) -> None:
    # MR2_UNCR: 12 of 16 bits stored (decoded by pydicom); MR_small: 8 KB, read with the
    # header; RLE: compressed.
    assert block_dtype(open_dicom(load_source(pydicom_file(name)))) is None


def test_stored_out_is_checked(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    dicom = open_dicom(load_source(path))
    with pytest.raises(ValueError, match=r"stored_out must be an array of shape \(1, 256, 256\)"):
        decode_frames(dicom, stored_out=np.empty((1, 256, 256), dtype=np.int32))
    with pytest.raises(ValueError, match="pass indices=None"):
        decode_frames(dicom, [0], stored_out=np.empty((1, 256, 256), dtype=np.uint16))
    block = np.empty((1, 256, 256), dtype=np.uint16)
    (frame,) = decode_frames(dicom, stored_out=block)
    np.testing.assert_array_equal(block[0], pydicom.dcmread(path).pixel_array)
    assert np.shares_memory(frame.slice.stored_pixels.values, block)  # type: ignore[union-attr]


def test_eager_out_still_fills_si(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    out = np.zeros((1, 256, 256))
    (frame,) = decode_frames(open_dicom(load_source(path)), out=out)
    np.testing.assert_array_equal(out[0], _eager_si(path))
    assert frame.slice.stored_pixels is None
    assert np.shares_memory(frame.slice.pixels, out)


def test_deflated_file_is_read_whole(tmp_path: Path) -> None:
    # A deflated data set is inflated in memory by pydicom: its values cannot be read later.
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    ds = pydicom.dcmread(path)
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    ds.save_as(path, implicit_vr=False, little_endian=True)
    assert path.stat().st_size < 20_000  # really deflated
    np.testing.assert_array_equal(read_slice(path).pixels, _eager_si(path))


def test_deferred_pixel_data_cut_short_is_refused(tmp_path: Path) -> None:
    # 256 x 256 x 2 = 131 072 bytes, more than DEFER_SIZE: measured without reading it.
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    path.write_bytes(path.read_bytes()[:-1000])
    with pytest.raises(DicomReadError, match=r"IM0001\.dcm is truncated: .*130072 bytes .*131072"):
        read_slice(path)


def test_file_changed_after_its_header_was_read(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    dicom = open_dicom(load_source(path))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    with pytest.raises(DicomReadError, match=r"IM0001\.dcm changed on disk"):
        decode_frames(dicom)
