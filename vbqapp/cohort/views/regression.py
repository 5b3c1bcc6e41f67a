"""Cohort explorer, Regression: univariable and multivariable logistic models, OR forest plot."""

from __future__ import annotations

import logging

import streamlit as st

from vbqapp.cohort import cache
from vbqapp.cohort.context import ViewContext
from vbqapp.cohort.downloads import figure_block
from vbqapp.cohort.table_downloads import manuscript_table
from vbqapp.text import md_escape
from vbqcore.cohort.analysis import column_label
from vbqcore.cohort.predictors import (
    MALE_SEX,
    MALE_SEX_LABEL,
    default_predictors,
    hidden_predictors,
    offered_predictors,
)
from vbqcore.plots.forest import forest_figure, odds_ratio_rows

__all__ = ["show"]

logger = logging.getLogger(__name__)

_RULES = {
    "significant": "Univariable p < 0.05 (as the paper)",
    "all": "All chosen predictors",
}


def show(ctx: ViewContext) -> None:
    cohort = ctx.cohort
    hidden = hidden_predictors(cohort)
    left, right = st.columns([3, 2])
    show_all = left.toggle(
        "Offer identifiers and raw SI columns too",
        value=False,
        key="cohort_reg_all",
        disabled=not hidden,
        help="Hidden by default: "
        + (", ".join(hidden) or "none in this table")
        + ". Patient numbers and raw signal intensities (scanner units) are not predictors.",
    )
    options = list(offered_predictors(cohort, include_hidden=show_all))
    predictors = left.multiselect(
        "Predictors",
        options,
        default=[c for c in default_predictors(cohort) if c in options],
        format_func=lambda c: MALE_SEX_LABEL if c == MALE_SEX else column_label(c),
        key="cohort_reg_pred",
    )
    rule = right.radio(
        "Multivariable model",
        list(_RULES),
        format_func=_RULES.__getitem__,
        key="cohort_reg_rule",
    )
    per_tenth = right.toggle(
        "OR per 0.1 of each VBQ score",
        value=True,
        key="cohort_reg_tenth",
        help="A VBQ score spans well under 1 unit, so the OR per 1.0 is huge (about 20 000 for "
        "VBQ-T2 in the paper); per 0.1 reads more easily.",
    )
    if not predictors:
        st.info("Choose at least one predictor.")
        return
    result = cache.regression_for(ctx.key, tuple(predictors), rule, per_tenth, cohort)
    st.subheader(
        f"Logistic regression of {md_escape(cohort.positive)} vs {md_escape(cohort.negative)}"
    )
    manuscript_table(
        result.to_frame(),
        title=f"Table 4. Logistic regression of {cohort.positive} vs {cohort.negative}",
        footnotes=(
            "OR, odds ratio; Wald 95% CIs and p, as SPSS prints them. "
            f"{result.multivariable_note.capitalize()}.",
        ),
        file_stem=ctx.file_name("regression", "csv").removesuffix(".csv"),
        key="cohort_reg",
    )
    for warning in result.warnings:
        st.warning(md_escape(warning), icon=":material/warning:")
    rows = odds_ratio_rows(result, per_unit=per_tenth)
    fig = forest_figure(rows, x_title="Odds ratio (95% CI, log scale)", reference=1.0, log_x=True)
    figure_block(fig, file_name=ctx.file_name("odds_ratios", "png"), key="cohort_reg_forest")
