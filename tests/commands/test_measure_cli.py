"""Tests of ``python -m vbqcore measure IMAGE --rois ROIS.json``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.data import get_testdata_file

from vbqcore.cli import main

KEYS = ["label", "shape", "n_pixels", "area_mm2", "mean", "median", "sd", "min", "max", "p5",
        "p95", "clipped", "warnings"]  # fmt: skip


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


@pytest.fixture
def png(tmp_path: Path) -> Path:
    """A 40 x 50 8-bit grey screenshot: 0 background, a 100 block at rows 10-19, cols 10-29."""
    pixels = np.zeros((40, 50), dtype=np.uint8)
    pixels[10:20, 10:30] = 100
    pixels[30:35, 40:45] = np.arange(25, dtype=np.uint8).reshape(5, 5)
    path = tmp_path / "shot.png"
    Image.fromarray(pixels).save(path)
    return path


ROIS = [
    {"label": "L1", "shape": "rect", "x": 10, "y": 10, "width": 20, "height": 10, "angle": 0},
    {"label": "L2", "shape": "rect", "x": 40, "y": 30, "width": 5, "height": 5},
    {"label": "CSF", "shape": "ellipse", "x": 12.2, "y": 11.3, "width": 8.5, "height": 5.1,
     "angle": 30},
    {"label": "L3", "shape": "polygon", "points": [[40, 30], [45, 30], [40, 35]]},
]  # fmt: skip


def test_measure_png(png: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rois = _write(tmp_path / "rois.json", ROIS)
    assert main(["measure", str(png), "--rois", str(rois)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["file"] == "file 1"  # by position unless --show-paths
    assert main(["measure", str(png), "--rois", str(rois), "--show-paths"]) == 0
    assert json.loads(capsys.readouterr().out)["file"] == str(png)
    assert [r["label"] for r in out["rois"]] == ["L1", "L2", "CSF", "L3"]
    for roi in out["rois"]:
        assert list(roi)[: len(KEYS) - 1] == KEYS[:-1] and "warnings" in roi
    l1, l2, csf, l3 = out["rois"]
    # L1 is exactly the 20 x 10 block of 100s; no spacing in a PNG, so no area.
    assert (l1["n_pixels"], l1["mean"], l1["sd"], l1["area_mm2"]) == (200, 100.0, 0.0, None)
    # L2 covers the 0..24 ramp: mean 12, median 12, sample SD sqrt(sum((k-12)^2)/24) =
    # sqrt(1300/24); R: quantile(0:24, c(.05, .95)) = 1.2, 22.8.
    assert (l2["n_pixels"], l2["mean"], l2["median"]) == (25, 12.0, 12.0)
    assert l2["sd"] == pytest.approx(np.sqrt(1300 / 24))
    assert (l2["p5"], l2["p95"], l2["min"], l2["max"]) == pytest.approx((1.2, 22.8, 0, 24))
    assert csf["mean"] == 100.0 and csf["shape"] == "ellipse"  # wholly inside the block
    # L3: the ramp's pixels with centre inside the triangle x + y <= 75 (x 40.., y 30..):
    # column c, row r with (c + 0.5 - 40) + (r + 0.5 - 30) <= 5, i.e. k = i + j <= 4.
    ramp = np.arange(25).reshape(5, 5)
    inside = [ramp[j, i] for j in range(5) for i in range(5) if i + j <= 4]
    assert (l3["n_pixels"], l3["mean"]) == (len(inside), pytest.approx(np.mean(inside)))


def test_measure_dicom_matches_pydicom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(get_testdata_file("MR_small.dcm", download=False))
    ds = pydicom.dcmread(path)
    reference = ds.pixel_array[20:30, 10:25].astype(float)  # MR_small: no rescale, 0.3125 mm
    rois = _write(tmp_path / "r.json", [{"label": "L4", "shape": "rect", "x": 10, "y": 20,
                                         "width": 15, "height": 10}])  # fmt: skip
    assert main(["measure", path, "--rois", str(rois)]) == 0
    (roi,) = json.loads(capsys.readouterr().out)["rois"]
    assert roi["n_pixels"] == reference.size == 150
    assert roi["mean"] == pytest.approx(reference.mean())
    assert roi["median"] == pytest.approx(np.median(reference))
    assert roi["sd"] == pytest.approx(reference.std(ddof=1))
    assert roi["area_mm2"] == pytest.approx(150 * 0.3125 * 0.3125)


def test_measure_through_python_m(png: Path, tmp_path: Path) -> None:
    rois = _write(tmp_path / "rois.json", ROIS[:1])
    out_file = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "-m", "vbqcore", "measure", str(png), "--rois", str(rois),
         "--out", str(out_file)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(out_file.read_text())["rois"][0]["mean"] == 100.0


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        ('[{"label": "L1", "shape": "rect", ', "not valid JSON"),
        ({"label": "L1"}, "Expected a JSON list"),
        ([ROIS[0], {"label": "L2", "shape": "rect", "x": 1, "y": 1, "width": 2}],
         r"ROI at index 1 \(label 'L2'\): missing key 'height'"),
        ([ROIS[0], {"label": "L2", "shape": "hexagon"}],
         r"ROI at index 1 \(label 'L2'\): key 'shape' is 'hexagon'"),
        ([ROIS[0], {"label": "L2", "shape": "polygon", "points": [[0, 0], [1, 1]]}],
         r"ROI at index 1 \(label 'L2'\): a polygon needs at least 3 points"),
        ([ROIS[0], {"shape": "ellipse", "x": 1, "y": 1, "width": 2, "height": "2"}],
         r"ROI at index 1: key 'height' must be a number"),
        ([{"label": "L5", "shape": "rect", "x": 90, "y": 90, "width": 5, "height": 5}],
         r"ROI at index 0 \(label 'L5'\) lies wholly outside"),
    ],
)  # fmt: skip
def test_bad_roi_files_exit_2_naming_index_and_key(
    png: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, pattern: str
) -> None:
    rois = _write(tmp_path / "rois.json", content)
    assert main(["measure", str(png), "--rois", str(rois)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert re.search(pattern, captured.err), captured.err


def test_missing_files_exit_2(
    png: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["measure", str(png), "--rois", str(tmp_path / "none.json")]) == 2
    assert "none.json" in capsys.readouterr().err


def test_partly_outside_roi_is_reported_clipped(
    png: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rois = _write(tmp_path / "r.json", [{"label": "L1", "shape": "rect", "x": 45, "y": 0,
                                         "width": 10, "height": 2}])  # fmt: skip
    assert main(["measure", str(png), "--rois", str(rois)]) == 0
    (roi,) = json.loads(capsys.readouterr().out)["rois"]
    assert roi["clipped"] is True and roi["n_pixels"] == 10
    assert "50%" in roi["warnings"][0]


def test_frame_of_a_multiframe_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = get_testdata_file("emri_small.dcm", download=False)
    if found is None:
        pytest.skip("pydicom-data's emri_small.dcm is not installed")
    path = str(found)
    frames = pydicom.dcmread(path).pixel_array.astype(float)  # (10, 64, 64), no rescale
    rois = _write(tmp_path / "r.json", [{"label": "L1", "shape": "rect", "x": 16, "y": 16,
                                         "width": 32, "height": 32}])  # fmt: skip
    means = []
    for n in range(len(frames)):
        assert main(["measure", path, "--rois", str(rois), "--frame", str(n)]) == 0
        means.append(json.loads(capsys.readouterr().out)["rois"][0]["mean"])
    # Slices come sorted along the stack; as a set they are the file's frames.
    expected = sorted(frames[:, 16:48, 16:48].mean(axis=(1, 2)))
    assert sorted(means) == pytest.approx(expected)
    assert main(["measure", path, "--rois", str(rois), "--frame", "10"]) == 2
    assert "--frame 10 is outside" in capsys.readouterr().err
