"""Bland–Altman limits of agreement against the 1986 Lancet example, scipy and statsmodels."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from vbqcore.errors import DegenerateInputWarning, StatsInputError
from vbqcore.stats import bland_altman

# Bland JM, Altman DG. Statistical methods for assessing agreement between two methods of
# clinical measurement. Lancet 1986;1(8476):307-310, Table 1: peak expiratory flow rate (l/min)
# of 17 subjects, first reading with the Wright and with the mini Wright peak flow meter. The
# same 17 pairs ship as R datasets (ISwR::wright, blandr::bland.altman.PEFR.1986,
# MethComp::PEFR). The paper reports: mean difference (Wright - mini) -2.1 l/min, SD 38.8 l/min,
# limits -2.1 +- 2 x 38.8 = -79.7 to 75.5 l/min, and the 95% CI of the lower limit
# -79.7 +- 2.12 x 16.3 = -114.3 to -45.1 (half-width 34.6; SE of a limit ~ sqrt(3 s^2 / n)).
WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427]
MINI = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451]


def test_reproduces_the_lancet_1986_peak_flow_example() -> None:
    r = bland_altman(WRIGHT, MINI)
    assert r.n == 17 and r.n_dropped == 0
    assert r.bias == pytest.approx(-2.1, abs=0.05)
    assert r.sd == pytest.approx(38.8, abs=0.05)
    # The paper's limits use 2 SD (and its rounded mean and SD): rebuild them from our numbers.
    assert r.bias - 2 * r.sd == pytest.approx(-79.7, abs=0.1)
    assert r.bias + 2 * r.sd == pytest.approx(75.5, abs=0.1)
    # Our limits use z = 1.959964: -2.118 -+ 1.96 x 38.765 = -78.10 / 73.86 (hand computation).
    assert r.loa_low == pytest.approx(-78.10, abs=0.01)
    assert r.loa_high == pytest.approx(73.86, abs=0.01)
    # CI of each limit: +- t(16) x sqrt(3 s^2/n) = +-34.6 in the paper (2.12 x 16.3).
    for lo, hi in (r.loa_low_ci, r.loa_high_ci):
        assert (hi - lo) / 2 == pytest.approx(34.6, abs=0.1)
    assert r.loa_low_ci[0] < r.loa_low < r.loa_low_ci[1]


def test_bias_sd_and_bias_ci_match_numpy_and_scipy() -> None:
    d = np.array(WRIGHT, float) - np.array(MINI, float)
    r = bland_altman(WRIGHT, MINI, confidence=0.9)
    assert r.bias == pytest.approx(d.mean(), rel=1e-12)
    assert r.sd == pytest.approx(d.std(ddof=1), rel=1e-12)
    ci = stats.ttest_1samp(d, 0.0).confidence_interval(confidence_level=0.9)
    assert r.bias_ci == pytest.approx((ci.low, ci.high), rel=1e-10)
    z = stats.norm.ppf(0.975)
    assert r.loa_low == pytest.approx(d.mean() - z * d.std(ddof=1), rel=1e-12)
    assert r.loa_high == pytest.approx(d.mean() + z * d.std(ddof=1), rel=1e-12)
    np.testing.assert_allclose(r.differences, d)
    np.testing.assert_allclose(r.means, (np.array(WRIGHT) + np.array(MINI)) / 2)


def test_proportional_bias_matches_statsmodels_ols() -> None:
    # sm.OLS(differences, add_constant(means)): a second library for slope, its CI and p.
    means = (np.array(WRIGHT, float) + MINI) / 2
    diffs = np.array(WRIGHT, float) - MINI
    fit = sm.OLS(diffs, sm.add_constant(means)).fit()
    pb = bland_altman(WRIGHT, MINI).proportional_bias
    assert pb.slope == pytest.approx(fit.params[1], rel=1e-9)
    assert pb.intercept == pytest.approx(fit.params[0], rel=1e-9)
    assert pb.slope_ci == pytest.approx(tuple(fit.conf_int(0.05)[1]), rel=1e-9)
    assert pb.p == pytest.approx(fit.pvalues[1], rel=1e-9)
    assert pb.p > 0.05  # no proportional bias in the peak-flow data


def test_proportional_bias_is_detected_when_the_gap_grows_with_size() -> None:
    truth = np.linspace(100, 1000, 30)
    a, b = truth * 1.10, truth  # a reads 10 % high: the difference grows with the value
    pb = bland_altman(a, b).proportional_bias
    assert pb.slope == pytest.approx(2 * 0.10 / 2.10, rel=1e-9)  # d = 0.1 t, mean = 1.05 t
    assert pb.slope_ci[0] > 0


def test_percent_differences_by_hand() -> None:
    # Pairs (100, 90), (200, 210), (300, 300), (400, 380): means 95, 205, 300, 390;
    # 100 (a - b)/mean = 10.526316, -4.878049, 0, 5.128205; their mean = 2.694118 (by hand),
    # GraphPad Prism's "% difference" (100 x difference / average).
    r = bland_altman([100, 200, 300, 400], [90, 210, 300, 380], percent=True)
    np.testing.assert_allclose(r.differences, [10.526316, -4.878049, 0.0, 5.128205], atol=1e-6)
    assert r.bias == pytest.approx(2.694118, abs=1e-6)
    assert r.percent and r.to_dict()["difference"] == "100*(a - b)/mean(a, b)"


def test_sign_convention_a_minus_b() -> None:
    assert bland_altman([11, 21, 31], [10, 20, 30]).bias == pytest.approx(1.0)
    assert bland_altman([10, 20, 30], [11, 21, 31]).bias == pytest.approx(-1.0)


@pytest.mark.parametrize(("acceptance", "within"), [(80.0, True), (75.0, False), (0.0, False)])
def test_acceptance_verdict(acceptance: float, within: bool) -> None:
    r = bland_altman(WRIGHT, MINI, acceptance=acceptance)  # limits -78.1 / 73.9
    assert r.within_acceptance is within
    assert bland_altman(WRIGHT, MINI).within_acceptance is None


def test_missing_pairs_are_dropped_and_counted() -> None:
    r = bland_altman(WRIGHT + [500.0, math.nan], MINI + [math.nan, 480.0])
    assert (r.n, r.n_dropped) == (17, 2)
    assert r.bias == pytest.approx(bland_altman(WRIGHT, MINI).bias)
    with pytest.raises(StatsInputError, match=r"position 17, 18.*nan_policy='omit'"):
        bland_altman(WRIGHT + [500.0, math.nan], MINI + [math.nan, 480.0], nan_policy="raise")


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "message"),
    [
        ([1, 2, 3], [1, 2], {}, "a has 3 values and b has 2"),
        ([1, 2], [1, 2], {}, "at least 3 complete pairs; got 2"),
        ([1, 2, math.nan, 4], [1, math.nan, 3, 4], {}, r"got 2 \(2 left out"),
        ([1, "x", 3], [1, 2, 3], {}, "position 1 holds 'x'"),
        ([1, math.inf, 3], [1, 2, 3], {}, "infinite values at position 1"),
        ([[1, 2], [3, 4]], [[1, 2], [3, 4]], {}, "one-dimensional"),
        ([1, -2, 3], [1, 2, 3], {"percent": True}, r"mean.*is 0.*position 1"),
        ([1, 2, 3], [1, 2, 4], {"confidence": 1.0}, "confidence must lie between 0 and 1"),
        ([1, 2, 3], [1, 2, 4], {"acceptance": -1.0}, "acceptance must be"),
        ([1, 2, 3], [1, 2, 4], {"nan_policy": "drop"}, "nan_policy='drop' is not one of"),
    ],
)
def test_bad_input_raises(a: object, b: object, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(StatsInputError, match=message):
        bland_altman(a, b, **kwargs)  # type: ignore[arg-type]


def test_constant_differences_give_zero_width_limits() -> None:
    r = bland_altman([10, 20, 30, 40], [8, 18, 28, 38])
    assert (r.bias, r.sd, r.loa_low, r.loa_high) == (2.0, 0.0, 2.0, 2.0)
    assert r.proportional_bias.slope == 0.0 and math.isnan(r.proportional_bias.p)


def test_equal_means_warn_and_give_nan_slope() -> None:
    with pytest.warns(DegenerateInputWarning, match="slope is undefined"):
        r = bland_altman([9, 10, 11], [11, 10, 9])
    assert math.isnan(r.proportional_bias.slope)


def test_to_dict_is_plain_json() -> None:
    d = bland_altman(WRIGHT, MINI, acceptance=80).to_dict()
    for key in ("n", "bias", "sd", "loa_low", "loa_high", "bias_ci_low", "loa_high_ci_high"):
        assert isinstance(d[key], int | float)
    assert len(d["means"]) == len(d["differences"]) == 17
    assert json.loads(json.dumps(d, allow_nan=False)) == d


finite = st.floats(min_value=1.0, max_value=1e4, allow_nan=False, allow_infinity=False)


@pytest.mark.filterwarnings("ignore::vbqcore.errors.DegenerateInputWarning")
@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=3, max_size=30), finite)
def test_swapping_and_shifting(pairs: list[tuple[float, float]], shift: float) -> None:
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    r = bland_altman(a, b)
    swapped = bland_altman(b, a)
    assert swapped.bias == pytest.approx(-r.bias, abs=1e-9)
    assert swapped.loa_low == pytest.approx(-r.loa_high, abs=1e-6)
    assert swapped.sd == pytest.approx(r.sd, abs=1e-9)
    shifted = bland_altman(a + shift, b + shift)  # absolute differences ignore a common offset
    assert shifted.bias == pytest.approx(r.bias, abs=1e-6)
    assert shifted.sd == pytest.approx(r.sd, abs=1e-6)
