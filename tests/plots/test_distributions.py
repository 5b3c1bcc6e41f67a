"""Tests of vbqcore.plots.distributions: boxes and violins drawn from the summaries as given."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cohort_fixture import make_table
from vbqcore.cohort.distributions import ScoreDistributions, score_distributions
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.plots.distributions import distribution_figure


@pytest.fixture(scope="module")
def dist() -> ScoreDistributions:
    table = make_table(30, seed=8)
    cohort: Cohort = prepare_cohort(table, default_mapping(table, name="t"), name="t")
    return score_distributions(cohort.frame, cohort, ["vbq_t1", "vbq_t2"], by_sex=True)


def test_boxes_show_the_summary_statistics(dist: ScoreDistributions) -> None:
    fig = distribution_figure(dist, kind="box", show_points=False)
    boxes = [t for t in fig.data if t.type == "box"]
    assert len(boxes) == len(dist.summaries) == 8
    for box, summary in zip(boxes, dist.summaries, strict=True):
        s = summary.stats
        assert (box.q1[0], box.median[0], box.q3[0]) == (s["q1"], s["median"], s["q3"])
        assert (box.lowerfence[0], box.upperfence[0]) == (s["whisker_low"], s["whisker_high"])
    assert [a.text for a in fig.layout.annotations] == ["VBQ-T1", "VBQ-T2"]


def test_points_are_the_sampled_values(dist: ScoreDistributions) -> None:
    fig = distribution_figure(dist, kind="box", show_points=True)
    points = [t for t in fig.data if t.type == "scatter" and t.mode == "markers"]
    for trace, summary in zip(points, dist.summaries, strict=True):
        np.testing.assert_array_equal(trace.y, summary.points)
        np.testing.assert_array_equal(trace.customdata, summary.point_rows)


def test_violins_outline_the_density(dist: ScoreDistributions) -> None:
    fig = distribution_figure(dist, kind="violin", show_points=False)
    shapes = [t for t in fig.data if t.type == "scatter" and t.fill == "toself"]
    assert len(shapes) == 8
    first = dist.summaries[0]
    np.testing.assert_array_equal(shapes[0].y[: first.grid.size], first.grid)
    half_width = max(shapes[0].x) - 0  # stratum 0 sits at x = 0
    assert half_width == pytest.approx(0.38)


def test_this_patient_line(dist: ScoreDistributions) -> None:
    fig = distribution_figure(dist, patient={"vbq_t2": 0.6, "vbq_t1": None})
    lines = [s for s in fig.layout.shapes if s.y0 == s.y1]
    assert [line.y0 for line in lines] == [0.6]
    assert any("this patient 0.600" in (a.text or "") for a in fig.layout.annotations)
