"""Tables 1–4 of Huang et al. 2026 recomputed with vbqcore.stats, row by published row.

Table 1 by :func:`vbqcore.stats.compare_groups` in each subgroup, each row with the test the
paper reports for it (t-test for mean ± SD, Mann–Whitney U for median (IQR)); Tables 2–3 by
:func:`vbqcore.stats.roc_analysis` (DeLong CI; the p of AUC = 0.5 is the Mann–Whitney U p);
Table 4 by :func:`vbqcore.stats.logistic_regression` (univariable, then multivariable on the
significant scores, as the paper).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd

from vbqcore.errors import CohortError
from vbqcore.paper.published import (
    Group,
    PublishedOddsRatio,
    PublishedTables,
    PValue,
    Subgroup,
    SummaryRow,
)
from vbqcore.paper.reproduction_row import (
    ALPHA,
    AUC_TOL,
    CI_TOL,
    CUTOFF_TOL,
    GROUPS,
    QUARTILE_TOL,
    RATE_TOL,
    ReproductionRow,
    p_row,
    relative_ok,
)
from vbqcore.stats import (
    ComparisonRow,
    OddsRatio,
    compare_groups,
    logistic_regression,
    roc_analysis,
)

__all__ = ["table1_rows", "table23_rows", "table4_rows"]

logger = logging.getLogger(__name__)


def _summary_rows(row: SummaryRow, computed: ComparisonRow) -> list[ReproductionRow]:
    sub = row.subgroup.value
    out: list[ReproductionRow] = []
    if row.summary.startswith("n ("):
        level = next(lv for lv in computed.levels if lv.level == row.level)
        for i, group in enumerate(GROUPS):
            pub = row.values(group)
            out.append(
                ReproductionRow(
                    "1",
                    row.row,
                    sub,
                    f"n ({group})",
                    pub["count"],
                    float(level.counts[i]),
                    "exact",
                    pub["count"] == level.counts[i],
                    f"{pub['count']:g}",
                    row.variable,
                )
            )
            out.append(
                ReproductionRow(
                    "1",
                    row.row,
                    sub,
                    f"% ({group})",
                    pub["percent"],
                    level.percents[i],
                    "±0.005",
                    abs(level.percents[i] - pub["percent"]) <= QUARTILE_TOL,
                    f"{pub['percent']:.2f}",
                    row.variable,
                )
            )
        return out
    if computed.descriptives is None:  # pragma: no cover - continuous rows always have them
        raise CohortError(f"reproduction: no descriptives for {row.variable!r}")
    for i, group in enumerate(GROUPS):
        if row.n is not None:
            n_pub = row.n[group]
            out.append(
                ReproductionRow(
                    "1",
                    row.row,
                    sub,
                    f"n ({group})",
                    float(n_pub),
                    float(computed.n[i]),
                    "exact",
                    n_pub == computed.n[i],
                    str(n_pub) if row.n_printed else f"{n_pub} (implied)",
                    row.variable,
                )
            )
        for key, value in row.values(group).items():
            got = computed.descriptives[i][key]
            note = ""
            if key in ("mean", "sd"):
                target, ok = "within 2%", relative_ok(value, got)
                if row.erratum and row.erratum.field == f"{group}.{key}":
                    note = (
                        f"printed {row.erratum.printed:g}; target {row.erratum.used:g}: "
                        f"{row.erratum.why}"
                    )
            else:
                target, ok = "±0.005 (printed precision)", abs(got - value) <= QUARTILE_TOL
            printed = f"{row.erratum.printed:g}" if note and row.erratum else f"{value:g}"
            out.append(
                ReproductionRow(
                    "1",
                    row.row,
                    sub,
                    f"{key} ({group})",
                    value,
                    got,
                    target,
                    ok,
                    printed,
                    row.variable,
                    note,
                )
            )
    if row.p is not None:
        out.append(_table1_p(row, row.p, computed))
    return out


def _table1_p(row: SummaryRow, p_pub: PValue, computed: ComparisonRow) -> ReproductionRow:
    sub = row.subgroup.value
    n_a, n_b = computed.n
    floor = 2.0 / math.comb(n_a + n_b, n_a)
    if p_pub.significant(ALPHA) and floor >= ALPHA and "exact" in computed.method:
        # Table 1's men with L1–L4 DEXA: 3 vs 4 patients. The printed 0.034 is the normal
        # approximation without continuity correction for U = 0 (z = 6/sqrt(8)); the exact test
        # cannot go below 2/35. The target is what the paper's p reflects: complete separation.
        separated = computed.statistic in (0.0, float(n_a * n_b))
        note = (
            f"{n_a} vs {n_b} patients: the exact two-sided p cannot be below "
            f"2/C({n_a + n_b},{n_a}) = {floor:.3f}; the printed {p_pub.printed} is the normal "
            "approximation without continuity correction for complete separation (U = 0)."
        )
        return ReproductionRow(
            "1",
            row.row,
            sub,
            "p",
            p_pub.value,
            computed.p,
            "complete separation (U = 0)",
            separated,
            p_pub.printed,
            row.variable,
            note,
        )
    return p_row(
        "1",
        row.row,
        sub,
        p_pub,
        computed.p,
        row.variable,
        f"{computed.test.value} as the paper reports this row",
    )


def table1_rows(df: pd.DataFrame, tables: PublishedTables) -> list[ReproductionRow]:
    out: list[ReproductionRow] = []
    for sub in Subgroup:
        rows = [r for r in tables.table1 if r.subgroup is sub]
        part = df if sub.sex is None else df[df["sex"] == sub.sex]
        variables = list(dict.fromkeys(r.variable for r in rows))
        force = {
            r.variable: "t-test" if r.summary == "mean ± SD" else "mwu"
            for r in rows
            if not r.summary.startswith("n (")
        }
        result = compare_groups(
            part.reset_index(drop=True),
            "group",
            variables,
            groups=GROUPS,
            categorical=[v for v in variables if v == "sex"],
            force=force,
        )
        by_name = {r.variable: r for r in result.rows}
        for row in rows:
            out.extend(_summary_rows(row, by_name[row.variable]))
    return out


def table23_rows(df: pd.DataFrame, tables: PublishedTables) -> list[ReproductionRow]:
    y = (df["group"] == Group.FRACTURE.value).to_numpy()
    out: list[ReproductionRow] = []
    mwu = compare_groups(
        df.reset_index(drop=True),
        "group",
        [r.variable for r in tables.table2],
        groups=GROUPS,
        force={r.variable: "mwu" for r in tables.table2},
    )
    p_mwu = {r.variable: r.p for r in mwu.rows}
    rocs = {}
    for row in tables.table2:
        roc = roc_analysis(y, df[row.variable].to_numpy(dtype=np.float64))
        rocs[row.variable] = roc
        out.append(
            ReproductionRow(
                "2",
                row.row,
                "all",
                "AUC",
                row.auc_abstract,
                roc.auc,
                "±0.02",
                abs(roc.auc - row.auc_abstract) <= AUC_TOL,
                f"{row.auc:.2f} (abstract {row.auc_abstract:.3f})",
                row.variable,
            )
        )
        for name, pub, got in (
            ("95% CI low", row.ci_low, roc.ci_low),
            ("95% CI high", row.ci_high, roc.ci_high),
        ):
            out.append(
                ReproductionRow(
                    "2",
                    row.row,
                    "all",
                    f"AUC {name} (DeLong)",
                    pub,
                    got,
                    "±0.03",
                    abs(got - pub) <= CI_TOL,
                    f"{pub:.2f}",
                    row.variable,
                )
            )
        out.append(
            p_row(
                "2",
                row.row,
                "all",
                row.p,
                p_mwu[row.variable],
                row.variable,
                "Mann-Whitney U p: the test of AUC = 0.5",
            )
        )
    for cut in tables.table3:
        roc = rocs.get(cut.variable) or roc_analysis(y, df[cut.variable].to_numpy(np.float64))
        out.append(
            ReproductionRow(
                "3",
                cut.row,
                "all",
                "Youden cut-off",
                cut.cutoff,
                roc.cutoff,
                "±0.02",
                abs(roc.cutoff - cut.cutoff) <= CUTOFF_TOL,
                f"{cut.cutoff:g}",
                cut.variable,
            )
        )
        for name, pub, got in (
            ("sensitivity %", cut.sensitivity, 100.0 * roc.sensitivity),
            ("specificity %", cut.specificity, 100.0 * roc.specificity),
        ):
            note = cut.note if name.startswith("spec") else ""
            out.append(
                ReproductionRow(
                    "3",
                    cut.row,
                    "all",
                    name,
                    pub,
                    got,
                    "±3 points",
                    abs(got - pub) <= RATE_TOL,
                    f"{pub:.1f}",
                    cut.variable,
                    note,
                )
            )
    return out


def table4_rows(df: pd.DataFrame, tables: PublishedTables) -> list[ReproductionRow]:
    predictors = [r.variable for r in tables.table4]
    fit = logistic_regression(df, "group", predictors, positive=Group.FRACTURE.value)
    multi = fit.multivariable
    entered = set(multi.predictors) if multi is not None else set()
    out: list[ReproductionRow] = []
    for row in tables.table4:
        published_in = row.multivariable is not None
        in_multi = row.variable in entered
        out.append(
            ReproductionRow(
                "4",
                row.row,
                "all",
                "entered multivariable model",
                float(published_in),
                float(in_multi),
                "same",
                published_in == in_multi,
                "yes" if published_in else "no (-)",
                row.variable,
            )
        )
        uni = fit.univariable_for(row.variable).terms[0]
        got_multi = multi.term(row.variable) if multi is not None and in_multi else None
        models: list[tuple[str, PublishedOddsRatio, OddsRatio | None]] = [
            ("univariable", row.univariate, uni)
        ]
        if row.multivariable is not None:
            models.append(("multivariable", row.multivariable, got_multi))
        for label, pub, got in models:
            figures = (
                ("OR", pub.odds_ratio, None if got is None else got.odds_ratio),
                ("OR CI low", pub.ci_low, None if got is None else got.ci_low),
                ("OR CI high", pub.ci_high, None if got is None else got.ci_high),
            )
            for name, p_val, g_val in figures:
                out.append(
                    ReproductionRow(
                        "4",
                        row.row,
                        "all",
                        f"{name} ({label})",
                        p_val,
                        g_val,
                        "shown",
                        None,
                        str(p_val),  # as printed, e.g. 2573083.716
                        row.variable,
                    )
                )
            p_got = None if got is None else got.p
            same = p_got is not None and (p_got < ALPHA) == pub.p.significant(ALPHA)
            out.append(
                ReproductionRow(
                    "4",
                    row.row,
                    "all",
                    f"p ({label})",
                    pub.p.value,
                    p_got,
                    "same side of 0.05",
                    same,
                    pub.p.printed,
                    row.variable,
                )
            )
    return out
