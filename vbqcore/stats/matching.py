"""1:1 matching of cases to controls on sex and age, closest MR date first (Huang et al. 2026)."""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vbqcore.columns import require_columns
from vbqcore.errors import CohortError
from vbqcore.stats._assignment import lexicographic_assignment
from vbqcore.stats._match_keys import parse_sex
from vbqcore.stats._match_prepare import (
    ALL_USED,
    SOURCE,
    MatchCohort,
    blocks,
    prepare,
    tiers,
)

__all__ = ["MatchFlow", "MatchResult", "match_pairs", "parse_sex"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatchFlow:
    """Counts for a flow chart, each patient counted once (first applicable reason).

    ``excluded_*`` map a reason ("missing sex", "missing age", "missing MR date") to a count;
    ``unmatched_cases`` maps "no control of the same sex and age" (no candidate at all) or
    "all candidates already used" (candidates existed but went to other cases) to a count.
    ``n_other`` counts rows whose group is blank or, when ``control`` was given, neither value.
    """

    n_rows: int
    n_cases: int
    n_controls: int
    n_other: int
    excluded_cases: dict[str, int]
    excluded_controls: dict[str, int]
    eligible_cases: int
    eligible_controls: int
    matched_pairs: int
    unmatched_cases: dict[str, int]
    unused_controls: int
    caliper: float
    by_date: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_rows": self.n_rows,
            "n_cases": self.n_cases,
            "n_controls": self.n_controls,
            "n_other": self.n_other,
            "excluded_cases": dict(self.excluded_cases),
            "excluded_controls": dict(self.excluded_controls),
            "eligible_cases": self.eligible_cases,
            "eligible_controls": self.eligible_controls,
            "matched_pairs": self.matched_pairs,
            "unmatched_cases": dict(self.unmatched_cases),
            "unused_controls": self.unused_controls,
            "caliper_years": self.caliper,
            "closest_date": self.by_date,
        }

    def summary(self) -> str:
        """One line per box of the flow chart; counts only, never an identifier."""

        def reasons(counts: dict[str, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"

        return "\n".join(
            [
                f"cases: {self.n_cases}, excluded: {reasons(self.excluded_cases)}, "
                f"eligible: {self.eligible_cases}",
                f"controls: {self.n_controls}, excluded: {reasons(self.excluded_controls)}, "
                f"eligible: {self.eligible_controls}",
                f"matched pairs: {self.matched_pairs}",
                f"unmatched cases: {reasons(self.unmatched_cases)}",
                f"unused controls: {self.unused_controls}",
            ]
        )


@dataclass(frozen=True, eq=False)
class MatchResult:
    """Matched pairs and everything left over; all frames keep the input's index labels.

    ``pairs``: one row per pair (``pair_id`` from 1, in the input order of the cases) with the
    index labels ``case_row``/``control_row``, ``case_id``/``control_id`` (when ``id_col`` was
    given), ``sex``, both ages and ``age_gap`` (years, absolute), and with a date column both
    dates and ``date_gap_days`` (absolute). ``matched``: the input rows of every pair, case then
    control, with ``pair_id`` as first column. ``unmatched_cases`` carries ``unmatched_reason``,
    ``excluded`` carries ``excluded_reason``; ``unused_controls`` are eligible controls left over.
    """

    pairs: pd.DataFrame
    matched: pd.DataFrame
    unmatched_cases: pd.DataFrame
    unused_controls: pd.DataFrame
    excluded: pd.DataFrame
    flow: MatchFlow

    def to_dict(self) -> dict[str, Any]:
        return {"flow": self.flow.to_dict(), "pairs": _records(self.pairs)}


def match_pairs(
    df: pd.DataFrame,
    *,
    group: str,
    case: str | int | float | bool,
    sex: str,
    age: str,
    date: str | None = None,
    caliper: float = 0.0,
    id_col: str | None = None,
    control: str | int | float | bool | None = None,
) -> MatchResult:
    """Pair each case with one control of the same sex and age, closest MR date first.

    The rule of Huang et al., Global Spine J 2026;16(1):162–170 (Methods): for every fracture
    patient, a non-fracture patient of the same sex and age (1:1); among several, the one whose
    MR was acquired closest in time.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    group, case : str, value
        Column that tells cases from controls, and the value that marks a case (compared as the
        user types it: ``1`` matches 1, 1.0 and "1"; case-insensitive for text).
    sex, age : str
        Columns of sex (F/M, female/male) and age in years. Ages are compared as given: round
        them to whole years first if "same age" means the same age in years.
    date : str, optional
        Column of MR acquisition dates (YYYY-MM-DD preferred); gaps are counted in whole days.
        Without it, ties go to the control listed first.
    caliper : float
        Largest age difference (years) still counted as a match; 0 = exact age (the paper).
    id_col : str, optional
        Patient identifier column copied into ``pairs`` (never logged).
    control : value, optional
        The value of ``group`` that marks a control; default every non-blank non-case value.

    Returns
    -------
    MatchResult

    Notes
    -----
    Optimal, not greedy, and deterministic (no random numbers): ``linear_sum_assignment``
    (SciPy's Hungarian-type solver) on costs built so that, in this order of priority, it
    (1) forms as many pairs as possible, (2) minimises the total age gap, (3) minimises the
    total MR-date gap, (4) prefers controls listed in the same order as the cases. With exact
    age (``caliper=0``) each sex-and-age stratum is solved on its own: every control in a
    stratum qualifies for every case, so the number of pairs is min(cases, controls) whatever
    the method, and the assignment minimises the total date gap where a greedy pass (each case
    in turn takes its closest free control) can take a control that a later case needed more.
    With a caliper, strata overlap and a greedy pass can also leave a case unmatched that
    another order would match, so each sex is solved as one block with out-of-caliper pairs
    forbidden (see ``vbqcore.stats._assignment``).

    Raises
    ------
    CohortError
        A missing column, no row with the ``case`` value, a sex value other than F/M,
        an unparseable date (rows named), or a negative or non-finite caliper.
    StatsInputError
        Text in the age column (rows named).
    """
    if not (math.isfinite(caliper) and caliper >= 0):
        raise CohortError(f"{SOURCE}: caliper must be a finite number of years >= 0.")
    cols = [group, sex, age] + [c for c in (date, id_col) if c is not None]
    require_columns(df, cols, source=SOURCE)
    cohort = prepare(df, group=group, case=case, control=control, sex=sex, age=age, date=date)

    pairs_pos: list[tuple[int, int]] = []
    unmatched: dict[int, str] = {}
    no_candidate = (
        "no control of the same sex and age"
        if caliper == 0
        else f"no control of the same sex within {caliper:g} years of age"
    )
    for case_idx, ctrl_idx in blocks(cohort, caliper):
        if ctrl_idx.size == 0:
            unmatched.update({int(c): no_candidate for c in case_idx})
            continue
        gap = np.abs(cohort.age[case_idx][:, None] - cohort.age[ctrl_idx][None, :])
        feasible = gap <= caliper + 1e-9
        has_candidate = feasible.any(axis=1)
        unmatched.update({int(c): no_candidate for c in case_idx[~has_candidate]})
        case_idx, feasible, gap = (
            case_idx[has_candidate],
            feasible[has_candidate],
            gap[has_candidate],
        )
        if case_idx.size == 0:
            continue
        criteria = tiers(cohort, case_idx, ctrl_idx, gap)
        chosen = set()
        for r, c in lexicographic_assignment(criteria, feasible=feasible):
            pairs_pos.append((int(case_idx[r]), int(ctrl_idx[c])))
            chosen.add(int(case_idx[r]))
        unmatched.update({int(c): ALL_USED for c in case_idx if int(c) not in chosen})

    pairs_pos.sort()
    return _result(df, cohort, pairs_pos, unmatched, caliper=caliper, date=date, id_col=id_col)


def _result(
    df: pd.DataFrame,
    cohort: MatchCohort,
    pairs_pos: list[tuple[int, int]],
    unmatched: dict[int, str],
    *,
    caliper: float,
    date: str | None,
    id_col: str | None,
) -> MatchResult:
    index = df.index
    records = []
    for pair_id, (c, k) in enumerate(pairs_pos, start=1):
        row: dict[str, Any] = {"pair_id": pair_id, "case_row": index[c], "control_row": index[k]}
        if id_col is not None:
            row["case_id"] = df[id_col].iloc[c]
            row["control_id"] = df[id_col].iloc[k]
        row.update(
            sex=cohort.sex[c],
            case_age=cohort.age[c],
            control_age=cohort.age[k],
            age_gap=abs(float(cohort.age[c] - cohort.age[k])),
        )
        if date is not None and cohort.day is not None:
            row.update(
                case_date=_iso(cohort.day[c]),
                control_date=_iso(cohort.day[k]),
                date_gap_days=abs(int(cohort.day[c] - cohort.day[k])),
            )
        records.append(row)
    pair_cols = ["pair_id", "case_row", "control_row"]
    pair_cols += ["case_id", "control_id"] if id_col is not None else []
    pair_cols += ["sex", "case_age", "control_age", "age_gap"]
    pair_cols += ["case_date", "control_date", "date_gap_days"] if date is not None else []
    pairs = pd.DataFrame.from_records(records, columns=pair_cols)

    order = [p for pair in pairs_pos for p in pair]
    matched = df.iloc[order].copy()
    pid = np.repeat(np.arange(1, len(pairs_pos) + 1), 2)
    if "pair_id" in matched.columns:
        matched = matched.drop(columns="pair_id")
    matched.insert(0, "pair_id", pid)

    unmatched_pos = sorted(unmatched)
    unmatched_cases = df.iloc[unmatched_pos].assign(
        unmatched_reason=[unmatched[p] for p in unmatched_pos]
    )
    used = {k for _, k in pairs_pos}
    unused = df.iloc[[int(k) for k in cohort.controls if int(k) not in used]]
    excluded_pos = sorted(cohort.excluded)
    excluded = df.iloc[excluded_pos].assign(
        excluded_reason=[cohort.excluded[p] for p in excluded_pos]
    )

    case_excluded = {p: r for p, r in cohort.excluded.items() if cohort.case_mask[p]}
    ctrl_excluded = {p: r for p, r in cohort.excluded.items() if not cohort.case_mask[p]}
    n_cases = int(cohort.case_mask.sum())
    n_controls = int(cohort.control_mask.sum())
    flow = MatchFlow(
        n_rows=len(df),
        n_cases=n_cases,
        n_controls=n_controls,
        n_other=len(df) - n_cases - n_controls,
        excluded_cases=dict(Counter(case_excluded.values())),
        excluded_controls=dict(Counter(ctrl_excluded.values())),
        eligible_cases=len(cohort.cases),
        eligible_controls=len(cohort.controls),
        matched_pairs=len(pairs_pos),
        unmatched_cases=dict(Counter(unmatched[p] for p in unmatched_pos)),
        unused_controls=len(unused),
        caliper=float(caliper),
        by_date=date is not None,
    )
    logger.info("Matching: %d pairs from %d eligible cases.", len(pairs_pos), len(cohort.cases))
    return MatchResult(pairs, matched, unmatched_cases, unused, excluded, flow)


def _iso(day: np.int64) -> str:
    return str(np.datetime64(int(day), "D"))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({str(k): _plain(v) for k, v in rec.items()})
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)
