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
from typing import Any

import pandas as pd

from vbqcore.columns import describe_values, numeric_column, require_columns, value_label
from vbqcore.errors import StatsInputError
from vbqcore.stats._compare_rows import (
    MIN_GROUP_N,
    SOURCE,
    ComparisonRow,
    LevelCount,
    VariableKind,
    categorical_row,
    continuous_row,
    is_categorical,
)
from vbqcore.stats._group_tests import (
    GroupTest,
    Normality,
    format_p,
    parse_test,
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
        raise StatsInputError(f"{SOURCE}: alpha must be between 0 and 1, got {alpha}.")
    variables = list(dict.fromkeys(variables))
    if not variables:
        raise StatsInputError(f"{SOURCE}: give at least one variable to compare.")
    require_columns(df, [group, *variables], source=SOURCE)
    if group in variables:
        raise StatsInputError(f"{SOURCE}: {group!r} is the group column; it cannot be compared.")
    labels = df[group].map(lambda v: "" if pd.isna(v) else value_label(v))
    order = _group_order(labels[labels != ""], group, groups)
    forced = _parse_force(force or {}, variables)
    if categorical is not None:
        require_columns(df, list(categorical), source=SOURCE)
    masks = ((labels == order[0]).to_numpy(), (labels == order[1]).to_numpy())
    rows: list[ComparisonRow] = []
    for var in variables:
        is_cat = is_categorical(df[var]) if categorical is None else var in categorical
        if is_cat:
            rows.append(categorical_row(df[var], var, order, masks, forced.get(var)))
        else:
            places = decimals.get(var) if isinstance(decimals, Mapping) else decimals
            values = numeric_column(df, var, source=SOURCE).to_numpy()
            rows.append(continuous_row(values, var, order, masks, alpha, forced.get(var), places))
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
            f"{SOURCE}: group column {group!r} must hold exactly two groups but has "
            f"{len(found)}: {described}. Filter the table to two groups first."
        )
    if groups is None:
        return found[0], found[1]
    wanted = [value_label(g) for g in groups]
    if len(wanted) != 2 or len(set(wanted)) != 2:
        raise StatsInputError(
            f"{SOURCE}: groups must name the two groups once each, got {list(groups)}."
        )
    for name in wanted:
        if name not in found:
            raise StatsInputError(
                f"{SOURCE}: group {name!r} does not occur in column {group!r} ({described})."
            )
    return wanted[0], wanted[1]


def _parse_force(
    force: Mapping[str, GroupTest | str], variables: list[str]
) -> dict[str, GroupTest]:
    parsed: dict[str, GroupTest] = {}
    for var, name in force.items():
        if var not in variables:
            raise StatsInputError(f"{SOURCE}: a test is forced for {var!r}, which is not compared.")
        test = parse_test(name)
        if test is None:
            raise StatsInputError(
                f"{SOURCE}: unknown test {str(name)!r} for {var!r}; "
                "use t-test, mwu, chi2 or fisher."
            )
        parsed[var] = test
    return parsed
