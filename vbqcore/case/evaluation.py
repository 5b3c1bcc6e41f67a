"""From a case's labelled ROIs to per-level SIs, VBQ scores and their interpretation."""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.model import Case, SequenceCase
from vbqcore.cutoffs import Cutoff
from vbqcore.errors import CutoffError, RoiError, ScoreError
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.interpretation import Interpretation, interpret
from vbqcore.measurements import MEASURED_SEQUENCES, CaseMeasurements, SequenceMeasurement
from vbqcore.roi.measure import RoiStats, measure_roi
from vbqcore.score_uncertainty import score_intervals
from vbqcore.uncertainty import IntervalMethod
from vbqcore.vbq import VbqResult, compute_vbq

__all__ = [
    "SequenceStats",
    "CaseEvaluation",
    "MeasuredSequence",
    "measure_sequence",
    "remeasure",
    "evaluate_case",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SequenceStats:
    """What one sequence's ROIs measure.

    ``stats`` and ``errors`` are aligned with the sequence's ROIs (``None`` where the ROI was
    measured / could not be). ``levels`` and ``csf`` are the ROI mean SIs (scanner units for
    DICOM) of uniquely labelled ROIs; ``problems`` say what is missing or wrong; ``conflicts``
    are labels given to more than one ROI, which keep the sequence out of every score (which
    ROI is meant cannot be guessed).
    """

    sequence: Sequence
    stats: tuple[RoiStats | None, ...]
    errors: tuple[str | None, ...]
    levels: Mapping[Level, float]
    csf: float | None
    problems: tuple[str, ...]
    source: SliceSource | None
    conflicts: tuple[str, ...] = ()
    sems: Mapping[str, float] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """True when the sequence can enter a score: a CSF SI, a body SI, no label twice."""
        return not self.conflicts and self.csf is not None and bool(self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence.value,
            "rois": [None if s is None else s.to_dict() for s in self.stats],
            "errors": list(self.errors),
            "levels": {lv.value: si for lv, si in self.levels.items()},
            "csf": self.csf,
            "problems": list(self.problems),
            "source": None if self.source is None else self.source.value,
            "conflicts": list(self.conflicts),
            "sems": {k: (None if math.isnan(v) else v) for k, v in self.sems.items()},
        }


@dataclass(frozen=True)
class CaseEvaluation:
    """Everything the scores panel and the exports show, computed from one ``Case``.

    ``problems`` say what the user still has to do for a score (no CSF ROI, a level labelled
    twice); ``warnings`` are caveats on the numbers shown (clipped ROIs, substituted levels,
    scanner mismatch, screenshot SIs). ``protocol`` is the scan's, used for the interpretation.
    """

    sequences: Mapping[Sequence, SequenceStats]
    measurements: CaseMeasurements | None
    result: VbqResult | None
    interpretation: Interpretation | None
    problems: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    protocol: Protocol | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequences": {s.value: st.to_dict() for s, st in self.sequences.items()},
            "measurements": None if self.measurements is None else self.measurements.to_dict(),
            "result": None if self.result is None else self.result.to_dict(),
            "interpretation": None
            if self.interpretation is None
            else self.interpretation.to_dict(),
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "protocol": None if self.protocol is None else self.protocol.to_dict(),
        }


