"""ROC analysis of one score: curve, AUC with DeLong or bootstrap CI, Youden-optimal cut-off."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.errors import StatsInputError
from vbqcore.stats import proportions
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
    RankedScores,
    delong_auc_variance,
    rank_scores,
    resolve_direction,
    z_critical,
)
from vbqcore.stats.proportions import ProportionCi

__all__ = ["CiMethod", "RocResult", "roc_analysis"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: A progress callback: called with (replicates done, replicates in all).
Progress = Callable[[int, int], None]

#: Largest number of resampled patients drawn at once (memory of one bootstrap batch).
_BOOTSTRAP_BATCH_CELLS = 2_000_000


class CiMethod(StrEnum):
    """How the AUC's CI is made: DeLong's normal interval or a stratified bootstrap."""

    DELONG = "delong"
    BOOTSTRAP = "bootstrap"


@dataclass(frozen=True, eq=False)
class RocResult:
    """ROC analysis of one score against a two-class outcome.

    Curve: ``fpr[k]``, ``tpr[k]`` (shape (G+1,), G distinct scores) are the false- and
    true-positive rates when a patient counts positive at score >= ``thresholds[k]``
    (``direction="higher"``; <= for ``"lower"``). They are the points of
    ``sklearn.metrics.roc_curve(drop_intermediate=False)``; the thresholds follow pROC and SPSS:
    midpoints between consecutive distinct scores, with +inf and -inf at the two ends. The arrays
    are read-only.

    AUC: ties count 1/2 (the Mann-Whitney AUC). ``se`` is always DeLong's; ``ci_low``/``ci_high``
    come from ``ci_method``: DeLong's normal CI clipped to [0, 1] (like pROC's ``ci.auc``) or the
    percentile CI of a stratified bootstrap (``n_bootstrap`` replicates, ``seed``).

    Youden: ``cutoff`` maximises J = sensitivity + specificity - 1 (``youden_j``); it is the
    decimal midpoint of its two neighbouring scores (0.555 between 0.51 and 0.60, where the
    curve's binary ``thresholds`` hold 0.5549999999999999): the same split of patients. When several
    cut-offs tie, the first from the strict end of the curve is reported (the highest cut-off for
    ``"higher"``: the most specific among equals) and all of them are in ``youden_cutoffs``.
    Sensitivity and specificity CIs treat the cut-off as fixed (``proportion_ci``), so they are
    optimistic for a cut-off chosen on the same data.
    """

    auc: float
    se: float
    ci_low: float
    ci_high: float
    ci_method: str
    confidence: float
    direction: str
    n_pos: int
    n_neg: int
    fpr: FloatArray
    tpr: FloatArray
    thresholds: FloatArray
    cutoff: float
    youden_j: float
    sensitivity: float
    sensitivity_ci: tuple[float, float]
    specificity: float
    specificity_ci: tuple[float, float]
    proportion_ci: str
    youden_cutoffs: tuple[float, ...]
    n_bootstrap: int | None = None
    seed: int | None = None

    def to_dict(self, *, curve: bool = True) -> dict[str, Any]:
        """Plain JSON types; NaN and the curve's +-inf thresholds become ``None``.

        ``curve=False`` leaves out ``fpr``, ``tpr`` and ``thresholds`` (large for big cohorts).
        """
        out: dict[str, Any] = {
            "auc": finite_or_none(self.auc),
            "se": finite_or_none(self.se),
            "ci_low": finite_or_none(self.ci_low),
            "ci_high": finite_or_none(self.ci_high),
            "ci_method": self.ci_method,
            "confidence": self.confidence,
            "direction": self.direction,
            "n_pos": self.n_pos,
            "n_neg": self.n_neg,
            "cutoff": finite_or_none(self.cutoff),
            "youden_j": finite_or_none(self.youden_j),
            "sensitivity": finite_or_none(self.sensitivity),
            "sensitivity_ci": [finite_or_none(v) for v in self.sensitivity_ci],
            "specificity": finite_or_none(self.specificity),
            "specificity_ci": [finite_or_none(v) for v in self.specificity_ci],
            "proportion_ci": self.proportion_ci,
            "youden_cutoffs": [finite_or_none(v) for v in self.youden_cutoffs],
            "n_bootstrap": self.n_bootstrap,
            "seed": self.seed,
        }
        if curve:
            out["fpr"] = self.fpr.tolist()
            out["tpr"] = self.tpr.tolist()
            out["thresholds"] = [finite_or_none(v) for v in self.thresholds.tolist()]
        return out


@dataclass(frozen=True)
class _Curve:
    tps: npt.NDArray[np.int64]
    fps: npt.NDArray[np.int64]
    thresholds: FloatArray  # on the oriented (higher = case) scale


def _curve(ranked: RankedScores) -> _Curve:
    """ROC points from the highest distinct score down, with pROC's midpoint thresholds."""
    g = ranked.values.size
    tps = np.zeros(g + 1, dtype=np.int64)
    fps = np.zeros(g + 1, dtype=np.int64)
    np.cumsum(ranked.n_pos_at[::-1], out=tps[1:])
    np.cumsum(ranked.n_neg_at[::-1], out=fps[1:])
    desc = ranked.values[::-1]
    thresholds = np.empty(g + 1, dtype=np.float64)
    thresholds[0] = np.inf
    thresholds[1:g] = desc[:-1] / 2.0 + desc[1:] / 2.0  # halves first: no overflow
    thresholds[g] = -np.inf
    return _Curve(tps, fps, thresholds)


def _bootstrap_aucs(
    ranked: RankedScores,
    is_pos: npt.NDArray[np.bool_],
    *,
    n_bootstrap: int,
    rng: np.random.Generator,
    progress: Progress | None,
) -> FloatArray:
    """AUCs of ``n_bootstrap`` stratified resamples (cases and controls resampled apart).

    pROC's default (``boot.stratified=TRUE``): every replicate keeps m cases and n controls.
    A resample only reweights the patients, so each replicate's AUC is computed from the one
    original sort by counting draws per distinct score (``bincount``), with no re-sorting.
    """
    group = ranked.group_of_patient()
    g_pos, g_neg = group[is_pos], group[~is_pos]
    m, n, g = g_pos.size, g_neg.size, ranked.values.size
    batch = max(1, min(n_bootstrap, _BOOTSTRAP_BATCH_CELLS // max(m + n, g)))
    aucs = np.empty(n_bootstrap, dtype=np.float64)
    done = 0
    while done < n_bootstrap:
        b = min(batch, n_bootstrap - done)
        offsets = (np.arange(b) * g)[:, None]
        pos_draw = g_pos[rng.integers(0, m, size=(b, m))] + offsets
        neg_draw = g_neg[rng.integers(0, n, size=(b, n))] + offsets
        w_pos = np.bincount(pos_draw.ravel(), minlength=b * g).reshape(b, g)
        w_neg = np.bincount(neg_draw.ravel(), minlength=b * g).reshape(b, g)
        neg_below = np.cumsum(w_neg, axis=1) - w_neg
        aucs[done : done + b] = (w_pos * (neg_below + 0.5 * w_neg)).sum(axis=1) / (m * n)
        done += b
        if progress is not None:
            progress(done, n_bootstrap)
    return aucs


def _read_only(arr: FloatArray) -> FloatArray:
    arr.setflags(write=False)
    return arr


def _cutoff_at(k: int, desc: FloatArray) -> float:
    """The cut-off of curve point ``k`` as a person writes it: the decimal midpoint.

    Between the scores 0.51 and 0.60 the binary midpoint is 0.5549999999999999; the decimal one,
    0.555, is what SPSS and pROC print and what a reader compares with a paper's cut-off
    (Huang et al. 2026 Table 3: 0.555, 4.285). It is used when it lies strictly between the two
    scores, which keeps the split of patients the same; otherwise the binary midpoint is kept.
    """
    if k == 0:
        return math.inf
    if k >= desc.size:
        return -math.inf
    hi, lo = float(desc[k - 1]), float(desc[k])
    decimal_mid = float((Decimal(repr(hi)) + Decimal(repr(lo))) / 2)
    return decimal_mid if lo < decimal_mid < hi else hi / 2.0 + lo / 2.0


def _youden(curve: _Curve, m: int, n: int) -> tuple[int, npt.NDArray[np.intp], float]:
    """Index of the reported optimum, indices of all tied optima, and J there.

    J is compared in exact integers (J * m * n = TP * n - FP * m) so ties are exact.
    """
    j_scaled = curve.tps * n - curve.fps * m
    best = int(j_scaled.max())
    tied = np.flatnonzero(j_scaled == best)
    return int(tied[0]), tied, best / (m * n)


def _fresh_seed() -> int:
    """A random non-negative 63-bit seed, reported so that a bootstrap can be rerun exactly."""
    return int(np.random.SeedSequence().generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def _check_bootstrap(n_bootstrap: int) -> int:
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, int | np.integer):
        raise StatsInputError(f"n_bootstrap must be a whole number; got {n_bootstrap!r}.")
    if n_bootstrap < 2:
        raise StatsInputError(f"n_bootstrap must be at least 2 (2000 is usual); got {n_bootstrap}.")
    return int(n_bootstrap)


def roc_analysis(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    positive: Any = None,
    direction: str | Direction = Direction.HIGHER,
    ci_method: str | CiMethod = CiMethod.DELONG,
    n_bootstrap: int = 2000,
    seed: int | None = None,
    progress: Progress | None = None,
    confidence: float = 0.95,
    proportion_ci: str | ProportionCi = ProportionCi.CLOPPER_PEARSON,
    nan_policy: str | NanPolicy = NanPolicy.RAISE,
) -> RocResult:
    """ROC curve, AUC with its CI and the Youden-optimal cut-off of one score.

    Matches pROC 1.18 ``roc()``, ``ci.auc()`` and ``coords(x="best", best.method="youden")``
    (checked in the tests); the curve and AUC match ``sklearn.metrics.roc_curve``/``roc_auc_score``.
    One ``argsort`` of the scores gives the curve, the AUC, DeLong's variance (Sun & Xu 2014) and
    the cut-off: O(n log n).

    Parameters
    ----------
    y_true : array-like, shape (n,)
        Outcome per patient: booleans, 0/1 or two labels (then ``positive`` is needed).
    y_score : array-like, shape (n,)
        The score per patient (a VBQ score, unitless).
    positive : scalar, optional
        The outcome value that marks a case (default: True, or the larger of two numbers).
    direction : {"higher", "lower", "auto"}
        ``"higher"`` (default): higher scores point to a case. ``"auto"`` picks by comparing the
        groups' medians like pROC, which favours the AUC on the data at hand.
    ci_method : {"delong", "bootstrap"}
        CI of the AUC.
    n_bootstrap : int
        Bootstrap replicates (``ci_method="bootstrap"`` only; pROC's default 2000).
    seed : int, optional
        Seed of the bootstrap; when omitted one is drawn and reported in the result.
    progress : callable(done, total), optional
        Called as bootstrap replicates complete (for a progress bar).
    confidence : float
        Level of every CI (0.95).
    proportion_ci : {"clopper-pearson", "wilson"}
        CI for the sensitivity and specificity at the cut-off.
    nan_policy : {"raise", "omit"}
        Missing outcome or score: refuse (default, naming the rows) or drop those patients.

    Returns
    -------
    RocResult

    Raises
    ------
    StatsInputError
        Invalid input: one class only, missing values (with ``"raise"``), non-numeric scores,
        fewer than 3 patients, different lengths, more than two outcome values, an unknown
        ``positive`` label, an unknown option.

    Warns
    -----
    DegenerateInputWarning
        A single case or control (SE and CI NaN), zero DeLong variance (a constant score or
        perfect separation: SE 0), or no cut-off better than chance (cut-off NaN).
    """
    method = parse_option(ci_method, CiMethod, "ci_method")
    prop_method = parse_option(proportion_ci, ProportionCi, "proportion_ci")
    policy = parse_option(nan_policy, NanPolicy, "nan_policy")
    crit = z_critical(confidence)
    if method is CiMethod.BOOTSTRAP:
        n_bootstrap = _check_bootstrap(n_bootstrap)
    arrays = {"y_true": as_1d(y_true, "y_true"), "y_score": as_1d(y_score, "y_score")}
    validate_same_length(arrays)
    if policy is NanPolicy.OMIT:
        arrays, _ = drop_missing(arrays)
    is_pos = validate_binary_outcome(arrays["y_true"], positive=positive)
    score = validate_scores(arrays["y_score"], "y_score")
    used = resolve_direction(is_pos, score, direction)
    sign = 1.0 if used is Direction.HIGHER else -1.0
    ranked = rank_scores(is_pos, score if sign > 0 else -score)
    m, n = ranked.n_pos, ranked.n_neg
    auc, var = delong_auc_variance(ranked)
    se = math.sqrt(var) if not math.isnan(var) else math.nan
    if math.isnan(se):
        warnings.warn(
            f"{m} case(s) and {n} control(s): the DeLong SE needs at least two of each; "
            "SE and CI are NaN.",
            DegenerateInputWarning,
            stacklevel=2,
        )
    elif se == 0.0:
        warnings.warn(
            "The DeLong SE is 0 (constant score or perfect separation): the CI is the AUC "
            "itself and says nothing about the uncertainty.",
            DegenerateInputWarning,
            stacklevel=2,
        )

    used_seed: int | None = None
    if method is CiMethod.BOOTSTRAP:
        used_seed = _fresh_seed() if seed is None else int(seed)
        rng = np.random.default_rng(used_seed)
        aucs = _bootstrap_aucs(ranked, is_pos, n_bootstrap=n_bootstrap, rng=rng, progress=progress)
        alpha = 1.0 - float(confidence)
        # Percentile interval; numpy's default "linear" quantile is R's type 7, as in pROC.
        low, high = (float(v) for v in np.quantile(aucs, [alpha / 2.0, 1.0 - alpha / 2.0]))
    elif math.isnan(se):
        low = high = math.nan
    else:
        low, high = max(0.0, auc - crit * se), min(1.0, auc + crit * se)

    curve = _curve(ranked)
    best, tied, j = _youden(curve, m, n)
    tp, fp = int(curve.tps[best]), int(curve.fps[best])
    if j <= 0.0:
        warnings.warn(
            "No cut-off separates cases from controls better than chance (Youden J <= 0): "
            "cut-off, sensitivity and specificity are NaN.",
            DegenerateInputWarning,
            stacklevel=2,
        )
        cutoff, sens, spec = math.nan, math.nan, math.nan
        sens_ci = spec_ci = (math.nan, math.nan)
        tied_cutoffs: tuple[float, ...] = ()
    else:
        desc = ranked.values[::-1]
        cutoff = sign * _cutoff_at(best, desc)
        sens, spec = tp / m, (n - fp) / n
        sens_ci = proportions.proportion_ci(tp, m, method=prop_method, confidence=confidence)
        spec_ci = proportions.proportion_ci(n - fp, n, method=prop_method, confidence=confidence)
        tied_cutoffs = tuple(sign * _cutoff_at(int(k), desc) for k in tied)
    return RocResult(
        auc=auc,
        se=se,
        ci_low=low,
        ci_high=high,
        ci_method=method.value,
        confidence=float(confidence),
        direction=used.value,
        n_pos=m,
        n_neg=n,
        fpr=_read_only(curve.fps / n),
        tpr=_read_only(curve.tps / m),
        thresholds=_read_only(sign * curve.thresholds),
        cutoff=cutoff,
        youden_j=j if j > 0.0 else math.nan,
        sensitivity=sens,
        sensitivity_ci=sens_ci,
        specificity=spec,
        specificity_ci=spec_ci,
        proportion_ci=prop_method.value,
        youden_cutoffs=tied_cutoffs,
        n_bootstrap=n_bootstrap if method is CiMethod.BOOTSTRAP else None,
        seed=used_seed,
    )
