"""The tests behind ``compare_groups``: pre-tests, t or Mann–Whitney U, and χ² or Fisher.

The paper ran SPSS 26 (Huang et al., Global Spine J 2026;16(1):162-170, "Statistical Analysis");
where the libraries offer a choice, the constants below follow SPSS and say so.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats
from scipy.special import gammaln

__all__ = [
    "GroupTest",
    "Normality",
    "TwoSampleTest",
    "TableTest",
    "LEVENE_CENTER",
    "QUARTILE_METHOD",
    "MIN_EXPECTED",
    "MAX_EXACT_TABLES",
    "MAX_CATEGORIES",
    "too_many_categories",
    "describe",
    "finite_or_none",
    "format_p",
    "parse_test",
    "freeman_halton",
    "table_test",
    "two_sample_test",
]

logger = logging.getLogger(__name__)

#: Levene's test centred on the group means (Levene 1960), which is what SPSS prints as
#: "Levene's Test for Equality of Variances"; scipy's default, the median (Brown–Forsythe),
#: would not reproduce an SPSS table.
LEVENE_CENTER: Final = "mean"

#: Quartiles by numpy's ``method="weibull"``: position p·(n + 1), linear interpolation, i.e.
#: SPSS's default "weighted average" (HAVERAGE) percentiles, from which the paper's IQRs come.
QUARTILE_METHOD: Final = "weibull"

#: Fisher's exact test replaces χ² when any expected count is below this.
MIN_EXPECTED = 5.0

#: Tables the exact Freeman–Halton test enumerates at most; beyond, a seeded Monte Carlo p.
MAX_EXACT_TABLES = 2_000_000


class GroupTest(StrEnum):
    """The test that produced a row's p value."""

    T_TEST = "t-test"  # Student's, pooled variance (scipy.stats.ttest_ind, equal_var=True)
    MANN_WHITNEY = "Mann-Whitney U"  # scipy.stats.mannwhitneyu, two-sided
    CHI_SQUARE = "chi-square"  # Pearson, no Yates correction (SPSS's "Pearson Chi-Square")
    FISHER = "Fisher exact"  # two-sided; Freeman–Halton extension beyond 2×2


_TEST_NAMES: dict[str, GroupTest] = {
    "t": GroupTest.T_TEST,
    "t-test": GroupTest.T_TEST,
    "ttest": GroupTest.T_TEST,
    "student": GroupTest.T_TEST,
    "mwu": GroupTest.MANN_WHITNEY,
    "u": GroupTest.MANN_WHITNEY,
    "mann-whitney": GroupTest.MANN_WHITNEY,
    "mann-whitney u": GroupTest.MANN_WHITNEY,
    "chi2": GroupTest.CHI_SQUARE,
    "chi-square": GroupTest.CHI_SQUARE,
    "fisher": GroupTest.FISHER,
    "fisher exact": GroupTest.FISHER,
}


def parse_test(name: GroupTest | str) -> GroupTest | None:
    """A test named as users write it ("t", "mwu", "chi2", "fisher", or a value); else None."""
    return _TEST_NAMES.get(str(name).strip().lower())


def finite_or_none(value: float | None) -> float | None:
    """``value`` for JSON: None where it is missing, NaN or infinite."""
    return None if value is None or not math.isfinite(value) else float(value)


@dataclass(frozen=True)
class Normality:
    """Shapiro–Wilk in one group; ``normal`` is p ≥ alpha (W and p NaN for a constant group)."""

    group: str
    w: float
    p: float
    normal: bool

    def to_dict(self) -> dict[str, Any]:
        return {"w": finite_or_none(self.w), "p": finite_or_none(self.p), "normal": self.normal}


@dataclass(frozen=True)
class TwoSampleTest:
    """Pre-tests, the chosen test and its result for one continuous variable."""

    test: GroupTest
    statistic: float
    statistic_name: str
    df: float | None
    p: float
    method: str
    reason: str
    normality: tuple[Normality, Normality]
    levene_statistic: float
    levene_p: float


@dataclass(frozen=True)
class TableTest:
    """χ² or Fisher on a k×2 table of counts (levels × groups); statistic NaN for Fisher."""

    test: GroupTest
    statistic: float
    df: float | None
    p: float
    method: str
    reason: str


def format_p(p: float) -> str:
    """A p value as the paper prints it: "< 0.001" below 0.001, else three decimals."""
    if not math.isfinite(p):
        return "n/a"
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}"


