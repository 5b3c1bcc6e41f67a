"""Case page: the mid-sagittal slice proposed from the images, applied when the reader confirms.

The proposal (``vbqcore.imaging.midsagittal``) is computed once per loaded series and memoised
for the session; when it is not the slice shown, the page says which slice and why and offers
to go there. Disagreeing proposals between T1, T2 and STIR are pointed out.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from vbqapp.case.session import clear_notices, get_case, notify, put_case, widget_key
from vbqapp.state import CASE_MIDSAGITTAL
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence
from vbqcore.case.midsagittal import position_disagreements
from vbqcore.case.model import set_slice
from vbqcore.errors import VbqError
from vbqcore.imaging.midsagittal import MidSagittalProposal, propose_midsagittal

__all__ = ["midsagittal_panel"]


def _proposal(seq: Sequence) -> MidSagittalProposal | None:
    state = get_case()[seq]
    series = state.series
    if series is None or len(series.slices) < 3:
        return None
    memo: dict[Any, MidSagittalProposal] = st.session_state.setdefault(CASE_MIDSAGITTAL, {})
    signature = (seq.value, state.revision, len(series.slices))
    if signature not in memo:
        for old in [k for k in memo if k[0] == seq.value]:
            memo.pop(old)
        memo[signature] = propose_midsagittal(series.slices)
    return memo[signature]


def _go(seq: Sequence, index: int) -> None:
    clear_notices("viewer")
    try:
        update = set_slice(get_case(), seq, index)
    except VbqError as err:
        notify("viewer", "error", str(err))
        return
    put_case(update.case, widgets=True)  # re-seed the slice slider from the case
    for warning in update.warnings:
        notify("viewer", "warning", warning)


def midsagittal_panel(seq: Sequence) -> None:
    """The proposal for ``seq`` (when a multi-slice series is shown) and the cross-check."""
    proposal = _proposal(seq)
    if proposal is None:
        return
    state = get_case()[seq]
    if proposal.index == state.slice_index:
        st.caption(f"Mid-sagittal: {proposal.message}")
    else:
        st.info(
            md_escape(f"{proposal.message} Slice {state.slice_index + 1} is shown."),
        )
        st.button(
            f"Go to slice {proposal.index + 1}",
            key=widget_key("midsag_go", seq.value),
            on_click=_go,
            args=(seq, proposal.index),
            help="Shows and measures the proposed slice; ROIs stay where they are.",
        )
    proposals = {s: p for s in get_case().loaded if (p := _proposal(s)) is not None}
    for note in position_disagreements(get_case(), proposals):
        st.warning(md_escape(note))
