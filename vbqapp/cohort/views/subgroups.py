"""Cohort explorer, Subgroups: AUC per sex and age band (forest plot), Table 1 within one."""

from __future__ import annotations

import logging

import streamlit as st

from vbqapp.cohort import cache
from vbqapp.cohort.context import ViewContext
from vbqapp.cohort.downloads import figure_block, table_block
from vbqapp.text import md_escape
from vbqcore.cohort.analysis import column_label
from vbqcore.cohort.filters import DEFAULT_AGE_EDGES, parse_age_edges
from vbqcore.cohort.subgroup_tests import differences_frame, subgroup_differences
from vbqcore.cohort.table import PAPER_SCORES
from vbqcore.errors import VbqError
from vbqcore.plots.forest import auc_forest_rows, forest_figure
from vbqcore.vbq import ScoreName

__all__ = ["show"]

logger = logging.getLogger(__name__)


def show(ctx: ViewContext) -> None:
    cohort = ctx.cohort
    options = [s.value for s in cohort.scores]
    default = [s.value for s in PAPER_SCORES if s in cohort.scores] or options
    left, right = st.columns([3, 2])
    scores = left.multiselect(
        "Scores",
        options,
        default=default,
        format_func=lambda s: ScoreName(s).label,
        key="cohort_sub_scores",
    )
    edges_text = right.text_input(
        "Age bands cut at (years)",
        value=", ".join(f"{e:g}" for e in DEFAULT_AGE_EDGES),
        key="cohort_sub_edges",
        help="Increasing ages separated by commas: '65, 75' gives < 65, 65 to < 75 and ≥ 75.",
        disabled=not cohort.has_age,
    )
    edges = parse_age_edges(edges_text) if cohort.has_age else ()
    variables_all = list(cohort.numeric_columns())
    variables = st.multiselect(
        "Table 1 variables within each subgroup",
        variables_all,
        default=[c for c in variables_all if c in ("age", "bmi", *cohort.dexa, *options)],
        format_func=column_label,
        key="cohort_sub_vars",
    )
    if not scores:
        st.info("Choose at least one score.")
        return
    analysis = cache.subgroups_for(ctx.key, tuple(scores), edges, cohort)
    st.subheader("AUC per subgroup")
    fig = forest_figure(auc_forest_rows(analysis), x_title="AUC (95% CI, DeLong)", reference=0.5)
    figure_block(fig, file_name=ctx.file_name("subgroup_auc", "png"), key="cohort_sub_forest")
    st.caption(
        "Rows: subgroup (cases/controls). A subgroup with fewer than 2 of a group has no AUC."
    )
    for label, why in analysis.notes:
        st.caption(f"{label}: {why}.")
    st.subheader("Do the AUCs differ between subgroups?")
    differences = differences_frame(
        subgroup_differences(ctx.frame(), cohort, tuple(scores), age_edges=edges)
    )
    if differences.empty:
        st.info("No two subgroups to compare under the current filters.")
    else:
        table_block(
            differences, file_name=ctx.file_name("subgroup_auc_tests", "csv"), key="cohort_sub_dl"
        )
        st.caption(
            "Unpaired DeLong test (the subgroups hold different patients), as pROC's "
            "roc.test(paired = FALSE): D and its Welch–Satterthwaite df; difference = first − "
            "second with a t-based 95% CI."
        )
    table_block(
        analysis.to_frame(), file_name=ctx.file_name("subgroup_auc", "csv"), key="cohort_sub_auc"
    )
    st.subheader("Table 1 within a subgroup")
    labels = list(dict.fromkeys(row.subgroup for row in analysis.aucs if row.kind != "all"))
    if not labels:
        st.info("Map sex or age to split the patients into subgroups.")
        return
    label = st.segmented_control(
        "Subgroup", labels, default=labels[0], required=True, key="cohort_sub_pick"
    )
    st.caption("As the paper's female-only and male-only blocks of Table 1.")
    try:
        table = cache.subgroup_table_for(
            ctx.key, label or labels[0], edges, tuple(variables), cohort
        )
    except VbqError as err:
        st.info(md_escape(err))
        return
    if table.comparison is not None:
        table_block(
            table.to_frame(),
            file_name=ctx.file_name(f"table1_{label}", "csv"),
            key="cohort_sub_t1",
        )
    for name, why in table.skipped:
        st.caption(md_escape(f"{name} left out: {why}"))
