"""``python -m vbqcore roc``: the JSON keys of the issue, numbers equal to the Python API (and so
to pROC), listwise dropping, --positive matching, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.stats.roc_reference_data import SMALL_A, SMALL_B, SMALL_Y
from vbqcore.cli import main
from vbqcore.stats import compare_aucs, roc_analysis

SCORE_KEYS = {"auc", "ci_low", "ci_high", "se", "cutoff", "sensitivity", "specificity", "direction"}
COMPARISON_KEYS = {"a", "b", "auc_diff", "z", "p"}


@pytest.fixture
def cohort_csv(tmp_path: Path) -> Path:
    """The 40 synthetic patients (pROC reference data) with text labels and two blank cells."""
    table = pd.DataFrame(
        {
            "patient": [f"P{i:03d}" for i in range(40)],
            "group": np.where(SMALL_Y == 1, "fracture", "control"),
            "vbq_t2": SMALL_A,
            "vbq_t1": SMALL_B,
            "dexa_t": -SMALL_A * 10,
        }
    )
    table.loc[3, "vbq_t1"] = np.nan
    table.loc[8, "group"] = None
    path = tmp_path / "cohort.csv"
    table.to_csv(path, index=False)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(["roc", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else {}), err


def test_json_shape_and_numbers(cohort_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        str(cohort_csv),
        "--outcome", "group",
        "--positive", "fracture",
        "--score", "vbq_t2",
        "--score", "vbq_t1",
    )  # fmt: skip
    assert code == 0
    assert {"n_pos", "n_neg", "scores", "comparisons"} <= set(out)
    assert set(out["scores"]) == {"vbq_t2", "vbq_t1"}
    for entry in out["scores"].values():
        assert SCORE_KEYS <= set(entry)
    assert [(c["a"], c["b"]) for c in out["comparisons"]] == [("vbq_t2", "vbq_t1")]
    assert COMPARISON_KEYS <= set(out["comparisons"][0])
    # rows 3 (no vbq_t1) and 8 (no group) are dropped for every score and the comparison
    keep = ~np.isin(np.arange(40), [3, 8])
    assert out["n_dropped"] == 2
    assert out["n_pos"] + out["n_neg"] == 38
    ref = roc_analysis(SMALL_Y[keep], SMALL_A[keep])
    assert out["scores"]["vbq_t2"]["auc"] == pytest.approx(ref.auc)
    assert out["scores"]["vbq_t2"]["se"] == pytest.approx(ref.se)
    assert out["scores"]["vbq_t2"]["cutoff"] == pytest.approx(ref.cutoff)
    cmp = compare_aucs(SMALL_Y[keep], SMALL_A[keep], SMALL_B[keep])
    assert out["comparisons"][0]["z"] == pytest.approx(cmp.z)
    assert out["comparisons"][0]["p"] == pytest.approx(cmp.p)
    assert out["ci_method"] == "delong" and out["positive"] == "fracture"


def test_full_data_reproduces_proc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "small.csv"
    pd.DataFrame({"fx": SMALL_Y, "a": SMALL_A, "b": SMALL_B}).to_csv(path, index=False)
    code, out, _ = _run(capsys, str(path), "--outcome", "fx", "--score", "a", "--score", "b")
    assert code == 0
    # pROC 1.18 (see tests/stats/test_roc.py and test_delong.py for the R calls)
    assert out["scores"]["a"]["auc"] == pytest.approx(0.791666666666667, abs=1e-12)
    assert out["scores"]["a"]["cutoff"] == pytest.approx(0.555)
    assert out["comparisons"][0]["z"] == pytest.approx(1.34195451166872, abs=1e-10)
    assert out["comparisons"][0]["p"] == pytest.approx(0.17961074521427, abs=1e-10)
    assert out["positive"] == "1"


@pytest.mark.parametrize("positive", ["1", "1.0", " 1 "])
def test_numeric_outcome_positive_matches_as_text_or_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], positive: str
) -> None:
    path = tmp_path / "num.csv"
    pd.DataFrame({"fx": SMALL_Y, "a": SMALL_A}).to_csv(path, index=False)
    code, out, _ = _run(
        capsys, str(path), "--outcome", "fx", "--positive", positive, "--score", "a"
    )
    assert code == 0
    assert out["scores"]["a"]["auc"] == pytest.approx(0.791666666666667, abs=1e-12)
    code, flipped, _ = _run(capsys, str(path), "--outcome", "fx", "--positive", "0", "--score", "a")
    assert flipped["scores"]["a"]["auc"] == pytest.approx(1 - 0.791666666666667, abs=1e-12)
    assert flipped["warnings"]  # AUC < 0.5 with "higher": no useful cut-off


def test_auto_direction_and_bootstrap(cohort_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [str(cohort_csv), "--outcome", "group", "--positive", "fracture", "--score", "dexa_t"]
    code, out, _ = _run(capsys, *argv, "--direction", "auto", "--bootstrap", "300", "--seed", "5")
    assert code == 0
    entry = out["scores"]["dexa_t"]
    assert entry["direction"] == "lower" and entry["cutoff"] < 0
    assert out["ci_method"] == "bootstrap" and out["seed"] == 5
    _, again, _ = _run(capsys, *argv, "--direction", "auto", "--bootstrap", "300", "--seed", "5")
    assert again["scores"]["dexa_t"]["ci_low"] == entry["ci_low"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--outcome", "grp", "--score", "vbq_t2"], "no column 'grp'. Available columns: patient"),
        (["--outcome", "group", "--positive", "fracture", "--score", "VBQ"], "no column 'VBQ'"),
        (["--outcome", "group", "--score", "vbq_t2"], "say which one marks a case with --positive"),
        (["--outcome", "group", "--positive", "yes", "--score", "vbq_t2"], "'yes' is not a value"),
        (["--outcome", "patient", "--positive", "P001", "--score", "vbq_t2"], "exactly two values"),
        (["--outcome", "group", "--positive", "fracture", "--score", "patient"], "must be numeric"),
    ],
)
def test_bad_input_exits_2_naming_the_problem(
    cohort_csv: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = _run(capsys, str(cohort_csv), *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_through_a_real_process(cohort_csv: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vbqcore", "roc", str(cohort_csv), "--outcome", "group",
         "--positive", "fracture", "--score", "vbq_t2", "--score", "vbq_t1", "--score", "dexa_t"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["comparisons"]) == 3  # every pair of three scores
    missing = subprocess.run(
        [sys.executable, "-m", "vbqcore", "roc", str(cohort_csv), "--outcome", "nope",
         "--score", "vbq_t2"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert missing.returncode == 2
    assert "no column 'nope'" in missing.stderr


def test_out_file_curve_and_drawn_seed(
    cohort_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "roc.json"
    argv = ["roc", str(cohort_csv), "--outcome", "group", "--positive", "fracture"]
    code = main([*argv, "--score", "vbq_t2", "--curve", "--bootstrap", "50", "--out", str(target)])
    assert code == 0 and capsys.readouterr().out == ""
    out = json.loads(target.read_text(encoding="utf-8"))
    entry = out["scores"]["vbq_t2"]
    assert entry["thresholds"][0] is None and len(entry["fpr"]) == len(entry["tpr"])
    assert isinstance(out["seed"], int)  # drawn, and reported so the run can be repeated
    code = main([*argv, "--score", "vbq_t2", "--bootstrap", "50", "--seed", str(out["seed"])])
    again = json.loads(capsys.readouterr().out)
    assert again["scores"]["vbq_t2"]["ci_low"] == entry["ci_low"]