def measure_sequence(state: SequenceCase) -> SequenceStats:
    """Measure every ROI of one sequence on its shown slice and collect per-level SIs."""
    seq, slice_ = state.sequence.value, state.slice
    if slice_ is None:
        waiting: tuple[str, ...] = ()
        if state.rois:
            waiting = (
                f"{seq}: {len(state.rois)} ROI(s) waiting for the {seq} images: upload them.",
            )
        return SequenceStats(state.sequence, (), (), {}, None, waiting, None)
    stats: list[RoiStats | None] = []
    errors: list[str | None] = []
    for i, roi in enumerate(state.rois):
        try:
            stats.append(measure_roi(slice_, roi, index=i))
            errors.append(None)
        except RoiError as err:
            stats.append(None)
            errors.append(str(err).replace(f"ROI at index {i}", f"ROI #{i + 1}"))
    where: dict[str, list[int]] = {}
    for i, roi in enumerate(state.rois):
        if roi.label and stats[i] is not None:
            where.setdefault(roi.label, []).append(i)
    problems = [
        f"{seq}: {label} is the label of ROIs "
        + ", ".join(f"#{i + 1}" for i in idx)
        + f"; give {label} to one ROI only."
        for label, idx in where.items()
        if len(idx) > 1
    ]
    conflicts = tuple(label for label, idx in where.items() if len(idx) > 1)
    problems += [f"{seq}: {e}" for e in errors if e is not None]
    unique = {label: idx[0] for label, idx in where.items() if len(idx) == 1}
    levels = {Level(label): _mean(stats[i]) for label, i in unique.items() if label != CSF}
    levels = dict(sorted(levels.items(), key=lambda kv: kv[0].order))
    csf = _mean(stats[unique[CSF]]) if CSF in unique else None
    if not state.rois:
        problems.append(f"{seq}: no ROI drawn yet.")
    if state.rois and csf is None and CSF not in where:
        problems.append(f"{seq}: no ROI is labelled CSF; draw one in the thecal sac at L3.")
    if state.rois and not levels and not any(lab in Level.__members__ for lab in where):
        problems.append(f"{seq}: no ROI is labelled with a level (L1-L4, or T12/L5).")
    sems = {label: _sem(stats[i]) for label, i in unique.items()}
    return SequenceStats(
        state.sequence,
        tuple(stats),
        tuple(errors),
        levels,
        csf,
        tuple(problems),
        slice_.source,
        conflicts,
        sems,
    )


def _sem(stats: RoiStats | None) -> float:
    """Standard error of an ROI mean, SD / sqrt(n) (pixels taken as independent); NaN for one
    pixel, whose SD is undefined."""
    assert stats is not None  # callers pass measured ROIs only
    if stats.n_pixels < 2 or math.isnan(stats.sd):
        return math.nan
    return stats.sd / math.sqrt(stats.n_pixels)


def _mean(stats: RoiStats | None) -> float:
    assert stats is not None  # callers pass measured ROIs only
    return stats.mean


def _protocol(case: Case, used: Iterable[Sequence]) -> tuple[Protocol | None, list[str]]:
    """The scan's protocol for the interpretation, and a warning when sequences disagree."""
    protocols = [
        s.series.protocol
        for q in used
        if (s := case[q]).series is not None
        and s.slice is not None
        and s.slice.source is SliceSource.DICOM
    ]
    if not protocols:
        return None, []
    fields = {(p.manufacturer, p.field_strength_t) for p in protocols}
    warnings = []
    if len(fields) > 1:
        described = "; ".join(
            f"{m or 'unknown vendor'} {f or '?'} T" for m, f in sorted(fields, key=str)
        )
        warnings.append(
            f"The sequences come from different scanners or field strengths ({described}): "
            "the VBQ assumes one scan; check that the series belong to the same exam."
        )
    return protocols[0], warnings


def _score(measurements: CaseMeasurements, case: Case) -> tuple[VbqResult | None, list[str]]:
    """``compute_vbq``; if it fails, the largest subset of sequences that works, and why."""
    try:
        return compute_vbq(measurements, method=case.method), []
    except ScoreError as err:
        problems = [str(err)]
    seqs = list(measurements.sequences)
    for size in range(len(seqs) - 1, 0, -1):
        for subset in itertools.combinations(seqs, size):
            part = CaseMeasurements(
                {s: measurements.sequences[s] for s in subset},
                fractured=measurements.fractured,
                csf_level=measurements.csf_level,
            )
            try:
                return compute_vbq(part, method=case.method), problems
            except ScoreError:
                continue
    return None, problems


