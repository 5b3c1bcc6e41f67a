"""What a VBQ score means against published cut-offs: its zone (below / borderline / above, with
its measurement interval), likelihood ratios, post-test probability and a bottom line."""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vbqcore.anatomy import Sequence
from vbqcore.bottom_line import bottom_line
from vbqcore.cutoffs import Cutoff, load_cutoffs
from vbqcore.errors import CutoffError
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.scanner_match import cutoff_source as _short
from vbqcore.scanner_match import scanner_warnings
from vbqcore.score_uncertainty import score_intervals
from vbqcore.uncertainty import IntervalMethod, ScoreInterval, Zone, classify
from vbqcore.vbq import SCORE_SEQUENCES, ScoreName, VbqResult

__all__ = [
    "CutoffComparison",
    "Interpretation",
    "NOT_INTERPRETABLE",
    "interpret",
    "likelihood_ratios",
    "posttest_probability",
    "scanner_warnings",
]

logger = logging.getLogger(__name__)

_SCREENSHOT_WARNING = (
    "Some SIs come from screenshots: these are display values after windowing, not scanner "
    "values, so the VBQ and its comparison with published cut-offs are unreliable."
)
#: First words of every sentence about a screenshot-derived score.
NOT_INTERPRETABLE = "not interpretable against the published cut-offs"


def likelihood_ratios(sensitivity: float, specificity: float) -> tuple[float | None, float | None]:
    """LR+ = sens / (1 - spec) and LR- = (1 - sens) / spec; ``None`` where a divisor is 0.

    Both in (0, inf): LR+ multiplies the pre-test odds after a positive result (score at or above
    the cut-off), LR- after a negative one (Deeks & Altman, BMJ 2004;329:168-169).
    """
    for name, p in (("sensitivity", sensitivity), ("specificity", specificity)):
        if not 0.0 <= p <= 1.0:
            raise CutoffError(f"{name} {p:g} must be a proportion in [0, 1].")
    lr_pos = None if specificity == 1.0 else sensitivity / (1.0 - specificity)
    lr_neg = None if specificity == 0.0 else (1.0 - sensitivity) / specificity
    return lr_pos, lr_neg


def posttest_probability(pretest: float, likelihood_ratio: float) -> float:
    """Bayes in odds form: post-odds = pre-odds x LR, returned as a probability.

    Parameters
    ----------
    pretest : float
        Probability of the outcome before the test, strictly between 0 and 1.
    likelihood_ratio : float
        LR+ or LR- of the result, >= 0.
    """
    _check_pretest(pretest)
    if not (math.isfinite(likelihood_ratio) and likelihood_ratio >= 0):
        raise CutoffError(f"likelihood ratio {likelihood_ratio!r} must be a finite number >= 0.")
    odds = pretest / (1.0 - pretest) * likelihood_ratio
    return odds / (1.0 + odds)


def _check_pretest(pretest: float) -> None:
    if not (isinstance(pretest, int | float) and math.isfinite(pretest) and 0 < pretest < 1):
        raise CutoffError(
            f"pre-test probability {pretest!r} must be strictly between 0 and 1 (e.g. 0.2 for 20%)."
        )


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%"


@dataclass(frozen=True)
class CutoffComparison:
    """One score against one cut-off: side, sens/spec, likelihood ratios, post-test probability.

    ``at_or_above`` is ``score >= cutoff``: Youden cut-offs from SPSS ROC tables are midpoints
    between adjacent observed values, and SPSS counts a case positive when it is "greater than or
    equal to" the cut-off, so ``>=`` matches how sensitivity and specificity were counted.
    ``likelihood_ratio`` is LR+ when at or above, else LR-.

    ``interval`` is the score's measurement interval and ``zone`` where it sits against the
    cut-off (:func:`vbqcore.uncertainty.classify`): a borderline score has no single post-test
    probability (``posttest_range`` gives it for either side instead). A score from screenshot
    SIs is not ``interpretable``: no zone, no post-test probability.
    """

    cutoff: Cutoff
    value: float
    at_or_above: bool
    lr_positive: float | None
    lr_negative: float | None
    pretest_probability: float | None
    posttest_probability: float | None
    sentence: str
    warnings: tuple[str, ...]
    interval: ScoreInterval | None = None
    zone: Zone | None = None
    interpretable: bool = True
    posttest_range: tuple[float, float] | None = None

    @property
    def score(self) -> ScoreName:
        return self.cutoff.score

    @property
    def likelihood_ratio(self) -> float | None:
        return self.lr_positive if self.at_or_above else self.lr_negative

    def to_dict(self) -> dict[str, Any]:
        c = self.cutoff
        position = "below" if not self.at_or_above else "at" if self.value == c.value else "above"
        return {
            "cutoff_id": c.id,
            "score": c.score.value,
            "value": self.value,
            "cutoff": c.value,
            "position": position,
            "at_or_above": self.at_or_above,
            "sensitivity": c.sensitivity,
            "specificity": c.specificity,
            "auc": c.auc,
            "auc_ci": None if c.auc_ci is None else list(c.auc_ci),
            "lr_positive": self.lr_positive,
            "lr_negative": self.lr_negative,
            "likelihood_ratio": self.likelihood_ratio,
            "pretest_probability": self.pretest_probability,
            "posttest_probability": self.posttest_probability,
            "outcome": c.outcome,
            "method": c.method.value,
            "scanner": c.scanner,
            "cohort": c.cohort,
            "citation": c.citation,
            "doi": c.doi,
            "table": c.table,
            "sentence": self.sentence,
            "warnings": list(self.warnings),
            "zone": None if self.zone is None else self.zone.value,
            "interval": None if self.interval is None else [self.interval.low, self.interval.high],
            "interval_method": None if self.interval is None else str(self.interval.method),
            "interval_level": None if self.interval is None else self.interval.level,
            "interpretable": self.interpretable,
            "posttest_range": None if self.posttest_range is None else list(self.posttest_range),
        }


