"""DeLong inference for the AUC from one sort: midrank placements, variance, two correlated AUCs.

The AUC and its variance follow DeLong, DeLong & Clarke-Pearson (Biometrics 1988;44:837-845)
computed with the midrank algorithm of Sun & Xu (IEEE Signal Process Lett 2014;21:1389-1393):
for a case x_i, the placement V10_i = (T_Z(x_i) - T_X(x_i)) / n is the share of controls below
it, counting ties as 1/2, where T_Z, T_X are midranks among all patients and among cases; for a
control, V01_j = 1 - (T_Z(y_j) - T_Y(y_j)) / m. Tied patients share one midrank, so here the
placements are computed once per distinct score after a single ``argsort``, which gives the
same numbers as ranking three times with ``scipy.stats.rankdata`` (checked in the tests).
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

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

__all__ = [
    "Direction",
    "RankedScores",
    "AucComparison",
    "rank_scores",
    "resolve_direction",
    "delong_auc_variance",
    "compare_aucs",
    "z_critical",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Direction(StrEnum):
    """Which scores point to a case.

    ``HIGHER``: a higher score means more likely a case (a higher VBQ, poorer bone; pROC's
    ``direction = "<"``, controls < cases). ``LOWER``: the reverse (a T-score). ``AUTO``:
    pROC's rule, ``HIGHER`` when the controls' median is <= the cases' median, else ``LOWER``;
    it chooses after seeing the data, which biases the AUC upwards on small samples.
    """

    HIGHER = "higher"
    LOWER = "lower"
    AUTO = "auto"


def resolve_direction(
    is_pos: npt.NDArray[np.bool_], score: FloatArray, direction: str | Direction
) -> Direction:
    """``HIGHER`` or ``LOWER``; ``AUTO`` compares medians like pROC's ``roc(direction="auto")``."""
    chosen = parse_option(direction, Direction, "direction")
    if chosen is not Direction.AUTO:
        return chosen
    controls_median = float(np.median(score[~is_pos]))
    cases_median = float(np.median(score[is_pos]))
    return Direction.HIGHER if controls_median <= cases_median else Direction.LOWER


def z_critical(confidence: float) -> float:
    """The two-sided normal quantile of ``confidence`` (1.959964 for 0.95); raise outside (0, 1)."""
    if not (isinstance(confidence, float | int) and 0.0 < float(confidence) < 1.0):
        raise StatsInputError(
            f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence!r}."
        )
    return float(special.ndtri(0.5 + float(confidence) / 2.0))


@dataclass(frozen=True, eq=False)
class RankedScores:
    """Scores sorted once and grouped by distinct value, ascending (higher = case, oriented).

    ``values`` holds the G distinct scores; ``n_pos_at``/``n_neg_at`` the cases/controls with
    each; ``order`` is the ``argsort`` that sorted the patients (kept to map groups back to them).
    """

    values: FloatArray
    n_pos_at: IntArray
    n_neg_at: IntArray
    order: npt.NDArray[np.intp]
    starts: npt.NDArray[np.intp]
    n_pos: int
    n_neg: int

    def group_of_patient(self) -> npt.NDArray[np.intp]:
        """For each patient (input order), the index of its distinct score in ``values``."""
        sizes = self.n_pos_at + self.n_neg_at
        group = np.empty(self.order.size, dtype=np.intp)
        group[self.order] = np.repeat(np.arange(sizes.size, dtype=np.intp), sizes)
        return group

    def placements(self) -> tuple[FloatArray, FloatArray]:
        """Per distinct score: V10 (a case's share of controls below, ties 1/2) and V01.

        V01 is a control's share of cases above it, ties 1/2. Both are Sun & Xu's midrank
        differences divided by n (V10) or m (V01), grouped by tie.
        """
        neg_below = np.cumsum(self.n_neg_at) - self.n_neg_at
        pos_above = self.n_pos - np.cumsum(self.n_pos_at)
        v10 = (neg_below + 0.5 * self.n_neg_at) / self.n_neg
        v01 = (pos_above + 0.5 * self.n_pos_at) / self.n_pos
        return v10, v01


