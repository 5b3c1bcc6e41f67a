"""roc_analysis against scikit-learn, pROC 1.18 output, a published table and brute force."""

from __future__ import annotations

import json
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score, roc_curve

from tests.stats.roc_reference_data import SMALL_A, SMALL_B, SMALL_Y, hanley_mcneil_data
from vbqcore.errors import StatsInputError
from vbqcore.stats import DegenerateInputWarning, RocResult, roc_analysis
from vbqcore.stats.delong import rank_scores
from vbqcore.stats.roc import _bootstrap_aucs

labelled_scores = st.integers(min_value=3, max_value=80).flatmap(
    lambda n: st.tuples(
        st.lists(st.booleans(), min_size=n, max_size=n).filter(lambda v: 0 < sum(v) < len(v)),
        st.lists(
            st.one_of(st.integers(-5, 5).map(float), st.floats(-1e6, 1e6)),  # ties and spread
            min_size=n,
            max_size=n,
        ),
    )
)


def _quiet(y: np.ndarray, s: np.ndarray, **kwargs: Any) -> RocResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateInputWarning)
        return roc_analysis(y, s, **kwargs)


@settings(max_examples=100, deadline=None)
@given(labelled_scores)
def test_auc_and_curve_equal_sklearn(data: tuple[list[bool], list[float]]) -> None:
    y, s = np.asarray(data[0]), np.asarray(data[1])
    res = _quiet(y, s)
    assert res.auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(res.fpr, fpr, atol=1e-15)
    np.testing.assert_allclose(res.tpr, tpr, atol=1e-15)
    # sklearn's thresholds are the scores themselves; ours are midpoints between neighbours.
    ours = res.thresholds
    assert ours[0] == np.inf and ours[-1] == -np.inf
    np.testing.assert_allclose(ours[1:-1], (thr[1:-1] + thr[2:]) / 2, rtol=1e-12, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(labelled_scores)
def test_negating_the_score_mirrors_the_auc(data: tuple[list[bool], list[float]]) -> None:
    y, s = np.asarray(data[0]), np.asarray(data[1])
    up, down = _quiet(y, s), _quiet(y, -s)
    assert down.auc == pytest.approx(1.0 - up.auc, abs=1e-12)
    # "lower" on x is "higher" on -x, cut-off mirrored
    low = _quiet(y, s, direction="lower")
    assert low.auc == pytest.approx(down.auc, abs=1e-15)
    if not math.isnan(down.cutoff):
        assert low.cutoff == pytest.approx(-down.cutoff)


@settings(max_examples=150, deadline=None)
@given(labelled_scores)
def test_youden_cutoff_equals_brute_force(data: tuple[list[bool], list[float]]) -> None:
    y, s = np.asarray(data[0]), np.asarray(data[1])
    res = _quiet(y, s)
    values = np.unique(s)
    # Every distinct cut-off a patient can fall on, highest first: positive when s >= c.
    best_j, best = -np.inf, []
    for c in values[::-1]:
        sens = np.mean(s[y] >= c)
        spec = np.mean(s[~y] < c)
        j = sens + spec - 1
        if j > best_j + 1e-12:
            best_j, best = j, [c]
        elif abs(j - best_j) <= 1e-12:
            best.append(c)
    if best_j <= 1e-12:
        assert math.isnan(res.cutoff)
        return
    assert res.youden_j == pytest.approx(best_j, abs=1e-12)
    # the reported cut-off sits between the first optimal value and the next lower one
    lower = values[values < best[0]]
    expected = (best[0] + lower.max()) / 2 if lower.size else -np.inf
    assert res.cutoff == pytest.approx(expected)
    assert len(res.youden_cutoffs) == len(best)
    assert res.sensitivity == pytest.approx(np.mean(s[y] >= best[0]))


def test_hanley_mcneil_1982_published_table() -> None:
    # Hanley & McNeil, Radiology 1982;143:29-36: AUC 0.893 and SE 0.032 for the CT ratings.
    y, rating = hanley_mcneil_data()
    res = roc_analysis(y, rating)
    assert round(res.auc, 3) == 0.893
    # Their SE is the exponential approximation (their eq. 1-3) with Q1 = A/(2-A),
    # Q2 = 2A^2/(1+A); computed here from our AUC it gives the published 0.032, which confirms the
    # table was transcribed right...
    a, m, n = res.auc, res.n_pos, res.n_neg
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    se_hanley = math.sqrt((a * (1 - a) + (m - 1) * (q1 - a * a) + (n - 1) * (q2 - a * a)) / (m * n))
    assert round(se_hanley, 3) == 0.032
    # ...while DeLong's nonparametric SE is close to, not equal to, it (0.0307 vs 0.032).
    assert res.se == pytest.approx(0.032, abs=0.002)
    # pROC 1.18: rh <- roc(hy, h, levels=c(0,1), direction="<"); sqrt(var(rh)) = 0.0307244083793811
    #   ci.auc(rh) = 0.832952327658172 0.893171061528059 0.953389795397947
    #   coords(rh, "best", best.method="youden") = 3.5, se 0.862745098039216, sp 0.775862068965517
    assert res.auc == pytest.approx(0.893171061528059, abs=1e-12)
    assert res.se == pytest.approx(0.0307244083793811, abs=1e-12)
    assert res.ci_low == pytest.approx(0.832952327658172, abs=1e-9)
    assert res.ci_high == pytest.approx(0.953389795397947, abs=1e-9)
    assert res.cutoff == 3.5
    assert res.sensitivity == pytest.approx(0.862745098039216, abs=1e-12)
    assert res.specificity == pytest.approx(0.775862068965517, abs=1e-12)


@pytest.mark.parametrize(
    ("score", "auc", "se", "ci", "cutoffs", "sens", "spec"),
    [
        # pROC 1.18: r <- roc(y, a, levels=c(0,1), direction="<"); auc(r); sqrt(var(r)); ci.auc(r)
        #   coords(r, "best", best.method="youden", ret=c("threshold","sensitivity","specificity"))
        (SMALL_A, 0.791666666666667, 0.0707943623682364, (0.652912266116446, 0.930421067216888),
         (0.555,), 0.888888888888889, 0.545454545454545),
        # same calls on b; pROC lists two tied optima (4.05 and 4.75); we report the higher first
        (SMALL_B, 0.628787878787879, 0.0913315391188912, (0.449781351462241, 0.807794406113517),
         (4.75, 4.05), 0.277777777777778, 0.954545454545455),
    ],
    ids=["vbq_t2_like", "vbq_t1_like_tied_youden"],
)  # fmt: skip
def test_matches_proc(
    score: np.ndarray,
    auc: float,
    se: float,
    ci: tuple[float, float],
    cutoffs: tuple[float, ...],
    sens: float,
    spec: float,
) -> None:
    res = roc_analysis(SMALL_Y, score)
    assert res.auc == pytest.approx(auc, abs=1e-12)
    assert res.se == pytest.approx(se, abs=1e-12)
    assert (res.ci_low, res.ci_high) == pytest.approx(ci, abs=1e-9)
    assert res.youden_cutoffs == pytest.approx(cutoffs)
    assert res.cutoff == pytest.approx(cutoffs[0])
    assert res.sensitivity == pytest.approx(sens, abs=1e-12)
    assert res.specificity == pytest.approx(spec, abs=1e-12)
    assert (res.n_pos, res.n_neg, res.direction) == (18, 22, "higher")


def test_auto_direction_matches_proc() -> None:
    # pROC 1.18: r <- roc(y, -a, levels=c(0,1), direction="auto") -> direction ">", AUC
    #   0.791666666666667, Youden threshold -0.555 (se 0.888888888888889, sp 0.545454545454545)
    res = roc_analysis(SMALL_Y, -SMALL_A, direction="auto")
    assert res.direction == "lower"
    assert res.auc == pytest.approx(0.791666666666667, abs=1e-12)
    assert res.cutoff == pytest.approx(-0.555)
    assert res.sensitivity == pytest.approx(0.888888888888889, abs=1e-12)


def test_sensitivity_ci_is_clopper_pearson_or_wilson() -> None:
    res = roc_analysis(SMALL_Y, SMALL_A)
    tp = round(res.sensitivity * res.n_pos)
    from scipy.stats import binomtest

    ci = binomtest(tp, res.n_pos).proportion_ci(method="exact")
    assert res.sensitivity_ci == pytest.approx((ci.low, ci.high))
    wilson = roc_analysis(SMALL_Y, SMALL_A, proportion_ci="wilson")
    ci = binomtest(tp, res.n_pos).proportion_ci(method="wilson")
    assert wilson.sensitivity_ci == pytest.approx((ci.low, ci.high))


def test_bootstrap_replicates_equal_resampling_by_hand() -> None:
    y = SMALL_Y.astype(bool)
    ranked = rank_scores(y, SMALL_A)
    aucs = _bootstrap_aucs(ranked, y, n_bootstrap=5, rng=np.random.default_rng(7), progress=None)
    rng = np.random.default_rng(7)  # the same draws, in the same order: cases then controls
    cases, controls = SMALL_A[y], SMALL_A[~y]
    pos = rng.integers(0, cases.size, size=(5, cases.size))
    neg = rng.integers(0, controls.size, size=(5, controls.size))
    for b in range(5):
        s = np.concatenate([cases[pos[b]], controls[neg[b]]])
        truth = np.r_[np.ones(cases.size), np.zeros(controls.size)]
        assert aucs[b] == pytest.approx(roc_auc_score(truth, s), abs=1e-12)


def test_bootstrap_ci_is_seeded_reports_progress_and_agrees_with_delong() -> None:
    y, rating = hanley_mcneil_data()
    calls: list[tuple[int, int]] = []
    res = roc_analysis(
        y,
        rating,
        ci_method="bootstrap",
        n_bootstrap=2000,
        seed=11,
        progress=lambda d, t: calls.append((d, t)),
    )
    again = roc_analysis(y, rating, ci_method="bootstrap", n_bootstrap=2000, seed=11)
    assert (res.ci_low, res.ci_high) == (again.ci_low, again.ci_high)
    assert calls[-1] == (2000, 2000) and all(t == 2000 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # DeLong's CI for these data is 0.8330-0.9534 (pROC, above); 2000 replicates land near it.
    assert res.ci_low == pytest.approx(0.833, abs=0.015)
    assert res.ci_high == pytest.approx(0.953, abs=0.015)
    assert (res.ci_method, res.n_bootstrap, res.seed) == ("bootstrap", 2000, 11)
    assert res.se == pytest.approx(0.0307244083793811)  # the SE stays DeLong's
    drawn = roc_analysis(y, rating, ci_method="bootstrap", n_bootstrap=50)
    assert isinstance(drawn.seed, int)
    replay = roc_analysis(y, rating, ci_method="bootstrap", n_bootstrap=50, seed=drawn.seed)
    assert (replay.ci_low, replay.ci_high) == (drawn.ci_low, drawn.ci_high)


def test_constant_score_warns_and_has_no_cutoff() -> None:
    with pytest.warns(DegenerateInputWarning) as record:
        res = roc_analysis([0, 1, 0, 1, 1], [2.0] * 5)
    messages = " ".join(str(w.message) for w in record)
    assert "SE is 0" in messages and "better than chance" in messages
    assert res.auc == 0.5
    assert math.isnan(res.cutoff) and math.isnan(res.sensitivity)
    assert res.youden_cutoffs == ()


def test_single_case_gives_nan_se() -> None:
    with pytest.warns(DegenerateInputWarning, match="at least two of each"):
        res = roc_analysis([0, 0, 0, 1], [1.0, 2.0, 3.0, 4.0])
    assert res.auc == 1.0
    assert math.isnan(res.se) and math.isnan(res.ci_low)


def test_perfect_separation_warns_zero_se() -> None:
    with pytest.warns(DegenerateInputWarning, match="SE is 0"):
        res = roc_analysis([0, 0, 1, 1], [1.0, 2.0, 3.0, 4.0])
    assert (res.auc, res.se, res.ci_low, res.ci_high) == (1.0, 0.0, 1.0, 1.0)
    assert res.cutoff == 2.5


def test_to_dict_is_strict_json() -> None:
    res = roc_analysis(SMALL_Y, SMALL_A)
    text = json.dumps(res.to_dict(), allow_nan=False)
    back = json.loads(text)
    assert back["thresholds"][0] is None and back["thresholds"][-1] is None
    assert back["cutoff"] == pytest.approx(0.555)
    assert "fpr" not in res.to_dict(curve=False)
    with pytest.warns(DegenerateInputWarning):
        flat = roc_analysis([0, 1, 0, 1], [1.0, 1, 1, 1])
    json.dumps(flat.to_dict(), allow_nan=False)


def test_labels_series_and_omit() -> None:
    y = pd.Series(np.where(SMALL_Y == 1, "fracture", "control"))
    s = pd.Series(SMALL_A.astype(float))
    s[5] = np.nan
    with pytest.raises(StatsInputError, match=r"1 missing \(NaN\) values at rows 5"):
        roc_analysis(y, s, positive="fracture")
    res = roc_analysis(y, s, positive="fracture", nan_policy="omit")
    keep = np.arange(40) != 5
    assert res.auc == pytest.approx(roc_auc_score(SMALL_Y[keep], SMALL_A[keep]))
    with pytest.warns(DegenerateInputWarning, match="better than chance"):  # AUC < 0.5, "higher"
        flipped = roc_analysis(y, s, positive="control", nan_policy="omit")
    assert flipped.auc == pytest.approx(1 - res.auc)


@pytest.mark.parametrize(
    ("y", "s", "kwargs", "match"),
    [
        ([1, 1, 1, 1], [1.0, 2, 3, 4], {}, "only one class"),
        ([0, 1, 1], [1.0, 2], {}, "y_score has 2"),
        ([0, 1], [1.0, 2], {}, "at least 3 patients"),
        ([0, 1, 2, 1], [1.0, 2, 3, 4], {}, "exactly two values"),
        ([0, 1, 0, 1], ["a", "2", "3", "4"], {}, r"must be numeric, but rows 0 are not \('a'\)"),
        ([0, 1, np.nan, 1], [1.0, 2, 3, 4], {}, "missing values at rows 2"),
        ([0, 1, 0, 1], [1.0, np.inf, 3, 4], {}, "missing or infinite"),
        (["a", "b", "a", "b"], [1.0, 2, 3, 4], {}, "say which one marks a case"),
        (["a", "b", "a", "b"], [1.0, 2, 3, 4], {"positive": "c"}, "positive='c' does not occur"),
        ([0, 1, 0, 1], [1.0, 2, 3, 4], {"direction": "up"}, "direction='up'"),
        ([0, 1, 0, 1], [1.0, 2, 3, 4], {"ci_method": "jackknife"}, "ci_method="),
        ([0, 1, 0, 1], [1.0, 2, 3, 4], {"ci_method": "bootstrap", "n_bootstrap": 1}, "at least 2"),
        ([0, 1, 0, 1], [1.0, 2, 3, 4], {"confidence": 1.5}, "confidence must be"),
        ([0, 1, 0, 1], [1.0, 2, 3, 4], {"nan_policy": "drop"}, "nan_policy='drop'"),
        ([[0, 1], [0, 1]], [1.0, 2, 3, 4], {}, "1-D"),
    ],
)
def test_invalid_input_raises(y: object, s: object, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(StatsInputError, match=match):
        roc_analysis(y, s, **kwargs)  # type: ignore[arg-type]


def test_cutoff_is_the_decimal_midpoint() -> None:
    # Between 0.51 and 0.60 binary arithmetic gives 0.5549999999999999; SPSS/pROC print 0.555.
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    s = [0.3, 0.35, 0.4, 0.51, 0.6, 0.7, 0.8, 0.2]
    res = roc_analysis(y, s)
    assert res.cutoff == 0.555
    assert (res.sensitivity, res.specificity) == (0.75, 1.0)
    assert 0.51 / 2 + 0.6 / 2 in res.thresholds.tolist()  # the curve keeps binary midpoints
    with pytest.raises(ValueError, match="read-only"):
        res.fpr[0] = 0.5
