"""Cohort explorer: filter a cohort and redo the analyses of Huang et al. 2026 on it."""

import streamlit as st

from vbqapp.cohort.cache import ViewKey
from vbqapp.cohort.context import ViewContext, chosen_patient_scores
from vbqapp.cohort.data import data_panel
from vbqapp.cohort.downloads import csv_button
from vbqapp.cohort.filters import show_counts, sidebar_filters
from vbqapp.cohort.planning import plan_study_panel
from vbqapp.cohort.prefetch import prefetch
from vbqapp.cohort.views.menu import DEFAULT_VIEW, VIEWS, show_view
from vbqapp.cohort.warmup import start_warmup
from vbqapp.routing import require_router
from vbqapp.text import md_escape
from vbqcore.cohort.analysis import readiness_message
from vbqcore.errors import VbqError

require_router()  # a deep link on a fresh server must still go through app.py

st.title("Cohort explorer")
st.caption(
    "Filter a cohort in the sidebar and read the answer off the plots: Table 1, score "
    "distributions, ROC with cut-offs, logistic regression and subgroups, computed as Huang et "
    "al. (Global Spine J 2026;16(1):162–170) did. The filters are kept in the page's address, "
    "so a view can be shared as a link."
)

loaded = data_panel()
if loaded is None:
    st.stop()
cohort, token = loaded
try:
    filters = sidebar_filters(cohort, token)
    counts = show_counts(cohort, filters)
except VbqError as err:
    st.error(md_escape(err))
    st.stop()
ctx = ViewContext(cohort, ViewKey(token, cohort.mapping, filters), counts, chosen_patient_scores())

shown = " and ".join(f"**{n}** {md_escape(group)}" for group, n in counts.items())
st.markdown(f"Showing {shown} patients ({md_escape(filters.describe())}).")
csv_button(
    ctx.frame,
    file_name=ctx.file_name("rows", "csv"),
    key="cohort_rows_csv",
    label="Filtered rows (CSV)",
)
problem = readiness_message(counts, cohort)
if problem is not None:
    st.warning(md_escape(problem), icon=":material/filter_alt:")
    st.stop()

view = st.segmented_control(
    "View", list(VIEWS), default=DEFAULT_VIEW, required=True, key="cohort_view", bind="query-params"
)
try:
    show_view(view or DEFAULT_VIEW, ctx)
except VbqError as err:
    st.error(md_escape(err), icon=":material/error:")

plan_study_panel(ctx)
# After the view is drawn, in the background: the other views' imports (once per process) and
# their default analyses of these rows (once per table).
start_warmup()
prefetch(ctx.key, cohort)
