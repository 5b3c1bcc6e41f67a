"""VBQ scores from per-level signal intensities: VBQ-T1, VBQ-T2, VBQ-STIR and VBQ-T2-STIR.

Definitions (Huang et al., Global Spine J 2026;16(1):162-170, "Measuring VBQ Scores"; the
original VBQ-T1 is Ehresman et al., Spine J 2020;20:556-562):

* VBQ-<seq> = aggregate SI of the vertebral bodies used / SI of the CSF on the same sequence.
* VBQ-T2-STIR = aggregate over the bodies used of (T2 SI - STIR SI) / (CSF T2 SI - CSF STIR SI).
* Aggregate: the mean (Huang et al., the default) or the median (Ehresman et al.). The chosen
  aggregate is applied to every score, VBQ-T2-STIR included, and is part of every result.
* Bodies used: L1-L4; a fractured one is left out and replaced by T12 and/or L5
  (:func:`select_levels`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.anatomy import CORE_LEVELS, Level, Sequence
from vbqcore.errors import ScoreError
from vbqcore.measurements import CaseMeasurements, SequenceMeasurement

__all__ = [
    "Aggregate",
    "ScoreName",
    "SCORE_SEQUENCES",
    "CaseMeasurements",
    "SequenceMeasurement",
    "LevelSelection",
    "VbqResult",
    "select_levels",
    "compute_vbq",
    "aggregate_rows",
    "vbq_kernel",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Substitutes for a fractured L1-L4 body: the adjacent bodies outside L1-L4 (Huang et al.).
_SUBSTITUTES: tuple[Level, ...] = (Level.T12, Level.L5)


class Aggregate(StrEnum):
    """How the SIs of the bodies used are combined before dividing by the CSF SI."""

    MEAN = "mean"  # Huang et al. 2026
    MEDIAN = "median"  # Ehresman et al. 2020


class ScoreName(StrEnum):
    """The four scores, named as the CSV columns and JSON keys spell them."""

    VBQ_T1 = "vbq_t1"
    VBQ_T2 = "vbq_t2"
    VBQ_STIR = "vbq_stir"
    VBQ_T2_STIR = "vbq_t2_stir"

    @property
    def label(self) -> str:
        """Name as the paper prints it, e.g. ``VBQ-T2-STIR``."""
        return self.value.upper().replace("_", "-")


#: Sequences each score needs.
SCORE_SEQUENCES: dict[ScoreName, tuple[Sequence, ...]] = {
    ScoreName.VBQ_T1: (Sequence.T1,),
    ScoreName.VBQ_T2: (Sequence.T2,),
    ScoreName.VBQ_STIR: (Sequence.STIR,),
    ScoreName.VBQ_T2_STIR: (Sequence.T2, Sequence.STIR),
}


@dataclass(frozen=True)
class LevelSelection:
    """Which bodies enter a score: ``levels_used`` (cranial to caudal), ``substitutions``
    (fractured level -> its substitute) and user-facing ``warnings``."""

    levels_used: tuple[Level, ...]
    substitutions: Mapping[Level, Level] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "levels_used": [lv.value for lv in self.levels_used],
            "substitutions": {k.value: v.value for k, v in self.substitutions.items()},
            "warnings": list(self.warnings),
        }


def select_levels(measured: Collection[Level], fractured: Collection[Level]) -> LevelSelection:
    """Choose the bodies for a score: L1–L4 with fractured ones replaced by T12 and/or L5.

    Huang et al. (2026, "Measuring VBQ Scores"): a fractured L1–L4 body is left out and an adjacent
    body outside L1–L4 (T12 and/or L5) is measured instead. Each substitute serves one fractured
    body, must be measured and must not itself be fractured. Every fractured/substitute pair is
    ranked by distance (T12 -> L1 is 1, T12 -> L2 is 2, ...) and taken nearest first, so L1
    prefers T12, L4 prefers L5, L2 prefers T12 and L3 prefers L5, each falling back to the other.
    Tie rule: none is needed, because the L1–L4 bodies all sit at different distances from T12
    (and from L5), so two fractured bodies never compete for one substitute at equal distance.
    A body that is neither fractured nor measured is left out (warning); fewer than 3 bodies warns
    (the cut-offs come from 4); none raises ``ScoreError``.

    Parameters
    ----------
    measured : collection of Level
        Bodies with an SI on the sequence(s) of the score.
    fractured : collection of Level
        Fractured bodies (any of T12–L5).
    """
    have, broken = set(measured), set(fractured)
    used = [lv for lv in CORE_LEVELS if lv in have and lv not in broken]
    warnings = [
        f"{lv.value} not measured: left out."
        for lv in CORE_LEVELS
        if lv not in have and lv not in broken
    ]
    needing = [lv for lv in CORE_LEVELS if lv in broken]
    free = [s for s in _SUBSTITUTES if s in have and s not in broken]
    pairs = sorted(
        ((abs(f.order - s.order), f.order, f, s) for f in needing for s in free),
        key=lambda p: (p[0], p[1]),
    )
    substitutions: dict[Level, Level] = {}
    for _, _, frac, sub in pairs:
        if frac not in substitutions and sub not in substitutions.values():
            substitutions[frac] = sub
    for frac in needing:
        if frac not in substitutions:
            warnings.append(
                f"{frac.value} fractured and no unfractured T12/L5 measured to replace it: "
                "left out."
            )
    used = sorted(used + list(substitutions.values()), key=lambda lv: lv.order)
    if not used:
        raise ScoreError(
            "no usable level: none of L1–L4 is measured and unfractured, and no "
            "unfractured T12/L5 is measured to replace one. Measure at least one body."
        )
    if len(used) < 3:
        names = ", ".join(lv.value for lv in used)
        warnings.append(
            f"only {len(used)} level(s) used ({names}); the published cut-offs were "
            "derived from 4 levels, so this score is less reliable."
        )
    ordered = dict(sorted(substitutions.items(), key=lambda kv: kv[0].order))
    return LevelSelection(tuple(used), ordered, tuple(warnings))


@dataclass(frozen=True)
class VbqResult:
    """Every score computable from one case, with the working behind it.

    A score is ``None`` when its sequence(s) were not measured; ``not_computed`` says why.
    ``levels_used`` and ``substitutions`` are per score (the sequences may differ in which bodies
    were measured); ``inputs`` are the measurements the scores were computed from.
    """

    vbq_t1: float | None
    vbq_t2: float | None
    vbq_stir: float | None
    vbq_t2_stir: float | None
    method: Aggregate
    levels_used: Mapping[ScoreName, tuple[Level, ...]]
    substitutions: Mapping[ScoreName, Mapping[Level, Level]]
    not_computed: Mapping[ScoreName, str]
    warnings: tuple[str, ...]
    inputs: CaseMeasurements

    def score(self, name: ScoreName | str) -> float | None:
        """The value of one score by name (``"vbq_t2"`` or ``ScoreName.VBQ_T2``)."""
        value: float | None = getattr(self, ScoreName(name).value)
        return value

    @property
    def computed(self) -> tuple[ScoreName, ...]:
        """Names of the scores that have a value, in the order of ``ScoreName``."""
        return tuple(s for s in ScoreName if self.score(s) is not None)

    @property
    def common_levels(self) -> tuple[Level, ...] | None:
        """The levels used, when every computed score used the same ones; else ``None``."""
        sets = {self.levels_used[s] for s in self.computed}
        return sets.pop() if len(sets) == 1 else None

    def levels_used_text(self) -> str:
        """``"L1;L3;L4;L5"`` when common, else ``"vbq_t1: L1;L2;L3;L4 | vbq_t2: L1;L3;L4;L5"``."""
        common = self.common_levels
        if common is not None:
            return ";".join(lv.value for lv in common)
        return " | ".join(
            f"{s.value}: " + ";".join(lv.value for lv in self.levels_used[s]) for s in self.computed
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: scores, method, levels, substitutions, warnings and the inputs used."""
        common = self.common_levels
        return {
            **{s.value: self.score(s) for s in ScoreName},
            "method": self.method.value,
            "levels_used": {s.value: [lv.value for lv in v] for s, v in self.levels_used.items()},
            "levels_used_common": None if common is None else [lv.value for lv in common],
            "substitutions": {
                s.value: {k.value: v.value for k, v in sub.items()}
                for s, sub in self.substitutions.items()
            },
            "not_computed": {s.value: why for s, why in self.not_computed.items()},
            "warnings": list(self.warnings),
            "inputs": self.inputs.to_dict(),
        }


