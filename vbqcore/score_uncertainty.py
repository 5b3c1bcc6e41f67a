"""The uncertainty of a VBQ score, propagated from its ROIs: two documented models.

* ``roi_sem`` (default when every ROI used has a spread): each ROI mean's standard error
  (SD / sqrt(pixels)) propagated to the score by the delta method (first-order Taylor expansion;
  Casella & Berger, Statistical Inference, 2nd ed., 5.5.4). Pixels are treated as independent,
  which they are not quite (MR noise is spatially correlated), so this is the *least* a score can
  be uncertain by: it covers pixel noise inside the ROIs, not where an observer puts them.
* ``observer_agreement``: the inter-observer 95% limits of agreement of the SIs of Huang et al.,
  Global Spine J 2026;16(1):162-170, Figure 3 (two readers, 20 patients; "differences < 10% were
  considered consistent"). Used when asked for, and whenever an input carries only mean SIs (a
  JSON or CSV case), so every score has an interval.

Both are intervals for the *measurement*, not for the patient's true bone quality.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vbqcore.anatomy import CSF, Level
from vbqcore.anatomy import Sequence as MrSequence
from vbqcore.errors import VbqInputError
from vbqcore.measurements import CaseMeasurements
from vbqcore.uncertainty import IntervalMethod, ScoreInterval, normal_interval
from vbqcore.vbq import SCORE_SEQUENCES, Aggregate, ScoreName, VbqResult

__all__ = [
    "AgreementLimits",
    "HUANG_2026_INTER_OBSERVER",
    "RoiSpread",
    "relative_sd",
    "roi_sem_interval",
    "observer_interval",
    "score_intervals",
]

logger = logging.getLogger(__name__)

#: Standard error of each ROI mean, per sequence and site (``"L1"`` ... or ``"CSF"``), in SI units.
RoiSpread = Mapping[MrSequence, Mapping[str, float]]


@dataclass(frozen=True)
class AgreementLimits:
    """95% limits of agreement (percent difference between two observers) for one sequence:
    vertebral bodies L1-L4 and CSF."""

    body_lower_pct: float
    body_upper_pct: float
    csf_lower_pct: float
    csf_upper_pct: float


#: Huang et al. 2026, Figure 3 (inter-observer): T1 bodies -6.76% to 6.66%, CSF -10.74% to
#: 8.86%; T2 bodies -7.15% to 7.97%, CSF -3.97% to 4.60%; STIR bodies -8.67% to 7.68%, CSF
#: -5.71% to 6.21%.
HUANG_2026_INTER_OBSERVER: Mapping[MrSequence, AgreementLimits] = {
    MrSequence.T1: AgreementLimits(-6.76, 6.66, -10.74, 8.86),
    MrSequence.T2: AgreementLimits(-7.15, 7.97, -3.97, 4.60),
    MrSequence.STIR: AgreementLimits(-8.67, 7.68, -5.71, 6.21),
}

#: z of a two-sided 95% interval: Bland & Altman's limits are mean difference ± 1.96 SD.
_Z95 = 1.96


def relative_sd(lower_pct: float, upper_pct: float) -> float:
    """One observer's relative SD of an SI, from two observers' 95% limits of agreement.

    The limits are ``bias ± 1.96·SD_diff`` (Bland & Altman, Lancet 1986;1:307-310), so
    ``SD_diff = (upper - lower) / (2 × 1.96)``; a difference of two independent readings with
    equal error has ``SD_diff = √2 · SD``, so ``SD = SD_diff / √2`` (as a fraction, not %). The
    bias (the centre of the limits) is one reader's offset and is not a spread, so it is left out.

    >>> round(relative_sd(-7.15, 7.97), 5)  # VBQ-T2 bodies, Huang et al. 2026 Figure 3
    0.02727
    """
    if not (math.isfinite(lower_pct) and math.isfinite(upper_pct)) or upper_pct <= lower_pct:
        raise VbqInputError(
            f"limits of agreement {lower_pct!r}% to {upper_pct!r}%: the upper limit must "
            "exceed the lower."
        )
    return (upper_pct - lower_pct) / (2 * _Z95) / math.sqrt(2) / 100


def _weights(values: Sequence[float], method: Aggregate) -> list[float]:
    """d(aggregate)/d(value_i): 1/k for the mean; for the median the middle value (odd k) or the
    two middle values at 1/2 each (even k), the median's gradient where the values differ."""
    k = len(values)
    if method is Aggregate.MEAN:
        return [1.0 / k] * k
    order = sorted(range(k), key=lambda i: values[i])
    weights = [0.0] * k
    if k % 2:
        weights[order[k // 2]] = 1.0
    else:
        weights[order[k // 2 - 1]] = weights[order[k // 2]] = 0.5
    return weights


def _ratio_se(num: float, var_num: float, den: float, var_den: float) -> float:
    """Delta method for N / D with N and D independent: Var ≈ Var N / D² + N² Var D / D⁴."""
    return math.sqrt(var_num / den**2 + num**2 * var_den / den**4)


def _parts(
    result: VbqResult, score: ScoreName
) -> tuple[tuple[Level, ...], CaseMeasurements, list[float]]:
    name = ScoreName(score)
    value = result.score(name)
    if value is None:
        raise VbqInputError(f"{name.label} was not computed: it has no interval.")
    levels = result.levels_used[name]
    case = result.inputs
    if name is ScoreName.VBQ_T2_STIR:
        t2, stir = case.sequences[MrSequence.T2], case.sequences[MrSequence.STIR]
        values = [t2.levels[lv] - stir.levels[lv] for lv in levels]
    else:
        meas = case.sequences[SCORE_SEQUENCES[name][0]]
        values = [meas.levels[lv] for lv in levels]
    return levels, case, _weights(values, result.method)


def _sem(spread: RoiSpread, seq: MrSequence, site: str) -> float | None:
    value = spread.get(seq, {}).get(site)
    if value is None or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def roi_sem_interval(
    result: VbqResult, score: ScoreName | str, spread: RoiSpread, *, level: float = 0.95
) -> ScoreInterval | None:
    """The score's interval from each ROI's standard error of the mean (delta method).

    VBQ = A / C with A = Σ wᵢ·mᵢ the aggregate of the body means (wᵢ = 1/k for the mean) and C
    the CSF mean: Var A = Σ wᵢ²·SEMᵢ², Var VBQ ≈ Var A / C² + A²·SEM_C² / C⁴. VBQ-T2-STIR is the
    same with mᵢ = T2ᵢ - STIRᵢ (Var = SEM_T2ᵢ² + SEM_STIRᵢ²) and C = CSF_T2 - CSF_STIR.

    Returns ``None`` when an ROI the score used has no finite SEM (a one-pixel ROI, or an input
    of mean SIs only): the caller then falls back to :func:`observer_interval`.
    """
    name = ScoreName(score)
    levels, case, weights = _parts(result, name)
    seqs = SCORE_SEQUENCES[name]
    sems: dict[tuple[MrSequence, str], float] = {}
    for seq in seqs:
        for site in [*(lv.value for lv in levels), CSF]:
            sem = _sem(spread, seq, site)
            if sem is None:
                return None
            sems[seq, site] = sem
    var_num = sum(
        w**2 * sum(sems[s, lv.value] ** 2 for s in seqs)
        for w, lv in zip(weights, levels, strict=True)
    )
    var_den = sum(sems[s, CSF] ** 2 for s in seqs)
    den = _csf(case, name)
    value = result.score(name)
    assert value is not None  # checked in _parts
    se = _ratio_se(value * den, var_num, den, var_den)
    return normal_interval(value, se, IntervalMethod.ROI_SEM, level=level)


def _csf(case: CaseMeasurements, name: ScoreName) -> float:
    csf = {s: case.sequences[s].csf for s in SCORE_SEQUENCES[name]}
    if name is ScoreName.VBQ_T2_STIR:
        t2, stir = csf[MrSequence.T2], csf[MrSequence.STIR]
        assert t2 is not None and stir is not None  # SequenceMeasurement requires a CSF
        return t2 - stir
    only = csf[SCORE_SEQUENCES[name][0]]
    assert only is not None  # SequenceMeasurement requires a CSF
    return only


def observer_interval(
    result: VbqResult,
    score: ScoreName | str,
    *,
    limits: Mapping[MrSequence, AgreementLimits] = HUANG_2026_INTER_OBSERVER,
    level: float = 0.95,
) -> ScoreInterval:
    """The score's interval from the observers' limits of agreement of the SIs.

    Each SI x carries an error of relative SD ``σ`` (:func:`relative_sd`, bodies and CSF per
    sequence). One reader's errors on neighbouring bodies of one image are taken as fully
    correlated (conservative: it does not shrink with the number of levels), errors on different
    sequences and on the CSF as independent. VBQ-<seq> = A / C: Var A = (σ_body·A)², Var C =
    (σ_csf·C)². VBQ-T2-STIR: numerator N = Σ wᵢ(T2ᵢ - STIRᵢ), Var N = (σ_T2body·Σ wᵢT2ᵢ)² +
    (σ_STIRbody·Σ wᵢSTIRᵢ)²; Var D = (σ_T2csf·CSF_T2)² + (σ_STIRcsf·CSF_STIR)². The delta
    method then gives the score's SE.

    For VBQ-T2 (σ_body 2.727%, σ_csf 1.546%) the relative SE is √(2.727² + 1.546²) = 3.135%, so
    the 95% interval is about ±6.1% of the score.
    """
    name = ScoreName(score)
    levels, case, weights = _parts(result, name)
    value = result.score(name)
    assert value is not None  # checked in _parts
    var_num = var_den = 0.0
    for seq in SCORE_SEQUENCES[name]:
        lim = limits.get(seq)
        if lim is None:
            raise VbqInputError(
                f"no limits of agreement for {seq.value}: give them to use this model."
            )
        meas = case.sequences[seq]
        assert meas.csf is not None  # SequenceMeasurement requires a CSF
        aggregate = sum(w * meas.levels[lv] for w, lv in zip(weights, levels, strict=True))
        var_num += (relative_sd(lim.body_lower_pct, lim.body_upper_pct) * aggregate) ** 2
        var_den += (relative_sd(lim.csf_lower_pct, lim.csf_upper_pct) * meas.csf) ** 2
    den = _csf(case, name)
    se = _ratio_se(value * den, var_num, den, var_den)
    return normal_interval(value, se, IntervalMethod.OBSERVER_AGREEMENT, level=level)


def score_intervals(
    result: VbqResult,
    *,
    spread: RoiSpread | None = None,
    method: IntervalMethod | str = IntervalMethod.ROI_SEM,
    level: float = 0.95,
) -> dict[ScoreName, ScoreInterval]:
    """An interval for every computed score.

    ``method="roi_sem"`` uses :func:`roi_sem_interval` where ``spread`` covers every ROI a score
    used, and falls back to :func:`observer_interval` (the score's ``method`` then says
    ``observer_agreement``); ``method="observer_agreement"`` uses the observer model throughout.
    """
    try:
        wanted = IntervalMethod(str(method))
    except ValueError as err:
        choices = ", ".join(m.value for m in IntervalMethod)
        raise VbqInputError(f"interval method {method!r}: use one of {choices}.") from err
    out: dict[ScoreName, ScoreInterval] = {}
    for name in result.computed:
        interval = None
        if wanted is IntervalMethod.ROI_SEM and spread is not None:
            interval = roi_sem_interval(result, name, spread, level=level)
        out[name] = interval or observer_interval(result, name, level=level)
    return out
