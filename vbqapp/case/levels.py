"""Case page, under the ROI table: levels by anatomy -- one anchor fixes every body's level,
relabelling one body can shift the others, and skipped bodies are pointed out."""

from __future__ import annotations

from dataclasses import dataclass

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
from vbqapp.state import CASE_LEVEL_SHIFT, CASE_PENDING_SACRUM
from vbqapp.text import md_escape
from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.levels import anchor_levels, gap_notes
from vbqcore.errors import VbqError
from vbqcore.roi.levels import vertical_order
from vbqcore.roi.sacrum import propose_anchor_from_sacrum
from vbqcore.roi.shapes import Roi

__all__ = ["levels_panel"]

_TABLE = "table_{}"


@dataclass(frozen=True)
class SacrumAnchor:
    """A proposal from the sacrum for ``sequence``: ROI ``index`` is ``level``, valid while the
    sequence's ROIs are still ``rois``; ``text`` says what was seen."""

    sequence: Sequence
    rois: tuple[Roi, ...]
    index: int
    level: str
    text: str


def _propose_from_sacrum(seq: Sequence) -> None:
    clear_notices("levels")
    st.session_state[CASE_PENDING_SACRUM] = None
    state = get_case()[seq]
    if state.slice is None:
        return
    try:
        found = propose_anchor_from_sacrum(state.slice, state.rois)
    except VbqError as err:
        notify("levels", "error", str(err))
        return
    if found is None:
        notify(
            "levels",
            "info",
            f"{seq.value}: no sacrum found below the lowest body ROI (the slice may end above "
            "it, or no disc-then-body pattern was seen; a body ROI two or more levels above the "
            "sacrum helps). Anchor the levels by hand below.",
        )
        return
    index, level, proposal = found
    x, y = proposal.disc_center
    current = state.rois[index].label or "unlabelled"
    text = (
        f"{seq.value}: the sacrum is seen below the body at x {proposal.l5_center[0]:.0f}, "
        f"y {proposal.l5_center[1]:.0f} (the column turns {proposal.turn_deg:.0f}° backwards "
        f"at the disc near x {x:.0f}, y {y:.0f}, and the body below is "
        f"{100 * proposal.width_ratio:.0f} % as deep): that body is L5, so ROI #{index + 1} "
        f"(now {current}) is {level.value}. Check the L5/S1 disc on the image before using it."
    )
    st.session_state[CASE_PENDING_SACRUM] = SacrumAnchor(seq, state.rois, index, level.value, text)


def _use_sacrum(pending: SacrumAnchor) -> None:
    st.session_state[CASE_PENDING_SACRUM] = None
    clear_notices("levels")
    try:
        update = anchor_levels(get_case(), pending.sequence, pending.index, pending.level)
    except VbqError as err:
        notify("levels", "error", str(err))
        return
    put_case(update.case)
    reset(_TABLE.format(pending.sequence.value))
    notify(
        "levels",
        "success",
        f"ROI #{pending.index + 1} is {pending.level} (from the sacrum); the other bodies "
        "follow it.",
    )
    for warning in update.warnings:
        notify("levels", "warning", warning)


def _sacrum_controls(seq: Sequence, rois: tuple[Roi, ...]) -> None:
    st.button(
        "Propose the levels from the sacrum",
        key=widget_key("sacrum", seq.value),
        on_click=_propose_from_sacrum,
        args=(seq,),
        help="Follows the column down from the lowest body ROI to the sacrum (the last disc "
        "above it is L5/S1) and proposes the levels; you confirm before anything changes.",
    )
    pending = st.session_state.get(CASE_PENDING_SACRUM)
    if not isinstance(pending, SacrumAnchor) or pending.sequence is not seq:
        return
    if pending.rois != rois:  # the ROIs changed since: the proposal no longer applies
        st.session_state[CASE_PENDING_SACRUM] = None
        return
    st.info(md_escape(pending.text))
    yes, no = st.columns(2)
    yes.button(
        f"Use these levels (ROI #{pending.index + 1} = {pending.level})",
        key=widget_key("sacrum_yes", seq.value),
        on_click=_use_sacrum,
        args=(pending,),
        type="primary",
    )
    no.button(
        "Dismiss",
        key=widget_key("sacrum_no", seq.value),
        on_click=st.session_state.__setitem__,
        args=(CASE_PENDING_SACRUM, None),
    )


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
    pending = st.session_state.get(CASE_PENDING_SACRUM)
    waiting = isinstance(pending, SacrumAnchor) and pending.sequence is seq
    with st.expander("Levels by anatomy", expanded=waiting):
        _sacrum_controls(seq, rois)
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
