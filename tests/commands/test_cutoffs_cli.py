"""``python -m vbqcore cutoffs``: the library as JSON, filters, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from vbqcore.cli import main
from vbqcore.literature import load_library

KEYS = {
    "score",
    "target",
    "threshold",
    "direction",
    "auc",
    "sensitivity",
    "specificity",
    "field_strength_t",
    "doi",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["cutoffs", *args]) == 0
    out: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return out


def test_whole_library(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys)
    assert isinstance(out, list) and len(out) == len(load_library())
    for item in out:
        assert KEYS <= item.keys()
        assert item["direction"] == "higher = positive" and item["doi"].startswith("10.")
    hu = next(i for i in out if i["id"] == "hu2024-oi-osteoporosis")
    assert (hu["score"], hu["target"], hu["threshold"]) == ("vbq", "osteoporosis", 3.02)
    assert hu["lr_positive"] == pytest.approx(0.76 / 0.26)


def test_filters(capsys: pytest.CaptureFixture[str]) -> None:
    surgical = run(capsys, "--target", "surgical-planning")
    assert surgical and {i["target_group"] for i in surgical} == {"surgical-planning"}
    osteo = run(capsys, "--target", "osteoporosis")
    assert osteo and {i["target"] for i in osteo} == {"osteoporosis"}
    at3 = run(capsys, "--field-strength", "3")
    assert all(i["field_strength_t"] in (None, 3.0) for i in at3)
    assert not any(i["id"].startswith("huang") for i in at3)
    at15 = run(capsys, "--target", "ovcf", "--field-strength", "1.5")
    # Huang et al. (1.5 T) and the OVCF study that does not report its field strength.
    assert {i["id"] for i in at15} == {
        "huang2026-vbq-t1",
        "huang2026-vbq-t2",
        "huang2026-vbq-t2-stir",
        "bmc2024-vbq-ovcf",
    }
    assert {i["field_strength_t"] for i in at15} == {1.5, None}


def test_out_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lib.json"
    assert main(["cutoffs", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert len(json.loads(out.read_text(encoding="utf-8"))) == len(load_library())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "bone age"], "target 'bone age' is not known"),
        (["--field-strength", "0"], "--field-strength 0: give the field in tesla"),
        (["--library", "/nonexistent/lib.json"], "cannot be read"),
    ],
)
def test_bad_input_exits_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cutoffs", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vbqcore", "cutoffs", "--target", "fracture-risk"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {i["target_group"] for i in json.loads(done.stdout)} == {"fracture-risk"}


# T1 L1..L4 = 300, 310, 320, 400, CSF 100: mean 3.325; T2 L1..L4 = 60, 62, 55, 58, CSF 100:
# mean 0.5875 (by hand); a 3 T Siemens scan.
CASE = {
    "T1_L1": 300, "T1_L2": 310, "T1_L3": 320, "T1_L4": 400, "T1_CSF": 100,
    "T2_L1": 60, "T2_L2": 62, "T2_L3": 55, "T2_L4": 58, "T2_CSF": 100,
    "field_strength_t": 3.0, "manufacturer": "Siemens",
}  # fmt: skip


def test_score_lists_the_literature_with_the_same_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE), encoding="utf-8")
    assert main(["score", str(path), "--target", "osteoporosis-screening"]) == 0
    out = json.loads(capsys.readouterr().out)
    lit = out["literature"]
    assert lit["target_group"] == "osteoporosis-screening" and lit["field_strength_t"] == 3.0
    rows = {c["id"]: c for c in lit["comparisons"]}
    assert len(rows) == len(load_library())
    hu = rows["hu2024-oi-osteoporosis"]
    assert hu["applicable"] and hu["value"] == pytest.approx(3.325) and hu["zone"] == "above"
    assert hu["field_strength_match"] == "unknown"
    huang = rows["huang2026-vbq-t2"]
    # Same rules as the main interpretation: VBQ-T2 (60+62+55+58)/4/100 = 0.5875 with the
    # observer-agreement interval (±6.14 %, issue 18) [0.5514, 0.6236] contains 0.555.
    main_t2 = next(c for c in out["interpretation"]["comparisons"] if c["score"] == "vbq_t2")
    assert huang["zone"] == main_t2["zone"] == "borderline"
    assert huang["field_strength_match"] == "mismatch"
    assert not rows["huang2026-vbq-t2-stir"]["applicable"]
    assert "needs STIR SIs" in rows["huang2026-vbq-t2-stir"]["reason"]


def test_score_target_needs_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("T1_L1,T1_CSF\n300,100\n", encoding="utf-8")
    assert main(["score", str(path), "--target", "fracture-risk"]) == 2
    assert "--target applies to .json input only" in capsys.readouterr().err
