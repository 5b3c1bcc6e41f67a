"""Power and sample size against pROC's own tests of power.roc.test (test-power.roc.test.R) and
Obuchowski, Lieber & Wians (Clin Chem 2004;50:1118-1125) Table 4."""

from __future__ import annotations

import doctest
import math

import pytest

from tests.stats.asah_reference_data import NDKA, POOR, S100B, WFNS
from vbqcore.errors import StatsInputError
from vbqcore.stats import power as power_module
from vbqcore.stats import roc_analysis
from vbqcore.stats.power import SolvedFor, auc_power, correlated_auc_power

S100B_AUC = roc_analysis(POOR, S100B).auc  # pROC: r.s100b$auc (0.7314)


def test_doctests() -> None:
    assert doctest.testmod(power_module).failed == 0


def test_power_of_one_auc() -> None:
    # pROC: power.roc.test(ncases = 41, ncontrols = 72, auc = 0.73, sig.level = 0.05)
    r = auc_power(auc=0.73, n_cases=41, n_controls=72, alpha=0.05)
    assert r.power == pytest.approx(0.9897453, abs=1e-6)
    assert r.solved_for is SolvedFor.POWER
    # pROC: power.roc.test(r.s100b) -> power 0.9904833
    assert auc_power(auc=S100B_AUC, n_cases=41, n_controls=72).power == pytest.approx(
        0.9904833, abs=1e-6
    )


def test_sample_size_of_one_auc() -> None:
    # pROC: power.roc.test(auc = r.s100b$auc, sig.level = 0.05, power = 0.95, kappa = 1.7)
    r = auc_power(auc=S100B_AUC, power=0.95, ratio=1.7)
    assert r.n_cases == pytest.approx(29.29764, abs=1e-5)
    assert r.n_controls == pytest.approx(49.806, abs=1e-5)
    assert (r.n_cases_needed, r.n_controls_needed) == (30, 50)
    # pROC: power.roc.test(r.s100b, sig.level = 0.05, power = 0.9) (kappa from the data)
    r = auc_power(auc=S100B_AUC, power=0.9, ratio=72 / 41)
    assert (r.n_cases, r.n_controls) == pytest.approx((23.5598674, 41.3734257), abs=1e-7)
    # ... with kappa = 1
    assert auc_power(auc=S100B_AUC, power=0.9).n_cases == pytest.approx(29.5697422, abs=1e-7)


def test_detectable_auc() -> None:
    # pROC: power.roc.test(ncases = 41, ncontrols = 72, sig.level = 0.05, power = 0.95)
    # -> auc 0.6961054, found by R's uniroot (default tol ~1.2e-4), so equal to that tolerance.
    r = auc_power(n_cases=41, n_controls=72, power=0.95)
    assert r.auc == pytest.approx(0.6961054, abs=1.2e-4)
    assert r.solved_for is SolvedFor.AUC
    # ... and the power at the AUC found is the power asked for (our root is exact).
    assert auc_power(auc=r.auc, n_cases=41, n_controls=72).power == pytest.approx(0.95, abs=1e-9)


KAPPAS = (0.25, 0.5, 1, 2, 4)
THETAS = (0.6, 0.7, 0.8, 0.9, 0.95)
# Obuchowski 2004 Table 4 (one-sided alpha 0.05, power 0.9), at least 10 per group; two cells
# as corrected in pROC's test (339 -> 340 controls at kappa 4; 201 -> 202 cases at kappa 0.5).
TABLE4_CONTROLS = {
    0.25: (84, 20, 10, 10, 10),
    0.5: (101, 25, 10, 10, 10),
    1: (135, 33, 14, 10, 10),
    2: (203, 50, 21, 20, 20),
    4: (340, 84, 40, 40, 40),
}
TABLE4_CASES = {
    0.25: (334, 80, 40, 40, 40),
    0.5: (202, 49, 20, 20, 20),
    1: (135, 33, 14, 10, 10),
    2: (102, 25, 11, 10, 10),
    4: (85, 21, 10, 10, 10),
}


@pytest.mark.parametrize("kappa", KAPPAS)
def test_obuchowski_2004_table_4(kappa: float) -> None:
    for k, theta in enumerate(THETAS):
        r = auc_power(auc=theta, power=0.9, alpha=0.05, ratio=kappa, alternative="one-sided")
        cases, controls = math.ceil(r.n_cases), math.ceil(r.n_controls)
        # The table's floor of 10 per group, applied as pROC's test applies it.
        shown_controls = max(10, (10 if cases < 10 else 0) * kappa, controls)
        shown_cases = max(10, (10 if controls < 10 else 0) / kappa, cases)
        assert shown_controls == TABLE4_CONTROLS[kappa][k], (kappa, theta)
        assert shown_cases == TABLE4_CASES[kappa][k], (kappa, theta)


def test_two_correlated_aucs_with_delong_variance() -> None:
    # pROC: power.roc.test(r.ndka, r.wfns) -> power 0.7131594 at 41 cases / 72 controls
    r = correlated_auc_power(POOR, NDKA, WFNS)
    assert r.power == pytest.approx(0.7131594, abs=1e-6)
    assert (r.n_cases, r.n_controls) == (41, 72)
    # pROC: power.roc.test(r.ndka, r.wfns, power = 0.9) -> ncases 64.77777, ncontrols 113.7561
    r = correlated_auc_power(POOR, NDKA, WFNS, power=0.9)
    assert r.n_cases == pytest.approx(64.77777, abs=1e-5)
    assert r.n_controls == pytest.approx(113.7561, abs=1e-4)
    # pROC: power.roc.test(r.s100b, r.ndka, sig.level = 0.05, power = 0.9)
    r = correlated_auc_power(POOR, S100B, NDKA, power=0.9)
    assert (r.n_cases, r.n_controls) == pytest.approx((213.117677, 374.255432), abs=1e-6)
    # ... kappa = 1 changes the controls, not the cases
    r = correlated_auc_power(POOR, S100B, NDKA, power=0.9, ratio=1)
    assert r.n_cases == pytest.approx(213.117677, abs=1e-6) and r.n_controls == r.n_cases


def test_inputs_are_checked() -> None:
    with pytest.raises(StatsInputError, match="Give two of"):
        auc_power(auc=0.8)
    with pytest.raises(StatsInputError, match="Missing now: none"):
        auc_power(auc=0.8, n_cases=10, power=0.8)
    with pytest.raises(StatsInputError, match="auc must be above 0.5"):
        auc_power(auc=0.4, power=0.8)
    with pytest.raises(StatsInputError, match="alpha must be between 0 and 1"):
        auc_power(auc=0.8, power=0.8, alpha=5)
    with pytest.raises(StatsInputError, match="cannot reach power"):
        auc_power(n_cases=2, n_controls=2, power=0.99, alpha=0.001)
    with pytest.raises(StatsInputError, match="no difference to power"):
        correlated_auc_power(POOR, S100B, S100B)