def describe(x: npt.NDArray[np.float64]) -> dict[str, float]:
    """Mean, SD (n − 1), median, Q1, Q3 (SPSS weighted-average quartiles), min and max."""
    q1, median, q3 = np.percentile(x, [25, 50, 75], method=QUARTILE_METHOD)
    return {
        "mean": float(np.mean(x)),
        "sd": float(np.std(x, ddof=1)),
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
        "min": float(np.min(x)),
        "max": float(np.max(x)),
    }


def _shapiro(x: npt.NDArray[np.float64], group: str, alpha: float) -> Normality:
    if np.ptp(x) == 0.0:  # constant: normality cannot be judged; treat as not normal
        return Normality(group=group, w=math.nan, p=math.nan, normal=False)
    res = stats.shapiro(x)
    p = float(res.pvalue)
    return Normality(group=group, w=float(res.statistic), p=p, normal=p >= alpha)


def two_sample_test(
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    *,
    groups: tuple[str, str],
    alpha: float,
    forced: GroupTest | None = None,
) -> TwoSampleTest:
    """Shapiro–Wilk in each group and Levene decide: Student's t if all p ≥ alpha, else MWU.

    ``a`` and ``b`` hold no NaN and at least 3 values each (the caller checks). Mann–Whitney U
    is scipy's two-sided test with scipy's default method choice, made explicit here so the
    method can be reported: exact when a group has at most 8 values and there are no ties,
    otherwise the normal approximation with tie and continuity correction (as R's
    ``wilcox.test``; SPSS's asymptotic p may differ in the third decimal). U is the first
    group's.
    """
    normality = (_shapiro(a, groups[0], alpha), _shapiro(b, groups[1], alpha))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # zero variance in both groups → NaN
        lev = stats.levene(a, b, center=LEVENE_CENTER)
    levene_p = float(lev.pvalue)
    equal_var = math.isfinite(levene_p) and levene_p >= alpha
    normal = normality[0].normal and normality[1].normal
    chosen = GroupTest.T_TEST if normal and equal_var else GroupTest.MANN_WHITNEY
    reason = _reason(normality, levene_p, equal_var, alpha)
    if forced is not None:
        reason = f"forced to {forced.value} (pre-tests: {reason})"
        chosen = forced
    if chosen is GroupTest.T_TEST:
        t_res = stats.ttest_ind(a, b, equal_var=True)
        statistic, p = float(t_res.statistic), float(t_res.pvalue)
        method = "Student t-test (pooled variance), two-sided"
        stat_name, df = "t", float(a.size + b.size - 2)
    else:
        ties = np.unique(np.concatenate([a, b])).size < a.size + b.size
        small = min(a.size, b.size) <= 8 and not ties
        how: Literal["exact", "asymptotic"] = "exact" if small else "asymptotic"
        u_res = stats.mannwhitneyu(a, b, alternative="two-sided", method=how)
        statistic, p = float(u_res.statistic), float(u_res.pvalue)
        detail = "exact" if how == "exact" else "normal approximation, tie and continuity corrected"
        method = f"Mann-Whitney U, two-sided, {detail}"
        stat_name, df = "U", None
    return TwoSampleTest(
        test=chosen,
        statistic=statistic,
        statistic_name=stat_name,
        df=df,
        p=p,
        method=method,
        reason=reason,
        normality=normality,
        levene_statistic=float(lev.statistic),
        levene_p=levene_p,
    )


def _reason(
    normality: tuple[Normality, Normality], levene_p: float, equal_var: bool, alpha: float
) -> str:
    parts = []
    for item in normality:
        if math.isnan(item.p):
            parts.append(f"{item.group}: constant values")
        else:
            verdict = "normal" if item.normal else "not normal"
            parts.append(f"{item.group}: Shapiro-Wilk p = {format_p(item.p)}, {verdict}")
    verdict = "equal variances" if equal_var else "unequal variances"
    parts.append(f"Levene (mean-centred) p = {format_p(levene_p)}, {verdict}")
    return f"{'; '.join(parts)} (alpha = {alpha:g})"


#: Most categories compared by chi-square/Fisher (Table 1 rows have a handful).
MAX_CATEGORIES = 20


