"""Tests of vbqcore.cohort.analysis against scikit-learn, scipy, statsmodels and the CLI."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from sklearn.metrics import roc_auc_score

from tests.cohort_fixture import make_table
from vbqcore.cohort.analysis import (
    column_label,
    readiness_message,
    regression,
    roc_panel,
    table_one,
)
from vbqcore.cohort.filters import CohortFilters, apply_filters
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.errors import StatsInputError
from vbqcore.vbq import ScoreName

THREE = ("vbq_t1", "vbq_t2", "vbq_t2_stir")


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    table = make_table(40, seed=2)
    return prepare_cohort(table, default_mapping(table, name="fixture"), name="fixture")


def _y(frame: pd.DataFrame, cohort: Cohort) -> np.ndarray:
    return (frame["group"] == cohort.positive).to_numpy()


def test_roc_panel_aucs_equal_sklearn(cohort: Cohort) -> None:
    panel = roc_panel(cohort.frame, cohort, THREE)
    y = _y(cohort.frame, cohort)
    for name in panel.scores:
        expected = roc_auc_score(y, cohort.frame[name.value])  # sklearn's Mann-Whitney AUC
        assert panel.results[name].auc == pytest.approx(expected, abs=1e-12)
    assert [(c.a.value, c.b.value) for c in panel.comparisons] == [
        ("vbq_t1", "vbq_t2"),
        ("vbq_t1", "vbq_t2_stir"),
        ("vbq_t2", "vbq_t2_stir"),
    ]
    assert panel.n_used == 80 and panel.n_dropped == 0
    assert list(panel.to_frame()["Score"]) == ["VBQ-T1", "VBQ-T2", "VBQ-T2-STIR"]


def test_roc_panel_is_listwise(cohort: Cohort) -> None:
    frame = cohort.frame.copy()
    frame.loc[[0, 50], "vbq_t1"] = np.nan
    panel = roc_panel(frame, cohort, ["vbq_t1", "vbq_t2"])
    assert (panel.n_used, panel.n_dropped) == (78, 2)
    kept = frame.drop(index=[0, 50])
    expected = roc_auc_score(_y(kept, cohort), kept["vbq_t2"])
    assert panel.results[ScoreName.VBQ_T2].auc == pytest.approx(expected, abs=1e-12)


def _cli(path: Path, *extra: str) -> dict:
    args = [sys.executable, "-m", "vbqcore", "roc", str(path), "--outcome", "group"]
    args += ["--positive", "fracture", *(a for s in THREE for a in ("--score", s)), *extra]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("bootstrap", [False, True])
def test_roc_panel_matches_the_cli(cohort: Cohort, tmp_path: Path, bootstrap: bool) -> None:
    frame = apply_filters(cohort, CohortFilters(sex="F"))  # type: ignore[arg-type]
    path = tmp_path / "women.csv"
    frame.to_csv(path, index=False)
    if bootstrap:
        panel = roc_panel(frame, cohort, THREE, ci_method="bootstrap", n_bootstrap=300, seed=9)
        out = _cli(path, "--bootstrap", "300", "--seed", "9")
    else:
        panel = roc_panel(frame, cohort, THREE)
        out = _cli(path)
    for name in panel.scores:
        result, printed = panel.results[name], out["scores"][name.value]
        assert result.auc == pytest.approx(printed["auc"], abs=1e-12)
        assert result.ci_low == pytest.approx(printed["ci_low"], abs=1e-12)
        assert result.ci_high == pytest.approx(printed["ci_high"], abs=1e-12)
        assert result.cutoff == pytest.approx(printed["cutoff"], abs=1e-12)
    for mine, theirs in zip(panel.comparisons, out["comparisons"], strict=True):
        assert mine.result.p == pytest.approx(theirs["p"], abs=1e-12)


def test_bootstrap_progress_runs_across_scores(cohort: Cohort) -> None:
    seen: list[tuple[int, int]] = []
    roc_panel(
        cohort.frame,
        cohort,
        THREE,
        ci_method="bootstrap",
        n_bootstrap=50,
        seed=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (150, 150)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_roc_panel_refuses_what_it_cannot_do(cohort: Cohort) -> None:
    with pytest.raises(StatsInputError, match="choose at least one score"):
        roc_panel(cohort.frame, cohort, [])
    women = cohort.frame[cohort.frame["group"] == "fracture"]
    with pytest.raises(StatsInputError, match="only one class"):
        roc_panel(women, cohort, ["vbq_t2"])


def test_table_one_matches_scipy(cohort: Cohort) -> None:
    table = table_one(cohort.frame, cohort, ["sex", "age", "vbq_t2", "fn_bmd"])
    assert table.comparison is not None and not table.skipped
    rows = {row.variable: row for row in table.comparison.rows}
    assert list(rows) == ["Sex", "Age (years)", "VBQ-T2", "Femoral neck BMD (g/cm²)"]
    case = cohort.frame["group"] == "fracture"
    a, b = cohort.frame.loc[case, "age"], cohort.frame.loc[~case, "age"]
    if rows["Age (years)"].test.value == "t-test":
        expected = stats.ttest_ind(a, b).pvalue  # Student's pooled t, SPSS "equal variances"
    else:
        expected = stats.mannwhitneyu(a, b).pvalue
    assert rows["Age (years)"].p == pytest.approx(expected, rel=1e-9)
    assert rows["Femoral neck BMD (g/cm²)"].n == (
        int(cohort.frame.loc[case, "fn_bmd"].notna().sum()),
        int(cohort.frame.loc[~case, "fn_bmd"].notna().sum()),
    )


def test_table_one_leaves_out_what_cannot_be_compared(cohort: Cohort) -> None:
    frame = cohort.frame.copy()
    frame.loc[frame["group"] == "control", "fn_bmd"] = np.nan
    table = table_one(frame, cohort, ["age", "fn_bmd"])
    assert [row.variable for row in table.comparison.rows] == ["Age (years)"]  # type: ignore[union-attr]
    assert (
        table.skipped[0][0] == "Femoral neck BMD (g/cm²)"
        and "0 value(s) in group 'control'" in table.skipped[0][1]
    )


def test_regression_matches_statsmodels(cohort: Cohort) -> None:
    result = regression(cohort.frame, cohort, ["vbq_t2", "age"], per_tenth=True)
    y = _y(cohort.frame, cohort).astype(float)
    fit = sm.Logit(y, sm.add_constant(cohort.frame[["vbq_t2"]])).fit(disp=0)
    term = result.univariable_for("VBQ-T2").terms[0]
    assert term.odds_ratio == pytest.approx(math.exp(fit.params["vbq_t2"]), rel=1e-6)
    assert term.per_unit is not None
    assert term.per_unit.odds_ratio == pytest.approx(term.odds_ratio**0.1, rel=1e-12)
    assert result.univariable_for("Age (years)").terms[0].per_unit is None


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"fracture": 10, "control": 12}, None),
        ({"fracture": 0, "control": 0}, "No patient is left"),
        ({"fracture": 7, "control": 0}, "Only one group is left"),
        ({"fracture": 2, "control": 9}, "Too few patients"),
    ],
)
def test_readiness_message(cohort: Cohort, counts: dict[str, int], expected: str | None) -> None:
    message = readiness_message(counts, cohort)
    assert (message is None) if expected is None else (expected in str(message))


@pytest.mark.parametrize(
    ("column", "label"),
    [
        ("vbq_t2_stir", "VBQ-T2-STIR"),
        ("age", "Age (years)"),
        ("fn_bmd", "Femoral neck BMD (g/cm²)"),
        ("l14_z", "L1-L4 Z-score"),
        ("site", "site"),
    ],
)
def test_column_label(column: str, label: str) -> None:
    assert column_label(column) == label
