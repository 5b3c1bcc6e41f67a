"""Tests of vbqcore.cohort.distributions: box statistics by hand, densities against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import gaussian_kde

from tests.cohort_fixture import make_table
from vbqcore.cohort.distributions import (
    binned_kde,
    box_statistics,
    score_distributions,
    score_histogram,
)
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.errors import StatsInputError


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    table = make_table(40, seed=4)
    return prepare_cohort(table, default_mapping(table, name="fixture"), name="fixture")


def test_box_statistics_by_hand() -> None:
    # 1..9 and 100. Linear (type 7) quartiles: position (n - 1) p = 2.25 -> 3 + 0.25 = 3.25,
    # 4.5 -> 5.5, 6.75 -> 7.75; IQR 4.5, fences -3.5 and 14.5: the whiskers end at 1 and 9, and
    # 100 is an outlier.
    s = box_statistics(np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], dtype=float))
    assert (s["q1"], s["median"], s["q3"]) == (3.25, 5.5, 7.75)
    assert (s["whisker_low"], s["whisker_high"], s["min"], s["max"]) == (1.0, 9.0, 1.0, 100.0)
    assert s["mean"] == pytest.approx(14.5)
    assert s["sd"] == pytest.approx(np.std([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], ddof=1))


def test_box_statistics_of_nothing() -> None:
    with pytest.raises(StatsInputError, match="no values"):
        box_statistics(np.array([np.nan]))


@pytest.mark.parametrize("n", [12, 400, 50_000])
def test_binned_kde_matches_scipy(n: int) -> None:
    rng = np.random.default_rng(n)
    x = np.concatenate([rng.normal(0.55, 0.07, n // 2), rng.normal(0.7, 0.05, n - n // 2)])
    grid, density = binned_kde(x)
    # scipy's exact Gaussian KDE with the same (Scott) bandwidth, on the same grid.
    exact = gaussian_kde(x)(grid)
    assert np.max(np.abs(density - exact)) < 1e-3 * exact.max()
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=2e-3)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=2, max_size=60).filter(
        lambda v: np.ptp(v) > 1e-6
    )
)
def test_binned_kde_is_a_density(values: list[float]) -> None:
    grid, density = binned_kde(np.array(values))
    assert np.all(density >= 0)
    assert np.trapezoid(density, grid) == pytest.approx(1.0, abs=0.02)


def test_constant_values_have_no_density() -> None:
    grid, density = binned_kde(np.array([0.5, 0.5, 0.5]))
    assert grid.size == density.size == 0


def test_score_distributions_by_group_and_sex(cohort: Cohort) -> None:
    dist = score_distributions(cohort.frame, cohort, ["vbq_t2"], by_sex=True, max_points=10)
    labels = [s.label for s in dist.summaries]
    assert labels == ["F · fracture", "F · control", "M · fracture", "M · control"]
    frame = cohort.frame
    first = dist.summaries[0]
    values = frame.loc[(frame["sex"] == "F") & (frame["group"] == "fracture"), "vbq_t2"]
    assert first.n == values.size
    assert first.stats["median"] == pytest.approx(values.median())
    assert first.points.size == 10 and dist.sampled
    assert set(first.points) <= set(values)
    assert set(first.point_rows) <= set(frame["row"])
    table = dist.to_frame()
    assert list(table.columns[:4]) == ["Score", "Group", "Sex", "n"]


def test_score_histogram_counts_every_patient(cohort: Cohort) -> None:
    hist = score_histogram(cohort.frame, cohort, "vbq_t1", bins=15)
    assert hist.edges.size == 16
    assert sum(int(c.sum()) for c in hist.counts.values()) == len(cohort.frame)
    assert int(hist.counts["fracture"].sum()) == 40
