"""Cohort explorer, Overview: the Table 1 comparison of the filtered patients."""

from __future__ import annotations

import logging

import streamlit as st

from vbqapp.cohort import cache
from vbqapp.cohort.context import ViewContext
from vbqapp.cohort.downloads import table_block
from vbqapp.cohort.table_downloads import manuscript_table
from vbqapp.text import md_escape
from vbqcore.cohort.analysis import column_label
from vbqcore.cohort.table import SEX
from vbqcore.tables import publication_table_one

__all__ = ["show"]

logger = logging.getLogger(__name__)


def show(ctx: ViewContext) -> None:
    cohort = ctx.cohort
    fixed = [SEX] if cohort.has_sex else []
    scores = [s.value for s in cohort.scores]
    categorical = cache.filter_options(ctx.key.token, cohort.mapping, cohort)
    options = list(dict.fromkeys([*fixed, *cohort.numeric_columns(), *categorical]))
    default = [c for c in options if c in (*fixed, "age", "bmi", *cohort.dexa, *scores)]
    variables = st.multiselect(
        "Variables", options, default=default, format_func=column_label, key="cohort_t1_vars"
    )
    table = cache.table_one_for(ctx.key, tuple(variables), cohort)
    st.subheader("Table 1: fracture vs control" if cohort.positive == "fracture" else "Table 1")
    st.caption(
        "Each continuous variable is tested as Huang et al. (2026) did: Student's t-test when "
        "Shapiro–Wilk and Levene's test do not reject (mean ± SD), otherwise Mann–Whitney U "
        "(median, Q1, Q3); categories by χ² or Fisher's exact test. A variable with missing "
        "values shows the n per group."
    )
    if table.comparison is None:
        st.info("Choose at least one variable that can be compared.")
    else:
        pub = publication_table_one(table.comparison)
        stem = ctx.file_name("table1", "csv").removesuffix(".csv")
        manuscript_table(
            pub.to_frame(),
            title=pub.title,
            footnotes=pub.footnotes,
            file_stem=stem,
            key="cohort_t1",
        )
        with st.expander("Test details (statistics, pre-tests)"):
            table_block(
                table.to_frame(), file_name=ctx.file_name("table1_details", "csv"), key="cohort_t1d"
            )
    for name, why in table.skipped:
        st.warning(md_escape(f"{name} left out: {why}"), icon=":material/warning:")
    for note in table.notes:
        st.caption(md_escape(note))
