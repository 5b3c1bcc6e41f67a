"""A measured case against the cut-off library: which thresholds apply, and on which side it lies.

Applicability rules (each entry of :mod:`vbqcore.literature.library`):

* **Score definition.** The case must be able to compute the source's score from its SIs: the
  same sequence(s); L1–L4 bodies with the source's aggregate (a median threshold is compared
  with the median of the case's SIs, recomputed, even when the case reports the mean); or a
  single body (T12) measured on that sequence. Cervical and sacral (S1) scores cannot be
  computed from a lumbar T12–L5 case. An aggregate the source does not state is compared with
  the case's own, with a caution.
* **Threshold.** An entry without a threshold is listed for reference, never compared.
* **Field strength and vendor.** Match, mismatch or unknown is shown for every entry; VBQ
  values differ between field strengths (in one centre the mean VBQ was 2.769 at 1.5 T and
  2.199 at 3.0 T, J Orthop Surg Res 2023, doi:10.1186/s13018-023-04268-5, abstract), so a
  mismatch is a caution (``strict_field_strength=True`` makes it a reason not to apply).
* **Levels.** Bodies that differ from the source's (a fractured body replaced, a body not
  measured) and a CSF ROI at another level are cautions.

Zone logic (the same as the main cut-offs' borderline zone, issue 18): given the score's
interval ``[low, high]`` (a single value when no interval is known), the case is *below* when
``high < threshold``, *above* when ``low > threshold`` and *borderline* when the interval
contains the threshold.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from vbqcore.anatomy import Level, Sequence
from vbqcore.errors import CutoffError, ScoreError
from vbqcore.imaging.slices import Protocol
from vbqcore.literature.entries import LibraryEntry
from vbqcore.literature.library import load_library
from vbqcore.literature.reading import LiteratureComparison, LiteratureReading
from vbqcore.literature.targets import TargetGroup
from vbqcore.literature.zones import FieldMatch, Zone, zone_for
from vbqcore.vbq import Aggregate, ScoreName, VbqResult, compute_vbq

__all__ = ["read_literature"]

logger = logging.getLogger(__name__)

_FIELD_TOLERANCE_T = 0.05
_CORE = ("L1", "L2", "L3", "L4")
_SCORE_OF_SEQUENCE = {
    "T1": ScoreName.VBQ_T1,
    "T2": ScoreName.VBQ_T2,
    "STIR": ScoreName.VBQ_STIR,
    "T2-STIR": ScoreName.VBQ_T2_STIR,
}
_FIELD_NOTE = (
    "VBQ values differ between field strengths (mean 2.769 at 1.5 T vs 2.199 at 3.0 T in one "
    "centre, doi:10.1186/s13018-023-04268-5)"
)


def read_literature(
    result: VbqResult,
    *,
    protocol: Protocol | None = None,
    target_group: TargetGroup | None = None,
    intervals: Mapping[ScoreName, tuple[float, float]] | None = None,
    entries: Iterable[LibraryEntry] | None = None,
    strict_field_strength: bool = False,
    screenshot_sequences: Iterable[Sequence] = (),
) -> LiteratureReading:
    """Compare a case with every entry of the cut-off library.

    Parameters
    ----------
    result : VbqResult
        The case's scores and the SIs they came from (recomputed for other aggregates/levels).
    protocol : Protocol, optional
        Field strength (tesla) and manufacturer of the scan; ``None`` = unknown.
    target_group : TargetGroup, optional
        The user's default target; it orders the groups and is named in the summary.
    intervals : mapping of ScoreName to (low, high), optional
        The interval of each of the case's own scores (e.g. from measurement uncertainty,
        issue 18). Used only where the comparison uses that score unchanged (same aggregate
        and L1–L4); a recomputed score is compared as a single value.
    entries : iterable of LibraryEntry, optional
        The library; the packaged one by default.
    strict_field_strength : bool
        Treat a field-strength mismatch as a reason not to apply (default: a caution).
    screenshot_sequences : iterable of Sequence
        Sequences whose SIs come from screenshots (display values after windowing, not scanner
        SIs): a threshold needing one of them is not applied, with the reason, as the main
        interpretation calls such scores not interpretable against published cut-offs.
    """
    library = load_library() if entries is None else tuple(entries)
    field = protocol.field_strength_t if protocol else None
    cache: dict[Aggregate, VbqResult] = {result.method: result}
    shots = {Sequence(s) for s in screenshot_sequences}
    rows = [
        _screenshot_row(e, shots, protocol)
        or _compare(
            e,
            result,
            protocol,
            intervals or {},
            cache,
            strict_field_strength=strict_field_strength,
        )
        for e in library
    ]
    return LiteratureReading(target_group, tuple(rows), field)


def _field_match(entry: LibraryEntry, field: float | None) -> FieldMatch:
    if field is None or entry.field_strength_t is None:
        return FieldMatch.UNKNOWN
    if abs(field - entry.field_strength_t) <= _FIELD_TOLERANCE_T:
        return FieldMatch.MATCH
    return FieldMatch.MISMATCH


def _scanner_cautions(entry: LibraryEntry, protocol: Protocol | None) -> list[str]:
    field = protocol.field_strength_t if protocol else None
    match = _field_match(entry, field)
    out = []
    if match is FieldMatch.MISMATCH:
        out.append(
            f"Scan at {field:g} T, threshold derived at {entry.field_strength_t:g} T: "
            f"{_FIELD_NOTE}."
        )
    elif match is FieldMatch.UNKNOWN:
        side = "the source does not report it" if field is not None else "the scan's is unknown"
        out.append(f"Field strength cannot be compared ({side}).")
    maker = (protocol.manufacturer or "").strip().lower() if protocol else ""
    vendor = (entry.scanner_vendor or "").lower()
    if maker and vendor and vendor not in maker.split() and vendor not in maker:
        out.append(
            f"Scanner vendor {protocol.manufacturer if protocol else ''} differs from the "
            f"source's ({entry.scanner_vendor}); SIs depend on the vendor's sequences."
        )
    return out


def _not_applicable(
    entry: LibraryEntry, reason: str, protocol: Protocol | None
) -> LiteratureComparison:
    field = protocol.field_strength_t if protocol else None
    return LiteratureComparison(
        entry, False, reason, None, None, None, None, None, _field_match(entry, field), None, ()
    )


def _screenshot_row(
    entry: LibraryEntry, shots: set[Sequence], protocol: Protocol | None
) -> LiteratureComparison | None:
    """Not applied when the entry's score needs SIs read from screenshots; else ``None``."""
    needed = {Sequence(s) for s in entry.score.sequence.split("-") if s in Sequence.__members__}
    used = sorted(s.value for s in needed & shots)
    if not used:
        return None
    return _not_applicable(
        entry,
        f"the case's {' and '.join(used)} SIs come from screenshots (display values after "
        "windowing, not scanner SIs): not interpretable against published thresholds.",
        protocol,
    )


