"""Unpaired DeLong test against pROC's own test values (tests/testthat/test-roc.test.R)."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest

from tests.stats.asah_reference_data import NDKA, POOR, S100B, WFNS
from vbqcore.errors import DegenerateInputWarning
from vbqcore.stats import delong_unpaired, roc_analysis
from vbqcore.stats.delong_unpaired import compare_aucs_unpaired


def test_doctests() -> None:
    assert doctest.testmod(delong_unpaired).failed == 0


@pytest.mark.parametrize(
    ("a", "b", "d", "p"),
    [
        # pROC: t1up <- roc.test(r.wfns, r.s100b, paired = FALSE)
        (WFNS, S100B, 1.43490640926908, 0.152825378808796),
        # pROC: t2up <- roc.test(r.wfns, r.ndka, paired = FALSE)
        (WFNS, NDKA, 3.10125096778969, 0.00220950791756457),
        # pROC: t3up <- roc.test(r.ndka, r.s100b, paired = FALSE)
        (NDKA, S100B, -1.55995743389685, 0.120192832430845),
    ],
)
def test_matches_proc_unpaired_delong(a: np.ndarray, b: np.ndarray, d: float, p: float) -> None:
    r = compare_aucs_unpaired(POOR, a, POOR, b)
    assert r.d == pytest.approx(d, rel=1e-10)
    assert r.p == pytest.approx(p, rel=1e-9)
    reversed_ = compare_aucs_unpaired(POOR, b, POOR, a)  # pROC: same p, statistic negated
    assert reversed_.d == pytest.approx(-d, rel=1e-10) and reversed_.p == pytest.approx(p)
    # The pieces: each AUC and SE as the (separately tested) one-curve DeLong analysis gives.
    ra, rb = roc_analysis(POOR, a), roc_analysis(POOR, b)
    assert r.auc_diff == pytest.approx(ra.auc - rb.auc)
    assert r.se == pytest.approx(np.hypot(ra.se, rb.se))


def test_independent_subgroups_and_ci() -> None:
    # Women's vs men's AUC: two disjoint halves of the data, as the Subgroups view uses it.
    first, second = slice(0, 60), slice(60, None)
    r = compare_aucs_unpaired(POOR[first], S100B[first], POOR[second], S100B[second])
    assert (r.n_pos_a + r.n_neg_a, r.n_pos_b + r.n_neg_b) == (60, 53)
    # diff ± t(df)·se: the CI excludes 0 exactly when p < 0.05.
    assert (r.ci_low > 0 or r.ci_high < 0) == (r.p < 0.05)
    assert r.ci_low < r.auc_diff < r.ci_high
    assert r.to_dict()["method"] == "delong_unpaired"


def test_a_group_of_one_gives_nan_with_a_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateInputWarning)
        r = compare_aucs_unpaired([0, 0, 1], [1, 2, 3], [0, 1, 1, 0], [1, 3, 2, 0])
    assert np.isnan(r.p) and any("not possible" in str(w.message) for w in caught)