def too_many_categories(n: int) -> str:
    """The end of the message for a categorical variable with ``n`` > ``MAX_CATEGORIES``."""
    return (
        f"has {n} distinct text values; a categorical comparison takes at most "
        f"{MAX_CATEGORIES}. Leave out IDs, dates and free text; if it holds numbers, fix the "
        "cells that are not numbers."
    )


def table_test(table: npt.NDArray[np.int64], *, forced: GroupTest | None = None) -> TableTest:
    """Pearson χ² without Yates' correction (SPSS's "Pearson Chi-Square" row) on a k×2 table,
    or Fisher's exact test when any expected count is below ``MIN_EXPECTED`` (or if forced).

    Fisher on a 2×2 table is scipy's ``fisher_exact``; on k×2, :func:`freeman_halton`.
    """
    expected = stats.contingency.expected_freq(table)
    low = int((expected < MIN_EXPECTED).sum())
    smallest = f"smallest {float(expected.min()):.2f}"
    reason = (
        f"{low} of {table.size} expected counts < {MIN_EXPECTED:g} ({smallest})"
        if low
        else f"all expected counts >= {MIN_EXPECTED:g} ({smallest})"
    )
    fisher = low > 0 if forced is None else forced is GroupTest.FISHER
    if forced is not None:
        reason = f"forced to {forced.value} ({reason})"
    if not fisher:
        res = stats.chi2_contingency(table, correction=False)
        method = "Pearson chi-square, no continuity correction"
        return TableTest(
            GroupTest.CHI_SQUARE,
            float(res.statistic),
            float(res.dof),
            float(res.pvalue),
            method,
            reason,
        )
    if table.shape[0] == 2:
        p = float(stats.fisher_exact(table, alternative="two-sided").pvalue)
        method = "Fisher exact test, two-sided"
    else:
        p, method = freeman_halton(table)
    return TableTest(GroupTest.FISHER, math.nan, None, p, method, reason)


def _log_choose(n: int, k: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    return np.asarray(gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1), dtype=np.float64)


def freeman_halton(table: npt.NDArray[np.int64]) -> tuple[float, str]:
    """Fisher–Freeman–Halton exact p of a k×2 table (Freeman & Halton, Biometrika 1951;38:141).

    Every table with the observed margins is enumerated; its probability is the multivariate
    hypergeometric ∏ C(r_i, x_i) / C(N, c_1). The p value sums the tables no more probable than
    the observed one (relative tolerance 1e-7, as R's ``fisher.test``). scipy's r×c Fisher test
    is Monte Carlo only, hence this exact form; beyond ``MAX_EXACT_TABLES`` tables it falls back
    to scipy's Monte Carlo test with a fixed seed, so the result stays deterministic.

    Returns
    -------
    (p, method) : tuple of float and str
    """
    rows = table.sum(axis=1).astype(np.int64)
    first = int(table[:, 0].sum())
    capacity = np.concatenate([np.cumsum(rows[::-1])[::-1], [0]])  # rows from level i on
    sums = np.zeros(1, dtype=np.int64)
    logp = np.zeros(1)
    for i, r in enumerate(rows[:-1]):
        x = np.arange(int(r) + 1, dtype=np.int64)
        sums = (sums[:, None] + x[None, :]).ravel()
        logp = (logp[:, None] + _log_choose(int(r), x)[None, :]).ravel()
        keep = (sums <= first) & (first - sums <= capacity[i + 1])
        sums, logp = sums[keep], logp[keep]
        if sums.size > MAX_EXACT_TABLES:
            logger.info("Freeman-Halton: more than %d tables; Monte Carlo", MAX_EXACT_TABLES)
            mc = stats.MonteCarloMethod(n_resamples=100_000, rng=0)
            # scipy 1.17 returns the r x c Monte Carlo p as a 1-element array
            p = float(np.ravel(stats.fisher_exact(table, method=mc).pvalue)[0])
            return p, "Fisher-Freeman-Halton, Monte Carlo (100 000 tables, seed 0)"
    logp = logp + _log_choose(int(rows[-1]), first - sums)
    observed = float(
        sum(_log_choose(int(r), np.array([x]))[0] for r, x in zip(rows, table[:, 0], strict=True))
    )
    total = float(_log_choose(int(rows.sum()), np.array([first]))[0])
    p = float(np.exp(logp[logp <= observed + math.log1p(1e-7)] - total).sum())
    return min(1.0, p), "Fisher-Freeman-Halton exact test"
