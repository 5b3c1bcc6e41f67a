"""``python -m vbqcore agreement`` and ``match``: JSON/CSV output, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from vbqcore.cli import main
from vbqcore.stats import bland_altman, icc_wide

# Bland & Altman, Lancet 1986;1:307-310, Table 1 (first readings, l/min); see
# tests/stats/test_bland_altman.py for the published figures.
WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427]
MINI = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451]


@pytest.fixture
def pefr_csv(tmp_path: Path) -> Path:
    rows = ["patient,obs1,obs2,note"]
    rows += [f"{i},{w},{m},x" for i, (w, m) in enumerate(zip(WRIGHT, MINI, strict=True), 1)]
    rows.append("18,,400,second reading missing")
    path = tmp_path / "pefr.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def cohort_csv(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.csv"
    path.write_text(
        "pid,group,sex,age,mr_date,vbq_t2\n"
        "A,fracture,F,70,2023-01-10,4.1\n"
        "B,fracture,F,70,2023-01-20,4.3\n"
        "C,fracture,M,81,2023-02-01,3.9\n"
        "D,fracture,F,,2023-02-01,3.0\n"
        "X,control,F,70,2023-01-15,3.2\n"
        "Y,control,F,70,2023-01-01,3.4\n"
        "Z,control,M,60,2023-01-01,3.1\n",
        encoding="utf-8",
    )
    return path


def test_agreement_json_matches_the_library(
    pefr_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["agreement", str(pefr_csv), "--a", "obs1", "--b", "obs2"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    expected = bland_altman(WRIGHT, MINI)
    assert out["n"] == 17 and out["n_dropped"] == 1
    for key in ("bias", "sd", "loa_low", "loa_high"):
        assert out[key] == pytest.approx(getattr(expected, key))
    assert out["bias"] == pytest.approx(-2.1, abs=0.05)  # the 1986 paper's mean difference
    assert out["loa_low_ci_low"] < out["loa_low"] < out["loa_low_ci_high"]
    for name in ("bias", "loa_low", "loa_high"):  # the README's [low, high] keys, kept
        assert out[f"{name}_ci"] == [out[f"{name}_ci_low"], out[f"{name}_ci_high"]]
    reference = icc_wide(list(zip(WRIGHT, MINI, strict=True)))
    assert out["icc"]["n_raters"] == 2 and out["icc"]["n_targets"] == 17
    assert out["icc"]["ICC2"]["icc"] == pytest.approx(reference["ICC2"].icc)
    assert len(out["differences"]) == 17 and out["within_acceptance"] is None


def test_agreement_percent_and_acceptance(
    pefr_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "ba.json"
    argv = ["agreement", str(pefr_csv), "--a", "obs1", "--b", "obs2", "--percent"]
    argv += ["--acceptance", "10", "--no-points", "--out", str(target)]
    assert main(argv) == 0
    assert capsys.readouterr().out == ""
    out = json.loads(target.read_text(encoding="utf-8"))
    expected = bland_altman(WRIGHT, MINI, percent=True, acceptance=10)
    assert out["percent"] is True and out["loa_high"] == pytest.approx(expected.loa_high)
    assert out["within_acceptance"] is False  # peak-flow meters disagree by more than 10 %
    assert "means" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--a", "obs1", "--b", "obs3"], "no column 'obs3'"),
        (["--a", "obs1", "--b", "note"], "'note' must be numeric"),
    ],
)
def test_agreement_bad_input_exits_2_with_one_line(
    pefr_csv: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["agreement", str(pefr_csv), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_match_writes_pairs_csv_flow_and_summary(
    cohort_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow_path, pairs_path = tmp_path / "flow.json", tmp_path / "pairs.csv"
    argv = ["match", str(cohort_csv), "--group", "group", "--case", "fracture", "--sex", "sex"]
    argv += ["--age", "age", "--date", "mr_date", "--id", "pid"]
    argv += ["--flow", str(flow_path), "--pairs", str(pairs_path)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    matched = pd.read_csv(io.StringIO(captured.out))
    # Optimal by total MR-date gap: A-Y (9 days) + B-X (5 days), not greedy A-X + B-Y.
    assert matched["pid"].tolist() == ["A", "Y", "B", "X"]
    assert matched["pair_id"].tolist() == [1, 1, 2, 2]
    assert list(matched.columns) == ["pair_id", "pid", "group", "sex", "age", "mr_date", "vbq_t2"]
    flow = json.loads(flow_path.read_text(encoding="utf-8"))
    assert flow["matched_pairs"] == 2 and flow["excluded_cases"] == {"missing age": 1}
    assert flow["unmatched_cases"] == {"no control of the same sex and age": 1}
    assert pd.read_csv(pairs_path)["date_gap_days"].tolist() == [9, 5]
    assert "matched pairs: 2" in captured.err
    assert "A" not in captured.err.split()  # counts only, no patient identifiers


def test_match_out_file_and_bad_date(
    cohort_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "matched.csv"
    argv = ["match", str(cohort_csv), "--group", "group", "--case", "fracture", "--sex", "sex"]
    assert main([*argv, "--age", "age", "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 4 and capsys.readouterr().out == ""
    bad = tmp_path / "bad.csv"
    bad.write_text(cohort_csv.read_text().replace("2023-01-15", "15.01.2023"), encoding="utf-8")
    code = main(["match", str(bad), "--group", "group", "--case", "fracture", "--sex", "sex",
                 "--age", "age", "--date", "mr_date"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "'15.01.2023'" in err and "row 6" in err and err.count("\n") == 1


def test_through_python_m(cohort_csv: Path) -> None:
    # One real process (imports are slow): CSV on stdout, counts on stderr.
    base = [sys.executable, "-m", "vbqcore", "match", str(cohort_csv), "--group", "group"]
    base += ["--sex", "sex", "--age", "age"]
    done = subprocess.run(
        [*base, "--case", "fracture"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert pd.read_csv(io.StringIO(done.stdout))["pid"].tolist() == ["A", "X", "B", "Y"]
    assert "matched pairs: 2" in done.stderr