@dataclass(frozen=True, eq=False)
class MeasuredSequence:
    """A sequence's :class:`SequenceStats` with the state it was measured from: still valid
    while that sequence's series (the same object), slice and ROIs are unchanged."""

    state: SequenceCase
    stats: SequenceStats

    def matches(self, state: SequenceCase) -> bool:
        """Whether ``state`` would measure the same: every input of :func:`measure_sequence`."""
        old = self.state
        return (
            old.sequence is state.sequence
            and old.series is state.series
            and old.slice_index == state.slice_index
            and old.rois == state.rois
            and old.grid == state.grid
        )


def remeasure(
    case: Case, previous: Mapping[Sequence, MeasuredSequence] | None = None
) -> dict[Sequence, MeasuredSequence]:
    """Measure every sequence of ``case``, reusing the ``previous`` result of each sequence
    whose series, slice and ROIs are unchanged (an ROI drawn on T1 does not measure T2 and
    STIR again)."""
    out: dict[Sequence, MeasuredSequence] = {}
    for seq in MEASURED_SEQUENCES:
        state = case[seq]
        old = (previous or {}).get(seq)
        out[seq] = (
            old
            if old is not None and old.matches(state)
            else MeasuredSequence(state, measure_sequence(state))
        )
    return out


def evaluate_case(
    case: Case,
    *,
    cutoffs: Iterable[Cutoff] | None = None,
    interval_method: IntervalMethod | str = IntervalMethod.ROI_SEM,
    measured: Mapping[Sequence, MeasuredSequence] | None = None,
) -> CaseEvaluation:
    """Measure every ROI, compute every computable VBQ score and interpret it.

    Each score's interval comes from its ROIs' standard errors (``interval_method="roi_sem"``,
    the default; the observer-agreement model where an ROI has no spread) or from the observer
    agreement of Huang et al. 2026 (``"observer_agreement"``). A score from screenshot SIs is
    not interpretable against the published cut-offs. Never raises for something the user can
    fix on the page: such things become ``problems``. ``measured``: earlier results of
    :func:`remeasure`, each reused only while it still matches its sequence.
    """
    per_seq = {s: m.stats for s, m in remeasure(case, measured).items()}
    problems = [p for st in per_seq.values() for p in st.problems]
    warnings = [w for st in per_seq.values() for s in st.stats if s is not None for w in s.warnings]
    sequences: dict[Sequence, SequenceMeasurement] = {}
    for seq, st in per_seq.items():
        if not st.usable:
            continue
        try:
            sequences[seq] = SequenceMeasurement(seq, st.levels, st.csf)
        except ScoreError as err:
            problems.append(str(err))
    if not sequences:
        return CaseEvaluation(per_seq, None, None, None, tuple(problems), tuple(warnings))
    measurements = CaseMeasurements(sequences, fractured=case.fractured, csf_level=case.csf_level)
    result, score_problems = _score(measurements, case)
    problems += score_problems
    if result is None:
        return CaseEvaluation(per_seq, measurements, None, None, tuple(problems), tuple(warnings))
    protocol, scanner = _protocol(case, result.inputs.sequences)
    warnings += scanner + list(result.warnings)
    sources = {st.source for q, st in per_seq.items() if q in result.inputs.sequences}
    shots = [
        q
        for q, st in per_seq.items()
        if q in result.inputs.sequences and st.source is SliceSource.SCREENSHOT
    ]
    spread = {q: st.sems for q, st in per_seq.items()}
    try:
        interpretation: Interpretation | None = interpret(
            result,
            protocol=protocol,
            pretest_probability=case.pretest_probability,
            cutoffs=cutoffs,
            sources={s for s in sources if s is not None},
            intervals=score_intervals(result, spread=spread, method=interval_method),
            screenshot_sequences=shots,
        )
    except CutoffError as err:
        problems.append(str(err))
        interpretation = None
    if interpretation is not None:
        warnings += list(interpretation.warnings)
    return CaseEvaluation(
        per_seq,
        measurements,
        result,
        interpretation,
        tuple(dict.fromkeys(problems)),
        tuple(dict.fromkeys(warnings)),
        protocol,
    )
