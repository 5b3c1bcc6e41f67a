"""DeLong's test of two AUCs from independent samples (women vs men), as pROC's unpaired test.

pROC's ``roc.test(roc1, roc2, method="delong", paired=FALSE)`` (``delong.unpaired.test`` in
pROC's R/delong.R) compares the AUCs of two independent groups of patients with
D = (AUC1 − AUC2) / sqrt(V1 + V2), where V is each curve's DeLong variance S10/m + S01/n
(DeLong, DeLong & Clarke-Pearson, Biometrics 1988;44:837-845), referred to a t distribution
with the Welch–Satterthwaite degrees of freedom
df = (V1 + V2)² / (V1² / (N1 − 1) + V2² / (N2 − 1)), N the patients behind each curve.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy.typing as npt
from scipy import stats

from vbqcore.stats._validate import (
    DegenerateInputWarning,
    NanPolicy,
    as_1d,
    drop_missing,
    finite_or_none,
    parse_option,
    validate_binary_outcome,
    validate_same_length,
    validate_scores,
)
from vbqcore.stats.delong import (
    Direction,
    delong_auc_variance,
    rank_scores,
    resolve_direction,
    z_critical,
)

__all__ = ["UnpairedAucComparison", "compare_aucs_unpaired"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnpairedAucComparison:
    """DeLong's test of two AUCs from two independent samples (pROC ``paired=FALSE``).

    ``auc_diff`` = ``auc_a`` − ``auc_b``; ``se`` = sqrt(V_a + V_b); ``d`` = diff / se (pROC's
    statistic "D"); ``df`` its Welch–Satterthwaite degrees of freedom; ``p`` two-sided from the
    t distribution; ``ci_low``/``ci_high`` the CI of the difference, diff ± t(df)·se.
    """

    auc_a: float
    auc_b: float
    auc_diff: float
    se: float
    d: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    n_pos_a: int
    n_neg_a: int
    n_pos_b: int
    n_neg_b: int
    direction_a: str
    direction_b: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types; NaN and infinite values become ``None``."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = finite_or_none(value) if isinstance(value, float) else value
        out["method"] = "delong_unpaired"
        return out


def _one_curve(
    y_true: npt.ArrayLike,
    score: npt.ArrayLike,
    *,
    positive: Any,
    direction: str | Direction,
    policy: NanPolicy,
    label: str,
) -> tuple[float, float, int, int, Direction]:
    arrays = {f"y_true_{label}": as_1d(y_true, f"y_true_{label}"), label: as_1d(score, label)}
    validate_same_length(arrays)
    if policy is NanPolicy.OMIT:
        arrays, _ = drop_missing(arrays)
    is_pos = validate_binary_outcome(arrays[f"y_true_{label}"], positive=positive)
    x = validate_scores(arrays[label], label)
    chosen = resolve_direction(is_pos, x, direction)
    ranked = rank_scores(is_pos, x if chosen is Direction.HIGHER else -x)
    auc, var = delong_auc_variance(ranked)
    return auc, var, ranked.n_pos, ranked.n_neg, chosen


def compare_aucs_unpaired(
    y_true_a: npt.ArrayLike,
    scores_a: npt.ArrayLike,
    y_true_b: npt.ArrayLike,
    scores_b: npt.ArrayLike,
    *,
    positive: Any = None,
    direction: str | Direction = Direction.HIGHER,
    confidence: float = 0.95,
    nan_policy: str | NanPolicy = NanPolicy.RAISE,
) -> UnpairedAucComparison:
    """DeLong's test for two ROC curves of independent samples (women's AUC vs men's).

    Gives pROC's ``roc.test(roc1, roc2, method="delong", paired=FALSE)`` statistic D and p
    (checked in the tests against pROC's own test values on its ``aSAH`` data).

    Parameters
    ----------
    y_true_a, scores_a : array-like, shape (n_a,)
        Outcome and score of the first sample.
    y_true_b, scores_b : array-like, shape (n_b,)
        Outcome and score of the second sample (other patients).
    positive : scalar, optional
        The outcome value marking a case (see ``validate_binary_outcome``).
    direction : {"higher", "lower", "auto"}
        Orientation of the score, resolved per sample for "auto" (as pROC does per curve).
    confidence : float
        Level of the CI of the difference (0.95).
    nan_policy : {"raise", "omit"}
        ``"omit"`` drops a patient missing the outcome or the score.

    Returns
    -------
    UnpairedAucComparison
        ``se``, ``d``, ``df``, ``p`` and the CI are NaN with a ``DegenerateInputWarning`` when a
        group of either sample has a single patient or both variances are 0.

    Examples
    --------
    >>> r = compare_aucs_unpaired([0, 0, 1, 1, 0, 1], [1, 2, 3, 4, 2.5, 1.5],
    ...                           [0, 1, 0, 1, 0, 1], [1, 2, 1.5, 3, 0.5, 2.5])
    >>> round(r.auc_a, 3), round(r.auc_b, 3)  # a: 7 of 9 case-control pairs ordered
    (0.778, 1.0)
    """
    z_critical(confidence)  # raises on a confidence outside (0, 1)
    policy = parse_option(nan_policy, NanPolicy, "nan_policy")
    auc_a, var_a, m_a, n_a, dir_a = _one_curve(
        y_true_a, scores_a, positive=positive, direction=direction, policy=policy, label="scores_a"
    )
    auc_b, var_b, m_b, n_b, dir_b = _one_curve(
        y_true_b, scores_b, positive=positive, direction=direction, policy=policy, label="scores_b"
    )
    diff = auc_a - auc_b
    total = var_a + var_b
    nan = math.nan
    se = d = df = p = low = high = nan
    if not math.isfinite(total) or total <= 0.0:
        warnings.warn(
            f"Unpaired DeLong test not possible ({m_a}/{n_a} and {m_b}/{n_b} cases/controls, "
            "needs two of each with some spread); se, D and p are NaN.",
            DegenerateInputWarning,
            stacklevel=2,
        )
    else:
        se = math.sqrt(total)
        d = diff / se
        # pROC: df = (SR + SS)^2 / (SR^2 / (ntotR - 1) + SS^2 / (ntotS - 1))
        df = total**2 / (var_a**2 / (m_a + n_a - 1) + var_b**2 / (m_b + n_b - 1))
        p = float(2.0 * stats.t.sf(abs(d), df))
        t_crit = float(stats.t.ppf(0.5 + confidence / 2.0, df))  # not in pROC: diff ± t·se
        low, high = diff - t_crit * se, diff + t_crit * se
    return UnpairedAucComparison(
        auc_a=auc_a,
        auc_b=auc_b,
        auc_diff=diff,
        se=se,
        d=d,
        df=df,
        p=p,
        ci_low=low,
        ci_high=high,
        n_pos_a=m_a,
        n_neg_a=n_a,
        n_pos_b=m_b,
        n_neg_b=n_b,
        direction_a=dir_a.value,
        direction_b=dir_b.value,
        confidence=float(confidence),
    )
