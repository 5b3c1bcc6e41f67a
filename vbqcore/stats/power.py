"""Power and sample size for ROC studies: one AUC against 0.5, two correlated AUCs.

Both follow pROC's ``power.roc.test`` (R/power.roc.test.R, R/obuchowski.R), built on
Obuchowski's sample-size equation (Obuchowski & McClish, Stat Med 1997;16:1529-1542, eq. 2;
Obuchowski, Lieber & Wians, Clin Chem 2004;50:1118-1125, eq. 2):

    n_cases = (z_α·sqrt(V0) + z_β·sqrt(VA))² / δ²

with z_α the upper α (α/2 two-sided) normal quantile, z_β the power quantile, δ the difference
in AUC to detect and V0, VA the variances (per case) under the null and the alternative.

* One AUC (:func:`auc_power`): δ = AUC − 0.5, V0 = 0.0792·(1 + 1/κ) and VA from Obuchowski 2004
  eq. 3, V(θ) = 0.0099·exp(−A²/2)·((5A² + 8) + (A² + 8)/κ) with A = 1.414·Φ⁻¹(θ) and κ the
  controls per case.
* Two correlated AUCs on the same patients (:func:`correlated_auc_power`): δ = AUC1 − AUC2 and
  the DeLong variances and covariance of a pilot data set, scaled by its cases:
  VA = n·(V1 + V2 − 2·C12), V0 = n·(2·V1 − 2·C12) (pROC's ``method = "delong"``).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from vbqcore.errors import StatsInputError
from vbqcore.stats._validate import (
    NanPolicy,
    as_1d,
    drop_missing,
    finite_or_none,
    parse_option,
    validate_binary_outcome,
    validate_same_length,
    validate_scores,
)
from vbqcore.stats.delong import Direction, delong_auc_variance, rank_scores, resolve_direction

__all__ = [
    "Alternative",
    "SolvedFor",
    "AucPower",
    "obuchowski_variance",
    "auc_power",
    "correlated_auc_power",
]

logger = logging.getLogger(__name__)

#: Obuchowski 2004's variance of an AUC of 0.5 per case, times (1 + 1/κ).
_V0_HALF = 0.0792


class Alternative(StrEnum):
    """Two-sided (α split between both tails, the default) or one-sided test."""

    TWO_SIDED = "two-sided"
    ONE_SIDED = "one-sided"


class SolvedFor(StrEnum):
    """Which quantity the calculation solved for (the one left out)."""

    POWER = "power"
    SAMPLE_SIZE = "sample_size"
    AUC = "auc"


@dataclass(frozen=True)
class AucPower:
    """A power / sample-size calculation. ``n_cases``/``n_controls`` are the exact (fractional)
    numbers of the equation; ``n_cases_needed``/``n_controls_needed`` round them up.

    ``auc`` is the AUC (one curve) or ``auc_b`` is set too (two curves: δ = auc − auc_b).
    """

    auc: float
    n_cases: float
    n_controls: float
    power: float
    alpha: float
    ratio: float
    alternative: Alternative
    solved_for: SolvedFor
    method: str
    auc_b: float | None = None

    @property
    def n_cases_needed(self) -> int:
        return math.ceil(self.n_cases - 1e-9)

    @property
    def n_controls_needed(self) -> int:
        return math.ceil(self.n_controls - 1e-9)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types. ``n_cases``/``n_controls`` are whole patients (rounded up when solved
        for); the exact values are under ``n_cases_exact``/``n_controls_exact``."""
        out: dict[str, Any] = {
            "auc": finite_or_none(self.auc),
            "n_cases": self.n_cases_needed,
            "n_controls": self.n_controls_needed,
            "power": finite_or_none(self.power),
            "alpha": self.alpha,
            "ratio": finite_or_none(self.ratio),
            "alternative": self.alternative.value,
            "solved_for": self.solved_for.value,
            "method": self.method,
            "n_cases_exact": finite_or_none(self.n_cases),
            "n_controls_exact": finite_or_none(self.n_controls),
        }
        if self.auc_b is not None:
            out["auc_b"] = finite_or_none(self.auc_b)
        return out


def obuchowski_variance(auc: float, ratio: float) -> float:
    """Variance of an AUC per case under a binormal model (Obuchowski 2004, eq. 3; pROC's
    ``var_theta_obuchowski``), ``ratio`` = κ controls per case.

    >>> round(obuchowski_variance(0.5, 1.0), 4)  # 0.0099·(8 + 8) = 0.1584 = 2·0.0792
    0.1584
    """
    a = float(special.ndtri(auc)) * 1.414
    return 0.0099 * math.exp(-(a**2) / 2.0) * ((5.0 * a**2 + 8.0) + (a**2 + 8.0) / ratio)


def _z_alpha(alpha: float, alternative: Alternative) -> float:
    tail = alpha / 2.0 if alternative is Alternative.TWO_SIDED else alpha
    return float(special.ndtri(1.0 - tail))


