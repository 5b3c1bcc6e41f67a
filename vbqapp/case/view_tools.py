"""Case viewer tools beside the drawing ones: zoom and pan, click to place, mouse window/level.

Zoom and pan change the part of the image the canvas shows (``vbqcore.roi.view_window``); the
ROIs stay in image pixels in the case and the canvas is mounted afresh from the case at the new
window (the viewer compares the mounted window with the one chosen here). A click of the
"Click to place" tool and a drag of the "Window/level" tool arrive as canvas objects (a point,
a line); they are consumed when the drawing is read (:func:`consume_marks`): never kept as ROIs,
and the canvas is remounted without them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

from vbqapp.case.session import (
    CanvasView,
    clear_notices,
    get_case,
    notify,
    put_case,
    seed,
    widget_key,
)
from vbqapp.state import CASE_CLICK_LABEL, CASE_ZOOM, WindowChoice, set_window
from vbqcore.anatomy import CSF, ROI_LABELS, Sequence
from vbqcore.case.click_place import NEXT, place_at_click
from vbqcore.errors import VbqError
from vbqcore.imaging.slices import Slice
from vbqcore.imaging.window_choice import CUSTOM, to_bounds
from vbqcore.imaging.window_drag import drag_window
from vbqcore.roi.canvas_marks import line_drags, point_clicks
from vbqcore.roi.view_window import (
    ZOOM_STEPS,
    ViewWindow,
    full_view,
    panned_view,
    view_around,
    zoomed_view,
)

__all__ = [
    "CLICK_TOOL",
    "WINDOW_TOOL",
    "POINT_RADIUS",
    "TOOL_NOTICES",
    "chosen_window",
    "zoom_controls",
    "view_caption",
    "click_label_control",
    "consume_marks",
    "place_clicks",
]

logger = logging.getLogger(__name__)

CLICK_TOOL = "Click to place"
WINDOW_TOOL = "Window/level"
#: Radius (canvas px) of the point tool's mark; a click is told from a drawn circle by it.
POINT_RADIUS = 4
_LUMBAR = ("T12", "L1", "L2", "L3", "L4", "L5", CSF)
_PAN = 0.25  # one pan step: a quarter of the window
#: "Lumbar" never zooms further than this: one body alone should still show its neighbours.
_LUMBAR_MAX_ZOOM = 3.0
#: Where the tools' messages show: below the canvas, so a click never moves the canvas.
TOOL_NOTICES = "viewer_tools"


def chosen_window(seq: Sequence, slice_: Slice, box: tuple[int, int]) -> ViewWindow:
    """The zoom/pan window chosen for ``seq`` within a canvas of at most ``box`` (the whole
    image when none fits this slice)."""
    window = st.session_state.get(CASE_ZOOM, {}).get(seq.value)
    if isinstance(window, ViewWindow) and window.shape == slice_.shape and window.box == box:
        return window
    return full_view(slice_.shape, box)


def _set(seq: Sequence, window: ViewWindow) -> None:
    st.session_state.setdefault(CASE_ZOOM, {})[seq.value] = window


def _zoom_step(seq: Sequence, window: ViewWindow, step: int) -> None:
    now = window.zoom
    if step > 0:
        # a window is whole pixels, so its zoom is a step only to within rounding (1.498)
        target = next((z for z in ZOOM_STEPS if z > now * 1.001), ZOOM_STEPS[-1])
    else:
        target = next((z for z in reversed(ZOOM_STEPS) if z < now / 1.001), 1.0)
    _set(seq, zoomed_view(window, target))


def _zoom_lumbar(seq: Sequence, window: ViewWindow) -> None:
    rois = [r for r in get_case()[seq].rois if r.label in _LUMBAR] or list(get_case()[seq].rois)
    around = view_around(rois, window, max_zoom=_LUMBAR_MAX_ZOOM)
    if around is not None:
        _set(seq, around)


def view_caption(window: ViewWindow) -> str:
    """Where the view is, in words (shown under the canvas)."""
    rows, cols = window.shape
    x1, y1 = window.left + window.width, window.top + window.height
    return (
        f"Zoom {window.zoom:.1f}×: columns {window.left}–{x1 - 1} and rows {window.top}–{y1 - 1} "
        f"of {cols} × {rows}; ROIs stay in image pixels at every zoom."
    )


def zoom_controls(seq: Sequence, window: ViewWindow) -> None:
    """Zoom (out, in, whole image, lumbar region) and pan buttons (one row)."""
    has_rois = bool(get_case()[seq].rois)
    buttons: list[tuple[str, str, Any, tuple[Any, ...], bool]] = [
        ("−", "Zoom out", _zoom_step, (seq, window, -1), window.zoom <= 1.0),
        ("+", "Zoom in", _zoom_step, (seq, window, 1), window.zoom >= ZOOM_STEPS[-1]),
        ("Fit", "The whole image", _set, (seq, full_view(window.shape, window.limits)), False),
        (
            "Lumbar",
            "Zoom to the box around the T12-L5 and CSF ROIs (place or draw one first)",
            _zoom_lumbar,
            (seq, window),
            not has_rois,
        ),
    ]
    for name, dx, dy in (("←", -1, 0), ("→", 1, 0), ("↑", 0, -1), ("↓", 0, 1)):
        moved = panned_view(window, dx * _PAN, dy * _PAN)
        buttons.append((name, f"Pan {name}", _set, (seq, moved), moved == window))
    widths = [1, 1, 1.2, 1.7, 1, 1, 1, 1]  # "Lumbar" needs room for its name
    columns = st.columns(widths, gap="small")
    for column, (name, help_text, callback, args, disabled) in zip(columns, buttons, strict=True):
        column.button(
            name,
            key=widget_key("view", name, seq.value),
            help=help_text,
            on_click=callback,
            args=args,
            disabled=disabled,
            use_container_width=True,
        )


def click_label_control(*, enabled: bool) -> str:
    """The label the next click places (explicit: a label, or "next"); greyed out unless the
    "Click to place" tool is on (it is always shown, so the canvas below never moves)."""
    options = [NEXT, *ROI_LABELS]
    key = widget_key("click_label")
    seed(key, st.session_state.get(CASE_CLICK_LABEL, NEXT))

    def _keep() -> None:
        st.session_state[CASE_CLICK_LABEL] = st.session_state.get(key, NEXT)

    choice = st.selectbox(
        "Click places",
        options,
        key=key,
        on_change=_keep,
        disabled=not enabled,
        help="The label of the ROI a click proposes. 'next' is the first of L1, L2, L3, L4 and "
        "CSF this sequence has no ROI for yet.",
    )
    return str(choice or NEXT)


def _remount(seq: Sequence) -> None:
    put_case(get_case(), redraw=(seq,))


def consume_marks(
    seq: Sequence,
    drawing: Mapping[str, Any],
    view: CanvasView,
    window: ViewWindow,
    *,
    tool: str,
    shown: tuple[float, float],
) -> tuple[dict[str, Any], list[tuple[float, float]]]:
    """Apply the window/level drags in ``drawing`` and find the clicks (``tool`` "Click to
    place"), in image (x, y), for :func:`place_clicks` once the drawn ROIs are merged.

    Returns the drawing without the marks (for reading the ROIs) and the clicks. ``shown`` is
    the display window (centre, width) before the drag. The canvas is remounted when a mark
    was used.
    """
    skip = len(view.initial.get("objects") or [])
    objects = list(drawing.get("objects") or [])
    kept = objects[:skip]
    marks = False
    for obj in objects[skip:]:
        kind = str(obj.get("type", "")).lower() if isinstance(obj, Mapping) else ""
        one = {"objects": [obj]}
        is_click = tool == CLICK_TOOL and bool(point_clicks(one, radius=POINT_RADIUS))
        if kind == "line" or is_click:
            marks = True
        else:
            kept.append(obj)
    if not marks:
        return dict(drawing), []
    state = get_case()[seq]
    clicks: list[tuple[float, float]] = []
    if tool == CLICK_TOOL and state.slice is not None:
        for c in point_clicks(drawing, radius=POINT_RADIUS, skip=skip):
            x, y = window.to_image(c)
            clicks.append((float(x), float(y)))
    drags = line_drags(drawing, skip=skip)
    if drags and state.slice is not None:
        pixels = state.slice.pixels
        si_range = (float(np.min(pixels)), float(np.max(pixels)))
        window_now = shown
        for dx, dy in drags:
            window_now = drag_window(window_now, dx, dy, canvas=view.size, si_range=si_range).after
        set_window(seq, WindowChoice(preset=CUSTOM, center=window_now[0], width=window_now[1]))
        st.session_state[widget_key("window", seq.value)] = CUSTOM
        low, high = to_bounds(window_now)
        st.session_state[widget_key("window_range", seq.value)] = (
            max(si_range[0], low),
            min(si_range[1], high),
        )
        clear_notices(TOOL_NOTICES)
        notify(
            TOOL_NOTICES,
            "info",
            f"Window/level: centre {window_now[0]:.4g}, width {window_now[1]:.4g} (Custom).",
        )
    _remount(seq)
    return {**drawing, "objects": kept}, clicks


def place_clicks(seq: Sequence, clicks: list[tuple[float, float]]) -> None:
    """Place an ROI at each click (image x, y) with the chosen click label."""
    if not clicks:
        return
    choice = str(st.session_state.get(CASE_CLICK_LABEL, NEXT))
    clear_notices(TOOL_NOTICES)
    for x, y in clicks:
        try:
            update = place_at_click(get_case(), seq, choice, float(x), float(y))
        except VbqError as err:
            notify(TOOL_NOTICES, "error", f"Click at x {x:.0f}, y {y:.0f}: {err}")
            continue
        put_case(update.case, redraw=(seq,))
        for i, note in enumerate(update.warnings):
            notify(TOOL_NOTICES, "success" if i == 0 else "warning", note)
