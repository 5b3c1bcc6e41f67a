"""Every published figure of Huang et al. 2026, Tables 1–4, beside the same figure from a cohort.

The figures are computed with vbqcore's own statistics (:mod:`vbqcore.paper.reproduction_tables`);
each row carries a target (:mod:`vbqcore.paper.reproduction_row`) and the report passes when every
target is met. Odds ratios and CIs of Table 4 are shown for information.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vbqcore.errors import CohortError
from vbqcore.paper.published import PublishedTables, load_published
from vbqcore.paper.reproduction_row import ALPHA, GROUPS, ReproductionRow
from vbqcore.paper.reproduction_tables import table1_rows, table4_rows, table23_rows
from vbqcore.stats import format_p

__all__ = [
    "ALPHA",
    "REPORT_COLUMNS",
    "ReproductionRow",
    "ReproductionReport",
    "format_value",
    "reproduce",
]

logger = logging.getLogger(__name__)

#: Columns of :meth:`ReproductionReport.to_frame`, in order.
REPORT_COLUMNS = (
    "table",
    "variable",
    "subgroup",
    "statistic",
    "published",
    "computed",
    "difference",
    "target",
    "passed",
    "published_text",
    "column",
    "note",
)


@dataclass(frozen=True)
class ReproductionReport:
    """All rows; ``passed`` when no target is missed."""

    rows: tuple[ReproductionRow, ...]
    n_patients: int
    citation: str

    @property
    def failures(self) -> tuple[ReproductionRow, ...]:
        return tuple(r for r in self.rows if r.passed is False)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def n_targets(self) -> int:
        return sum(r.passed is not None for r in self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "n_targets": self.n_targets,
            "n_failed": len(self.failures),
            "n_patients": self.n_patients,
            "citation": self.citation,
            "rows": [r.to_dict() for r in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per figure, :data:`REPORT_COLUMNS`; numbers as floats, ``passed`` as object."""
        return pd.DataFrame([r.to_dict() for r in self.rows], columns=list(REPORT_COLUMNS))


def reproduce(df: pd.DataFrame, *, tables: PublishedTables | None = None) -> ReproductionReport:
    """Compute every figure of Tables 1–4 from ``df`` and set it beside the published one.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient with the demo cohort's columns: ``group`` ("fracture"/"control"),
        ``sex`` ("F"/"M"), ``age``, ``bmi``, the DEXA columns (``fn_bmd`` ... ``l14_z``) and the
        score columns (``vbq_t1`` ... ``vbq_t2_stir``).
    tables : PublishedTables, optional
        The published figures (default: :func:`vbqcore.paper.published.load_published`).

    Returns
    -------
    ReproductionReport

    Raises
    ------
    CohortError, StatsInputError
        A column is missing or cannot be analysed (from vbqcore.stats).
    """
    tables = tables or load_published()
    if "group" in df.columns:
        found = set(df["group"].dropna().astype(str))
        if not found <= set(GROUPS):
            raise CohortError(
                f"reproduction: column 'group' must hold 'fracture' and 'control', found "
                f"{', '.join(sorted(found))}."
            )
    rows = [*table1_rows(df, tables), *table23_rows(df, tables), *table4_rows(df, tables)]
    logger.info(
        "reproduction: %d figures, %d with a target",
        len(rows),
        sum(r.passed is not None for r in rows),
    )
    return ReproductionReport(tuple(rows), int(len(df)), tables.citation)


def format_value(value: float | None, statistic: str) -> str:
    """A computed figure for the text table: p as the paper prints it, counts whole."""
    if value is None or not math.isfinite(value):
        return "-"
    if statistic.startswith("p"):
        return format_p(value)
    if statistic.startswith("n (") or statistic.startswith("entered"):
        return f"{value:.0f}"
    if abs(value) >= 1e5:
        return f"{value:.4g}"
    return f"{value:.3f}"
