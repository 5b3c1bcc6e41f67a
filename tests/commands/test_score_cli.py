"""``python -m vbqcore score``: JSON and CSV input, bad rows, exit codes, full-precision floats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from vbqcore.cli import main
from vbqcore.measurements import CaseMeasurements
from vbqcore.vbq import compute_vbq

# T2 L1..L4 = 560, 570, 580, 610, CSF 1000: (560+570+580+610)/4 = 2320/4 = 580 -> 0.58.
# T1 L1..L4 = 400, 410, 420, 430, CSF 100 -> 4.15.
CASE: dict[str, Any] = {
    "T1_L1": 400, "T1_L2": 410, "T1_L3": 420, "T1_L4": 430, "T1_CSF": 100,
    "T2_L1": 560, "T2_L2": 570, "T2_L3": 580, "T2_L4": 610, "T2_CSF": 1000,
}  # fmt: skip


def write_json(tmp_path: Path, data: Any, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run_json(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    assert main(["score", str(path), *extra]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_json_flat(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = CASE | {"field_strength_t": 1.5, "manufacturer": "GE MEDICAL SYSTEMS", "id": "x"}
    out = run_json(write_json(tmp_path, data), capsys)
    assert out["vbq_t1"] == pytest.approx(4.15) and out["vbq_t2"] == pytest.approx(0.58)
    assert out["vbq_stir"] is None and out["not_computed"]["vbq_stir"] == "STIR not measured"
    assert out["levels_used_common"] == ["L1", "L2", "L3", "L4"] and out["method"] == "mean"
    assert out["inputs"]["T2"]["CSF"] == 1000.0
    ids = [c["cutoff_id"] for c in out["interpretation"]["comparisons"]]
    assert ids == ["huang2026-vbq-t1", "huang2026-vbq-t2"]
    t2 = out["interpretation"]["comparisons"][1]
    # Mean SIs only: the observer-agreement interval (Huang et al. 2026 Figure 3, worked in
    # tests/test_score_uncertainty.py): relative SE 3.13505%, 0.58 x (1 -/+ 1.959964 x 0.0313505)
    # = 0.54436–0.61564, which contains 0.555: borderline, with no single post-test probability.
    assert t2["zone"] == "borderline" and t2["interval_method"] == "observer_agreement"
    assert t2["interval"] == pytest.approx([0.5443614, 0.6156386], rel=1e-6)
    assert t2["sentence"].startswith("VBQ-T2 0.580 (0.544–0.616) is borderline")
    assert t2["posttest_probability"] is None and t2["position"] == "above"
    assert set(out["interpretation"]["intervals"]) == {"vbq_t1", "vbq_t2"}
    assert out["interpretation"]["bottom_line"].startswith("VBQ-T2 0.580 (0.544–0.616) is border")
    assert out["interpretation"]["warnings"] == []
    assert out["protocol"]["field_strength_t"] == 1.5
    assert out["ignored_keys"] == ["id"]


def test_json_nested_matches_flat(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nested = {
        "T1": {"L1": 400, "L2": 410, "L3": 420, "L4": 430, "CSF": 100},
        "t2": {"L1": 560, "L2": 570, "L3": 580, "L4": 610, "CSF": 1000},
    }
    a = run_json(write_json(tmp_path, nested, "n.json"), capsys)
    b = run_json(write_json(tmp_path, CASE, "f.json"), capsys)
    assert a["vbq_t1"] == b["vbq_t1"] and a["vbq_t2"] == b["vbq_t2"]
    assert a["ignored_keys"] == []


def test_json_median_pretest_and_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = CASE | {"fractured": "L4", "T2_L5": 600, "field_strength_t": 3, "source": "screenshot"}
    out = run_json(write_json(tmp_path, data), capsys, "--method", "median", "--pretest", "0.2")
    # T2 with L4 -> L5: 560, 570, 580, 600 -> median (570 + 580) / 2 = 575 -> 0.575
    assert out["vbq_t2"] == pytest.approx(0.575)
    assert out["substitutions"]["vbq_t2"] == {"L4": "L5"}
    assert out["method"] == "median"
    warnings = " ".join(out["interpretation"]["warnings"])
    for part in (
        "Scan at 3 T",
        "Scanner vendor unknown",
        "computed with the median",
        "screenshots",
    ):
        assert part in warnings
    t2 = out["interpretation"]["comparisons"][1]
    # Screenshot SIs: not interpretable against the cut-offs, so no zone and no post-test
    # probability even though a pre-test probability was given; the interval is still there.
    assert t2["zone"] is None and t2["interpretable"] is False
    assert t2["posttest_probability"] is None and t2["posttest_range"] is None
    assert t2["sentence"].startswith("VBQ-T2 0.575 is not interpretable against the published")
    assert len(t2["interval"]) == 2
    assert out["interpretation"]["bottom_line"].startswith("Not interpretable against")


def test_json_to_out_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "result.json"
    assert main(["score", str(write_json(tmp_path, CASE)), "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["vbq_t2"] == pytest.approx(0.58)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CASE | {"T2_CSF": 0}, "T2 CSF: SI 0 must be > 0"),
        ({"T1_L1": 400}, "T1: no CSF SI"),
        (CASE | {"fractured": "L9"}, "fractured: unknown level 'L9'"),
        (CASE | {"field_strength_t": "3T"}, "field_strength_t '3T' must be a number of tesla"),
        (CASE | {"source": "photo"}, "source 'photo' must be 'dicom' or 'screenshot'"),
        ([CASE], "expected one JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_json_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    assert main(["score", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and message in captured.err


def test_pretest_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(write_json(tmp_path, CASE)), "--pretest", "20"]) == 2
    assert "strictly between 0 and 1" in capsys.readouterr().err


def test_bad_suffix_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "case.txt").write_text("x")
    assert main(["score", str(tmp_path / "case.txt")]) == 2
    assert "must end in .json" in capsys.readouterr().err
    assert main(["score", str(tmp_path / "nope.json")]) == 2
    assert "No such file" in capsys.readouterr().err


# --- CSV ------------------------------------------------------------------------------------

HEADER = ["id", "age", "T2_L1", "T2_L2", "T2_L3", "T2_L4", "T2_CSF", "T1_L1", "T1_CSF", "fractured"]
ROWS = [
    ["p1", "70", "560", "570", "580", "610", "1000", "400", "100", ""],  # VBQ-T2 0.58; T1 3 warn
    ["p2", "71", "560", "570", "580", "610", "0", "400", "100", ""],  # bad: T2 CSF 0
    ["p3", "72", "300", "", "330", "333", "1000", "", "", "L2;L1"],  # 2 levels; no T1
]


def write_csv(tmp_path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / "cohort.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_bad_row_does_not_stop_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(write_csv(tmp_path, HEADER, ROWS))]) == 2
    captured = capsys.readouterr()
    out = read_csv(captured.out)
    assert list(out[0]) == HEADER + [
        "vbq_t1", "vbq_t2", "vbq_stir", "vbq_t2_stir", "levels_used", "warnings",
    ]  # fmt: skip
    assert [r["id"] for r in out] == ["p1", "p2", "p3"]  # every input column carried through
    assert [r["age"] for r in out] == ["70", "71", "72"]
    assert float(out[0]["vbq_t2"]) == pytest.approx(0.58)
    assert float(out[0]["vbq_t1"]) == pytest.approx(4.0)  # only L1: 400 / 100
    assert out[0]["levels_used"] == "vbq_t1: L1 | vbq_t2: L1;L2;L3;L4"
    assert "VBQ-T1: only 1 level(s) used (L1)" in out[0]["warnings"]
    assert out[1]["vbq_t2"] == "" and out[1]["vbq_t1"] == ""
    assert out[1]["warnings"].startswith("error: T2 CSF: SI 0 must be > 0")
    # p3: L1 and L2 fractured, nothing to substitute: (330 + 333) / 2 / 1000 = 0.3315
    assert float(out[2]["vbq_t2"]) == pytest.approx(0.3315) and out[2]["levels_used"] == "L3;L4"
    assert "error: cohort.csv row 2 (line 3): T2 CSF: SI 0" in captured.err
    assert "1 of 3 row(s) could not be scored" in captured.err


def test_csv_full_precision_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 1/3-ish values: repr keeps every bit, so float(cell) is exactly the library's value.
    rows = [["a", "1", "301", "302", "303", "307", "999", "401", "97", ""]]
    path = write_csv(tmp_path, HEADER, rows)
    assert main(["score", str(path)]) == 0
    (row,) = read_csv(capsys.readouterr().out)
    expected = compute_vbq(CaseMeasurements.from_flat(dict(zip(HEADER, rows[0], strict=True))))
    assert expected.vbq_t2 is not None and expected.vbq_t1 is not None
    assert float(row["vbq_t2"]) == expected.vbq_t2 and row["vbq_t2"] == repr(expected.vbq_t2)
    assert float(row["vbq_t1"]) == expected.vbq_t1
    assert row["vbq_stir"] == "" and row["vbq_t2_stir"] == ""


def test_csv_out_file_method_and_rescore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = [ROWS[0], ROWS[2]]
    path = write_csv(tmp_path, HEADER, good)
    target = tmp_path / "scored.csv"
    assert main(["score", str(path), "--method", "median", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    first = read_csv(target.read_text(encoding="utf-8"))
    # median of 560, 570, 580, 610 = (570 + 580) / 2 = 575 -> 0.575
    assert float(first[0]["vbq_t2"]) == pytest.approx(0.575)
    # Scoring the output again replaces the score columns in place with the same values.
    again = tmp_path / "again.csv"
    assert main(["score", str(target), "--method", "median", "--out", str(again)]) == 0
    assert "input column vbq_t1 was replaced" in capsys.readouterr().err
    assert again.read_text(encoding="utf-8") == target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (["id", "age"], [["a", "1"]], "no SI columns"),
        (["T2_L1", "t2_l1"], [["1", "2"]], "appear more than once"),
        (["T2_L1", "T2_L7"], [["1", "2"]], "unknown level 'L7'"),
    ],
)
def test_csv_bad_header(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: list[str],
    rows: list[list[str]],
    message: str,
) -> None:
    assert main(["score", str(write_csv(tmp_path, header, rows))]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.err.count("\n") == 1


def test_csv_row_with_extra_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("T2_L1,T2_CSF\n500,1000\n500,1000,7\n", encoding="utf-8")
    assert main(["score", str(path)]) == 2
    captured = capsys.readouterr()
    out = read_csv(captured.out)
    assert float(out[0]["vbq_t2"]) == 0.5 and out[1]["vbq_t2"] == ""
    assert "row 2 (line 3): 3 fields but the header has 2" in captured.err


def test_csv_rejects_pretest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(write_csv(tmp_path, HEADER, ROWS[:1])), "--pretest", "0.2"]) == 2
    assert "--pretest applies to .json input only" in capsys.readouterr().err


# --- through a real interpreter --------------------------------------------------------------


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vbqcore", "score", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_subprocess_json_and_csv(tmp_path: Path) -> None:
    done = _subprocess(str(write_json(tmp_path, CASE)))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["vbq_t2"] == pytest.approx(0.58)
    bad = _subprocess(str(write_csv(tmp_path, HEADER, ROWS)))
    assert bad.returncode == 2
    assert len(read_csv(bad.stdout)) == 3 and "row 2 (line 3)" in bad.stderr


def test_csv_text_cell_refuses_its_row_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One table scorer for the CLI and the cohort: a text SI cell is that row's error only.
    path = tmp_path / "text.csv"
    path.write_text("id,T2_L1,T2_CSF\n\na,500,1000\nb,x,1000\n", encoding="utf-8")
    assert main(["score", str(path)]) == 2
    captured = capsys.readouterr()
    out = read_csv(captured.out)
    assert [r["id"] for r in out] == ["a", "b"]  # the blank line is no row
    assert float(out[0]["vbq_t2"]) == 0.5 and out[1]["vbq_t2"] == ""
    assert "row 2 (line 4): column 'T2_L1': 'x' is not a number" in captured.err
