"""Two-group comparison by the rule of Huang et al. 2026 (Table 1), as a table to show or export.

For each continuous variable, Shapiro–Wilk in each group and Levene's test decide: normal in both
groups and equal variances → Student's t-test, reported as mean ± SD; otherwise the Mann–Whitney
U test, reported as median (Q1, Q3). Categorical variables are reported as n (%) and tested with
Pearson's χ², or Fisher's exact test when an expected count is below 5. The tests and the SPSS
conventions they follow are in ``vbqcore.stats._group_tests``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.columns import describe_values, numeric_column, require_columns, value_label
from vbqcore.errors import StatsInputError
from vbqcore.stats._group_tests import (
    MAX_CATEGORIES,
    GroupTest,
    Normality,
    describe,
    finite_or_none,
    format_p,
    parse_test,
    table_test,
    too_many_categories,
    two_sample_test,
)

__all__ = [
    "ComparisonRow",
    "GroupComparison",
    "GroupTest",
    "LevelCount",
    "Normality",
    "VariableKind",
    "compare_groups",
    "format_p",
    "MIN_GROUP_N",
]

logger = logging.getLogger(__name__)

#: Smallest group size a continuous variable can be compared on (Shapiro–Wilk needs 3).
MIN_GROUP_N = 3

_SOURCE = "group comparison"


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


@dataclass(frozen=True)
class GroupComparison:
    """The whole table: one ``ComparisonRow`` a variable, groups in display order."""

    group_column: str
    groups: tuple[str, str]
    n: tuple[int, int]
    alpha: float
    rows: tuple[ComparisonRow, ...]
    rows_without_group: int = 0

    def to_dict(self) -> dict[str, Any]:
        a, b = self.groups
        return {
            "group_column": self.group_column,
            "groups": [a, b],
            "n": {a: self.n[0], b: self.n[1]},
            "alpha": self.alpha,
            "rows_without_group": self.rows_without_group,
            "rows": [row.to_dict() for row in self.rows],
        }

    def to_frame(self) -> pd.DataFrame:
        """The table as text cells in the paper's layout, for display or ``to_csv``.

        A variable with missing values gets "(n = 34 vs 31)" after its name; a categorical
        variable gets its test on its own line, then one line per category.
        """
        a, b = self.groups
        col_a, col_b = f"{a} (n = {self.n[0]})", f"{b} (n = {self.n[1]})"
        records: list[dict[str, str]] = []
        for row in self.rows:
            label = row.variable
            if row.n != self.n:
                label += f" (n = {row.n[0]} vs {row.n[1]})"
            stat = ""
            if math.isfinite(row.statistic):
                stat = f"{row.statistic_name} = {row.statistic:.3f}"
            record = {"Variable": label, "Summary": row.summary_kind, "Test": row.test.value}
            record |= {"Statistic": stat, "P value": row.p_text}
            if row.kind is VariableKind.CONTINUOUS:
                records.append(record | {col_a: row.summary[0], col_b: row.summary[1]})
                continue
            records.append(record | {col_a: "", col_b: ""})
            for lv in row.levels:
                records.append({"Variable": f"  {lv.level}", col_a: lv.text[0], col_b: lv.text[1]})
        columns = ["Variable", "Summary", col_a, col_b, "Test", "Statistic", "P value"]
        return pd.DataFrame.from_records(records, columns=columns).fillna("")


def compare_groups(
    df: pd.DataFrame,
    group: str,
    variables: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    alpha: float = 0.05,
    categorical: Sequence[str] | None = None,
    force: Mapping[str, GroupTest | str] | None = None,
    decimals: int | Mapping[str, int] | None = None,
) -> GroupComparison:
    """Compare two independent groups on each variable, choosing each test as Huang et al. did.

    Parameters
    ----------
    df
        One row per patient.
    group
        Column holding each row's group: exactly two distinct values. Rows with a blank group
        are left out and counted in ``rows_without_group``.
    variables
        Columns to compare, in table order.
    groups
        The two group values in display order, as text (``["fracture", "control"]``; ``"1"``
        matches 1 and 1.0). Default: sorted.
    alpha
        Level of the Shapiro–Wilk and Levene pre-tests (p ≥ alpha counts as normal / equal
        variances).
    categorical
        Columns to treat as categorical; all others are continuous. Default (None): text and
        boolean columns, and numeric columns holding exactly the values 0 and 1.
    force
        Per variable, a test to use whatever the pre-tests say: "t-test" or "mwu" for a
        continuous variable, "chi2" or "fisher" for a categorical one. The pre-tests are still
        reported.
    decimals
        Decimals of means, SDs, medians and quartiles: one int, or a dict per variable.
        Default: three significant digits of the larger centre, at least two decimals
        (0.601 ± 0.076; 24.39 ± 4.31).

    Returns
    -------
    GroupComparison
        Missing values are dropped per variable; each row reports the n used per group.

    Raises
    ------
    CohortError
        A column is missing (the message lists those available).
    StatsInputError
        The group column does not hold two groups; a continuous variable has text, fewer than
        3 values in a group, or one value throughout; a categorical one has a single category.

    Notes
    -----
    Student's t-test uses the pooled variance, the SPSS row "equal variances assumed", which the
    rule only reaches when Levene's test does not reject. The tests are scipy's
    (``ttest_ind``, ``mannwhitneyu``, ``shapiro``, ``levene``, ``chi2_contingency``,
    ``fisher_exact``); the tests check them against direct scipy calls and R's
    ``t.test(extra ~ group, sleep, var.equal=TRUE)``, ``wilcox.test(len ~ supp, ToothGrowth)``,
    ``shapiro.test`` and ``fisher.test`` (tea tasting).
    """
    if not 0.0 < alpha < 1.0:
        raise StatsInputError(f"{_SOURCE}: alpha must be between 0 and 1, got {alpha}.")
    variables = list(dict.fromkeys(variables))
    if not variables:
        raise StatsInputError(f"{_SOURCE}: give at least one variable to compare.")
    require_columns(df, [group, *variables], source=_SOURCE)
    if group in variables:
        raise StatsInputError(f"{_SOURCE}: {group!r} is the group column; it cannot be compared.")
    labels = df[group].map(lambda v: "" if pd.isna(v) else value_label(v))
    order = _group_order(labels[labels != ""], group, groups)
    forced = _parse_force(force or {}, variables)
    if categorical is not None:
        require_columns(df, list(categorical), source=_SOURCE)
    masks = ((labels == order[0]).to_numpy(), (labels == order[1]).to_numpy())
    rows: list[ComparisonRow] = []
    for var in variables:
        is_cat = _is_categorical(df[var]) if categorical is None else var in categorical
        if is_cat:
            rows.append(_categorical_row(df[var], var, order, masks, forced.get(var)))
        else:
            places = decimals.get(var) if isinstance(decimals, Mapping) else decimals
            values = numeric_column(df, var, source=_SOURCE).to_numpy()
            rows.append(_continuous_row(values, var, order, masks, alpha, forced.get(var), places))
    n = (int(masks[0].sum()), int(masks[1].sum()))
    return GroupComparison(
        group_column=group,
        groups=order,
        n=n,
        alpha=alpha,
        rows=tuple(rows),
        rows_without_group=int(len(df) - n[0] - n[1]),
    )


def _group_order(labels: pd.Series, group: str, groups: Sequence[str] | None) -> tuple[str, str]:
    found = sorted(str(g) for g in labels.unique())
    described = describe_values(labels) if found else "no values"
    if len(found) != 2:
        raise StatsInputError(
            f"{_SOURCE}: group column {group!r} must hold exactly two groups but has "
            f"{len(found)}: {described}. Filter the table to two groups first."
        )
    if groups is None:
        return found[0], found[1]
    wanted = [value_label(g) for g in groups]
    if len(wanted) != 2 or len(set(wanted)) != 2:
        raise StatsInputError(
            f"{_SOURCE}: groups must name the two groups once each, got {list(groups)}."
        )
    for name in wanted:
        if name not in found:
            raise StatsInputError(
                f"{_SOURCE}: group {name!r} does not occur in column {group!r} ({described})."
            )
    return wanted[0], wanted[1]


def _parse_force(
    force: Mapping[str, GroupTest | str], variables: list[str]
) -> dict[str, GroupTest]:
    parsed: dict[str, GroupTest] = {}
    for var, name in force.items():
        if var not in variables:
            raise StatsInputError(
                f"{_SOURCE}: a test is forced for {var!r}, which is not compared."
            )
        test = parse_test(name)
        if test is None:
            raise StatsInputError(
                f"{_SOURCE}: unknown test {str(name)!r} for {var!r}; "
                "use t-test, mwu, chi2 or fisher."
            )
        parsed[var] = test
    return parsed


def _is_categorical(column: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(column.dtype):
        return True
    if not pd.api.types.is_numeric_dtype(column.dtype):
        numeric = pd.to_numeric(column, errors="coerce")
        return bool((numeric.isna() & column.notna()).any())
    present = set(column.dropna().unique().tolist())
    return present == {0, 1}


def _auto_decimals(centres: Sequence[float]) -> int:
    largest = max((abs(c) for c in centres if math.isfinite(c)), default=0.0)
    if largest == 0.0:
        return 2
    return int(min(6, max(2, 2 - math.floor(math.log10(largest)))))


def _continuous_row(
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
            f"{_SOURCE}: {var!r} is continuous; force t-test or mwu, not {forced}."
        )
    a_all, b_all = values[masks[0]], values[masks[1]]
    a, b = a_all[~np.isnan(a_all)], b_all[~np.isnan(b_all)]
    for name, arr in zip(order, (a, b), strict=True):
        if arr.size < MIN_GROUP_N:
            raise StatsInputError(
                f"{_SOURCE}: {var!r} has {arr.size} value(s) in group {name!r}; at least "
                f"{MIN_GROUP_N} are needed. Leave the variable out or fill in its values."
            )
    if np.ptp(np.concatenate([a, b])) == 0.0:
        raise StatsInputError(f"{_SOURCE}: {var!r} has one value in every row; nothing to compare.")
    result = two_sample_test(a, b, groups=order, alpha=alpha, forced=forced)
    desc = (describe(a), describe(b))
    keys: tuple[str, ...]
    if result.test is GroupTest.T_TEST:
        kind, keys = "mean ± SD", ("mean", "sd")
    else:
        kind, keys = "median (Q1, Q3)", ("median", "q1", "q3")
    digits = places if places is not None else _auto_decimals([d[keys[0]] for d in desc])
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
    )


def _categorical_row(
    column: pd.Series,
    var: str,
    order: tuple[str, str],
    masks: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
    forced: GroupTest | None,
) -> ComparisonRow:
    if forced in (GroupTest.T_TEST, GroupTest.MANN_WHITNEY):
        raise StatsInputError(
            f"{_SOURCE}: {var!r} is categorical; force chi2 or fisher, not {forced}."
        )
    labels = column.map(lambda v: "" if pd.isna(v) else value_label(v)).to_numpy()
    present = labels != ""
    levels = _level_order(column[present])
    if len(levels) < 2:
        raise StatsInputError(
            f"{_SOURCE}: {var!r} has a single category ({', '.join(levels) or 'none'}); "
            "nothing to compare."
        )
    if len(levels) > MAX_CATEGORIES:  # an ID, a date or free text: no table test fits
        raise StatsInputError(f"{_SOURCE}: {var!r} {too_many_categories(len(levels))}")
    table = np.array([[int(((labels == lv) & m).sum()) for m in masks] for lv in levels])
    n = (int(table[:, 0].sum()), int(table[:, 1].sum()))
    for name, count in zip(order, n, strict=True):
        if count == 0:
            raise StatsInputError(f"{_SOURCE}: {var!r} has no values in group {name!r}.")
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
