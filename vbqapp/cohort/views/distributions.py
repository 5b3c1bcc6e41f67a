"""Cohort explorer, Distributions: box or violin plots with points, per group and sex."""

from __future__ import annotations

import logging

import streamlit as st

from vbqapp.cohort import cache
from vbqapp.cohort.context import ViewContext
from vbqapp.cohort.downloads import figure_block, table_block
from vbqcore.plots.distributions import distribution_figure
from vbqcore.vbq import ScoreName

__all__ = ["show"]

logger = logging.getLogger(__name__)


def show(ctx: ViewContext) -> None:
    cohort = ctx.cohort
    options = [s.value for s in cohort.scores]
    left, middle, right = st.columns([3, 1, 1])
    scores = left.multiselect(
        "Scores",
        options,
        default=options,
        format_func=lambda s: ScoreName(s).label,
        key="cohort_dist_scores",
    )
    kind = middle.segmented_control(
        "Plot", ["box", "violin"], default="box", required=True, key="cohort_dist_kind"
    )
    by_sex = right.toggle(
        "Split by sex", value=cohort.has_sex, disabled=not cohort.has_sex, key="cohort_dist_sex"
    )
    points = right.toggle("Show points", value=True, key="cohort_dist_points")
    if not scores:
        st.info("Choose at least one score.")
        return
    dist = cache.distributions_for(ctx.key, tuple(scores), bool(by_sex), cohort)
    fig = distribution_figure(
        dist, kind="violin" if kind == "violin" else "box", show_points=points, patient=ctx.patient
    )
    figure_block(fig, file_name=ctx.file_name("distributions", "png"), key="cohort_dist")
    notes = ["Boxes: median and quartiles; whiskers reach the furthest value within 1.5 IQR."]
    if kind == "violin":
        notes.append("Violins: Gaussian kernel density (Scott's bandwidth).")
    if dist.sampled and points:
        notes.append(
            f"Points: a random {dist.max_points} per group are drawn; the boxes and densities "
            "use every patient."
        )
    if ctx.patient:
        notes.append("Dashed line: this patient, as measured on the Case page.")
    st.caption(" ".join(notes))
    with st.expander("Summary statistics"):
        table_block(
            dist.to_frame(), file_name=ctx.file_name("distributions", "csv"), key="cohort_dist"
        )