def _compare(
    entry: LibraryEntry,
    result: VbqResult,
    protocol: Protocol | None,
    intervals: Mapping[ScoreName, tuple[float, float]],
    cache: dict[Aggregate, VbqResult],
    *,
    strict_field_strength: bool,
) -> LiteratureComparison:
    field = protocol.field_strength_t if protocol else None
    computed = _case_value(entry, result, cache)
    if isinstance(computed, str):
        return _not_applicable(entry, computed, protocol)
    value, how, cautions, own_score = computed
    if entry.threshold is None:
        return _not_applicable(
            entry,
            "the source text read gives no threshold (accuracy shown for reference only).",
            protocol,
        )
    match = _field_match(entry, field)
    if strict_field_strength and match is FieldMatch.MISMATCH:
        return _not_applicable(
            entry,
            f"derived at {entry.field_strength_t:g} T, the scan is at {field:g} T.",
            protocol,
        )
    cautions = cautions + _scanner_cautions(entry, protocol)
    low = high = value
    if own_score is not None and own_score in intervals:
        low, high = (float(x) for x in intervals[own_score])
        if not low <= value <= high:
            raise CutoffError(
                f"{own_score.label}: interval [{low:g}, {high:g}] does not contain the score "
                f"{value:g}; pass the interval of this score."
            )
    zone = zone_for(entry.threshold, low, high)
    lr = (
        entry.lr_positive
        if zone is Zone.ABOVE
        else entry.lr_negative
        if zone is Zone.BELOW
        else None
    )
    return LiteratureComparison(
        entry, True, None, value, low, high, zone, lr, match, how, tuple(cautions)
    )


