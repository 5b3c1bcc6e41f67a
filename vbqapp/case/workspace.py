"""Case page, steps 2-5 as one ``st.fragment``: sequence picker, canvas, ROI table, one-click
ROIs, options, score summary and scores, literature, export, PACS send and registry.

Drawing on the canvas, editing the table or changing an option reruns this fragment only, not
the upload and PACS panels above it, and each sequence is measured again only when its series,
slice or ROIs changed (``vbqcore.case.evaluation.remeasure``): the scores follow the last ROI
at about the cost of a bare widget rerun. A change made here that the upload panel shows (a
restored case file, ROIs waiting for their images) reruns the whole page.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from vbqapp.case.export import export_panel
from vbqapp.case.levels import levels_panel
from vbqapp.case.literature import literature_panel
from vbqapp.case.midsagittal import midsagittal_panel
from vbqapp.case.one_click import one_click_panel
from vbqapp.case.pacs_send import pacs_send_panel
from vbqapp.case.registry_save import registry_panel
from vbqapp.case.scores import case_options, scores_panel
from vbqapp.case.session import get_case, seed, widget_key
from vbqapp.case.summary import score_summary
from vbqapp.case.table import apply_table_edits, roi_actions, roi_table
from vbqapp.case.verdict import interval_method
from vbqapp.case.viewer import sync_from_canvas, viewer
from vbqapp.state import (
    CASE_ACTIVE,
    CASE_GENERATION,
    CASE_MEASURED,
    CASE_PENDING_PICK,
    CASE_PENDING_UPLOAD,
    CASE_UPLOAD_VIEW,
)
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import CaseEvaluation, MeasuredSequence, evaluate_case, remeasure
from vbqcore.case.model import Case
from vbqcore.errors import VbqError
from vbqcore.measurements import MEASURED_SEQUENCES

__all__ = ["upload_view", "remember_upload_view", "evaluate", "roi_workspace"]

logger = logging.getLogger(__name__)


def upload_view(case: Case) -> tuple[Any, ...]:
    """What the upload panel draws from the session: the widget generation, each slot's series
    and revision (or the count of ROIs waiting for images), the uploads waiting for an answer
    (with the ROI count of the sequence each would replace) and the series waiting for a pick."""
    slots = tuple(
        (seq.value, id(s.series), s.revision, len(s.rois) if s.series is None else -1)
        for seq in MEASURED_SEQUENCES
        for s in (case[seq],)
    )
    pending = tuple(
        (number, target.value, len(case[target].rois))
        for number, target, _ in st.session_state.get(CASE_PENDING_UPLOAD) or ()
    )
    picks = tuple(number for number, _ in st.session_state.get(CASE_PENDING_PICK) or ())
    return (st.session_state.get(CASE_GENERATION, 0), slots, pending, picks)


def remember_upload_view() -> None:
    """Called right after the upload panel is drawn (full runs only)."""
    st.session_state[CASE_UPLOAD_VIEW] = upload_view(get_case())


def evaluate(case: Case) -> CaseEvaluation:
    """``evaluate_case`` reusing this session's measurements of unchanged sequences."""
    previous: dict[Sequence, MeasuredSequence] | None = st.session_state.get(CASE_MEASURED)
    measured = remeasure(case, previous)
    st.session_state[CASE_MEASURED] = measured
    return evaluate_case(case, interval_method=interval_method(), measured=measured)


def _sequence_picker() -> Sequence:
    case = get_case()
    active_key = widget_key("active")
    seed(
        active_key,
        st.session_state.get(CASE_ACTIVE) or (case.loaded or MEASURED_SEQUENCES)[0].value,
    )
    choice = st.segmented_control(
        "Sequence shown", [s.value for s in MEASURED_SEQUENCES], key=active_key, required=True
    )
    seq = Sequence(choice or MEASURED_SEQUENCES[0])
    st.session_state[CASE_ACTIVE] = seq.value
    return seq


@st.fragment
def roi_workspace() -> None:
    """Steps 2-5. Each panel sits in its own container, so a message appearing in one does not
    move the elements of the others (a moved canvas would be mounted afresh)."""
    try:
        st.subheader("2 · Regions of interest")
        seq = _sequence_picker()
        apply_table_edits(seq)  # table edits first: a deleted row remounts the canvas
        sync_from_canvas(seq)
        case = get_case()  # widget callbacks ran before this run
        if upload_view(case) != st.session_state.get(CASE_UPLOAD_VIEW):
            st.rerun(scope="app")  # the upload panel must show the change too
        evaluation = evaluate(case)

        image_column, table_column = st.columns([3, 2], gap="small")
        with image_column:
            viewer(seq)
        with table_column:
            score_summary(evaluation)
            midsagittal_panel(seq)
            roi_table(seq, evaluation)
            roi_actions(seq)
            levels_panel(seq)
            one_click_panel(seq)
            st.divider()
            case_options()
        with st.container():
            scores_panel(evaluation)
        with st.container():
            literature_panel(evaluation)
        with st.container():
            export_panel(evaluation)
            pacs_send_panel()
        with st.container():
            registry_panel(evaluation)
    except VbqError as err:
        st.error(md_escape(err))
