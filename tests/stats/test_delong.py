"""DeLong variance and the test of two correlated AUCs, against a textbook O(m*n) DeLong, Sun & Xu's
midrank formulas with scipy's rankdata, and pROC 1.18 output."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from tests.stats.roc_reference_data import SMALL_A, SMALL_B, SMALL_Y
from vbqcore.errors import StatsInputError
from vbqcore.stats import DegenerateInputWarning, compare_aucs
from vbqcore.stats.delong import Direction, delong_auc_variance, rank_scores, resolve_direction


def textbook_delong(y: np.ndarray, scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """AUCs and their covariance matrix straight from DeLong et al. 1988, O(m*n) pairs.

    psi(x, y) = 1 if x > y, 1/2 if x == y, else 0; V10_i = mean_j psi(x_i, y_j),
    V01_j = mean_i psi(x_i, y_j); S = S10/m + S01/n with S10, S01 the sample covariances.
    """
    y = np.asarray(y, bool)
    v10s, v01s, aucs = [], [], []
    for s in scores:
        x, z = s[y], s[~y]
        psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
        aucs.append(psi.mean())
        v10s.append(psi.mean(axis=1))
        v01s.append(psi.mean(axis=0))
    m, n = int(y.sum()), int((~y).sum())
    s10 = np.atleast_2d(np.cov(np.vstack(v10s), ddof=1))
    s01 = np.atleast_2d(np.cov(np.vstack(v01s), ddof=1))
    return np.array(aucs), s10 / m + s01 / n


def sun_xu_placements(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sun & Xu 2014 placements from scipy's midranks.

    V10 = (T_Z - T_X) / n and V01 = 1 - (T_Z - T_Y) / m, with T_Z, T_X, T_Y the midranks among all
    patients, among cases and among controls.
    """
    y = np.asarray(y, bool)
    m, n = int(y.sum()), int((~y).sum())
    tz = rankdata(s)
    tx, ty = rankdata(s[y]), rankdata(s[~y])
    return (tz[y] - tx) / n, 1.0 - (tz[~y] - ty) / m


labelled_scores = st.integers(min_value=4, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.booleans(), min_size=n, max_size=n).filter(lambda v: 2 <= sum(v) <= len(v) - 2),
        st.lists(st.integers(-4, 4), min_size=n, max_size=n),  # few values: many ties
        st.lists(st.integers(-4, 4), min_size=n, max_size=n),
    )
)


