"""Tests of ``python -m vbqcore suggest IMAGE [--frame N] --seed LABEL=ROW,COL [--seed ...]``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.roi.real_images import DATA, load_cases
from vbqcore.cli import main
from vbqcore.imaging.reading import read_slice
from vbqcore.roi.measure import measure_rois
from vbqcore.roi.shapes import rois_from_json
from vbqcore.roi.suggest import Seed, suggest_rois

IMAGE = DATA / "tptbox_T2_sag_T12-S1_overview.png"
CASE = next(c for c in load_cases() if c.name == IMAGE.name)
ROI_KEYS = ["label", "shape", "x", "y", "width", "height", "angle", "confidence", "warnings",
            "seed", "suggested"]  # fmt: skip


def _seed_args(labels: tuple[str, ...]) -> list[str]:
    out = []
    for label in labels:
        row, col = CASE.seeds[label]
        out += ["--seed", f"{label}={row},{col}"]
    return out


def test_prints_rois_that_measure_reads_back(tmp_path: Path, capsys) -> None:
    code = main(["suggest", str(IMAGE), *_seed_args(("L1", "L2", "L3", "L4", "CSF"))])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["rows"] == 382 and payload["columns"] == 280
    assert [r["label"] for r in payload["rois"]] == ["L1", "L2", "L3", "L4", "CSF"]
    for roi in payload["rois"]:
        assert list(roi) == ROI_KEYS
        assert 0.0 <= roi["confidence"] <= 1.0
    # The same JSON is a valid --rois file for measure (extra keys are ignored).
    rois_file = tmp_path / "rois.json"
    rois_file.write_text(json.dumps(payload["rois"]), encoding="utf-8")
    assert main(["measure", str(IMAGE), "--rois", str(rois_file)]) == 0
    measured = json.loads(capsys.readouterr().out)["rois"]
    # ... and measures what the library measures for the library's own suggestions.
    direct = measure_rois(
        read_slice(IMAGE), [s.roi for s in suggest_rois(read_slice(IMAGE), CASE.seed_list())]
    )
    assert [m["mean"] for m in measured] == pytest.approx([d.mean for d in direct], rel=1e-12)
    assert [m["n_pixels"] for m in measured] == [d.n_pixels for d in direct]
    assert rois_from_json(payload["rois"])[0].label == "L1"


def test_follow_proposes_l1_to_l4_and_csf_from_one_click(capsys) -> None:
    assert main(["suggest", str(IMAGE), *_seed_args(("L3",)), "--follow"]) == 0
    rois = json.loads(capsys.readouterr().out)["rois"]
    assert [r["label"] for r in rois] == ["L1", "L2", "L3", "L4", "CSF"]
    assert [r["seed"] is None for r in rois] == [True, True, False, True, True]


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ("L3=999,10", "outside the image, which has rows 0 to 381 and columns 0 to 279"),
        ("L3=10", "is not LABEL=ROW,COL"),
        ("S1=10,10", "is not one of T12, L1"),
        ("L3=2,2", "No structure found around the seed at row 2, column 2"),
    ],
)
def test_bad_seeds_exit_2_with_one_clear_line(seed: str, message: str, capsys) -> None:
    assert main(["suggest", str(IMAGE), "--seed", seed]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_frame_outside_a_single_image_exits_2(capsys) -> None:
    assert main(["suggest", str(IMAGE), "--frame", "3", "--seed", "L3=171,103"]) == 2
    assert "--frame 3 is outside" in capsys.readouterr().err


def test_runs_as_a_module_and_writes_out_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "vbqcore",
            "suggest",
            str(IMAGE),
            "--seed",
            "CSF=172,136",
            "--out",
            str(out),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    rois = json.loads(out.read_text(encoding="utf-8"))["rois"]
    assert [r["label"] for r in rois] == ["CSF"]
    assert rois[0]["seed"] == [172, 136]


def test_seed_round_trip_matches_the_library() -> None:
    assert Seed.parse("CSF=172,136").to_dict() == {"label": "CSF", "row": 172, "col": 136}