def _power_iv(
    auc: float | None,
    n_cases: float | None,
    n_controls: float | None,
    power: float | None,
    alpha: float,
    ratio: float | None,
) -> None:
    if not (isinstance(alpha, int | float) and 0.0 < alpha < 1.0):
        raise StatsInputError(f"alpha must be between 0 and 1 (e.g. 0.05); got {alpha!r}.")
    if power is not None and not 0.0 < power < 1.0:
        raise StatsInputError(f"power must be between 0 and 1 (e.g. 0.8); got {power!r}.")
    if auc is not None and not 0.5 < auc < 1.0:
        raise StatsInputError(
            f"auc must be above 0.5 and below 1 (the AUC to detect against chance); got {auc!r}."
        )
    for name, value in (("cases", n_cases), ("controls", n_controls), ("ratio", ratio)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise StatsInputError(f"{name} must be a positive number; got {value!r}.")


def auc_power(
    *,
    auc: float | None = None,
    n_cases: float | None = None,
    n_controls: float | None = None,
    power: float | None = None,
    alpha: float = 0.05,
    ratio: float | None = None,
    alternative: str | Alternative = Alternative.TWO_SIDED,
) -> AucPower:
    """Power, sample size or detectable AUC of a test of one AUC against 0.5.

    Leave out exactly one of ``power``, the sample size (``n_cases`` and ``n_controls``) or
    ``auc``; it is solved for, as pROC's ``power.roc.test(auc=, ncases=, ncontrols=, power=,
    sig.level=, kappa=)`` does (checked in the tests against pROC's own test values and
    Obuchowski et al. 2004, Table 4).

    Parameters
    ----------
    auc : float, optional
        The AUC expected (0.5 < auc < 1).
    n_cases, n_controls : float, optional
        Fractured patients and controls. Give one with ``ratio`` or both.
    power : float, optional
        Power wanted (0.8, 0.9).
    alpha : float
        Significance level (0.05).
    ratio : float, optional
        Controls per case (pROC's ``kappa``); taken from ``n_controls / n_cases`` when both are
        given, else 1.
    alternative : {"two-sided", "one-sided"}

    Examples
    --------
    >>> r = auc_power(auc=0.73, n_cases=41, n_controls=72)
    >>> round(r.power, 7)  # pROC: power.roc.test(ncases=41, ncontrols=72, auc=0.73)
    0.9897453
    """
    side = parse_option(alternative, Alternative, "alternative")
    _power_iv(auc, n_cases, n_controls, power, alpha, ratio)
    if n_cases is not None and n_controls is not None:
        ratio = n_controls / n_cases
    elif n_cases is not None:
        ratio = ratio or 1.0
        n_controls = ratio * n_cases
    elif n_controls is not None:
        ratio = ratio or 1.0
        n_cases = n_controls / ratio
    ratio = ratio or 1.0
    z_a = _z_alpha(alpha, side)
    v0 = _V0_HALF * (1.0 + 1.0 / ratio)
    method = "One ROC curve (Obuchowski 2004)"
    missing = [
        name
        for name, value in (("power", power), ("sample size", n_cases), ("auc", auc))
        if value is None
    ]
    if len(missing) != 1:
        raise StatsInputError(
            "Give two of: the AUC, the sample size (cases, controls or ratio) and the power; "
            f"the third is solved for. Missing now: {', '.join(missing) or 'none'}."
        )
    if power is None and auc is not None and n_cases is not None and n_controls is not None:
        va = obuchowski_variance(auc, ratio)
        z_b = (math.sqrt(n_cases * (auc - 0.5) ** 2) - z_a * math.sqrt(v0)) / math.sqrt(va)
        return AucPower(
            auc, n_cases, n_controls, float(special.ndtr(z_b)), alpha, ratio, side,
            SolvedFor.POWER, method,
        )  # fmt: skip
    z_b = float(special.ndtri(power or 0.0))
    if power is not None and auc is not None:  # the sample size is the one left out
        va = obuchowski_variance(auc, ratio)
        n = (z_a * math.sqrt(v0) + z_b * math.sqrt(va)) ** 2 / (auc - 0.5) ** 2
        return AucPower(auc, n, ratio * n, power, alpha, ratio, side, SolvedFor.SAMPLE_SIZE, method)
    cases, controls, wanted = float(n_cases or 0.0), float(n_controls or 0.0), float(power or 0.0)

    def excess(theta: float) -> float:
        va = obuchowski_variance(theta, ratio)
        return (z_a * math.sqrt(v0) + z_b * math.sqrt(va)) ** 2 / (theta - 0.5) ** 2 - cases

    high = 1.0 - 1e-12
    if excess(high) > 0:
        raise StatsInputError(
            f"{cases:g} cases and {controls:g} controls cannot reach power {wanted:g} at "
            f"alpha {alpha:g} for any AUC below 1; add patients."
        )
    theta = float(optimize.brentq(excess, 0.5 + 1e-9, high, xtol=1e-12))
    return AucPower(theta, cases, controls, wanted, alpha, ratio, side, SolvedFor.AUC, method)


def _pilot(
    y_true: npt.ArrayLike,
    scores_a: npt.ArrayLike,
    scores_b: npt.ArrayLike,
    positive: Any,
    direction: str | Direction,
    nan_policy: str | NanPolicy,
) -> tuple[float, float, float, float, float, int, int]:
    """AUCs, DeLong variances and covariance of two scores of the same patients."""
    policy = parse_option(nan_policy, NanPolicy, "nan_policy")
    arrays = {
        "y_true": as_1d(y_true, "y_true"),
        "scores_a": as_1d(scores_a, "scores_a"),
        "scores_b": as_1d(scores_b, "scores_b"),
    }
    validate_same_length(arrays)
    if policy is NanPolicy.OMIT:
        arrays, _ = drop_missing(arrays)
    is_pos = validate_binary_outcome(arrays["y_true"], positive=positive)
    out = []
    for name in ("scores_a", "scores_b"):
        x = validate_scores(arrays[name], name)
        chosen = resolve_direction(is_pos, x, direction)
        ranked = rank_scores(is_pos, x if chosen is Direction.HIGHER else -x)
        auc, var = delong_auc_variance(ranked)
        v10, v01 = ranked.placements()
        group = ranked.group_of_patient()
        out.append((auc, var, v10[group[is_pos]], v01[group[~is_pos]], ranked))
    (auc_a, var_a, v10a, v01a, ra), (auc_b, var_b, v10b, v01b, _) = out
    m, n = ra.n_pos, ra.n_neg
    if m < 2 or n < 2:
        raise StatsInputError(
            f"{m} case(s) and {n} control(s) in the pilot data: at least two of each are needed."
        )
    cov = float(np.dot(v10a - auc_a, v10b - auc_b)) / (m - 1) / m
    cov += float(np.dot(v01a - auc_a, v01b - auc_b)) / (n - 1) / n
    return auc_a, auc_b, var_a, var_b, cov, m, n


def correlated_auc_power(
    y_true: npt.ArrayLike,
    scores_a: npt.ArrayLike,
    scores_b: npt.ArrayLike,
    *,
    power: float | None = None,
    alpha: float = 0.05,
    ratio: float | None = None,
    alternative: str | Alternative = Alternative.TWO_SIDED,
    positive: Any = None,
    direction: str | Direction = Direction.HIGHER,
    nan_policy: str | NanPolicy = NanPolicy.RAISE,
) -> AucPower:
    """Power of a DeLong comparison of two correlated AUCs, or the cases needed for ``power``.

    The AUCs, variances and covariance come from pilot data (two scores of the same patients),
    as pROC's ``power.roc.test(roc1, roc2)`` (method "delong"): without ``power`` it gives the
    power at the pilot's size; with it, the cases (and ``ratio`` × cases controls; ``ratio``
    defaults to the pilot's controls per case) needed. Checked against pROC's own tests.

    Raises
    ------
    StatsInputError
        Bad inputs (named), fewer than two cases or controls, or equal AUCs (nothing to detect).
    """
    side = parse_option(alternative, Alternative, "alternative")
    _power_iv(None, None, None, power, alpha, ratio)
    auc_a, auc_b, var_a, var_b, cov, m, n = _pilot(
        y_true, scores_a, scores_b, positive, direction, nan_policy
    )
    delta = auc_a - auc_b
    va = m * (var_a + var_b - 2.0 * cov)
    v0 = m * (2.0 * var_a - 2.0 * cov)
    if delta == 0.0 or va <= 0.0 or v0 <= 0.0:
        raise StatsInputError(
            f"The two scores have the same AUC ({auc_a:.3f}) or rank the patients alike: there "
            "is no difference to power a study for."
        )
    z_a = _z_alpha(alpha, side)
    kappa = ratio if ratio is not None else n / m
    method = "Two correlated ROC curves (DeLong variance, Obuchowski & McClish 1997)"
    if power is None:
        z_b = (math.sqrt(m * delta**2) - z_a * math.sqrt(v0)) / math.sqrt(va)
        return AucPower(
            auc_a, float(m), float(n), float(special.ndtr(z_b)), alpha, n / m, side,
            SolvedFor.POWER, method, auc_b,
        )  # fmt: skip
    z_b = float(special.ndtri(power))
    cases = (z_a * math.sqrt(v0) + z_b * math.sqrt(va)) ** 2 / delta**2
    return AucPower(
        auc_a, cases, kappa * cases, power, alpha, kappa, side, SolvedFor.SAMPLE_SIZE, method,
        auc_b,
    )  # fmt: skip
