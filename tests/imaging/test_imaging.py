"""The public facade: series sorting, default slice, inputs as bytes, de-identification."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.phantoms import (
    EXPECTED_VBQ,
    PHANTOM_VALUES,
    marker_region,
    marker_value,
    phantom_png,
    phantom_regions,
    pydicom_file,
    write_phantom_multiframe,
    write_phantom_series,
)
from vbqcore.anatomy import Sequence
from vbqcore.errors import DicomReadError, FileReadError, VbqInputError
from vbqcore.imaging.reading import (
    Series,
    read_all_series,
    read_series,
    read_slice,
    slice_from_array,
)
from vbqcore.imaging.slices import SliceSource


def markers(series: Series) -> list[float]:
    """Marker SIs in series order; slice k of the phantom has marker_value(k)."""
    rows, cols = series.default_slice.shape
    box = marker_region(rows, cols)
    return [float(s.pixels[box.index].mean()) for s in series.slices]


@pytest.fixture(scope="module")
def t2_series(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_phantom_series(tmp_path_factory.mktemp("t2"), sequence=Sequence.T2)


def test_shuffled_files_are_sorted_along_the_normal(t2_series: list[Path]) -> None:
    shuffled = list(t2_series)
    random.Random(7).shuffle(shuffled)
    assert shuffled != t2_series
    series = read_series(shuffled)
    assert markers(series) == [marker_value(k) for k in range(15)]
    # Positions: (k - 7) x 4 mm along the normal (-1, 0, 0) of IOP 0\1\0\0\0\-1.
    assert [s.position_mm for s in series.slices] == [4.0 * (k - 7) for k in range(15)]
    assert series.default_index == 7
    assert series.default_slice.pixels[3, 3] == marker_value(7)


@settings(max_examples=25, deadline=None)
@given(order=st.permutations(range(15)))
def test_order_of_files_never_matters(t2_series: list[Path], order: list[int]) -> None:
    series = read_series([t2_series[i] for i in order])
    assert markers(series) == [marker_value(k) for k in range(15)]


def test_default_index_for_even_count(tmp_path: Path) -> None:
    series = read_series(write_phantom_series(tmp_path, n_slices=4, rows=32, cols=32))
    assert series.default_index == 2  # 4 // 2: the second of the two central slices
    assert markers(series)[2] == marker_value(2)
    assert series.default_slice.pixels[31, 31] == PHANTOM_VALUES[Sequence.T1]["background"]


def test_region_means_on_default_slice(t2_series: list[Path]) -> None:
    shown = read_series(t2_series).default_slice
    for label in ("L1", "L2", "L3", "L4", "CSF"):
        region = phantom_regions(Sequence.T2)[label]
        assert shown.pixels[region.index].mean() == PHANTOM_VALUES[Sequence.T2][label]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_roi_inside_a_region_has_its_value(t2_series: list[Path], data: st.DataObject) -> None:
    shown = read_slice(t2_series[7])
    label = data.draw(st.sampled_from(["T12", "L1", "L2", "L3", "L4", "L5", "CSF"]))
    box = phantom_regions(Sequence.T2)[label]
    r0 = data.draw(st.integers(box.row0, box.row1 - 1))
    r1 = data.draw(st.integers(r0 + 1, box.row1))
    c0 = data.draw(st.integers(box.col0, box.col1 - 1))
    c1 = data.draw(st.integers(c0 + 1, box.col1))
    assert shown.pixels[r0:r1, c0:c1].mean() == box.value


def test_position_beats_instance_number(tmp_path: Path) -> None:
    paths = write_phantom_series(tmp_path, n_slices=5, rows=32, cols=32)
    for k, path in enumerate(paths):
        ds = pydicom.dcmread(path)
        ds.InstanceNumber = 5 - k  # reversed: must be ignored while positions exist
        ds.save_as(path)
    series = read_series(list(reversed(paths)))
    assert markers(series) == [marker_value(k) for k in range(5)]
    assert series.notes == ()


@pytest.mark.parametrize(
    ("options", "note"),
    [
        ({"with_position": False}, "Sorted by SliceLocation"),
        ({"with_position": False, "with_slice_location": False}, "Sorted by InstanceNumber"),
    ],
)
def test_sort_fallbacks(tmp_path: Path, options: dict[str, bool], note: str) -> None:
    paths = write_phantom_series(tmp_path, n_slices=5, rows=32, cols=32, **options)
    series = read_series([paths[i] for i in (3, 0, 4, 1, 2)])
    assert markers(series) == [marker_value(k) for k in range(5)]
    assert any(n.startswith(note) for n in series.notes)


def test_no_position_keeps_given_order(tmp_path: Path) -> None:
    paths = write_phantom_series(
        tmp_path, n_slices=3, rows=32, cols=32, with_position=False,
        with_slice_location=False, with_instance_number=False,
    )  # fmt: skip
    series = read_series([paths[2], paths[0], paths[1]])
    assert markers(series) == [marker_value(2), marker_value(0), marker_value(1)]
    assert any("kept in file order" in n for n in series.notes)


def test_bytes_and_named_uploads(t2_series: list[Path]) -> None:
    uploads = [(p.name, p.read_bytes()) for p in t2_series[:3]]
    series = read_series(uploads[::-1])
    assert markers(series) == [marker_value(k) for k in range(3)]
    single = read_slice(t2_series[0].read_bytes(), name="upload.dcm")
    assert single.source_name == "upload.dcm"
    assert read_series(str(t2_series[0])).slices[0].pixels[3, 3] == marker_value(0)
    assert len(read_series(uploads[0]).slices) == 1  # one (name, bytes) pair is one file


def test_duplicate_files_are_read_once(t2_series: list[Path]) -> None:
    series = read_series([t2_series[0], t2_series[1], t2_series[0]])
    assert len(series.slices) == 2
    assert any("1 duplicate" in n for n in series.notes)


def test_two_series_are_refused_with_their_names(tmp_path: Path) -> None:
    t1 = write_phantom_series(tmp_path / "t1", sequence=Sequence.T1, n_slices=2, rows=32,
                              cols=32, series_seed="a", series_number=2)  # fmt: skip
    t2 = write_phantom_series(tmp_path / "t2", sequence=Sequence.T2, n_slices=2, rows=32,
                              cols=32, series_seed="b", series_number=3)  # fmt: skip
    with pytest.raises(
        DicomReadError, match=r"2 different series: series 2 'SAG T1 FSE' .*series 3 'SAG T2 FSE'"
    ) as info:
        read_series(t1 + t2)
    assert pydicom.dcmread(t1[0]).SeriesInstanceUID not in str(info.value)  # no UID shown
    found = read_all_series(t1 + t2)
    assert [series.protocol.sequence_guess for _, series in found] == [Sequence.T1, Sequence.T2]
    assert found[0][0].startswith("series 2 'SAG T1 FSE' (2 files: ")
    assert "IM0001.dcm" in found[0][0]


def test_dicom_and_screenshot_cannot_be_mixed(t2_series: list[Path]) -> None:
    with pytest.raises(VbqInputError, match=r"cannot form one series \(shot\.png"):
        read_series([t2_series[0], ("shot.png", phantom_png())])


def test_screenshots_form_a_series_in_given_order() -> None:
    series = read_series([("a.png", phantom_png()), ("b.png", phantom_png(mode="RGB"))])
    assert len(series.slices) == 2
    assert series.default_slice.source is SliceSource.SCREENSHOT
    assert any("order given" in n for n in series.notes)


def test_empty_list_and_bad_series() -> None:
    with pytest.raises(VbqInputError, match="No files were given"):
        read_series([])
    with pytest.raises(VbqInputError, match="at least one slice"):
        Series(slices=(), default_index=0)
    one = slice_from_array(np.zeros((2, 2)))
    with pytest.raises(VbqInputError, match="default_index 1 is outside"):
        Series(slices=(one,), default_index=1)


def test_series_to_dict_is_json_safe(tmp_path: Path) -> None:
    path = write_phantom_multiframe(tmp_path / "mf.dcm")
    summary = read_series([path]).to_dict()
    assert json.loads(json.dumps(summary)) == summary
    assert summary["slice_count"] == 5
    assert summary["default_index"] == 2
    assert summary["pixel_spacing_mm"] == [2.1875, 2.0]
    assert summary["protocol"]["sequence_guess"] == "T2"


def test_slice_from_array() -> None:
    source = np.arange(6, dtype=np.int16).reshape(2, 3)
    made = slice_from_array(source, name="demo", pixel_spacing_mm=(0.5, 0.8))
    source[0, 0] = 99  # the slice holds a copy
    assert made.pixels[0, 0] == 0.0
    assert made.pixels.dtype == np.float64
    assert not made.pixels.flags.writeable
    assert made.pixel_area_mm2 == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.zeros((3, 4, 4)), r"expected one 2-D image, got an array of shape \(3, 4, 4\)"),
        (np.zeros(5), r"expected one 2-D image"),
        (np.zeros((0, 4)), r"no pixels"),
        (np.array([[1.0, np.nan]]), r"NaN or infinite"),
        (np.array([["a", "b"]]), r"must be numbers"),
    ],
)
def test_slice_from_array_refuses(array: np.ndarray, message: str) -> None:
    with pytest.raises(VbqInputError, match=message):
        slice_from_array(array, name="bad array")


def test_slice_from_array_refuses_bad_spacing() -> None:
    with pytest.raises(VbqInputError, match="pixel spacing must be positive"):
        slice_from_array(np.zeros((2, 2)), pixel_spacing_mm=(0.0, 1.0))


# --- de-identification ----------------------------------------------------------------------

IDENTIFIERS = {
    "PatientName": "Zyxwvu^Qwertzia",
    "PatientID": "MRN84721193",
    "PatientBirthDate": "19370412",
    "OtherPatientIDs": "ALT55102",
    "PatientAddress": "12 Fictional Lane",
    "InstitutionName": "St Elsewhere Hospital",
    "ReferringPhysicianName": "Doolittle^Johanna",
    "AccessionNumber": "ACC99017",
    "StudyID": "STUDY4417",
}
FORBIDDEN = [*IDENTIFIERS.values(), "Zyxwvu", "Qwertzia", "Doolittle", "1937"]


def forbidden_in(text: str) -> list[str]:
    return [word for word in FORBIDDEN if word.lower() in text.lower()]


def test_no_identifier_reaches_slice_or_series(tmp_path: Path) -> None:
    paths = write_phantom_series(tmp_path, n_slices=3, rows=32, cols=32, identifiers=IDENTIFIERS)
    ds = pydicom.dcmread(paths[0])
    assert str(ds.PatientName) == IDENTIFIERS["PatientName"]  # the test can fail: they are there
    uids = [str(ds.SOPInstanceUID), str(ds.SeriesInstanceUID), str(ds.StudyInstanceUID)]
    series = read_series(paths)
    texts = [json.dumps(series.to_dict())]
    for slice_ in series.slices:
        fields = {k: v for k, v in vars(slice_).items() if k != "pixels"}
        texts.append(repr(fields))
    texts.append(repr(read_slice(paths[0]).protocol))
    for text in texts:
        assert forbidden_in(text) == []
        assert not any(uid in text for uid in uids)


def test_sequence_guess_reaches_the_protocol() -> None:
    # MR_small: ScanningSequence SE, TR 4000 ms, TE 240 ms -> long TR, long TE -> T2.
    protocol = read_slice(pydicom_file("MR_small.dcm")).protocol
    assert (protocol.tr_ms, protocol.te_ms) == (4000.0, 240.0)
    assert protocol.sequence_guess is Sequence.T2


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(FileReadError, match=r"nothere\.dcm: no such file"):
        read_slice(tmp_path / "nothere.dcm")
    with pytest.raises(FileReadError, match=r"is a folder, not a file"):
        read_series(tmp_path)


def test_phantom_vbq_constants_match_its_images(t2_series: list[Path], tmp_path: Path) -> None:
    # VBQ = mean SI(L1-L4) / SI(CSF), measured on the loaded images (T1 and STIR written here).
    shown = {Sequence.T2: read_series(t2_series).default_slice}
    for sequence in (Sequence.T1, Sequence.STIR):
        paths = write_phantom_series(tmp_path / sequence.value, sequence=sequence, n_slices=1)
        shown[sequence] = read_slice(paths[0])

    def si(sequence: Sequence, label: str) -> float:
        return float(shown[sequence].pixels[phantom_regions(sequence)[label].index].mean())

    def body(sequence: Sequence) -> float:
        return float(np.mean([si(sequence, level) for level in ("L1", "L2", "L3", "L4")]))

    for sequence in (Sequence.T1, Sequence.T2, Sequence.STIR):
        assert body(sequence) / si(sequence, "CSF") == pytest.approx(EXPECTED_VBQ[sequence.value])
    t2_stir = (body(Sequence.T2) - body(Sequence.STIR)) / (
        si(Sequence.T2, "CSF") - si(Sequence.STIR, "CSF")
    )
    assert t2_stir == pytest.approx(EXPECTED_VBQ["T2-STIR"])  # 214 / 237.5 = 0.90105...
