"""The rows of a two-group comparison: one ``ComparisonRow`` a variable, and how it is built.

Split from :mod:`vbqcore.stats.compare`, which chooses the test per variable and assembles the
table; here are the row records and the per-variable arithmetic (summaries, test, levels).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.columns import value_label
from vbqcore.errors import StatsInputError
from vbqcore.stats._group_tests import (
    MAX_CATEGORIES,
    GroupTest,
    Normality,
    describe,
    finite_or_none,
    format_p,
    table_test,
    too_many_categories,
    two_sample_test,
)
from vbqcore.stats.two_sample import mean_difference_ci

__all__ = [
    "MIN_GROUP_N",
    "VariableKind",
    "LevelCount",
    "ComparisonRow",
    "auto_decimals",
    "categorical_row",
    "continuous_row",
    "is_categorical",
]

#: Smallest group size a continuous variable can be compared on (Shapiro–Wilk needs 3).
MIN_GROUP_N = 3

SOURCE = "group comparison"


class VariableKind(StrEnum):
    CONTINUOUS = "continuous"
    CATEGORICAL = "categorical"


@dataclass(frozen=True)
class LevelCount:
    """One category of a categorical variable: n and % of each group's available rows."""

    level: str
    counts: tuple[int, int]
    percents: tuple[float, float]
    text: tuple[str, str]


@dataclass(frozen=True)
class ComparisonRow:
    """One variable of the table; every pair (``n``, ``summary`` …) follows ``groups``.

    ``statistic`` is t, U (of the first group) or χ², NaN for Fisher's test; ``df`` is set for
    t and χ². ``descriptives`` holds per group mean, sd, median, q1, q3, min, max (continuous
    variables). ``method`` names the exact variant that ran, ``reason`` why it was chosen.
    """

    variable: str
    kind: VariableKind
    test: GroupTest
    groups: tuple[str, str]
    n: tuple[int, int]
    missing: tuple[int, int]
    summary: tuple[str, str]
    summary_kind: str
    statistic: float
    statistic_name: str
    df: float | None
    p: float
    method: str
    reason: str
    forced: bool = False
    normality: tuple[Normality, Normality] | None = None
    levene_statistic: float | None = None
    levene_p: float | None = None
    descriptives: tuple[dict[str, float], dict[str, float]] | None = None
    levels: tuple[LevelCount, ...] = ()
    #: t-tests: mean(first group) − mean(second) and its 95% CI (two_sample.mean_difference_ci)
    diff: float | None = None
    diff_ci: tuple[float, float] | None = None

    @property
    def p_text(self) -> str:
        return format_p(self.p)

    def _pair(self, values: tuple[Any, Any]) -> dict[str, Any]:
        return {self.groups[0]: values[0], self.groups[1]: values[1]}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "variable": self.variable,
            "kind": self.kind.value,
            "test": self.test.value,
            "summary": self._pair(self.summary),
            "summary_kind": self.summary_kind,
            "n": self._pair(self.n),
            "missing": self._pair(self.missing),
            "statistic": finite_or_none(self.statistic),
            "statistic_name": self.statistic_name,
            "df": finite_or_none(self.df),
            "p": finite_or_none(self.p),
            "p_text": self.p_text,
            "method": self.method,
            "reason": self.reason,
            "forced": self.forced,
            "normality": None,
            "levene_statistic": finite_or_none(self.levene_statistic),
            "levene_p": finite_or_none(self.levene_p),
            "diff": finite_or_none(self.diff),
            "diff_ci_low": finite_or_none(self.diff_ci[0]) if self.diff_ci else None,
            "diff_ci_high": finite_or_none(self.diff_ci[1]) if self.diff_ci else None,
            "descriptives": None,
            "levels": [
                {
                    "level": lv.level,
                    "counts": self._pair(lv.counts),
                    "percents": self._pair(lv.percents),
                    "summary": self._pair(lv.text),
                }
                for lv in self.levels
            ],
        }
        if self.normality is not None:
            out["normality"] = {item.group: item.to_dict() for item in self.normality}
        if self.descriptives is not None:
            out["descriptives"] = self._pair(
                (dict(self.descriptives[0]), dict(self.descriptives[1]))
            )
        return out


