"""Case page, step 3: case options (fractured levels, CSF level, method, pre-test probability)
and the scores with their interpretation, strip plot and warnings."""

from __future__ import annotations

import re

import streamlit as st

from vbqapp.case.session import get_case, put_case, seed, widget_key
from vbqapp.case.verdict import bottom_line, interval_caption, interval_method_picker, zone_badge
from vbqapp.figure_export import print_export
from vbqapp.state import set_latest_result
from vbqapp.text import md_escape
from vbqcore.anatomy import Level
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.model import set_options
from vbqcore.errors import VbqError
from vbqcore.interpretation import CutoffComparison
from vbqcore.measurements import CSF_LEVELS
from vbqcore.plots.score_strip import score_strip
from vbqcore.vbq import Aggregate, ScoreName

__all__ = ["case_options", "scores_panel"]


def _on_option(name: str, key: str) -> None:
    value = st.session_state.get(key)
    try:
        if name == "pretest_probability":
            value = None if value in (None, 0) else float(value) / 100
        put_case(set_options(get_case(), **{name: value}))
    except VbqError as err:
        st.session_state[widget_key("option_error")] = str(err)


def case_options() -> None:
    """Fractured levels, CSF level, aggregate and pre-test probability, for the whole case."""
    case = get_case()
    keys = {n: widget_key("opt", n) for n in ("fractured", "csf_level", "method", "pretest")}
    seed(keys["fractured"], [lv.value for lv in sorted(case.fractured, key=lambda lv: lv.order)])
    seed(keys["csf_level"], case.csf_level.value)
    seed(keys["method"], case.method.value)
    pretest = case.pretest_probability
    seed(keys["pretest"], None if pretest is None else round(100 * pretest, 2))
    st.multiselect(
        "Fractured levels",
        [lv.value for lv in Level],
        key=keys["fractured"],
        on_change=_on_option,
        args=("fractured", keys["fractured"]),
        help="Left out of every score and replaced by T12 and/or L5 (Huang et al. 2026).",
    )
    left, right = st.columns(2)
    left.segmented_control(
        "CSF level",
        [lv.value for lv in CSF_LEVELS],
        key=keys["csf_level"],
        required=True,
        on_change=_on_option,
        args=("csf_level", keys["csf_level"]),
        help="Where the CSF ROI is: L3, or L2/L4 when L3 is stenotic.",
    )
    right.segmented_control(
        "Aggregate of the levels",
        [a.value for a in Aggregate],
        key=keys["method"],
        required=True,
        on_change=_on_option,
        args=("method", keys["method"]),
        help="Mean (Huang et al. 2026, whose cut-offs are shown) or median (Ehresman et al.).",
    )
    st.number_input(
        "Pre-test probability of OVCF (%)",
        min_value=0.0,
        max_value=99.9,
        step=5.0,
        key=keys["pretest"],
        on_change=_on_option,
        args=("pretest_probability", keys["pretest"]),
        placeholder="optional",
        help="When given, each comparison shows the post-test probability.",
    )
    error = st.session_state.pop(widget_key("option_error"), None)
    if error:
        st.error(md_escape(error))


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _comparison(c: CutoffComparison) -> str:
    if not c.interpretable:  # the reason first; no zone colour, LR or post-test probability
        return f"**{c.score.label}** {zone_badge(c)} {c.sentence}"
    post = ""
    if c.posttest_probability is not None:
        post = f" Post-test probability: **{100 * c.posttest_probability:.1f}%**."
    return (
        f"**{c.score.label}** {zone_badge(c)} {c.sentence} Sensitivity "
        f"{c.cutoff.sensitivity:.3f}, specificity {c.cutoff.specificity:.3f}; LR+ "
        f"{_fmt(c.lr_positive)}, LR− {_fmt(c.lr_negative)}.{post}"
    )


def _source(c: CutoffComparison) -> str:
    author = c.cutoff.citation.split(" ", 1)[0].rstrip(",")
    year = re.search(r"\b(?:19|20)\d{2}\b", c.cutoff.citation)
    cohort = f"; cohort: {c.cutoff.cohort}" if c.cutoff.cohort else ""
    return (
        f"Cut-offs of {author} et al. {year.group(0) if year else ''}, derived on "
        f"{c.cutoff.scanner}{cohort}."
    )


def scores_panel(evaluation: CaseEvaluation) -> None:
    """The four scores as they become computable, their interpretation, plot and warnings."""
    st.subheader("3 · Scores")
    result = evaluation.result
    interpretation = evaluation.interpretation
    bottom_line(interpretation if result is not None else None)
    columns = st.columns(len(ScoreName))
    for column, name in zip(columns, ScoreName, strict=True):
        value = None if result is None else result.score(name)
        why = "draw and label ROIs" if result is None else result.not_computed.get(name, "")
        column.metric(
            name.label,
            "—" if value is None else f"{value:.3f}",
            help=None if value is not None else why,
        )
        if value is None and why:
            column.caption(why)
        elif result is not None:
            used = ", ".join(lv.value for lv in result.levels_used[name])
            column.caption(f"levels {used}")
            interval = None if interpretation is None else interpretation.intervals.get(name)
            if interval is not None:
                column.caption(interval_caption(interval))
    for problem in evaluation.problems:
        st.info(md_escape(problem), icon=":material/edit_note:")
    set_latest_result(result)
    if result is None:
        return
    interval_method_picker()
    plot, text = st.columns([2, 3])
    with plot:
        strip = score_strip(result, interpretation)
        st.plotly_chart(strip, width="stretch", config={"displayModeBar": False})
        print_export(strip, file_stem="case_vbq_scores_vs_cutoffs", key="case_w_strip")
        if interpretation is not None and any(c.interpretable for c in interpretation.comparisons):
            st.caption(
                "Green: below the cut-off; red: at or above it (fractures commoner there). The "
                "bar is the score's 95% interval: one that crosses the cut-off is borderline."
            )
    with text:
        if interpretation is not None:
            for comparison in interpretation.comparisons:
                st.markdown(_comparison(comparison))
            for source in dict.fromkeys(_source(c) for c in interpretation.comparisons):
                st.caption(source)
            for note in interpretation.notes:
                st.caption(note)
    for warning in evaluation.warnings:
        st.warning(md_escape(warning), icon=":material/warning:")