@dataclass(frozen=True)
class Interpretation:
    """Every applicable comparison, shared warnings (deduplicated) and reference-only notes,
    each computed score's measurement interval, and the one-sentence bottom line."""

    comparisons: tuple[CutoffComparison, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    pretest_probability: float | None
    intervals: Mapping[ScoreName, ScoreInterval] = field(default_factory=dict)
    bottom_line: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "comparisons": [c.to_dict() for c in self.comparisons],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "pretest_probability": self.pretest_probability,
            "intervals": {s.value: iv.to_dict() for s, iv in self.intervals.items()},
            "bottom_line": self.bottom_line,
        }


def _sentence(
    cutoff: Cutoff, value: float, at_or_above: bool, interval: ScoreInterval, zone: Zone
) -> str:
    sens, spec = cutoff.sensitivity, cutoff.specificity
    assert sens is not None and spec is not None and cutoff.value is not None  # Cutoff.usable
    label = cutoff.score.label
    pos, neg = cutoff.positive_group, cutoff.negative_group
    shown = f"{label} {value:.3f} ({interval.text()})"
    if zone is Zone.BORDERLINE:
        return (
            f"{shown} is borderline: its interval contains the {cutoff.value:g} cut-off, so "
            "measurement uncertainty alone could put it on either side; it is read as neither "
            "above nor below."
        )
    if at_or_above:
        side = "at" if value == cutoff.value else "above"
        return (
            f"{shown} is {side} the {cutoff.value:g} cut-off: in the derivation "
            f"cohort {_pct(sens)} of {pos} and {_pct(1 - spec)} of {neg} scored this high."
        )
    return (
        f"{shown} is below the {cutoff.value:g} cut-off: in the derivation cohort "
        f"{_pct(1 - sens)} of {pos} and {_pct(spec)} of {neg} scored this low."
    )


def _screenshot_sentence(cutoff: Cutoff, value: float) -> str:
    return (
        f"{cutoff.score.label} {value:.3f} is {NOT_INTERPRETABLE}: it comes from screenshot "
        "pixels (display values after windowing, not scanner SIs), so the "
        f"{cutoff.value:g} cut-off of {_short(cutoff)} does not apply; the ratio is shown for "
        "research use within this image only."
    )


def _compare(
    result: VbqResult,
    cutoff: Cutoff,
    value: float,
    *,
    protocol: Protocol | None,
    pretest: float | None,
    screenshot: bool,
    interval: ScoreInterval,
) -> CutoffComparison:
    assert cutoff.value is not None and cutoff.sensitivity is not None  # Cutoff.usable
    assert cutoff.specificity is not None
    at_or_above = value >= cutoff.value
    lr_pos, lr_neg = likelihood_ratios(cutoff.sensitivity, cutoff.specificity)
    lr = lr_pos if at_or_above else lr_neg
    zone: Zone | None = classify(value, interval, cutoff.value, higher_is_risk=True)
    post = None if pretest is None or lr is None else posttest_probability(pretest, lr)
    post_range: tuple[float, float] | None = None
    if screenshot:
        zone, post, sentence = None, None, _screenshot_sentence(cutoff, value)
    else:
        assert zone is not None
        sentence = _sentence(cutoff, value, at_or_above, interval, zone)
    if zone is Zone.BORDERLINE:
        post = None
        if pretest is not None and lr_pos is not None and lr_neg is not None:
            post_range = (
                posttest_probability(pretest, lr_neg),
                posttest_probability(pretest, lr_pos),
            )
            sentence += (
                f" With a pre-test probability of {100 * pretest:.1f}%, the post-test probability "
                f"of {cutoff.outcome} lies between {100 * post_range[0]:.1f}% (if below) and "
                f"{100 * post_range[1]:.1f}% (if above)."
            )
    if post is not None and pretest is not None and lr is not None:
        sentence += (
            f" With a pre-test probability of {100 * pretest:.1f}%, the post-test probability "
            f"of {cutoff.outcome} is {100 * post:.1f}% (likelihood ratio {lr:.2f})."
        )
    warnings = scanner_warnings(cutoff, protocol)
    label = cutoff.score.label
    if result.method is not cutoff.method:
        warnings.append(
            f"{label} was computed with the {result.method.value} of the levels, but the "
            f"{cutoff.value:g} cut-off ({_short(cutoff)}) was derived with the "
            f"{cutoff.method.value}: the comparison is approximate."
        )
    subs = result.substitutions.get(cutoff.score) or {}
    if subs:
        pairs = ", ".join(f"{k.value}->{v.value}" for k, v in subs.items())
        warnings.append(
            f"{label}: fractured level(s) replaced ({pairs}), as in the derivation study; a "
            "substitute body's SI can differ from the one it replaces, so read the comparison "
            "with care."
        )
    if screenshot:
        warnings.append(_SCREENSHOT_WARNING)
    return CutoffComparison(
        cutoff,
        value,
        at_or_above,
        lr_pos,
        lr_neg,
        pretest,
        post,
        sentence,
        tuple(warnings),
        interval,
        zone,
        not screenshot,
        post_range,
    )