def aggregate_rows(block: FloatArray, method: Aggregate) -> FloatArray:
    """Row-wise aggregate of ``block`` (n rows x k bodies): the mean or the median.

    The mean is ``math.fsum(row) / k``: exactly rounded, so it does not depend on the order of
    the levels (as ``statistics.fmean``), and a cohort scored as a table equals the same cases
    scored one by one to the last bit. The median of an even count is the mean of the two middle
    values, as ``statistics.median`` and ``numpy.median`` both define it.
    """
    if method is Aggregate.MEDIAN:
        return np.asarray(np.median(block, axis=1), dtype=np.float64)
    k = block.shape[1]
    return np.fromiter((math.fsum(r) / k for r in block.tolist()), np.float64, block.shape[0])


def vbq_kernel(bodies: FloatArray, csf: FloatArray, *, method: Aggregate) -> FloatArray:
    """The VBQ formula on arrays: the one place it is written (Huang et al. 2026, Methods).

    Parameters
    ----------
    bodies : ndarray, shape (n, k)
        Per row, the SIs of the k bodies used (for VBQ-T2-STIR: their T2 - STIR differences).
    csf : ndarray, shape (n,)
        Per row, the CSF SI on the same sequence (for VBQ-T2-STIR: CSF T2 - CSF STIR).
    method : Aggregate
        Mean (Huang et al.) or median (Ehresman et al.) of the bodies.

    Returns
    -------
    ndarray, shape (n,)
        aggregate(bodies) / csf. Callers check the CSF (> 0) first; an SI so large that the
        quotient overflows gives ``inf``, as Python float division does, without a warning.

    Examples
    --------
    >>> vbq_kernel(np.array([[560.0, 570.0, 580.0, 610.0]]), np.array([1000.0]),
    ...            method=Aggregate.MEAN)
    array([0.58])
    """
    with np.errstate(over="ignore"):
        return np.asarray(aggregate_rows(bodies, method) / csf, dtype=np.float64)


