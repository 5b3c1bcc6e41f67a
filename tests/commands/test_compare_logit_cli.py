"""``python -m vbqcore compare`` and ``logit``: JSON shape, options and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from vbqcore.cli import main

# The sleep (R) data as a cohort file: two groups of ten, one continuous variable, plus a
# categorical and a sparse (DEXA-like) column.
SLEEP = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP += [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    df = pd.DataFrame(
        {
            "group": ["control"] * 10 + ["fracture"] * 10,
            "fractured": [0] * 10 + [1] * 10,
            "extra": SLEEP,
            "sex": list("FMFFMFFMFF") * 2,
            "bmd": [0.8, 0.9, None, 0.6, 0.85, None, 0.95, 0.75, 0.8, 0.9]
            + [0.6, None, 0.85, 0.7, 0.5, 0.62, None, None, 0.66, 0.58],
        }
    )
    path = tmp_path / "cohort.csv"
    df.to_csv(path, index=False)
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_compare_json_shape_and_group_order(cohort: Path, capsys, tmp_path: Path) -> None:
    csv_out = tmp_path / "table1.csv"
    argv = ["compare", str(cohort), "--group", "group", "--vars", "extra", "sex", "bmd"]
    code, payload, _ = _run(
        [*argv, "--groups", "fracture", "control", "--csv", str(csv_out)], capsys
    )
    assert code == 0
    assert payload["groups"] == ["fracture", "control"]
    assert payload["n"] == {"fracture": 10, "control": 10}
    extra = payload["rows"][0]
    assert extra["variable"] == "extra" and extra["kind"] == "continuous"
    # t.test(extra ~ group, sleep, var.equal = TRUE): p = 0.07919 (groups swapped: t > 0)
    assert extra["test"] == "t-test" and extra["p"] == pytest.approx(0.07919, abs=5e-6)
    assert extra["summary"] == {"fracture": "2.33 ± 2.00", "control": "0.75 ± 1.79"}
    assert set(extra["normality"]) == {"fracture", "control"} and "levene_p" in extra
    assert payload["rows"][2]["n"] == {"fracture": 7, "control": 8}
    table = pd.read_csv(csv_out)
    assert table.loc[0, "fracture (n = 10)"] == "2.33 ± 2.00"
    assert "bmd (n = 7 vs 8)" in set(table["Variable"])


def test_compare_force_option(cohort: Path, capsys) -> None:
    argv = ["compare", str(cohort), "--group", "group", "--vars", "extra", "--force", "extra=mwu"]
    code, payload, _ = _run(argv, capsys)
    assert code == 0 and payload["rows"][0]["test"] == "Mann-Whitney U"
    assert payload["rows"][0]["forced"] is True


def test_logit_json_keys(cohort: Path, capsys) -> None:
    argv = ["logit", str(cohort), "--outcome", "group", "--positive", "fracture"]
    argv += ["--predictors", "extra", "bmd", "--multivariable", "all", "--unit", "bmd=0.1"]
    code, payload, _ = _run(argv, capsys)
    assert code == 0
    assert payload["positive"] == "fracture"
    for section in ("univariate", "multivariable"):
        assert set(payload[section]) == {"extra", "bmd"}
        assert {"or", "ci_low", "ci_high", "p"} <= set(payload[section]["extra"])
    assert payload["univariate"]["bmd"]["n"] == 15
    assert payload["univariate"]["bmd"]["per_unit"]["unit"] == 0.1


def test_logit_positive_compares_as_text_with_integer_column(cohort: Path, capsys) -> None:
    argv = [
        "logit",
        str(cohort),
        "--outcome",
        "fractured",
        "--positive",
        "1",
        "--predictors",
        "extra",
    ]
    code, payload, _ = _run(argv, capsys)
    assert code == 0 and payload["positive"] == "1" and payload["multivariable"] == {}
    assert "no multivariable model" in payload["multivariable_note"]


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["compare", "{data}", "--group", "grp", "--vars", "extra"], "no column 'grp'"),
        (["compare", "{data}", "--group", "extra", "--vars", "bmd"], "exactly two groups"),
        (["compare", "{missing}", "--group", "group", "--vars", "extra"], "no such file"),
        (["logit", "{data}", "--outcome", "group", "--predictors", "extra"], "say which value"),
        (
            [
                "logit",
                "{data}",
                "--outcome",
                "fractured",
                "--predictors",
                "extra",
                "--unit",
                "extra",
            ],
            "COL=VALUE",
        ),
        (
            [
                "logit",
                "{data}",
                "--outcome",
                "fractured",
                "--predictors",
                "extra",
                "--unit",
                "extra=x",
            ],
            "must be a number",
        ),
        (["logit", "{data}", "--outcome", "fractured", "--predictors", "sex"], "must be numeric"),
    ],
)
def test_bad_input_exits_2_with_one_line(cohort: Path, capsys, argv: list[str], match: str) -> None:
    filled = [a.format(data=cohort, missing=cohort.with_name("missing.csv")) for a in argv]
    code, payload, err = _run(filled, capsys)
    assert code == 2 and payload == {}
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert re.search(match, err), err


def test_xlsx_input(tmp_path: Path, cohort: Path, capsys) -> None:
    path = tmp_path / "cohort.xlsx"
    pd.read_csv(cohort).to_excel(path, index=False)
    code, payload, _ = _run(["compare", str(path), "--group", "group", "--vars", "extra"], capsys)
    assert code == 0 and payload["rows"][0]["p"] == pytest.approx(0.07919, abs=5e-6)


def test_through_a_subprocess(cohort: Path) -> None:
    base = [sys.executable, "-m", "vbqcore"]
    ok = subprocess.run(
        [*base, "logit", str(cohort), "--outcome", "fractured", "--predictors", "extra"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["univariate"]["extra"]["p"] > 0.05
    bad = subprocess.run(
        [*base, "compare", str(cohort), "--group", "sex", "--vars", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [bad.stderr.strip()]
    assert "no column 'nope'" in bad.stderr