def _case_value(
    entry: LibraryEntry, result: VbqResult, cache: dict[Aggregate, VbqResult]
) -> tuple[float, str, list[str], ScoreName | None] | str:
    """The case's score on the entry's definition, how it was computed, cautions, and the
    case's own score when used unchanged; or the reason it cannot be computed."""
    score = entry.score
    if score.region == "cervical":
        return "a cervical VBQ is measured on the cervical spine; this case is lumbar."
    unknown = [lv for lv in score.levels if lv not in {v.value for v in Level}]
    if unknown:
        return (
            f"the source measures {', '.join(unknown)}, which this app does not measure "
            "(bodies T12–L5 only)."
        )
    name = _SCORE_OF_SEQUENCE[score.sequence]
    inputs = result.inputs
    needed = [Sequence(s) for s in score.sequence.split("-")]
    missing = [s.value for s in needed if s not in inputs.sequences]
    if missing:
        return f"it needs {' and '.join(missing)} SIs, which were not measured."
    cautions: list[str] = []
    if score.csf_level and score.csf_level != inputs.csf_level.value:
        cautions.append(
            f"CSF measured at {inputs.csf_level.value}, the source measured it at "
            f"{score.csf_level}."
        )
    if len(score.levels) == 1:
        return _single_level(score.levels[0], score.sequence, result, cautions)
    if tuple(score.levels) != _CORE:
        return f"levels {', '.join(score.levels)} are not a definition this app computes."
    own: ScoreName | None = None
    if score.aggregate in ("mean", "median"):
        agg = Aggregate(score.aggregate)
        if agg not in cache:
            try:
                cache[agg] = compute_vbq(inputs, method=agg)
            except ScoreError as err:  # pragma: no cover - same inputs already scored
                return str(err)
        scored = cache[agg]
        if agg is result.method:
            own = name
            how = f"{name.label} with the {agg.value} of the bodies, as the case reports it."
        else:
            how = (
                f"{name.label} recomputed with the {agg.value} of the bodies, as the source "
                f"defines it (the case reports the {result.method.value})."
            )
    else:
        scored, own = result, name
        how = f"{name.label} with the case's {result.method.value} of the bodies."
        cautions.append(
            "The source does not state mean or median (in the text read); compared with the "
            f"case's {result.method.value}."
        )
    value = scored.score(name)
    if value is None:
        why = result.not_computed.get(name, "not computed")
        return f"{name.label} could not be computed ({why})."
    used = scored.levels_used.get(name, ())
    if tuple(lv.value for lv in used) != _CORE:
        cautions.append(
            f"The case used {', '.join(lv.value for lv in used)}; the source used L1–L4."
        )
    return value, how, cautions, own


def _single_level(
    level_name: str, sequence: str, result: VbqResult, cautions: list[str]
) -> tuple[float, str, list[str], ScoreName | None] | str:
    level = Level(level_name)
    inputs = result.inputs
    if level in inputs.fractured:
        return f"{level.value} is marked fractured; the single-level score needs it intact."
    seqs = [Sequence(s) for s in sequence.split("-")]
    meas = [inputs.sequences[s] for s in seqs]
    if any(level not in m.levels for m in meas):
        return f"{level.value} was not measured on {sequence}."
    if len(meas) == 1:
        csf = meas[0].csf
        assert csf is not None  # SequenceMeasurement requires a CSF SI
        value = meas[0].levels[level] / csf
    else:
        t2, stir = meas
        assert t2.csf is not None and stir.csf is not None
        value = (t2.levels[level] - stir.levels[level]) / (t2.csf - stir.csf)
    how = f"{level.value} SI / CSF SI on {sequence} (single-level VBQ), from the case's SIs."
    return value, how, cautions, None
