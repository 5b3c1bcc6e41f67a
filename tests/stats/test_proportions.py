"""Proportion CIs against scipy, R and Wilson's closed form; confusion_at against pROC coords."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest, norm

from tests.stats.roc_reference_data import SMALL_A, SMALL_Y
from vbqcore.errors import StatsInputError
from vbqcore.stats import DegenerateInputWarning, confusion_at, proportion_ci, roc_analysis

CASES = [(0, 10), (1, 10), (5, 10), (10, 10), (13, 18), (61, 84), (50, 84), (1, 1), (0, 1)]


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_clopper_pearson_equals_scipy_exact(k: int, n: int, confidence: float) -> None:
    ref = binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    low, high = proportion_ci(k, n, method="clopper-pearson", confidence=confidence)
    assert low == pytest.approx(ref.low, abs=1e-10)
    assert high == pytest.approx(ref.high, abs=1e-10)


def _wilson_by_hand(k: int, n: int, confidence: float) -> tuple[float, float]:
    # Wilson 1927: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    z = norm.ppf(0.5 + confidence / 2)
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.mark.parametrize(("k", "n"), CASES)
def test_wilson_equals_closed_form(k: int, n: int) -> None:
    low, high = proportion_ci(k, n, method="wilson")
    ref = _wilson_by_hand(k, n, 0.95)
    assert (low, high) == pytest.approx(ref, abs=1e-12)


def test_against_r() -> None:
    # R 4.2.2: binom.test(13, 18)$conf.int -> 0.465198034416944 0.903050787474441
    assert proportion_ci(13, 18) == pytest.approx((0.465198034416944, 0.903050787474441), abs=1e-12)
    # R: binom.test(0, 10)$conf.int -> 0 0.308497107818761
    assert proportion_ci(0, 10) == pytest.approx((0.0, 0.308497107818761), abs=1e-12)
    # R: prop.test(13, 18, correct=FALSE)$conf.int (Wilson) -> 0.491273434397025 0.875002466204460
    wilson = proportion_ci(13, 18, method="wilson")
    assert wilson == pytest.approx((0.491273434397025, 0.875002466204460), abs=1e-12)


def test_empty_denominator_is_nan_and_bad_counts_raise() -> None:
    assert all(math.isnan(v) for v in proportion_ci(0, 0))
    with pytest.raises(StatsInputError, match="0 <= k <= n"):
        proportion_ci(5, 3)
    with pytest.raises(StatsInputError, match="proportion_ci='exact'"):
        proportion_ci(1, 3, method="exact")


def test_confusion_matches_proc_coords() -> None:
    # pROC 1.18: coords(roc(y, a, levels=c(0,1), direction="<"), 0.6, input="threshold",
    #   ret=c("tp","fp","tn","fn","sensitivity","specificity","ppv","npv"))
    #   -> 11 6 16 7, 0.611111111111111 0.727272727272727 0.647058823529412 0.695652173913043
    res = confusion_at(SMALL_Y, SMALL_A, 0.6)
    assert (res.tp, res.fp, res.tn, res.fn) == (11, 6, 16, 7)
    assert res.sensitivity.estimate == pytest.approx(0.611111111111111, abs=1e-12)
    assert res.specificity.estimate == pytest.approx(0.727272727272727, abs=1e-12)
    assert res.ppv.estimate == pytest.approx(0.647058823529412, abs=1e-12)
    assert res.npv.estimate == pytest.approx(0.695652173913043, abs=1e-12)
    ci = binomtest(11, 18).proportion_ci(method="exact")
    assert (res.sensitivity.ci_low, res.sensitivity.ci_high) == pytest.approx((ci.low, ci.high))


def test_confusion_at_youden_cutoff_equals_roc_result() -> None:
    roc = roc_analysis(SMALL_Y, SMALL_A)
    res = confusion_at(SMALL_Y, SMALL_A, roc.cutoff)
    assert res.sensitivity.estimate == pytest.approx(roc.sensitivity)
    assert res.specificity.estimate == pytest.approx(roc.specificity)
    assert (res.sensitivity.ci_low, res.sensitivity.ci_high) == pytest.approx(roc.sensitivity_ci)


def test_lower_direction_and_boundary() -> None:
    y = np.array([1, 1, 0, 0, 0])
    t_score = np.array([-3.0, -2.5, -2.5, -1.0, 0.0])
    res = confusion_at(y, t_score, -2.5, direction="lower")  # at the cut-off counts positive
    assert (res.tp, res.fp, res.tn, res.fn) == (2, 1, 2, 0)
    assert res.direction == "lower"
    assert res.to_dict()["sensitivity"]["estimate"] == 1.0


def test_nobody_positive_warns_and_ppv_is_nan() -> None:
    with pytest.warns(DegenerateInputWarning, match="PPV is undefined"):
        res = confusion_at(SMALL_Y, SMALL_A, 10.0)
    assert math.isnan(res.ppv.estimate)
    assert res.to_dict()["ppv"]["estimate"] is None
    assert res.specificity.estimate == 1.0


def test_threshold_nan_raises() -> None:
    with pytest.raises(StatsInputError, match="threshold is NaN"):
        confusion_at(SMALL_Y, SMALL_A, float("nan"))
