"""Case page: propose L1-L4 and the CSF from one labelled body ROI.

The proposals are ordinary ROIs of the case (the canvas is remounted with them), so the reader
moves, resizes or deletes them like any drawn ROI; the reader's own ROIs are never replaced. The
quality flags of every ROI are listed under the ROI table (``vbqapp.case.quality``).
"""

from __future__ import annotations

import logging

import streamlit as st

from vbqapp.case.session import clear_notices, get_case, notify, put_case, show_notices, widget_key
from vbqcore.anatomy import Sequence
from vbqcore.case.one_click import anchor_roi, propose_from_anchor
from vbqcore.errors import VbqError

__all__ = ["one_click_panel"]

logger = logging.getLogger(__name__)

_WHERE = "one_click"


def _propose(seq: Sequence) -> None:
    clear_notices(_WHERE)
    try:
        update = propose_from_anchor(get_case(), seq)
    except VbqError as err:
        notify(_WHERE, "error", str(err))
        return
    put_case(update.case, redraw=(seq,))
    for note in update.warnings:
        kind = "info" if ": proposed (" in note else "warning"
        notify(_WHERE, kind, note)


def one_click_panel(seq: Sequence) -> None:
    """The propose button for ``seq``."""
    state = get_case()[seq]
    if state.slice is None:
        return
    anchor = anchor_roi(state.rois)
    name = anchor.label if anchor is not None else "L3"
    st.button(
        f"Propose L1–L4 and CSF from {name}",
        key=widget_key("propose", seq.value),
        on_click=_propose,
        args=(seq,),
        disabled=anchor is None,
        help="Follows the column of bodies from your labelled ROI (discs as separators) and "
        "adds the levels and the CSF you have not drawn, as ROIs you can move or delete.",
    )
    if anchor is None:
        st.caption(
            "One click: draw one ROI inside a body and label it (e.g. L3); the other levels and "
            "the CSF can then be proposed from it."
        )
    show_notices(_WHERE)
