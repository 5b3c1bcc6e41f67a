"""vbqcore.stats.two_sample against R's documented output, statsmodels and a brute-force check."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from vbqcore.errors import StatsInputError
from vbqcore.stats import two_sample
from vbqcore.stats.two_sample import (
    DifferenceTest,
    mean_difference_ci,
    paired_t,
    two_sample_t,
    wilcoxon_signed_rank,
)

# R's ``sleep`` data (Cushny & Peebles 1905, as in R's datasets): extra sleep in hours of the
# same 10 patients under drug 1 and drug 2.
SLEEP_1 = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
SLEEP_2 = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
# Hollander & Wolfe's depression scores (R's ?wilcox.test example): before (x) and after (y).
DEPRESSION_X = np.array([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30])
DEPRESSION_Y = np.array([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29])


def test_doctests() -> None:
    assert doctest.testmod(two_sample).failed == 0


def test_welch_t_matches_r_sleep_example() -> None:
    # R: t.test(extra ~ group, data = sleep)
    # t = -1.8608, df = 17.776, p-value = 0.07939; 95% CI -3.3654832 0.2054832
    r = two_sample_t(SLEEP_1, SLEEP_2, equal_var=False)
    assert r.test is DifferenceTest.WELCH_T
    assert r.statistic == pytest.approx(-1.8608, abs=5e-5)
    assert r.df == pytest.approx(17.776, abs=5e-4)
    assert r.p == pytest.approx(0.07939, abs=5e-6)
    assert (r.ci_low, r.ci_high) == pytest.approx((-3.3654832, 0.2054832), abs=1e-7)
    assert r.estimate == pytest.approx(-1.58)


def test_student_t_ci_matches_statsmodels() -> None:
    rng = np.random.default_rng(12)
    a, b = rng.normal(0.6, 0.1, 30), rng.normal(0.5, 0.1, 25)
    r = two_sample_t(a, b, equal_var=True)
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(usevar="pooled")
    assert (r.ci_low, r.ci_high) == pytest.approx((low, high), rel=1e-12)
    d, lo, hi = mean_difference_ci(a, b, equal_var=False)
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(usevar="unequal")
    assert (lo, hi) == pytest.approx((low, high), rel=1e-12)
    assert d == pytest.approx(a.mean() - b.mean())


def test_automatic_choice_says_which_test_ran() -> None:
    rng = np.random.default_rng(3)
    same = two_sample_t(rng.normal(0, 1, 40), rng.normal(0, 1, 40))
    assert same.test is DifferenceTest.STUDENT_T and "equal variances" in same.reason
    wide = two_sample_t(rng.normal(0, 1, 40), rng.normal(0, 5, 40))
    assert wide.test is DifferenceTest.WELCH_T and "unequal variances: Welch" in wide.reason


def test_paired_t_matches_r_sleep_example() -> None:
    # R: t.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE)
    # t = -4.0621, df = 9, p-value = 0.002833; 95% CI -2.4598858 -0.7001142; mean diff -1.58
    r = paired_t(SLEEP_1, SLEEP_2)
    assert r.statistic == pytest.approx(-4.0621, abs=5e-5)
    assert r.df == 9
    assert r.p == pytest.approx(0.002833, abs=5e-7)
    assert (r.ci_low, r.ci_high) == pytest.approx((-2.4598858, -0.7001142), abs=1e-7)
    assert r.estimate == pytest.approx(-1.58)


def test_signed_rank_exact_matches_r_and_inverts_the_exact_test() -> None:
    # R: wilcox.test(x, y, paired = TRUE, alternative = "greater") gives V = 40, p = 0.01953;
    # two-sided p is twice that.
    r = wilcoxon_signed_rank(DEPRESSION_X, DEPRESSION_Y)
    assert r.statistic == 40 and r.p == pytest.approx(2 * 0.01953, abs=1e-5)
    d = DEPRESSION_X - DEPRESSION_Y
    walsh = np.sort([(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)])
    assert r.estimate == pytest.approx(np.median(walsh))  # Hodges–Lehmann, brute force
    # The exact CI is the set of shifts the exact two-sided test does not reject at 5%:
    # check midpoints between consecutive Walsh averages (scipy's exact test, independent).
    mids = (walsh[1:] + walsh[:-1]) / 2
    kept = [m for m in mids if stats.wilcoxon(d - m, method="exact").pvalue >= 0.05]
    assert r.ci_low == pytest.approx(max(w for w in walsh if w <= min(kept)))
    assert r.ci_high == pytest.approx(min(w for w in walsh if w >= max(kept)))
    assert "exact" in r.method


def test_signed_rank_with_ties_uses_the_corrected_normal_approximation() -> None:
    # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE): V = 0, p-value = 0.009091
    r = wilcoxon_signed_rank(SLEEP_1, SLEEP_2)
    assert r.statistic == 0
    assert r.p == pytest.approx(0.009091, abs=5e-6)
    assert "normal approximation" in r.method and "1 zero difference" in r.reason
    # The approximate CI bounds are where scipy's tie- and continuity-corrected test of the
    # shifted differences crosses p = 0.05: just inside it does not reject, just outside it does.
    d = SLEEP_1 - SLEEP_2

    def p_at(shift: float) -> float:
        return float(stats.wilcoxon(d - shift, correction=True, method="approx").pvalue)

    for bound, inward in ((r.ci_low, 1), (r.ci_high, -1)):
        assert p_at(bound + inward * 1e-3) > 0.05 and p_at(bound - inward * 1e-3) < 0.05
    assert r.ci_low < r.estimate < r.ci_high < 0


def test_bad_pairs_are_named() -> None:
    with pytest.raises(StatsInputError, match="a has 3 values and b has 4"):
        paired_t([1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(StatsInputError, match="needs at least two non-zero"):
        wilcoxon_signed_rank([1, 2, 3], [1, 2, 3])
    with pytest.raises(StatsInputError, match="confidence must be between 0 and 1"):
        two_sample_t([1, 2, 3], [2, 3, 4], confidence=95)
