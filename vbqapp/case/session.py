"""The case page's session state: the one ``Case``, canvas views, notices and widget keys.

Widgets never hold the truth: their keys are seeded from the case (``seed``) and their changes
written back into it, so a page switch (which forgets widget state) or a new widget key loses
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from vbqapp.state import (
    CASE_ACTIVE,
    CASE_COUNTER,
    CASE_GENERATION,
    CASE_MODEL,
    CASE_NOTICES,
    CASE_RESETS,
    CASE_VIEWS,
    CASE_WIDGET_PREFIX,
)
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence
from vbqcore.case.model import Case, new_case
from vbqcore.roi.view_window import ViewWindow

__all__ = [
    "CanvasView",
    "get_case",
    "put_case",
    "fresh_number",
    "widget_key",
    "seed",
    "reset_key",
    "reset",
    "notify",
    "clear_notices",
    "show_notices",
    "show_sequence",
    "canvas_view",
    "set_canvas_view",
]


@dataclass(frozen=True)
class CanvasView:
    """One mounted canvas: its widget ``key``, display ``size`` (width, height) in screen pixels,
    the image ``shape`` (rows, cols) it shows, and the ``initial`` Fabric drawing it was mounted
    with. The drawing never changes while the key lives (no reload, no feedback loop).
    ``window`` is the zoom/pan window the canvas shows (``None``: the whole image)."""

    key: str
    size: tuple[int, int]
    shape: tuple[int, int]
    initial: dict[str, Any]
    window: ViewWindow | None = None


def get_case() -> Case:
    """The case of this session (an empty one the first time)."""
    case = st.session_state.get(CASE_MODEL)
    if not isinstance(case, Case):
        case = new_case()
        st.session_state[CASE_MODEL] = case
    return case


def put_case(case: Case, *, redraw: Iterable[Sequence] = (), widgets: bool = False) -> None:
    """Store ``case``. ``redraw`` lists sequences whose ROIs changed outside their canvas (copy,
    restore, delete in the table), so their canvas is remounted from the case. ``widgets``
    re-seeds every option widget from the case (after a restore)."""
    st.session_state[CASE_MODEL] = case
    views = st.session_state.setdefault(CASE_VIEWS, {})
    for seq in redraw:
        views.pop(Sequence(seq).value, None)
    if widgets:
        st.session_state[CASE_GENERATION] = int(st.session_state.get(CASE_GENERATION, 0)) + 1


def fresh_number() -> int:
    """A number never handed out before in this session (for widget keys that must reset)."""
    value = int(st.session_state.get(CASE_COUNTER, 0)) + 1
    st.session_state[CASE_COUNTER] = value
    return value


def widget_key(name: str, *parts: object) -> str:
    """``case_w_<name>_<generation>_<parts>``: bumping the generation re-seeds every widget."""
    generation = st.session_state.get(CASE_GENERATION, 0)
    tail = "_".join(str(p) for p in parts)
    return f"{CASE_WIDGET_PREFIX}{name}_{generation}" + (f"_{tail}" if tail else "")


def reset_key(name: str) -> str:
    """The current key of a widget that is emptied by re-keying (an uploader, a table)."""
    number = st.session_state.setdefault(CASE_RESETS, {}).get(name, 0)
    return widget_key(name, number)


def reset(name: str) -> None:
    """Give widget ``name`` a new key, so it shows up empty / from fresh data."""
    st.session_state.setdefault(CASE_RESETS, {})[name] = fresh_number()


def seed(key: str, value: Any) -> None:
    """Give widget ``key`` its value from the case unless the widget already has one."""
    if key not in st.session_state:
        st.session_state[key] = value


def clear_notices(where: str) -> None:
    """Forget the messages of panel ``where`` (a new action there starts)."""
    st.session_state.setdefault(CASE_NOTICES, {}).pop(where, None)


def notify(where: str, kind: str, text: str) -> None:
    """Add a message (``kind``: error, warning, info, success) to the panel ``where``; it stays
    until the panel's next action (reruns triggered by the canvas do not wipe it)."""
    st.session_state.setdefault(CASE_NOTICES, {}).setdefault(where, []).append((kind, text))


def show_notices(where: str) -> None:
    """Show the messages of the panel ``where``, inside one container: however many there are,
    they take one slot of the page, so the elements below keep their place (a canvas that
    moved would be mounted afresh)."""
    with st.container():
        for kind, text in st.session_state.get(CASE_NOTICES, {}).get(where, []):
            show = {"error": st.error, "warning": st.warning, "success": st.success}
            show.get(kind, st.info)(md_escape(text))  # messages quote file names and labels


def canvas_view(sequence: Sequence) -> CanvasView | None:
    view = st.session_state.setdefault(CASE_VIEWS, {}).get(sequence.value)
    return view if isinstance(view, CanvasView) else None


def set_canvas_view(sequence: Sequence, view: CanvasView) -> None:
    st.session_state.setdefault(CASE_VIEWS, {})[sequence.value] = view


def show_sequence(sequence: Sequence) -> None:
    """Show ``sequence`` in the viewer (re-seeding the sequence picker from the case page)."""
    st.session_state[CASE_ACTIVE] = Sequence(sequence).value
    st.session_state.pop(widget_key("active"), None)
