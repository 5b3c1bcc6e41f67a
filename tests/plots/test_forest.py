"""Tests of vbqcore.plots.forest: rows from results, CI arms, missing estimates."""

from __future__ import annotations

import math

import pytest

from tests.cohort_fixture import make_table
from vbqcore.cohort.analysis import regression
from vbqcore.cohort.subgroups import subgroup_analysis
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.plots.forest import ForestRow, auc_forest_rows, forest_figure, odds_ratio_rows


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    table = make_table(40, seed=9)
    return prepare_cohort(table, default_mapping(table, name="t"), name="t")


def test_auc_rows_follow_the_analysis(cohort: Cohort) -> None:
    analysis = subgroup_analysis(cohort.frame, cohort, ["vbq_t1", "vbq_t2"], age_edges=(70,))
    rows = auc_forest_rows(analysis)
    assert len(rows) == len(analysis.aucs)
    first, auc = rows[0], analysis.aucs[0]
    assert first.label == f"All ({auc.n_pos}/{auc.n_neg})" and first.series == "VBQ-T1"
    assert (first.estimate, first.low, first.high) == (auc.auc, auc.ci_low, auc.ci_high)
    assert first.text == f"{auc.auc:.2f} ({auc.ci_low:.2f}–{auc.ci_high:.2f})"


def test_forest_figure_arms(cohort: Cohort) -> None:
    rows = [
        ForestRow("All", "VBQ-T2", 0.70, 0.62, 0.78, "0.70"),
        ForestRow("Men", "VBQ-T2", math.nan, math.nan, math.nan, "n/a"),
    ]
    fig = forest_figure(rows, x_title="AUC", reference=0.5)
    trace = fig.data[0]
    assert list(trace.x) == [0.70]
    assert trace.error_x.array[0] == pytest.approx(0.08)
    assert trace.error_x.arrayminus[0] == pytest.approx(0.08)
    assert list(fig.layout.yaxis.ticktext) == ["All", "Men"]
    assert any("n/a" in a.text for a in fig.layout.annotations)
    assert fig.layout.shapes[0].x0 == 0.5


def test_odds_ratio_rows_per_unit(cohort: Cohort) -> None:
    result = regression(
        cohort.frame, cohort, ["vbq_t1", "vbq_t2"], multivariable="all", per_tenth=True
    )
    plain = odds_ratio_rows(result)
    tenth = odds_ratio_rows(result, per_unit=True)
    assert [r.series for r in plain] == ["univariable"] * 2 + ["multivariable"] * 2
    assert tenth[1].label == "VBQ-T2 (per 0.1)"
    assert tenth[1].estimate == pytest.approx(plain[1].estimate ** 0.1)
    fig = forest_figure(tenth, x_title="OR", reference=1.0, log_x=True)
    assert fig.layout.xaxis.type == "log"


def test_forest_labels_from_the_table_are_literal_text() -> None:
    # A group value or column name with HTML must not become a live link in the figure.
    evil = "<a href='https://e.vil'>x</a>"
    rows = [
        ForestRow(evil, evil, 0.70, 0.62, 0.78, "0.70"),
        ForestRow("Men", evil, math.nan, math.nan, math.nan, "n/a"),
    ]
    fig = forest_figure(rows, x_title="AUC", reference=0.5)
    escaped = "&lt;a href='https://e.vil'&gt;x&lt;/a&gt;"
    assert list(fig.layout.yaxis.ticktext) == [escaped, "Men"]
    assert fig.data[0].name == escaped and fig.data[0].customdata[0][0] == escaped
    assert "<a href" not in fig.data[0].hovertemplate
    assert all("<a href" not in a.text for a in fig.layout.annotations)
