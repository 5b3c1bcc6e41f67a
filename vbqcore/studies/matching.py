"""The boxes and arrows of a matching flow chart (Huang et al. 2026, Figure 1) from MatchFlow."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from vbqcore.stats.matching import MatchFlow

__all__ = ["BoxKind", "FlowBox", "FlowChart", "flow_chart"]

logger = logging.getLogger(__name__)


class BoxKind(StrEnum):
    """A box on the main path (counts carried down) or a side box (patients leaving it)."""

    MAIN = "main"
    SIDE = "side"


@dataclass(frozen=True)
class FlowBox:
    """One box: ``count`` patients (pairs for the matched box), ``details`` one line per reason.

    ``column`` is -1 (left side), 0 (cases), 1 (controls), 2 (right side) or 0.5 (centred);
    ``stage`` counts down from 0 (all rows); side boxes sit between two stages (0.5, 1.5, …).
    """

    key: str
    title: str
    count: int
    details: tuple[str, ...]
    kind: BoxKind
    column: float
    stage: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "count": self.count,
            "details": list(self.details),
            "kind": self.kind.value,
            "column": self.column,
            "stage": self.stage,
        }


@dataclass(frozen=True)
class FlowChart:
    """Boxes and the arrows between them (``edges``: pairs of box keys, from → to)."""

    boxes: tuple[FlowBox, ...]
    edges: tuple[tuple[str, str], ...]
    note: str

    def box(self, key: str) -> FlowBox:
        for b in self.boxes:
            if b.key == key:
                return b
        raise KeyError(key)

    def table(self) -> pd.DataFrame:
        """The counts as a table (one row per box and reason), for a CSV download."""
        rows = []
        for b in self.boxes:
            rows.append({"box": b.title, "reason": "", "count": b.count})
            rows += [
                {"box": b.title, "reason": reason, "count": n}
                for reason, n in (_split(d) for d in b.details)
            ]
        return pd.DataFrame.from_records(rows, columns=["box", "reason", "count"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "boxes": [b.to_dict() for b in self.boxes],
            "edges": [list(e) for e in self.edges],
            "note": self.note,
        }


def _split(detail: str) -> tuple[str, int]:
    reason, _, n = detail.rpartition(": ")
    return reason, int(n)


def _details(counts: dict[str, int]) -> tuple[str, ...]:
    return tuple(f"{reason}: {n}" for reason, n in counts.items())


def flow_chart(
    flow: MatchFlow, *, case_label: str = "Cases", control_label: str = "Controls"
) -> FlowChart:
    """Lay out the counts of a 1:1 matching as a flow chart, each patient counted once.

    all rows → cases | controls → (excluded: missing sex/age/MR date) → eligible cases |
    eligible controls → (unmatched cases with reasons | unused controls) → matched pairs.
    Rows whose group is blank or another value get a side box next to "all rows".
    """
    boxes = [
        FlowBox("all", "Candidates", flow.n_rows, (), BoxKind.MAIN, 0.5, 0),
        FlowBox("cases", case_label, flow.n_cases, (), BoxKind.MAIN, 0, 1),
        FlowBox("controls", control_label, flow.n_controls, (), BoxKind.MAIN, 1, 1),
        FlowBox(
            "eligible_cases", f"Eligible {case_label.lower()}", flow.eligible_cases, (),
            BoxKind.MAIN, 0, 2,
        ),
        FlowBox(
            "eligible_controls", f"Eligible {control_label.lower()}", flow.eligible_controls,
            (), BoxKind.MAIN, 1, 2,
        ),
        FlowBox(
            "matched", "Matched pairs", flow.matched_pairs,
            (f"patients: {2 * flow.matched_pairs}",), BoxKind.MAIN, 0.5, 3,
        ),
    ]  # fmt: skip
    edges = [
        ("all", "cases"),
        ("all", "controls"),
        ("cases", "eligible_cases"),
        ("controls", "eligible_controls"),
        ("eligible_cases", "matched"),
        ("eligible_controls", "matched"),
    ]
    side = [
        ("other", "Other / no group", flow.n_other, {}, 2, 0, "all"),
        (
            "excluded_cases", "Excluded", sum(flow.excluded_cases.values()),
            flow.excluded_cases, -1, 1.5, "cases",
        ),
        (
            "excluded_controls", "Excluded", sum(flow.excluded_controls.values()),
            flow.excluded_controls, 2, 1.5, "controls",
        ),
        (
            "unmatched_cases", "Not matched", sum(flow.unmatched_cases.values()),
            flow.unmatched_cases, -1, 2.5, "eligible_cases",
        ),
        ("unused_controls", "Not used", flow.unused_controls, {}, 2, 2.5, "eligible_controls"),
    ]  # fmt: skip
    for key, title, count, reasons, column, stage, parent in side:
        if count:
            boxes.append(FlowBox(key, title, count, _details(reasons), BoxKind.SIDE, column, stage))
            edges.append((parent, key))
    rule = "exact age" if flow.caliper == 0 else f"age within {flow.caliper:g} years"
    note = f"1:1 on sex and {rule}" + (", closest MR date first" if flow.by_date else "")
    logger.debug("Flow chart: %d boxes.", len(boxes))
    return FlowChart(tuple(boxes), tuple(edges), note)