def _one(bodies: list[float], csf: float, method: Aggregate) -> float:
    return float(
        vbq_kernel(np.array([bodies], dtype=np.float64), np.array([csf]), method=method)[0]
    )


def _select(measured: Collection[Level], fractured: frozenset[Level], label: str) -> LevelSelection:
    try:
        return select_levels(measured, fractured)
    except ScoreError as err:
        raise ScoreError(f"{label}: {err}") from err


def _single(
    meas: SequenceMeasurement, fractured: frozenset[Level], method: Aggregate, label: str
) -> tuple[float, LevelSelection]:
    sel = _select(meas.levels.keys(), fractured, label)
    assert meas.csf is not None  # guaranteed by SequenceMeasurement.__post_init__
    return _one([meas.levels[lv] for lv in sel.levels_used], meas.csf, method), sel


def _t2_stir(
    t2: SequenceMeasurement,
    stir: SequenceMeasurement,
    fractured: frozenset[Level],
    method: Aggregate,
) -> tuple[float, LevelSelection]:
    label = ScoreName.VBQ_T2_STIR.label
    assert t2.csf is not None and stir.csf is not None  # guaranteed by SequenceMeasurement
    denominator = t2.csf - stir.csf
    if denominator <= 0:
        raise ScoreError(
            f"{label}: CSF T2 SI ({t2.csf:g}) minus CSF STIR SI ({stir.csf:g}) is "
            f"{denominator:g}, but must be > 0 (it is the divisor); check the CSF ROIs and that "
            "the T2 and STIR values are not swapped."
        )
    both = t2.levels.keys() & stir.levels.keys()
    sel = _select(both, fractured, label)
    diffs = [t2.levels[lv] - stir.levels[lv] for lv in sel.levels_used]
    return _one(diffs, denominator, method), sel


