"""Tests of vbqcore.plots.roc: the figure shows the RocResult's own numbers."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from tests.cohort_fixture import make_table
from vbqcore.cohort.analysis import RocPanel, roc_panel
from vbqcore.cohort.distributions import score_histogram
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.plots.roc import auc_label, roc_figure, thin_curve, threshold_figure
from vbqcore.stats import confusion_at
from vbqcore.vbq import ScoreName


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    table = make_table(40, seed=6)
    return prepare_cohort(table, default_mapping(table, name="fixture"), name="fixture")


@pytest.fixture(scope="module")
def panel(cohort: Cohort) -> RocPanel:
    return roc_panel(cohort.frame, cohort, ["vbq_t1", "vbq_t2", "vbq_t2_stir"])


def test_auc_label_format(panel: RocPanel) -> None:
    result = panel.results[ScoreName.VBQ_T2]
    expected = f"VBQ-T2 AUC {result.auc:.2f} ({result.ci_low:.2f}–{result.ci_high:.2f})"
    assert auc_label(ScoreName.VBQ_T2, result) == expected
    no_ci = replace(result, ci_low=math.nan, ci_high=math.nan)
    assert auc_label(ScoreName.VBQ_T2, no_ci).endswith("(CI n/a)")


def test_roc_figure_draws_each_curve_and_youden_point(panel: RocPanel) -> None:
    fig = roc_figure(panel)
    curves = [t for t in fig.data if t.mode == "lines" and t.showlegend is not False]
    assert [t.name for t in curves] == [auc_label(s, panel.results[s]) for s in panel.scores]
    for trace, name in zip(curves, panel.scores, strict=True):
        result = panel.results[name]  # small curves are drawn point for point
        np.testing.assert_array_equal(trace.x, result.fpr)
        np.testing.assert_array_equal(trace.y, result.tpr)
    youden = [t for t in fig.data if t.marker.symbol == "diamond"]
    for trace, name in zip(youden, panel.scores, strict=True):
        result = panel.results[name]
        assert (trace.x[0], trace.y[0]) == (1 - result.specificity, result.sensitivity)


def test_operating_points(cohort: Cohort, panel: RocPanel) -> None:
    y = (cohort.frame["group"] == "fracture").to_numpy()
    cut = confusion_at(y, cohort.frame["vbq_t2"].to_numpy(), 0.555)
    mine = confusion_at(y, cohort.frame["vbq_t2"].to_numpy(), 0.6)
    fig = roc_figure(panel, cutoff=("cut-off 0.555", cut), patient=("this patient", mine))
    named = {t.name: t for t in fig.data}
    star, dot = named["cut-off 0.555"], named["this patient"]
    assert star.x[0] == pytest.approx(1 - cut.specificity.estimate)
    assert star.y[0] == pytest.approx(cut.sensitivity.estimate)
    assert dot.y[0] == pytest.approx(mine.sensitivity.estimate)
    assert dot.text[0] == "this patient"


def test_thin_curve_keeps_ends_and_youden() -> None:
    idx = thin_curve(100_001, [12_345], limit=500)
    assert idx[0] == 0 and idx[-1] == 100_000 and 12_345 in idx
    assert idx.size <= 501 and np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(thin_curve(10, [3]), np.arange(10))


def test_threshold_figure_lines(cohort: Cohort) -> None:
    hist = score_histogram(cohort.frame, cohort, "vbq_t2", bins=20)
    fig = threshold_figure(hist, threshold=0.555, patient=0.61)
    assert [t.name for t in fig.data] == ["fracture (n = 40)", "control (n = 40)"]
    np.testing.assert_array_equal(fig.data[0].y, hist.counts["fracture"])
    xs = sorted(shape.x0 for shape in fig.layout.shapes)
    assert xs == [0.555, 0.61]
    assert len(threshold_figure(hist).layout.shapes) == 0
