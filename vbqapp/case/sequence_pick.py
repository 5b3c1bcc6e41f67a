"""Case page, step 1: series whose sequence cannot be told wait here until the user picks it.

A guess is never loaded as if it were known: an MR series whose header does not tell T1, T2 or
STIR apart, or a screenshot whose file name does not, is held with a question, not put in a
slot with a green "moved to T1".
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from vbqapp.case.session import clear_notices, fresh_number, notify, widget_key
from vbqapp.state import CASE_PENDING_PICK
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence
from vbqcore.imaging.slices import SliceSource
from vbqcore.imaging.uploads import UploadedSeries
from vbqcore.measurements import MEASURED_SEQUENCES

__all__ = ["needs_pick", "hold_for_pick", "pick_panel"]

Pick = Callable[[Sequence, UploadedSeries], None]


def needs_pick(upload: UploadedSeries) -> bool:
    """True when the series' sequence could not be told from its header or file name."""
    return upload.guess not in MEASURED_SEQUENCES


def _pending() -> list[tuple[int, UploadedSeries]]:
    return list(st.session_state.get(CASE_PENDING_PICK, []))


def hold_for_pick(upload: UploadedSeries, *, reason: str | None = None) -> None:
    """Keep ``upload`` out of the case until the user says which sequence it is."""
    st.session_state[CASE_PENDING_PICK] = [*_pending(), (fresh_number(), upload)]
    screenshot = upload.series.default_slice.source is SliceSource.SCREENSHOT
    source = "its file name" if screenshot else "its header (description, TR, TE, TI)"
    why = reason or f"the sequence cannot be told from {source}"
    notify(
        "upload",
        "warning",
        f"{upload.description}: {why}. Pick T1, T2 or STIR below; it is not used until you do.",
    )


def _answer(number: int, key: str, on_pick: Pick) -> None:
    choice = st.session_state.get(key)
    if not choice:
        return
    clear_notices("upload")
    found = [u for n, u in _pending() if n == number]
    st.session_state[CASE_PENDING_PICK] = [(n, u) for n, u in _pending() if n != number]
    if found:
        on_pick(Sequence(choice), found[0])


def _drop(number: int) -> None:
    clear_notices("upload")
    st.session_state[CASE_PENDING_PICK] = [(n, u) for n, u in _pending() if n != number]


def pick_panel(on_pick: Pick) -> None:
    """One question per held series: its sequence (no default), or leave it out."""
    for number, upload in _pending():
        with st.container(border=True):
            st.warning(
                f"Which sequence is **{md_escape(upload.description)}**? It could not be told "
                "from the file, so it waits for your choice.",
                icon=":material/help:",
            )
            choose, drop = st.columns([3, 1], vertical_alignment="bottom")
            key = widget_key("pick", number)
            choose.segmented_control(
                "Sequence of these images",
                [s.value for s in MEASURED_SEQUENCES],
                key=key,
                on_change=_answer,
                args=(number, key, on_pick),
            )
            drop.button(
                "Leave out", key=widget_key("pick_drop", number), on_click=_drop, args=(number,)
            )
