"""Case page, under the ROI table: levels by anatomy -- one anchor fixes every body's level,
relabelling one body can shift the others, and skipped bodies are pointed out."""

from __future__ import annotations

import streamlit as st

from vbqapp.case.session import (
    clear_notices,
    get_case,
    notify,
    put_case,
    reset,
    seed,
    show_notices,
    widget_key,
)
from vbqapp.state import CASE_LEVEL_SHIFT
from vbqapp.text import md_escape
from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.levels import anchor_levels, gap_notes
from vbqcore.errors import VbqError
from vbqcore.roi.levels import vertical_order

__all__ = ["levels_panel"]

_TABLE = "table_{}"


def _on_shift(key: str) -> None:
    st.session_state[CASE_LEVEL_SHIFT] = bool(st.session_state.get(key))


def _anchor(seq: Sequence, roi_key: str, level_key: str) -> None:
    clear_notices("levels")
    index = st.session_state.get(roi_key)
    level = st.session_state.get(level_key)
    if index is None or level is None:
        notify("levels", "error", "Pick the anchor ROI and its level first.")
        return
    try:
        update = anchor_levels(get_case(), seq, int(index), str(level))
    except VbqError as err:
        notify("levels", "error", str(err))
        return
    put_case(update.case)
    reset(_TABLE.format(seq.value))  # the table shows the new labels
    notify("levels", "success", f"ROI #{int(index) + 1} is {level}; the other bodies follow it.")
    for warning in update.warnings:
        notify("levels", "warning", warning)


def levels_panel(seq: Sequence) -> None:
    """Anchor control, shift option and gap warnings for ``seq``'s body ROIs."""
    case = get_case()
    rois = case[seq].rois
    bodies = vertical_order(rois)
    show_notices("levels")
    for note in gap_notes(case, seq):
        st.warning(md_escape(note))
    if not bodies:
        return
    with st.expander("Levels by anatomy", expanded=False):
        shift_key = widget_key("level_shift")
        seed(shift_key, bool(st.session_state.get(CASE_LEVEL_SHIFT, False)))
        st.checkbox(
            "Relabelling a body in the table shifts the other bodies with it",
            key=shift_key,
            on_change=_on_shift,
            args=(shift_key,),
            help="On: the relabelled body becomes the anchor and every body above and below "
            "takes the level its place in the column gives. Off: only that ROI changes.",
        )
        roi_key = widget_key("anchor_roi", seq.value, len(rois))
        level_key = widget_key("anchor_level", seq.value)
        left, right = st.columns(2)
        left.selectbox(
            "Anchor ROI",
            bodies,
            key=roi_key,
            format_func=lambda i: f"#{i + 1} ({rois[i].label or '?'})",
            help="Body ROIs from head to feet.",
        )
        labelled = [r.label for r in rois if r.label not in (None, CSF)]
        seed(level_key, labelled[0] if labelled else Level.L3.value)
        right.selectbox("is level", [lv.value for lv in Level], key=level_key)
        st.button(
            "Set every level from this anchor",
            key=widget_key("anchor_go", seq.value),
            on_click=_anchor,
            args=(seq, roi_key, level_key),
            help="Bodies are counted up and down the column from the anchor; a skipped body "
            "(a spacing 1.5 x the usual or more) is counted too.",
        )
