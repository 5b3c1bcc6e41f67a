"""The result of comparing one case with the cut-off library: per entry, and grouped by target."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from vbqcore.literature.entries import LibraryEntry
from vbqcore.literature.targets import Target, TargetGroup
from vbqcore.literature.zones import FieldMatch, Zone

__all__ = ["LiteratureComparison", "LiteratureReading"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiteratureComparison:
    """One library entry against the case.

    ``applicable`` is False with a ``reason`` when the case cannot compute the source's score
    or the source gives no threshold. Otherwise ``value`` is the case's score on the source's
    definition (``how`` says how it was computed), ``low``/``high`` its interval, ``zone`` the
    side of the threshold and ``likelihood_ratio`` LR+ (above) or LR− (below) when the source
    gives sensitivity and specificity (none when borderline). ``cautions`` list every
    difference from the derivation study.
    """

    entry: LibraryEntry
    applicable: bool
    reason: str | None
    value: float | None
    low: float | None
    high: float | None
    zone: Zone | None
    likelihood_ratio: float | None
    field_match: FieldMatch
    how: str | None
    cautions: tuple[str, ...]

    @property
    def sentence(self) -> str:
        """``"VBQ-T1 3.21 is above the 3.02 cut-off for osteoporosis (Hu 2024)."``."""
        e = self.entry
        if not self.applicable or self.value is None or self.zone is None:
            return f"{e.score.label}, {e.short_ref}: not applied — {self.reason}"
        assert e.threshold is not None  # applicable entries have one
        side = {
            Zone.BELOW: "below",
            Zone.ABOVE: "above",
            Zone.BORDERLINE: "borderline to",
        }[self.zone]
        interval = (
            ""
            if self.low is None or self.high is None or self.low == self.high
            else f" (interval {self.low:.3f}–{self.high:.3f})"
        )
        lr = (
            ""
            if self.likelihood_ratio is None
            else f"; likelihood ratio {self.likelihood_ratio:.2f}"
        )
        return (
            f"{self.value:.3f}{interval} is {side} the {e.threshold:g} cut-off for "
            f"{e.target.label[0].lower()}{e.target.label[1:]} ({e.short_ref}){lr}."
        )

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {
            "id": e.id,
            "score": e.score.name,
            "score_label": e.score.label,
            "target": e.target.value,
            "target_group": e.target.group.value,
            "threshold": e.threshold,
            "threshold_kind": e.threshold_kind,
            "direction": e.direction,
            "auc": e.auc,
            "sensitivity": e.sensitivity,
            "specificity": e.specificity,
            "field_strength_t": e.field_strength_t,
            "doi": e.doi,
            "citation": e.citation,
            "cohort": dict(e.cohort),
            "scanner": e.scanner,
            "applicable": self.applicable,
            "reason": self.reason,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "zone": None if self.zone is None else self.zone.value,
            "likelihood_ratio": self.likelihood_ratio,
            "field_strength_match": self.field_match.value,
            "how": self.how,
            "cautions": list(self.cautions),
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class LiteratureReading:
    """Every library entry against one case, with the default target the user picked."""

    target_group: TargetGroup | None
    comparisons: tuple[LiteratureComparison, ...]
    field_strength_t: float | None

    @property
    def applicable(self) -> tuple[LiteratureComparison, ...]:
        return tuple(c for c in self.comparisons if c.applicable)

    @property
    def not_applicable(self) -> tuple[LiteratureComparison, ...]:
        return tuple(c for c in self.comparisons if not c.applicable)

    def by_target(self, *, applicable: bool = True) -> dict[Target, list[LiteratureComparison]]:
        """Comparisons grouped by target condition: the default group's targets first, then
        the others in ``Target`` order; within a target the highest AUC first."""
        groups: dict[Target, list[LiteratureComparison]] = {}
        for target in self._target_order():
            rows = [c for c in self.comparisons if c.entry.target is target]
            rows = [c for c in rows if c.applicable is applicable]
            if rows:
                groups[target] = sorted(rows, key=lambda c: -(c.entry.auc or 0.0))
        return groups

    def _target_order(self) -> list[Target]:
        first = [t for t in Target if self.target_group and t.group is self.target_group]
        return first + [t for t in Target if t not in first]

    @property
    def summary(self) -> str:
        """Which thresholds were used and why, in one paragraph (for the report)."""
        used = self.applicable
        focus = (
            f"Default target: {self.target_group.label.lower()}. "
            if self.target_group
            else "No default target chosen: every target is shown. "
        )
        field = (
            f"the scan's field strength is {self.field_strength_t:g} T"
            if self.field_strength_t is not None
            else "the scan's field strength is unknown"
        )
        return (
            f"{focus}{len(used)} of {len(self.comparisons)} published thresholds apply to "
            "this case: those whose score the case can compute from its SIs (same sequence, "
            "and L1–L4 with the source's mean or median, or the single body it used) and that "
            f"report a threshold; {field}, and each threshold says whether it matches. "
            "Research use only: every threshold comes from one cohort and scanner."
        )

    def report_lines(self) -> list[str]:
        """Plain-text lines for a report section: summary, then applicable thresholds grouped
        by target (default target first), then the non-applicable ones with the reason."""
        lines = [self.summary]
        for target, rows in self.by_target().items():
            mark = " (default target)" if target.group is self.target_group else ""
            lines.append(f"{target.label}{mark}:")
            for c in rows:
                lines.append(f"  - {c.entry.score.label}: {c.sentence}")
                if c.entry.threshold_kind:
                    lines.append(f"    Threshold: {c.entry.threshold_kind}.")
                lines.append(
                    f"    {c.entry.citation} doi:{c.entry.doi}. Cohort: "
                    f"{c.entry.cohort.get('indication') or 'not reported'}. Scanner: "
                    f"{c.entry.scanner} (field strength {c.field_match.value})."
                )
                lines.extend(f"    Caution: {text}" for text in c.cautions)
        if self.not_applicable:
            lines.append("Not applicable to this case:")
            lines.extend(f"  - {c.sentence}" for c in self.not_applicable)
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_group": None if self.target_group is None else self.target_group.value,
            "field_strength_t": self.field_strength_t,
            "summary": self.summary,
            "comparisons": [c.to_dict() for c in self.comparisons],
        }
