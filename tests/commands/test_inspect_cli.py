"""``python -m vbqcore inspect``: JSON per file, exit codes, no patient identifier in output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.imaging.test_imaging import FORBIDDEN, IDENTIFIERS, forbidden_in
from tests.phantoms import (
    PHANTOM_VALUES,
    marker_value,
    phantom_png,
    pydicom_file,
    write_phantom_multiframe,
    write_phantom_series,
)
from vbqcore.anatomy import Sequence
from vbqcore.cli import main

KEYS = {
    "file", "source", "protocol", "rows", "columns", "slice_count", "pixel_spacing_mm",
    "si_min", "si_max", "notes",
}  # fmt: skip


def run_inspect(capsys: pytest.CaptureFixture[str], *files: str) -> tuple[int, list, str]:
    code = main(["inspect", *files])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_inspect_one_phantom_slice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_phantom_series(tmp_path, sequence=Sequence.STIR, n_slices=3)
    code, result, err = run_inspect(capsys, str(paths[1]))
    assert (code, err) == (0, "")
    (entry,) = result
    assert set(entry) == KEYS
    assert entry["file"] == "file 1"  # by position: a file name may name the patient
    _, shown, _ = run_inspect(capsys, str(paths[1]), "--show-paths")
    assert shown[0]["file"] == str(paths[1])
    assert entry["source"] == "dicom"
    assert (entry["rows"], entry["columns"], entry["slice_count"]) == (256, 256, 1)
    assert entry["pixel_spacing_mm"] == [1.09375, 1.09375]
    # SI range by construction: lowest region is the STIR background (80), highest the
    # marker of slice 1 (1000 + 10 x 1).
    assert entry["si_min"] == PHANTOM_VALUES[Sequence.STIR]["background"]
    assert entry["si_max"] == marker_value(1)
    protocol = entry["protocol"]
    assert protocol["sequence_guess"] == "STIR"
    assert protocol["manufacturer"] == "GE MEDICAL SYSTEMS"
    assert protocol["field_strength_t"] == 1.5
    assert (protocol["tr_ms"], protocol["te_ms"], protocol["ti_ms"]) == (4000.0, 40.0, 150.0)


def test_inspect_several_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    multiframe = write_phantom_multiframe(tmp_path / "mf.dcm")
    png = tmp_path / "shot.png"
    phantom_png(path=png)
    code, result, _ = run_inspect(capsys, str(multiframe), str(png), pydicom_file("MR_small.dcm"))
    assert code == 0
    assert [e["slice_count"] for e in result] == [5, 1, 1]
    assert [e["source"] for e in result] == ["dicom", "screenshot", "dicom"]
    assert result[1]["pixel_spacing_mm"] is None
    assert any("display values" in note for note in result[1]["notes"])
    assert result[2]["si_min"] == 127.0  # MR_small: numpy min/max of pydicom's pixel_array
    assert result[2]["si_max"] == 2145.0


def test_bad_file_among_good_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_phantom_series(tmp_path, n_slices=1, rows=32, cols=32)[0]
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    code, result, err = run_inspect(capsys, str(text), str(good), pydicom_file("MR_truncated.dcm"))
    assert code == 2
    assert set(result[0]) == {"file", "error"}
    assert "file 1 is neither a DICOM file nor a PNG/JPEG/TIFF image" in result[0]["error"]
    assert "notes.txt" not in json.dumps(result) + err
    assert result[1]["rows"] == 32
    assert "is truncated" in result[2]["error"]
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("error: ") for line in lines)


def test_no_identifier_in_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write_phantom_series(tmp_path, n_slices=2, rows=32, cols=32, identifiers=IDENTIFIERS)
    code = main(["inspect", *map(str, paths)])
    captured = capsys.readouterr()
    assert code == 0
    assert forbidden_in(captured.out + captured.err) == []
    assert FORBIDDEN  # the list is not empty, so the check above means something


def test_out_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1, rows=32, cols=32)
    target = tmp_path / "report.json"
    assert main(["inspect", str(path), "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())[0]["rows"] == 32


def test_through_a_real_process(tmp_path: Path, repo_root: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1, rows=32, cols=32)
    empty = tmp_path / "empty.dcm"
    empty.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "vbqcore", "inspect", str(path), str(empty)],
        capture_output=True, text=True, cwd=repo_root, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    good, bad = json.loads(done.stdout)
    assert good["protocol"]["sequence_guess"] == "T1"
    assert bad == {"file": "file 2", "error": "file 2 is empty (0 bytes); copy the file again."}
    assert done.stderr == "error: file 2 is empty (0 bytes); copy the file again.\n"