def rank_scores(is_pos: npt.NDArray[np.bool_], score: FloatArray) -> RankedScores:
    """Sort ``score`` once and count cases and controls at each distinct value.

    The order of tied scores after ``argsort`` does not matter (they are grouped), so the
    default introsort is used rather than a stable sort.
    """
    n = score.size
    order = np.argsort(score)
    s = score[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    ends[-1] = n
    # int32 running counts are several times faster than int64 and exact below 2**31 patients
    count_type: type[np.signedinteger[Any]] = np.int32 if n < 2**31 - 1 else np.int64
    cum_pos: npt.NDArray[np.signedinteger[Any]] = np.zeros(n + 1, dtype=count_type)
    np.cumsum(is_pos[order], out=cum_pos[1:])
    n_pos_at = (cum_pos[ends] - cum_pos[starts]).astype(np.int64)
    n_neg_at = (ends - starts).astype(np.int64) - n_pos_at
    n_pos = int(cum_pos[-1])
    return RankedScores(s[starts], n_pos_at, n_neg_at, order, starts, n_pos, n - n_pos)


def delong_auc_variance(ranked: RankedScores) -> tuple[float, float]:
    """AUC (ties count 1/2) and its DeLong variance S10/m + S01/n.

    The variance is NaN when there is a single case or a single control (S10 or S01 needs
    two); pROC returns NA there too.
    """
    m, n = ranked.n_pos, ranked.n_neg
    v10, v01 = ranked.placements()
    auc = float(np.dot(ranked.n_pos_at, v10) / m)
    if m < 2 or n < 2:
        return auc, math.nan
    s10 = float(np.dot(ranked.n_pos_at, (v10 - auc) ** 2)) / (m - 1)
    s01 = float(np.dot(ranked.n_neg_at, (v01 - auc) ** 2)) / (n - 1)
    return auc, s10 / m + s01 / n


def _patient_placements(
    ranked: RankedScores, is_pos: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """V10 of each case and V01 of each control, in input order (for covariances)."""
    v10, v01 = ranked.placements()
    group = ranked.group_of_patient()
    return v10[group[is_pos]], v01[group[~is_pos]]


@dataclass(frozen=True)
class AucComparison:
    """DeLong's test of two correlated AUCs measured on the same patients.

    ``auc_diff`` = ``auc_a`` - ``auc_b``; ``se`` its DeLong standard error; ``ci_low``/``ci_high``
    its normal CI (not clipped, like pROC's ``roc.test``); ``z`` = diff / se; ``p`` two-sided;
    ``correlation`` the DeLong correlation of the two AUC estimates.
    """

    auc_a: float
    auc_b: float
    auc_diff: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    correlation: float
    n_pos: int
    n_neg: int
    direction_a: str
    direction_b: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types; NaN and infinite values become ``None``."""
        return {
            "auc_a": finite_or_none(self.auc_a),
            "auc_b": finite_or_none(self.auc_b),
            "auc_diff": finite_or_none(self.auc_diff),
            "se": finite_or_none(self.se),
            "ci_low": finite_or_none(self.ci_low),
            "ci_high": finite_or_none(self.ci_high),
            "z": finite_or_none(self.z),
            "p": finite_or_none(self.p),
            "correlation": finite_or_none(self.correlation),
            "n_pos": self.n_pos,
            "n_neg": self.n_neg,
            "direction_a": self.direction_a,
            "direction_b": self.direction_b,
            "confidence": self.confidence,
            "method": "delong",
        }


def _as_pair(
    direction: str | Direction | tuple[str | Direction, str | Direction],
) -> tuple[str | Direction, str | Direction]:
    if isinstance(direction, tuple):
        if len(direction) != 2:
            raise StatsInputError(f"direction must be one value or a pair; got {direction!r}.")
        return direction[0], direction[1]
    return direction, direction


def compare_aucs(
    y_true: npt.ArrayLike,
    scores_a: npt.ArrayLike,
    scores_b: npt.ArrayLike,
    *,
    positive: Any = None,
    direction: str | Direction | tuple[str | Direction, str | Direction] = Direction.HIGHER,
    confidence: float = 0.95,
    nan_policy: str | NanPolicy = NanPolicy.RAISE,
) -> AucComparison:
    """DeLong's test for two correlated ROC curves on the same patients.

    Gives the same AUCs, difference, Z and p as pROC ``roc.test(roc1, roc2, method="delong")``
    (checked in the tests against pROC 1.18 output).

    Parameters
    ----------
    y_true : array-like, shape (n,)
        Outcome per patient (see ``validate_binary_outcome``).
    scores_a, scores_b : array-like, shape (n,)
        Two scores of the same patients, in the same order (VBQ-T1 and VBQ-T2).
    positive : scalar, optional
        The outcome value marking a case.
    direction : {"higher", "lower", "auto"} or a pair of them
        Orientation of each score (one value for both, or ``(a, b)``).
    confidence : float
        Level of the CI of the difference (0.95).
    nan_policy : {"raise", "omit"}
        ``"omit"`` drops a patient missing the outcome or either score (both AUCs then use the
        same patients).

    Returns
    -------
    AucComparison
        ``se``, ``z``, ``p`` are NaN with a ``DegenerateInputWarning`` when a group has a single
        patient. When both scores rank everyone identically (variance of the difference 0),
        ``z`` is 0 and ``p`` 1, as in pROC.
    """
    crit = z_critical(confidence)
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
    xa = validate_scores(arrays["scores_a"], "scores_a")
    xb = validate_scores(arrays["scores_b"], "scores_b")
    dir_a, dir_b = _as_pair(direction)
    da = resolve_direction(is_pos, xa, dir_a)
    db = resolve_direction(is_pos, xb, dir_b)
    ra = rank_scores(is_pos, xa if da is Direction.HIGHER else -xa)
    rb = rank_scores(is_pos, xb if db is Direction.HIGHER else -xb)
    auc_a, var_a = delong_auc_variance(ra)
    auc_b, var_b = delong_auc_variance(rb)
    m, n = ra.n_pos, ra.n_neg
    diff = auc_a - auc_b
    nan = math.nan
    if m < 2 or n < 2:
        warnings.warn(
            f"{m} case(s) and {n} control(s): DeLong's test needs at least two of each; "
            "se, z and p are NaN.",
            DegenerateInputWarning,
            stacklevel=2,
        )
        return AucComparison(
            auc_a, auc_b, diff, nan, nan, nan, nan, nan, nan, m, n, da.value, db.value, confidence
        )
    v10a, v01a = _patient_placements(ra, is_pos)
    v10b, v01b = _patient_placements(rb, is_pos)
    cov10 = float(np.dot(v10a - auc_a, v10b - auc_b)) / (m - 1)
    cov01 = float(np.dot(v01a - auc_a, v01b - auc_b)) / (n - 1)
    cov = cov10 / m + cov01 / n
    var_diff = max(var_a + var_b - 2.0 * cov, 0.0)
    se = math.sqrt(var_diff)
    corr = cov / math.sqrt(var_a * var_b) if var_a > 0 and var_b > 0 else nan
    if se == 0.0:
        # pROC's special case: no difference and no variance gives Z = 0 (p = 1).
        warnings.warn(
            "The two scores give a difference in AUC with zero DeLong variance (they rank the "
            "patients alike); z is 0 (or infinite if the AUCs differ).",
            DegenerateInputWarning,
            stacklevel=2,
        )
        z = 0.0 if diff == 0.0 else math.copysign(math.inf, diff)
    else:
        z = diff / se
    p = float(2.0 * special.ndtr(-abs(z)))
    return AucComparison(
        auc_a=auc_a,
        auc_b=auc_b,
        auc_diff=diff,
        se=se,
        ci_low=diff - crit * se,
        ci_high=diff + crit * se,
        z=z,
        p=p,
        correlation=corr,
        n_pos=m,
        n_neg=n,
        direction_a=da.value,
        direction_b=db.value,
        confidence=float(confidence),
    )
