"""Reading uploads (vbqcore.imaging.uploads): zips, bad files, several series, assignment."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.phantoms import DEFAULT_IDENTIFIERS, phantom_png, pydicom_file, write_phantom_series
from vbqcore.anatomy import Sequence
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.imaging.uploads import (
    assign_sequences,
    describe_protocol,
    expand_archives,
    read_uploads,
)


def series_files(tmp_path: Path, seq: Sequence, n: int = 3) -> list[tuple[str, bytes]]:
    paths = write_phantom_series(
        tmp_path / seq.value, sequence=seq, n_slices=n, series_seed=seq.value
    )
    return [(p.name, p.read_bytes()) for p in paths]


def zipped(files: list[tuple[str, bytes]], *extra: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in [*files, *extra]:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_three_series_in_one_batch_are_split_and_guessed(tmp_path: Path) -> None:
    files = [
        f for s in (Sequence.STIR, Sequence.T1, Sequence.T2) for f in series_files(tmp_path, s)
    ]
    batch = read_uploads(files)
    assert batch.errors == ()
    assert sorted(u.guess.value for u in batch.series) == ["STIR", "T1", "T2"]
    for upload in batch.series:
        assert len(upload.series.slices) == 3 and upload.series.default_index == 1
        assert "SAG" in upload.description and "3 slices, 256 x 256 px" in upload.description


def test_zip_of_a_series_with_mac_metadata(tmp_path: Path) -> None:
    files = series_files(tmp_path, Sequence.T2, n=5)
    archive = zipped(
        [(f"exam/{n}", d) for n, d in files],
        ("__MACOSX/._IM0001.dcm", b"junk"),
        ("exam/DICOMDIR", b"index"),
        ("exam/", b""),
    )
    expanded, errors = expand_archives([("exam.zip", archive)])
    assert errors == [] and len(expanded) == 5
    assert expanded[0][0] == "exam.zip/exam/IM0001.dcm"
    batch = read_uploads([("exam.zip", archive)])
    assert batch.errors == () and batch.series[0].guess is Sequence.T2


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"patient notes, not an image", "neither a DICOM file nor a PNG"),
        ("broken.zip", b"PK\x03\x04 this is not really a zip", "damaged .zip"),
        ("empty.dcm", b"", "empty"),
    ],
)
def test_a_bad_file_is_reported_and_the_series_kept(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    files = series_files(tmp_path, Sequence.T1)
    batch = read_uploads([*files, (name, data)])
    assert len(batch.series) == 1 and len(batch.series[0].series.slices) == 3
    assert len(batch.errors) == 1
    assert name in batch.errors[0] and message in batch.errors[0]


def test_truncated_dicom_in_a_series_is_dropped_by_name(tmp_path: Path) -> None:
    truncated = Path(pydicom_file("MR_truncated.dcm")).read_bytes()
    files = series_files(tmp_path, Sequence.T1)
    batch = read_uploads([*files, ("cut.dcm", truncated)])
    assert [len(u.series.slices) for u in batch.series] == [3]
    assert len(batch.errors) == 1 and batch.errors[0].startswith("cut.dcm")


def test_screenshots_are_one_series_each_guessed_from_the_name() -> None:
    batch = read_uploads(
        [
            ("sag_t2.png", phantom_png(sequence=Sequence.T2)),
            ("stir.png", phantom_png(sequence=Sequence.STIR)),
            ("image.png", phantom_png()),
        ]
    )
    assert [u.guess for u in batch.series] == [Sequence.T2, Sequence.STIR, Sequence.UNKNOWN]
    assert all(u.series.default_slice.source is SliceSource.SCREENSHOT for u in batch.series)
    assert batch.series[0].description == "screenshot (1 slice, 256 x 256 px)"


def test_descriptions_never_carry_identifiers(tmp_path: Path) -> None:
    batch = read_uploads(series_files(tmp_path, Sequence.T1))
    text = batch.series[0].description + describe_protocol(batch.series[0].series.protocol)
    for value in DEFAULT_IDENTIFIERS.values():
        assert value not in text


def test_describe_protocol() -> None:
    protocol = Protocol(
        manufacturer="SIEMENS", model="Skyra", field_strength_t=3.0, tr_ms=4000, te_ms=40, ti_ms=220
    )
    assert describe_protocol(protocol) == "SIEMENS Skyra · 3 T · TR 4000 ms · TE 40 ms · TI 220 ms"
    assert describe_protocol(Protocol()) == "vendor unknown · field unknown"


T1, T2, STIR, UNKNOWN = Sequence.T1, Sequence.T2, Sequence.STIR, Sequence.UNKNOWN


@pytest.mark.parametrize(
    ("guesses", "occupied", "expected"),
    [
        ([T2, T1, STIR], [], [T2, T1, STIR]),
        ([UNKNOWN], [T1], [T2]),  # first empty slot
        ([T1, T1], [], [T1, T2]),  # second T1 of a batch goes to the next empty slot
        ([UNKNOWN], [T1, T2, STIR], [T1]),  # all full: first slot (the user is asked)
        ([T1, T2, STIR, UNKNOWN], [], [T1, T2, STIR, None]),  # a fourth series has no slot
        ([T2], [T2], [T2]),  # the same sequence again replaces it (after asking)
    ],
)
def test_assign_sequences(
    guesses: list[Sequence], occupied: list[Sequence], expected: list[Sequence | None]
) -> None:
    assert assign_sequences(guesses, occupied=occupied) == expected