@settings(max_examples=150, deadline=None)
@given(labelled_scores)
def test_variance_equals_textbook_delong(data: tuple[list[bool], list[int], list[int]]) -> None:
    y, a, _ = (np.asarray(v) for v in data)
    a = a.astype(float)
    auc, var = delong_auc_variance(rank_scores(y, a))
    ref_auc, ref_cov = textbook_delong(y, [a])
    assert auc == pytest.approx(ref_auc[0], abs=1e-12)
    assert var == pytest.approx(ref_cov[0, 0], abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(labelled_scores)
def test_placements_equal_sun_xu_midranks(data: tuple[list[bool], list[int], list[int]]) -> None:
    y, a, _ = (np.asarray(v) for v in data)
    a = a.astype(float)
    ranked = rank_scores(y, a)
    v10, v01 = ranked.placements()
    group = ranked.group_of_patient()
    ref10, ref01 = sun_xu_placements(y, a)
    np.testing.assert_allclose(v10[group[y]], ref10, atol=1e-12)
    np.testing.assert_allclose(v01[group[~y]], ref01, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(labelled_scores)
def test_comparison_equals_textbook_covariance(
    data: tuple[list[bool], list[int], list[int]],
) -> None:
    y, a, b = (np.asarray(v) for v in data)
    a, b = a.astype(float), b.astype(float)
    aucs, cov = textbook_delong(y, [a, b])
    var_diff = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateInputWarning)  # identical rankings: z = 0
        res = compare_aucs(y, a, b)
    assert res.auc_diff == pytest.approx(aucs[0] - aucs[1], abs=1e-12)
    assert res.se**2 == pytest.approx(max(var_diff, 0.0), abs=1e-12)
    if var_diff > 1e-12:
        assert res.z == pytest.approx((aucs[0] - aucs[1]) / math.sqrt(var_diff), rel=1e-9)


def test_roc_test_matches_proc() -> None:
    # R 4.2.2, pROC 1.18.0:
    #   ra <- roc(y, a, levels=c(0,1), direction="<"); rb <- roc(y, b, levels=c(0,1), direction="<")
    #   t <- roc.test(ra, rb, method="delong")
    #   Z = 1.34195451166872, p = 0.17961074521427, 95% CI -0.0750104664231284 0.4007680421807043
    #   cov(ra, rb) = -0.000689214314437131
    #   auc(ra) = 0.791666666666667, auc(rb) = 0.628787878787879
    #   sqrt(var(ra)) = 0.0707943623682364, sqrt(var(rb)) = 0.0913315391188912
    res = compare_aucs(SMALL_Y, SMALL_A, SMALL_B)
    assert res.auc_a == pytest.approx(0.791666666666667, abs=1e-12)
    assert res.auc_b == pytest.approx(0.628787878787879, abs=1e-12)
    assert res.z == pytest.approx(1.34195451166872, abs=1e-10)
    assert res.p == pytest.approx(0.17961074521427, abs=1e-10)
    assert res.ci_low == pytest.approx(-0.0750104664231284, abs=1e-10)
    assert res.ci_high == pytest.approx(0.4007680421807043, abs=1e-10)
    cov = res.correlation * 0.0707943623682364 * 0.0913315391188912
    assert cov == pytest.approx(-0.000689214314437131, abs=1e-12)
    assert (res.n_pos, res.n_neg) == (18, 22)


def test_swapping_the_scores_flips_the_sign_only() -> None:
    ab = compare_aucs(SMALL_Y, SMALL_A, SMALL_B)
    ba = compare_aucs(SMALL_Y, SMALL_B, SMALL_A)
    assert ba.z == pytest.approx(-ab.z)
    assert ba.p == pytest.approx(ab.p)
    assert ba.se == pytest.approx(ab.se)


def test_direction_pair_orients_each_score() -> None:
    # A T-score-like variable: lower = case. Negating it and saying "lower" is the same curve.
    res = compare_aucs(SMALL_Y, -SMALL_A, SMALL_B, direction=("lower", "higher"))
    ref = compare_aucs(SMALL_Y, SMALL_A, SMALL_B)
    assert res.z == pytest.approx(ref.z)
    assert (res.direction_a, res.direction_b) == ("lower", "higher")
    auto = compare_aucs(SMALL_Y, -SMALL_A, SMALL_B, direction="auto")
    assert auto.direction_a == "lower"
    assert auto.z == pytest.approx(ref.z)


def test_identical_scores_give_z_zero_like_proc() -> None:
    with pytest.warns(DegenerateInputWarning, match="zero DeLong variance"):
        res = compare_aucs(SMALL_Y, SMALL_A, SMALL_A.copy())
    assert (res.z, res.p, res.auc_diff) == (0.0, 1.0, 0.0)


def test_single_case_gives_nan_with_warning() -> None:
    y = np.array([0, 0, 0, 1])
    with pytest.warns(DegenerateInputWarning, match="at least two of each"):
        res = compare_aucs(y, [1.0, 2, 3, 4], [4.0, 3, 2, 5])
    assert math.isnan(res.se) and math.isnan(res.p)
    assert res.auc_a == 1.0
    assert res.to_dict()["p"] is None


def test_omit_drops_the_same_patients_from_both_scores() -> None:
    a = SMALL_A.astype(float).copy()
    b = SMALL_B.astype(float).copy()
    a[3], b[7] = np.nan, np.nan
    res = compare_aucs(SMALL_Y, a, b, nan_policy="omit")
    keep = np.ones(a.size, bool)
    keep[[3, 7]] = False
    ref = compare_aucs(SMALL_Y[keep], SMALL_A[keep], SMALL_B[keep])
    assert res.z == pytest.approx(ref.z)
    assert res.n_pos + res.n_neg == 38


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scores_b": SMALL_B[:-1]}, "scores_b has 39"),
        ({"direction": "up"}, "direction='up' is not one of"),
        ({"direction": ("higher",)}, "one value or a pair"),
        ({"confidence": 95}, "confidence must be between 0 and 1"),
    ],
)
def test_bad_input_raises(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"y_true": SMALL_Y, "scores_a": SMALL_A, "scores_b": SMALL_B}
    args.update(kwargs)
    with pytest.raises(StatsInputError, match=match):
        compare_aucs(**args)  # type: ignore[arg-type]


def test_auto_direction_follows_proc_median_rule() -> None:
    y = np.array([0, 0, 0, 1, 1, 1], bool)
    # controls' median 5 > cases' median 2: pROC picks ">" (lower = case)
    assert resolve_direction(y, np.array([4.0, 5, 6, 1, 2, 3]), "auto") is Direction.LOWER
    # equal medians: pROC's "<=" keeps "<" (higher = case)
    assert resolve_direction(y, np.array([1.0, 2, 3, 1, 2, 3]), "auto") is Direction.HIGHER
