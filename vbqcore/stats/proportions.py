"""Sensitivity, specificity, PPV and NPV at a cut-off, each with an exact or Wilson CI."""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from statsmodels.stats.proportion import proportion_confint

from vbqcore.errors import StatsInputError
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
from vbqcore.stats.delong import Direction, resolve_direction, z_critical

__all__ = [
    "ProportionCi",
    "ProportionEstimate",
    "ConfusionResult",
    "proportion_ci",
    "estimate_proportion",
    "confusion_at",
]

logger = logging.getLogger(__name__)


class ProportionCi(StrEnum):
    """CI for a proportion k/n.

    ``CLOPPER_PEARSON``: the exact binomial interval (Clopper & Pearson, Biometrika 1934;26:404),
    never too narrow, what MedCalc and SPSS report; ``WILSON``: the score interval (Wilson,
    JASA 1927;22:209), closer to nominal coverage and narrower. Both via statsmodels.
    """

    CLOPPER_PEARSON = "clopper-pearson"
    WILSON = "wilson"


#: statsmodels' names for the methods.
_STATSMODELS_METHOD = {ProportionCi.CLOPPER_PEARSON: "beta", ProportionCi.WILSON: "wilson"}


def proportion_ci(
    k: int,
    n: int,
    *,
    method: str | ProportionCi = ProportionCi.CLOPPER_PEARSON,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Two-sided CI of the proportion ``k``/``n``; ``(nan, nan)`` when ``n`` is 0.

    Computed by ``statsmodels.stats.proportion.proportion_confint`` (``method="beta"`` for
    Clopper-Pearson, ``"wilson"``); checked against ``scipy.stats.binomtest(k, n).proportion_ci``
    and Wilson's closed form in the tests.
    """
    chosen = parse_option(method, ProportionCi, "proportion_ci")
    z_critical(confidence)  # validates the level
    if not (0 <= k <= n):
        raise StatsInputError(f"A proportion needs 0 <= k <= n; got k={k}, n={n}.")
    if n == 0:
        return math.nan, math.nan
    low, high = proportion_confint(
        int(k), int(n), alpha=1.0 - float(confidence), method=_STATSMODELS_METHOD[chosen]
    )
    return float(low), float(high)


@dataclass(frozen=True)
class ProportionEstimate:
    """A proportion ``k``/``n`` (a sensitivity: detected fractures / all fractures) and its CI."""

    k: int
    n: int
    estimate: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "n": self.n,
            "estimate": finite_or_none(self.estimate),
            "ci_low": finite_or_none(self.ci_low),
            "ci_high": finite_or_none(self.ci_high),
        }


def estimate_proportion(
    k: int,
    n: int,
    *,
    method: str | ProportionCi = ProportionCi.CLOPPER_PEARSON,
    confidence: float = 0.95,
) -> ProportionEstimate:
    """``k``/``n`` with its CI; NaN throughout when ``n`` is 0."""
    low, high = proportion_ci(k, n, method=method, confidence=confidence)
    return ProportionEstimate(int(k), int(n), k / n if n else math.nan, low, high)


@dataclass(frozen=True)
class ConfusionResult:
    """The 2x2 table of a score dichotomised at ``threshold``, and what it implies.

    A patient tests positive when score >= ``threshold`` (``direction="higher"``) or
    score <= ``threshold`` (``"lower"``). PPV and NPV are at the sample's prevalence: they do
    not carry over to a population with another share of fractures.
    """

    threshold: float
    direction: str
    tp: int
    fp: int
    tn: int
    fn: int
    sensitivity: ProportionEstimate
    specificity: ProportionEstimate
    ppv: ProportionEstimate
    npv: ProportionEstimate
    proportion_ci: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": finite_or_none(self.threshold),
            "direction": self.direction,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
            "sensitivity": self.sensitivity.to_dict(),
            "specificity": self.specificity.to_dict(),
            "ppv": self.ppv.to_dict(),
            "npv": self.npv.to_dict(),
            "proportion_ci": self.proportion_ci,
            "confidence": self.confidence,
        }


def confusion_at(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    threshold: float,
    *,
    positive: Any = None,
    direction: str | Direction = Direction.HIGHER,
    method: str | ProportionCi = ProportionCi.CLOPPER_PEARSON,
    confidence: float = 0.95,
    nan_policy: str | NanPolicy = NanPolicy.RAISE,
) -> ConfusionResult:
    """Sensitivity, specificity, PPV and NPV of ``y_score`` cut at ``threshold`` (a UI slider).

    Parameters
    ----------
    y_true : array-like, shape (n,)
        Outcome per patient (fractured or not).
    y_score : array-like, shape (n,)
        The score (a VBQ value, unitless).
    threshold : float
        Cut-off in the score's units; a patient at exactly the cut-off tests positive.
    positive : scalar, optional
        The outcome value marking a case.
    direction : {"higher", "lower", "auto"}
        ``"higher"``: score >= threshold is positive; ``"lower"``: score <= threshold is.
    method : {"clopper-pearson", "wilson"}
        CI of each proportion.
    confidence : float
        CI level.
    nan_policy : {"raise", "omit"}
        ``"omit"`` drops patients with a missing outcome or score.

    Returns
    -------
    ConfusionResult
        A proportion with an empty denominator (no test positives: no PPV) is NaN, with a
        ``DegenerateInputWarning``.
    """
    chosen = parse_option(method, ProportionCi, "proportion_ci")
    policy = parse_option(nan_policy, NanPolicy, "nan_policy")
    z_critical(confidence)
    cut = float(threshold)
    if math.isnan(cut):
        raise StatsInputError("threshold is NaN: give a number in the score's units.")
    arrays = {"y_true": as_1d(y_true, "y_true"), "y_score": as_1d(y_score, "y_score")}
    validate_same_length(arrays)
    if policy is NanPolicy.OMIT:
        arrays, _ = drop_missing(arrays)
    is_pos = validate_binary_outcome(arrays["y_true"], positive=positive)
    score = validate_scores(arrays["y_score"], "y_score")
    used = resolve_direction(is_pos, score, direction)
    called = score >= cut if used is Direction.HIGHER else score <= cut
    tp = int(np.count_nonzero(called & is_pos))
    fp = int(np.count_nonzero(called & ~is_pos))
    fn = int(np.count_nonzero(is_pos)) - tp
    tn = int(is_pos.size) - tp - fp - fn
    if tp + fp == 0 or tn + fn == 0:
        warnings.warn(
            f"At threshold {cut:g} every patient tests "
            f"{'negative' if tp + fp == 0 else 'positive'}: "
            f"{'PPV' if tp + fp == 0 else 'NPV'} is undefined (NaN).",
            DegenerateInputWarning,
            stacklevel=2,
        )

    def est(k: int, n: int) -> ProportionEstimate:
        return estimate_proportion(k, n, method=chosen, confidence=confidence)

    return ConfusionResult(
        threshold=cut,
        direction=used.value,
        tp=tp,
        fp=fp,
        tn=tn,
        fn=fn,
        sensitivity=est(tp, tp + fn),
        specificity=est(tn, tn + fp),
        ppv=est(tp, tp + fp),
        npv=est(tn, tn + fn),
        proportion_ci=chosen.value,
        confidence=float(confidence),
    )