def is_categorical(column: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(column.dtype):
        return True
    if not pd.api.types.is_numeric_dtype(column.dtype):
        numeric = pd.to_numeric(column, errors="coerce")
        return bool((numeric.isna() & column.notna()).any())
    present = set(column.dropna().unique().tolist())
    return present == {0, 1}


def auto_decimals(centres: Sequence[float]) -> int:
    largest = max((abs(c) for c in centres if math.isfinite(c)), default=0.0)
    if largest == 0.0:
        return 2
    return int(min(6, max(2, 2 - math.floor(math.log10(largest)))))


def continuous_row(
    values: npt.NDArray[np.float64],
    var: str,
    order: tuple[str, str],
    masks: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    alpha: float,
    forced: GroupTest | None,
    places: int | None,
) -> ComparisonRow:
    if forced in (GroupTest.CHI_SQUARE, GroupTest.FISHER):
        raise StatsInputError(
            f"{SOURCE}: {var!r} is continuous; force t-test or mwu, not {forced}."
        )
    a_all, b_all = values[masks[0]], values[masks[1]]
    a, b = a_all[~np.isnan(a_all)], b_all[~np.isnan(b_all)]
    for name, arr in zip(order, (a, b), strict=True):
        if arr.size < MIN_GROUP_N:
            raise StatsInputError(
                f"{SOURCE}: {var!r} has {arr.size} value(s) in group {name!r}; at least "
                f"{MIN_GROUP_N} are needed. Leave the variable out or fill in its values."
            )
    if np.ptp(np.concatenate([a, b])) == 0.0:
        raise StatsInputError(f"{SOURCE}: {var!r} has one value in every row; nothing to compare.")
    result = two_sample_test(a, b, groups=order, alpha=alpha, forced=forced)
    diff = mean_difference_ci(a, b, equal_var=True) if result.test is GroupTest.T_TEST else None
    desc = (describe(a), describe(b))
    keys: tuple[str, ...]
    if result.test is GroupTest.T_TEST:
        kind, keys = "mean ± SD", ("mean", "sd")
    else:
        kind, keys = "median (Q1, Q3)", ("median", "q1", "q3")
    digits = places if places is not None else auto_decimals([d[keys[0]] for d in desc])
    text = [[f"{d[k]:.{digits}f}" for k in keys] for d in desc]
    if result.test is GroupTest.T_TEST:
        summary = [f"{t[0]} ± {t[1]}" for t in text]
    else:
        summary = [f"{t[0]} ({t[1]}, {t[2]})" for t in text]
    return ComparisonRow(
        variable=var,
        kind=VariableKind.CONTINUOUS,
        test=result.test,
        groups=order,
        n=(int(a.size), int(b.size)),
        missing=(int(a_all.size - a.size), int(b_all.size - b.size)),
        summary=(summary[0], summary[1]),
        summary_kind=kind,
        statistic=result.statistic,
        statistic_name=result.statistic_name,
        df=result.df,
        p=result.p,
        method=result.method,
        reason=result.reason,
        forced=forced is not None,
        normality=result.normality,
        levene_statistic=result.levene_statistic,
        levene_p=result.levene_p,
        descriptives=desc,
        diff=None if diff is None else diff[0],
        diff_ci=None if diff is None else (diff[1], diff[2]),
    )


def categorical_row(
    column: pd.Series,
    var: str,
    order: tuple[str, str],
    masks: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    forced: GroupTest | None,
) -> ComparisonRow:
    if forced in (GroupTest.T_TEST, GroupTest.MANN_WHITNEY):
        raise StatsInputError(
            f"{SOURCE}: {var!r} is categorical; force chi2 or fisher, not {forced}."
        )
    labels = column.map(lambda v: "" if pd.isna(v) else value_label(v)).to_numpy()
    present = labels != ""
    levels = _level_order(column[present])
    if len(levels) < 2:
        raise StatsInputError(
            f"{SOURCE}: {var!r} has a single category ({', '.join(levels) or 'none'}); "
            "nothing to compare."
        )
    if len(levels) > MAX_CATEGORIES:  # an ID, a date or free text: no table test fits
        raise StatsInputError(f"{SOURCE}: {var!r} {too_many_categories(len(levels))}")
    table = np.array([[int(((labels == lv) & m).sum()) for m in masks] for lv in levels])
    n = (int(table[:, 0].sum()), int(table[:, 1].sum()))
    for name, count in zip(order, n, strict=True):
        if count == 0:
            raise StatsInputError(f"{SOURCE}: {var!r} has no values in group {name!r}.")
    result = table_test(table, forced=forced)
    level_counts = []
    for lv, (x, y) in zip(levels, table, strict=True):
        pa, pb = 100.0 * x / n[0], 100.0 * y / n[1]
        text = (f"{x} ({pa:.1f}%)", f"{y} ({pb:.1f}%)")
        level_counts.append(LevelCount(lv, (int(x), int(y)), (float(pa), float(pb)), text))
    summary = ["; ".join(f"{lc.level}: {lc.text[i]}" for lc in level_counts) for i in (0, 1)]
    return ComparisonRow(
        variable=var,
        kind=VariableKind.CATEGORICAL,
        test=result.test,
        groups=order,
        n=n,
        missing=(int((masks[0] & ~present).sum()), int((masks[1] & ~present).sum())),
        summary=(summary[0], summary[1]),
        summary_kind="n (%)",
        statistic=result.statistic,
        statistic_name="chi2" if result.test is GroupTest.CHI_SQUARE else "",
        df=result.df,
        p=result.p,
        method=result.method,
        reason=result.reason,
        forced=forced is not None,
        levels=tuple(level_counts),
    )


def _level_order(values: pd.Series) -> list[str]:
    """Categories in natural order: numbers numerically, text alphabetically."""
    unique = values.unique().tolist()
    try:
        unique.sort()
    except TypeError:
        unique.sort(key=str)
    return list(dict.fromkeys(value_label(v) for v in unique))