def compute_vbq(
    measurements: CaseMeasurements,
    *,
    method: Aggregate | str = Aggregate.MEAN,
    scores: Collection[ScoreName | str] | None = None,
) -> VbqResult:
    """Compute every VBQ score the measurements allow.

    Parameters
    ----------
    measurements : CaseMeasurements
        SIs per sequence, fractured levels and CSF level.
    method : {"mean", "median"}
        Aggregate of the bodies used: mean (Huang et al. 2026, default) or median (Ehresman et
        al. 2020). Applied to every score.
    scores : collection of ScoreName, optional
        Scores the caller insists on: a missing sequence for one of them raises ``ScoreError``.
        By default every score is attempted and one whose sequence(s) are missing is ``None``,
        with the reason in ``not_computed``.

    Returns
    -------
    VbqResult
        Scores are dimensionless ratios of SIs.

    Raises
    ------
    ScoreError
        Unknown method, no usable level, CSF T2 - STIR <= 0, or a required sequence missing.
    """
    try:
        agg = Aggregate(str(method).lower())
    except ValueError as err:
        raise ScoreError(f"method {method!r}: use 'mean' or 'median'.") from err
    wanted = {ScoreName(s) for s in scores} if scores is not None else set()
    seqs, fractured = measurements.sequences, measurements.fractured
    values: dict[ScoreName, float] = {}
    selections: dict[ScoreName, LevelSelection] = {}
    not_computed: dict[ScoreName, str] = {}
    for name in ScoreName:
        missing = [s.value for s in SCORE_SEQUENCES[name] if s not in seqs]
        if missing:
            why = f"{' and '.join(missing)} not measured"
            if name in wanted:
                raise ScoreError(
                    f"{name.label} was asked for, but {why}: it needs "
                    f"{' and '.join(s.value for s in SCORE_SEQUENCES[name])} SIs incl. the CSF."
                )
            not_computed[name] = why
            continue
        if name is ScoreName.VBQ_T2_STIR:
            value, sel = _t2_stir(seqs[Sequence.T2], seqs[Sequence.STIR], fractured, agg)
        else:
            value, sel = _single(seqs[SCORE_SEQUENCES[name][0]], fractured, agg, name.label)
        values[name], selections[name] = value, sel
    if not values:  # pragma: no cover - CaseMeasurements requires at least one sequence
        raise ScoreError("No score could be computed: no sequence measured.")
    warnings = _merge_warnings(selections)
    if values.get(ScoreName.VBQ_T2_STIR, 0.0) < 0:
        warnings.append(
            "VBQ-T2-STIR is negative: the bodies are brighter on STIR than on T2; check that the "
            "T2 and STIR SIs are not swapped."
        )
    return VbqResult(
        vbq_t1=values.get(ScoreName.VBQ_T1),
        vbq_t2=values.get(ScoreName.VBQ_T2),
        vbq_stir=values.get(ScoreName.VBQ_STIR),
        vbq_t2_stir=values.get(ScoreName.VBQ_T2_STIR),
        method=agg,
        levels_used={s: sel.levels_used for s, sel in selections.items()},
        substitutions={s: dict(sel.substitutions) for s, sel in selections.items()},
        not_computed=not_computed,
        warnings=tuple(warnings),
        inputs=measurements,
    )


def _merge_warnings(selections: Mapping[ScoreName, LevelSelection]) -> list[str]:
    """A warning shared by every score is given once; one that is not names its score."""
    out: list[str] = []
    for name, sel in selections.items():
        for text in sel.warnings:
            shared = all(text in other.warnings for other in selections.values())
            out.append(text if shared else f"{name.label}: {text}")
    return list(dict.fromkeys(out))
