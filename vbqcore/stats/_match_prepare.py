"""The matching problem before it is solved: eligible rows with their keys, and its sub-problems.

Split from :mod:`vbqcore.stats.matching` (which solves and reports): reading the case/control,
sex, age and MR-date columns into a ``MatchCohort``, the exclusions with their reasons, the
independent blocks (sex, or sex and age for exact matching) and the priority tiers of a pairing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.columns import numeric_column, row_numbers, value_label
from vbqcore.errors import CohortError
from vbqcore.stats._match_keys import day_numbers, group_label, parse_sex

__all__ = [
    "SOURCE", "MISSING_SEX", "MISSING_AGE", "MISSING_DATE", "ALL_USED",
    "MatchCohort", "prepare", "blocks", "tiers",
]  # fmt: skip

SOURCE = "Matching"
MISSING_SEX = "missing sex"
MISSING_AGE = "missing age"
MISSING_DATE = "missing MR date"
ALL_USED = "all candidates already used"


@dataclass
class MatchCohort:
    """Eligible rows (positions into the input) with the matching keys, in input order."""

    sex: npt.NDArray[np.str_]
    age: npt.NDArray[np.float64]
    day: npt.NDArray[np.int64] | None
    case_mask: npt.NDArray[np.bool_]
    control_mask: npt.NDArray[np.bool_]
    cases: npt.NDArray[np.intp]
    controls: npt.NDArray[np.intp]
    excluded: dict[int, str] = field(default_factory=dict)


def prepare(
    df: pd.DataFrame,
    *,
    group: str,
    case: str | int | float | bool,
    control: str | int | float | bool | None,
    sex: str,
    age: str,
    date: str | None,
) -> MatchCohort:
    labels = df[group].map(lambda v: "" if pd.isna(v) else value_label(v).casefold())
    is_case = (labels == group_label(case)).to_numpy()
    if not is_case.any():
        present = sorted(set(labels) - {""})[:8]
        raise CohortError(
            f"{SOURCE}: no row of column {group!r} has the case value {str(case)!r}; "
            f"values present: {', '.join(map(repr, present)) or 'none'}."
        )
    blank = (labels == "").to_numpy()
    if control is None:
        is_control = ~is_case & ~blank
    else:
        is_control = (labels == group_label(control)).to_numpy() & ~is_case

    sexes = [parse_sex(v) for v in df[sex].tolist()]  # a list: pandas would unwrap the Enum
    blank_sex = df[sex].isna() | (df[sex].astype("string").str.strip() == "")
    unknown = np.array([s is None for s in sexes]) & ~blank_sex.to_numpy() & (is_case | is_control)
    if unknown.any():
        found = sorted({value_label(v) for v in df[sex][unknown]})[:5]
        raise CohortError(
            f"{SOURCE}: column {sex!r} must hold F or M (female/male) but holds "
            f"{', '.join(map(repr, found))} in {row_numbers(df, unknown)}."
        )
    ages = numeric_column(df, age, source=SOURCE).to_numpy()
    days, no_date = day_numbers(df, date) if date is not None else (None, np.zeros(len(df), bool))

    excluded: dict[int, str] = {}
    for pos in np.flatnonzero(is_case | is_control):
        if sexes[pos] is None:
            excluded[int(pos)] = MISSING_SEX
        elif np.isnan(ages[pos]):
            excluded[int(pos)] = MISSING_AGE
        elif no_date[pos]:
            excluded[int(pos)] = MISSING_DATE
    keep = np.ones(len(df), dtype=bool)
    keep[list(excluded)] = False
    sex_codes = np.array([s.value if s is not None else "" for s in sexes], dtype=np.str_)
    return MatchCohort(
        sex=sex_codes,
        age=ages,
        day=days,
        case_mask=is_case,
        control_mask=is_control,
        cases=np.flatnonzero(is_case & keep),
        controls=np.flatnonzero(is_control & keep),
        excluded=excluded,
    )


def blocks(
    cohort: MatchCohort, caliper: float
) -> list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]]:
    """Sub-problems solved independently: (sex, age) strata for exact age, else each sex."""

    def key(i: int) -> tuple[str, float]:
        return (str(cohort.sex[i]), float(cohort.age[i]) if caliper == 0 else 0.0)

    cases: dict[tuple[str, float], list[int]] = {}
    for i in cohort.cases:  # insertion order = first appearance: deterministic
        cases.setdefault(key(int(i)), []).append(int(i))
    controls: dict[tuple[str, float], list[int]] = {}
    for i in cohort.controls:
        controls.setdefault(key(int(i)), []).append(int(i))
    return [
        (np.array(v, dtype=np.intp), np.array(controls.get(k, []), dtype=np.intp))
        for k, v in cases.items()
    ]


def tiers(
    cohort: MatchCohort,
    case_idx: npt.NDArray[np.intp],
    ctrl_idx: npt.NDArray[np.intp],
    gap: npt.NDArray[np.float64],
) -> list[npt.NDArray[np.int64]]:
    """Integer criteria by priority: age gap, MR-date gap (days), distance in input order."""
    ages = np.concatenate([cohort.age[case_idx], cohort.age[ctrl_idx]])
    scale = 1 if np.all(ages == np.round(ages)) else 100  # whole years, else 0.01-year steps
    tiers = [np.round(gap * scale).astype(np.int64)]
    if cohort.day is not None:
        tiers.append(np.abs(cohort.day[case_idx][:, None] - cohort.day[ctrl_idx][None, :]))
    i = np.arange(case_idx.size)[:, None]
    j = np.arange(ctrl_idx.size)[None, :]
    tiers.append(np.abs(i - j).astype(np.int64))
    return tiers