def interpret(
    result: VbqResult,
    *,
    protocol: Protocol | None = None,
    pretest_probability: float | None = None,
    cutoffs: Iterable[Cutoff] | None = None,
    sources: Collection[SliceSource] = (),
    intervals: Mapping[ScoreName, ScoreInterval] | None = None,
    screenshot_sequences: Collection[Sequence] | None = None,
) -> Interpretation:
    """Compare each computed score with every published cut-off for it.

    Parameters
    ----------
    result : VbqResult
        Scores to interpret.
    protocol : Protocol, optional
        The scan's field strength (tesla) and manufacturer; ``None`` means unknown (warned).
    pretest_probability : float, optional
        Probability of the cut-off's outcome (e.g. OVCF) before the scan, in (0, 1). When given,
        each comparison carries the post-test probability; by default none is shown.
    cutoffs : iterable of Cutoff, optional
        The table to use; the packaged published table by default.
    sources : collection of SliceSource
        Where the SIs came from; any ``SCREENSHOT`` adds a warning and makes the scores
        :data:`NOT_INTERPRETABLE` (all of them, unless ``screenshot_sequences`` says which).
    intervals : mapping of ScoreName to ScoreInterval, optional
        Each score's measurement interval (:func:`vbqcore.score_uncertainty.score_intervals`);
        a score missing here gets the observer-agreement interval, so every score has one.
    screenshot_sequences : collection of Sequence, optional
        The sequences whose SIs come from screenshots; a score is not interpretable when any of
        its sequences is one of them.

    Returns
    -------
    Interpretation
        Comparisons in table order; cut-offs without a confirmed threshold become notes.
    """
    if pretest_probability is not None:
        _check_pretest(pretest_probability)
    table = load_cutoffs() if cutoffs is None else tuple(cutoffs)
    screenshot = SliceSource.SCREENSHOT in set(sources)
    shot_seqs: set[Sequence] = set(MEASURED_SEQUENCES)
    if screenshot_sequences is not None:
        shot_seqs = set(screenshot_sequences)
        screenshot = screenshot or bool(shot_seqs)
    fallback = score_intervals(result, method=IntervalMethod.OBSERVER_AGREEMENT)
    chosen = {name: (intervals or {}).get(name) or fallback[name] for name in result.computed}
    comparisons: list[CutoffComparison] = []
    notes: list[str] = []
    for name in result.computed:
        value = result.score(name)
        assert value is not None  # computed scores have values
        mine = [c for c in table if c.score is name]
        if not mine:
            notes.append(f"No published cut-off in the table for {name.label}.")
        for cutoff in mine:
            if not cutoff.usable:
                auc = f" with AUC {cutoff.auc:g}" if cutoff.auc is not None else ""
                notes.append(
                    f"{_short(cutoff)}: {name.label} ({cutoff.method.value}) predicted "
                    f"{cutoff.outcome}{auc}; no threshold could be confirmed, so none is applied."
                )
                continue
            from_shot = screenshot and bool(shot_seqs & set(SCORE_SEQUENCES[name]))
            comparisons.append(
                _compare(
                    result,
                    cutoff,
                    value,
                    protocol=protocol,
                    pretest=pretest_probability,
                    screenshot=from_shot,
                    interval=chosen[name],
                )
            )
    warnings = [w for c in comparisons for w in c.warnings]
    if screenshot and not comparisons:
        warnings.append(_SCREENSHOT_WARNING)
    return Interpretation(
        tuple(comparisons),
        tuple(dict.fromkeys(warnings)),
        tuple(notes),
        pretest_probability,
        chosen,
        bottom_line(comparisons, computed=result.computed, screenshot=screenshot),
    )
