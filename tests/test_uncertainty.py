"""Zones around a cut-off: borderline exactly when the interval contains it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbqcore.errors import VbqInputError
from vbqcore.uncertainty import ScoreInterval, Zone, classify, normal_interval


def test_issue_example_interval_text() -> None:
    iv = ScoreInterval(0.571, 0.595, "roi_sem")
    assert iv.text() == "0.571–0.595"
    assert iv.to_dict() == {"low": 0.571, "high": 0.595, "method": "roi_sem", "level": 0.95}


@pytest.mark.parametrize(
    ("cutoff", "zone"),
    [
        (0.570, Zone.ABOVE),  # just under the low end
        (0.571, Zone.BORDERLINE),  # on the low end: contained
        (0.583, Zone.BORDERLINE),  # on the value itself
        (0.595, Zone.BORDERLINE),  # on the high end: contained
        (0.5951, Zone.BELOW),  # just over the high end
    ],
)
def test_zone_flips_exactly_at_the_interval_ends(cutoff: float, zone: Zone) -> None:
    assert classify(0.583, ScoreInterval(0.571, 0.595, "roi_sem"), cutoff) is zone


def test_issue_example_4303_against_4285() -> None:
    # The issue's VBQ-T1 4.303 vs 4.285: a 0.4% difference. With the observer-agreement interval
    # (about +/- 8% for VBQ-T1) it is borderline; only a point value reads "above".
    assert (
        classify(4.303, ScoreInterval(3.95, 4.66, "observer_agreement"), 4.285) is Zone.BORDERLINE
    )
    assert classify(4.303, None, 4.285) is Zone.ABOVE
    assert classify(4.273, None, 4.285) is Zone.BELOW


def test_value_on_cutoff_belongs_to_risk_side() -> None:
    assert classify(0.555, None, 0.555) is Zone.ABOVE  # SPSS ">= cut-off" is positive
    assert classify(0.555, None, 0.555, higher_is_risk=False) is Zone.BELOW


@given(
    value=st.floats(-10, 10),
    half=st.floats(0, 5),
    cutoff=st.floats(-20, 20),
)
def test_borderline_iff_interval_contains_cutoff(value: float, half: float, cutoff: float) -> None:
    iv = ScoreInterval(value - half, value + half, "test")
    zone = classify(value, iv, cutoff)
    assert (zone is Zone.BORDERLINE) == (iv.low <= cutoff <= iv.high)
    if zone is Zone.ABOVE:
        assert iv.low > cutoff
    if zone is Zone.BELOW:
        assert iv.high < cutoff


def test_normal_interval_by_hand() -> None:
    # z(0.975) = 1.959963985 (scipy.stats.norm.ppf(0.975); tables give 1.96).
    iv = normal_interval(0.5, 0.01, "roi_sem")
    assert (iv.low, iv.high) == pytest.approx((0.48040036, 0.51959964), rel=1e-8)
    # 90%: z(0.95) = 1.644853627
    iv90 = normal_interval(1.0, 0.1, "x", level=0.9)
    assert iv90.high == pytest.approx(1.1644853627, rel=1e-9) and iv90.level == 0.9


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ScoreInterval(2.0, 1.0, "x"), "low must be <= high"),
        (lambda: ScoreInterval(float("nan"), 1.0, "x"), "finite"),
        (lambda: ScoreInterval(0.0, 1.0, "x", level=95), "level 95"),
        (lambda: normal_interval(1.0, -0.1, "x"), "standard error -0.1"),
        (lambda: classify(float("inf"), None, 1.0), "value inf"),
    ],
)
def test_bad_input_is_refused(build: object, message: str) -> None:
    with pytest.raises(VbqInputError, match=message):
        build()  # type: ignore[operator]
