"""The cohort analysis split by subgroup: AUC per sex and age band, and Table 1 within each.

Huang et al. 2026 (Table 1) repeat the group comparison for women and for men alone; this module
does that for any filtered cohort, adds age bands, and gives each subgroup's AUC with its DeLong
95% CI for a forest plot.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from vbqcore import stats
from vbqcore.cohort.analysis import TableOne, readiness_message, table_one
from vbqcore.cohort.filters import DEFAULT_AGE_EDGES, group_counts, split_subgroups
from vbqcore.cohort.table import GROUP, SEX, Cohort
from vbqcore.errors import DegenerateInputWarning, StatsInputError
from vbqcore.vbq import ScoreName

__all__ = ["SubgroupAuc", "SubgroupAnalysis", "subgroup_analysis", "subgroup_table_one"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubgroupAuc:
    """The AUC of one score in one subgroup; NaN with a ``note`` when it cannot be estimated."""

    kind: str
    subgroup: str
    score: ScoreName
    n_pos: int
    n_neg: int
    auc: float
    ci_low: float
    ci_high: float
    note: str = ""


@dataclass(frozen=True, eq=False)
class SubgroupAnalysis:
    """AUC per subgroup and score (first the whole filtered set, kind "all"), and the Table 1
    comparison within each subgroup (the paper's female-only and male-only blocks)."""

    aucs: tuple[SubgroupAuc, ...]
    tables: tuple[tuple[str, TableOne], ...]
    notes: tuple[tuple[str, str], ...] = ()

    def to_frame(self) -> pd.DataFrame:
        records = [
            {
                "Subgroup": row.subgroup,
                "Score": row.score.label,
                "Cases": row.n_pos,
                "Controls": row.n_neg,
                "AUC": row.auc,
                "CI low": row.ci_low,
                "CI high": row.ci_high,
                "Note": row.note,
            }
            for row in self.aucs
        ]
        columns = ["Subgroup", "Score", "Cases", "Controls", "AUC", "CI low", "CI high", "Note"]
        return pd.DataFrame.from_records(records, columns=columns)


def _subgroup_auc(
    kind: str, label: str, part: pd.DataFrame, cohort: Cohort, score: ScoreName
) -> SubgroupAuc:
    part = part.loc[part[score.value].notna()]
    counts = group_counts(part, cohort)
    n_pos, n_neg = counts[cohort.positive], counts[cohort.negative]
    nan = float("nan")
    if min(n_pos, n_neg) < 2:
        note = f"not estimable: {n_pos} {cohort.positive}, {n_neg} {cohort.negative}"
        return SubgroupAuc(kind, label, score, n_pos, n_neg, nan, nan, nan, note)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateInputWarning)
        y = (part[GROUP] == cohort.positive).to_numpy()
        res = stats.roc_analysis(y, part[score.value].to_numpy())
    note = "; ".join(str(w.message) for w in caught if "SE" in str(w.message))
    return SubgroupAuc(kind, label, score, n_pos, n_neg, res.auc, res.ci_low, res.ci_high, note)


def subgroup_analysis(
    frame: pd.DataFrame,
    cohort: Cohort,
    scores: Sequence[ScoreName | str],
    *,
    age_edges: Sequence[float] | None = DEFAULT_AGE_EDGES,
    variables: Sequence[str] = (),
) -> SubgroupAnalysis:
    """AUC (DeLong CI) of each score within each subgroup of ``frame`` (women, men, age bands)
    and, for ``variables``, the Table 1 comparison within each subgroup.

    A subgroup with fewer than 2 patients in a group gets a NaN AUC and a note; a subgroup with
    no patient under the filters (men when only women are shown), or a sex subgroup holding every
    patient (then the "All" row), is left out with a note in ``notes``; a Table 1 variable that
    cannot be compared there is listed in that table's ``skipped``.
    """
    names = [ScoreName(s) for s in dict.fromkeys(scores)]
    subgroups = split_subgroups(frame, age_edges=age_edges)
    aucs = [_subgroup_auc("all", "All", frame, cohort, s) for s in names]
    tables: list[tuple[str, TableOne]] = []
    notes: list[tuple[str, str]] = []
    for sub in subgroups:
        n_in = int(sub.mask.sum())
        if n_in == 0:  # e.g. men while the filters show women only (issue 12: "Men (0/0)")
            notes.append((sub.label, "no patients under the current filters"))
            continue
        if n_in == len(frame) and sub.kind == "sex":  # the "All" row already is this subgroup
            notes.append((sub.label, "every patient shown; see the 'All' row"))
            continue
        part = frame.loc[sub.mask]
        aucs += [_subgroup_auc(sub.kind, sub.label, part, cohort, s) for s in names]
        if not variables:
            continue
        why = readiness_message(group_counts(part, cohort), cohort)
        if why is not None:
            notes.append((sub.label, why))
            continue
        within = [v for v in variables if not (sub.kind == "sex" and v == SEX)]
        tables.append((sub.label, table_one(part, cohort, within)))
    return SubgroupAnalysis(tuple(aucs), tuple(tables), tuple(notes))


def subgroup_table_one(
    frame: pd.DataFrame,
    cohort: Cohort,
    label: str,
    variables: Sequence[str],
    *,
    age_edges: Sequence[float] | None = DEFAULT_AGE_EDGES,
) -> TableOne:
    """The Table 1 comparison within the one subgroup called ``label`` ("Women", "age < 65"),
    as :func:`subgroup_analysis` computes it for every subgroup (a view shows one at a time).

    Raises
    ------
    StatsInputError
        No such subgroup, or too few patients in it (the message says how many).
    """
    for sub in split_subgroups(frame, age_edges=age_edges):
        if sub.label != label or not sub.mask.any():
            continue
        part = frame.loc[sub.mask]
        why = readiness_message(group_counts(part, cohort), cohort)
        if why is not None:
            raise StatsInputError(f"{label}: {why}")
        within = [v for v in variables if not (sub.kind == "sex" and v == SEX)]
        return table_one(part, cohort, within)
    raise StatsInputError(f"no subgroup {label!r} in these patients.")
