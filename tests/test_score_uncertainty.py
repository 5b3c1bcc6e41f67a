"""A VBQ score's interval from its ROIs (delta method) and from the paper's observer agreement.

Checked three ways: numbers worked by hand (below, step by step), a Monte-Carlo simulation of
the ROI means pushed through ``compute_vbq`` itself, and the limits of Huang et al. 2026 Fig. 3.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from vbqcore.anatomy import Sequence
from vbqcore.errors import VbqInputError
from vbqcore.measurements import CaseMeasurements
from vbqcore.score_uncertainty import (
    HUANG_2026_INTER_OBSERVER,
    observer_interval,
    relative_sd,
    roi_sem_interval,
    score_intervals,
)
from vbqcore.uncertainty import IntervalMethod
from vbqcore.vbq import ScoreName, compute_vbq

Z = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
T2 = {"L1": 300.0, "L2": 320.0, "L3": 340.0, "L4": 360.0, "CSF": 600.0}
STIR = {"L1": 100.0, "L2": 110.0, "L3": 120.0, "L4": 130.0, "CSF": 500.0}
SEM = {
    Sequence.T2: {"L1": 4.0, "L2": 4.0, "L3": 4.0, "L4": 4.0, "CSF": 6.0},
    Sequence.STIR: {"L1": 3.0, "L2": 3.0, "L3": 3.0, "L4": 3.0, "CSF": 5.0},
}


def case(**extra: Any) -> CaseMeasurements:
    return CaseMeasurements.from_nested({"T2": T2, "STIR": STIR, **extra})


def test_roi_sem_vbq_t2_by_hand() -> None:
    # A = (300+320+340+360)/4 = 330, C = 600, VBQ = 0.55.
    # Var A = 4 x (1/4)^2 x 4^2 = 4.  Var VBQ = Var A / C^2 + A^2 SEM_C^2 / C^4
    #   = 4 / 360000 + 108900 x 36 / 1.296e11 = 1.111111e-5 + 3.025e-5 = 4.136111e-5
    # SE = 0.0064312605; half-width 1.959964 x SE = 0.0126050 -> 0.5373950 to 0.5626050.
    result = compute_vbq(case())
    iv = roi_sem_interval(result, ScoreName.VBQ_T2, SEM)
    assert iv is not None and iv.method == IntervalMethod.ROI_SEM
    assert (iv.low, iv.high) == pytest.approx((0.5373950, 0.5626050), abs=5e-7)


def test_roi_sem_vbq_t2_stir_by_hand() -> None:
    # N = mean(200, 210, 220, 230) = 215, D = 600 - 500 = 100, VBQ-T2-STIR = 2.15.
    # Var N = (1/4)^2 x 4 x (4^2 + 3^2) = 6.25; Var D = 6^2 + 5^2 = 61.
    # Var = 6.25 / 1e4 + 215^2 x 61 / 1e8 = 6.25e-4 + 0.02819725 = 0.02882225; SE = 0.1697712.
    result = compute_vbq(case())
    iv = roi_sem_interval(result, ScoreName.VBQ_T2_STIR, SEM)
    assert iv is not None
    assert (iv.high - iv.low) / 2 == pytest.approx(Z * 0.1697712, rel=1e-6)
    assert (iv.low + iv.high) / 2 == pytest.approx(2.15)


@pytest.mark.parametrize("score", [ScoreName.VBQ_T2, ScoreName.VBQ_STIR, ScoreName.VBQ_T2_STIR])
@pytest.mark.parametrize("method", ["mean", "median"])
def test_roi_sem_matches_monte_carlo(score: ScoreName, method: str) -> None:
    # Draw every ROI mean from N(mean, SEM) and recompute the score with compute_vbq itself: the
    # SD of the simulated scores is the SE the delta method approximates (to first order).
    rng = np.random.default_rng(20261)
    n = 40_000
    sims = {
        seq: {site: rng.normal(base[site], SEM[seq][site], n) for site in base}
        for seq, base in ((Sequence.T2, T2), (Sequence.STIR, STIR))
    }
    # Vectorised compute_vbq for these inputs (cross-checked against compute_vbq on draw 0).
    agg = np.mean if method == "mean" else np.median
    bodies = ("L1", "L2", "L3", "L4")
    t2b = np.stack([sims[Sequence.T2][b] for b in bodies])
    sb = np.stack([sims[Sequence.STIR][b] for b in bodies])
    t2c, sc = sims[Sequence.T2]["CSF"], sims[Sequence.STIR]["CSF"]
    values = {
        ScoreName.VBQ_T2: agg(t2b, axis=0) / t2c,
        ScoreName.VBQ_STIR: agg(sb, axis=0) / sc,
        ScoreName.VBQ_T2_STIR: agg(t2b - sb, axis=0) / (t2c - sc),
    }[score]
    first = CaseMeasurements.from_nested(
        {
            seq.value: {site: float(draws[0]) for site, draws in sims[seq].items()}
            for seq in (Sequence.T2, Sequence.STIR)
        }
    )
    assert compute_vbq(first, method=method).score(score) == pytest.approx(values[0], rel=1e-12)
    iv = roi_sem_interval(compute_vbq(case(), method=method), score, SEM)
    assert iv is not None
    delta_se = (iv.high - iv.low) / (2 * Z)
    # Monte-Carlo SE of an SD is about SD / sqrt(2n) = 0.35%; 3% leaves room for the
    # second-order terms the delta method drops.
    assert float(np.std(values, ddof=1)) == pytest.approx(delta_se, rel=0.03)


def test_roi_sem_needs_every_roi_used() -> None:
    result = compute_vbq(case())
    partial = {Sequence.T2: {k: v for k, v in SEM[Sequence.T2].items() if k != "L3"}}
    assert roi_sem_interval(result, ScoreName.VBQ_T2, partial) is None
    nan = {Sequence.T2: SEM[Sequence.T2] | {"CSF": math.nan}}  # one-pixel CSF ROI: SD undefined
    assert roi_sem_interval(result, ScoreName.VBQ_T2, nan) is None
    # score_intervals falls back to the observer model there, and says so.
    ivs = score_intervals(result, spread=partial)
    assert ivs[ScoreName.VBQ_T2].method == IntervalMethod.OBSERVER_AGREEMENT


def test_relative_sd_from_huang_figure_3() -> None:
    # T2 bodies: limits -7.15% to 7.97%: SD_diff = 15.12 / 3.92 = 3.857143%; / sqrt(2) = 2.727412%
    assert relative_sd(-7.15, 7.97) == pytest.approx(0.02727412, rel=1e-6)
    # T2 CSF: -3.97% to 4.60%: 8.57 / 3.92 / sqrt(2) = 1.545894%
    lim = HUANG_2026_INTER_OBSERVER[Sequence.T2]
    assert relative_sd(lim.csf_lower_pct, lim.csf_upper_pct) == pytest.approx(0.01545894, rel=1e-6)
    with pytest.raises(VbqInputError, match="upper limit must exceed"):
        relative_sd(5.0, -5.0)


def test_observer_interval_vbq_t2_by_hand() -> None:
    # Relative SE = sqrt(2.727412^2 + 1.545894^2)% = sqrt(7.438776 + 2.389788)% = 3.135054%.
    # VBQ-T2 = 0.55: 0.55 x (1 -/+ 1.959964 x 0.03135054) = 0.5162047 to 0.5837953.
    iv = observer_interval(compute_vbq(case()), ScoreName.VBQ_T2)
    assert iv.method == IntervalMethod.OBSERVER_AGREEMENT
    assert (iv.low, iv.high) == pytest.approx((0.5162047, 0.5837953), abs=5e-7)


def test_observer_interval_vbq_t2_stir_by_hand() -> None:
    # Mean weights 1/4: sum w T2 = 330, sum w STIR = 115. sigma_T2body = 2.727412%,
    # sigma_STIRbody = (8.67 + 7.68) / 3.92 / sqrt(2) = 2.949438%; CSF: T2 1.545894%,
    # STIR (5.71 + 6.21) / 3.92 / sqrt(2) = 2.150213%.
    # Var N = (0.02727412 x 330)^2 + (0.02949438 x 115)^2 = 81.0090 + 11.5046 = 92.5136
    # Var D = (0.01545894 x 600)^2 + (0.02150213 x 500)^2 = 86.0336 + 115.5854 = 201.6190
    # Var = 92.5136 / 1e4 + 215^2 x 201.6190 / 1e8 = 0.00925136 + 0.09319838 = 0.10244974
    # SE = 0.3200777
    iv = observer_interval(compute_vbq(case()), ScoreName.VBQ_T2_STIR)
    assert (iv.high - iv.low) / 2 == pytest.approx(Z * 0.3200777, rel=2e-5)


def test_every_score_gets_an_interval() -> None:
    result = compute_vbq(case(T1={"L1": 400, "L2": 410, "L4": 420, "CSF": 100}))
    ivs = score_intervals(result, spread=SEM)
    assert set(ivs) == set(result.computed)
    assert ivs[ScoreName.VBQ_T2].method == IntervalMethod.ROI_SEM
    assert ivs[ScoreName.VBQ_T1].method == IntervalMethod.OBSERVER_AGREEMENT  # no T1 spread
    forced = score_intervals(result, spread=SEM, method="observer_agreement")
    assert {iv.method for iv in forced.values()} == {IntervalMethod.OBSERVER_AGREEMENT}
    with pytest.raises(VbqInputError, match="interval method 'bootstrap'"):
        score_intervals(result, method="bootstrap")
