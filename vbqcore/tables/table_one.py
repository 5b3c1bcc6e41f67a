"""Table 1 as a paper prints it, from :func:`vbqcore.stats.compare_groups`.

Continuous variables read "mean ± SD" or "median (Q1–Q3)" as the test that ran requires
(Student's t or Mann–Whitney U, the rule of Huang et al. 2026 Table 1), counts "n (%)", p values
"<0.001" or three decimals, and the test of each row is a footnote letter on its p value instead
of a statistic column ("t = 2.104", "U = 4544.000").
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vbqcore.stats.compare import GroupComparison, GroupTest, VariableKind

__all__ = ["PublicationTable", "publication_p", "publication_table_one", "TEST_NOTES"]

logger = logging.getLogger(__name__)

#: Footnote letter (as a superscript) and wording of each test.
TEST_NOTES: dict[GroupTest, tuple[str, str]] = {
    GroupTest.T_TEST: ("ᵃ", "Student's t-test"),
    GroupTest.MANN_WHITNEY: ("ᵇ", "Mann–Whitney U test"),
    GroupTest.CHI_SQUARE: ("ᶜ", "χ² test"),
    GroupTest.FISHER: ("ᵈ", "Fisher's exact test"),
}

_SEX_LEVELS = {"F": "Women", "M": "Men"}
_QUARTILES = re.compile(r"^(\S+) \((\S+), (\S+)\)$")


def publication_p(p: float) -> str:
    """A p value as journals print it: "<0.001", else three decimals; "–" when there is none.

    >>> publication_p(0.0004), publication_p(0.04567), publication_p(float("nan"))
    ('<0.001', '0.046', '–')
    """
    if not math.isfinite(p):
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


@dataclass(frozen=True)
class PublicationTable:
    """A table ready for a manuscript: a title, column headings, text rows and footnotes."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footnotes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rows), columns=list(self.columns))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "footnotes": list(self.footnotes),
        }


def _iqr(summary: str) -> str:
    """ "62.0 (55.0, 70.0)" → "62.0 (55.0–70.0)"."""
    found = _QUARTILES.match(summary)
    return f"{found[1]} ({found[2]}–{found[3]})" if found else summary


def publication_table_one(
    comparison: GroupComparison, *, title: str = "Table 1. Characteristics of the patients"
) -> PublicationTable:
    """Lay out ``comparison`` as a paper's Table 1 (see the module docstring).

    A variable with missing values names its n per group after the label, and a footnote says
    so; the footnotes list only the tests used, plus what the summaries mean.
    """
    a, b = comparison.groups
    columns: tuple[str, ...] = (
        "Characteristic",
        f"{a} (n = {comparison.n[0]})",
        f"{b} (n = {comparison.n[1]})",
        "P value",
    )
    rows: list[tuple[str, ...]] = []
    used: list[GroupTest] = []
    partial = False
    for row in comparison.rows:
        letter = TEST_NOTES[row.test][0]
        if row.test not in used:
            used.append(row.test)
        p_cell = f"{publication_p(row.p)}{letter}"
        label = row.variable
        if row.n != comparison.n:
            partial = True
            label += f" (n = {row.n[0]}/{row.n[1]})"
        if row.kind is VariableKind.CONTINUOUS:
            if row.test is GroupTest.T_TEST:
                rows.append((f"{label}, mean ± SD", row.summary[0], row.summary[1], p_cell))
            else:
                cells = (_iqr(row.summary[0]), _iqr(row.summary[1]))
                rows.append((f"{label}, median (IQR)", *cells, p_cell))
            continue
        rows.append((f"{label}, n (%)", "", "", p_cell))
        names = _SEX_LEVELS if row.variable.casefold() == "sex" else {}
        for lv in row.levels:
            rows.append((f"   {names.get(lv.level, lv.level)}", lv.text[0], lv.text[1], ""))
    notes = ["Data are mean ± SD, median (interquartile range, Q1–Q3) or n (%)."]
    notes += [f"{TEST_NOTES[t][0]} {TEST_NOTES[t][1]}." for t in TEST_NOTES if t in used]
    if partial:
        notes.append("(n = a/b): patients with a value, when some are missing.")
    return PublicationTable(title, columns, tuple(rows), tuple(notes))
