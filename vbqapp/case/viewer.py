"""Case page, step 2: the slice viewer with its drawing canvas (slice, window/level, tool).

The ROIs live in the case, in image pixels. A canvas is mounted with an ``initial_drawing`` made
from them and a key that is never reused; while it lives its drawing is only read (each change
it sends is merged into the case by geometry, ``vbqcore.case.model.sync_canvas``), never pushed
back, so there is no feedback loop. When the ROIs change elsewhere (copy, restore, a row deleted in
the table) or the canvas was unmounted (another sequence or page), a new canvas is mounted from
the case. Labels are drawn into the background image, so relabelling never touches the drawing.

Zoom and pan (``vbqapp.case.view_tools``) pick a window of the image; the canvas shows that
window enlarged and maps it exactly (``vbqcore.roi.view_window``): a new window mounts a new
canvas from the case, after the old canvas's last drawing was read at the old window.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import streamlit as st

from vbqapp.case.quality import sequence_flags
from vbqapp.case.session import (
    CanvasView,
    canvas_view,
    clear_notices,
    fresh_number,
    get_case,
    notify,
    put_case,
    seed,
    set_canvas_view,
    show_notices,
    widget_key,
)
from vbqapp.case.view_tools import (
    CLICK_TOOL,
    POINT_RADIUS,
    TOOL_NOTICES,
    WINDOW_TOOL,
    chosen_window,
    click_label_control,
    consume_marks,
    place_clicks,
    view_caption,
    zoom_controls,
)
from vbqapp.state import CASE_BACKGROUNDS, CASE_TOOL, WindowChoice, get_window, set_window
from vbqcore.anatomy import Sequence
from vbqcore.case.model import SequenceCase, set_slice, sync_canvas
from vbqcore.errors import RoiError
from vbqcore.imaging.slices import Slice
from vbqcore.imaging.window_choice import (
    available_presets,
    from_bounds,
    preset_window,
    to_bounds,
)
from vbqcore.imaging.windowing import display_window, to_preview
from vbqcore.roi.annotate import render_view
from vbqcore.roi.canvas import rois_from_canvas, rois_to_canvas
from vbqcore.roi.shapes import Roi
from vbqcore.roi.transfer import transform_roi
from vbqcore.roi.view_window import ViewWindow, rois_from_view, rois_to_view

__all__ = ["TOOLS", "sync_from_canvas", "viewer", "current_window"]

logger = logging.getLogger(__name__)

#: Drawing tools offered, and the canvas mode behind each (an ellipse is a circle stretched
#: with the canvas's edit toggle).
TOOLS = {
    "Rectangle": "rect",
    "Ellipse": "circle",
    "Polygon": "polygon",
    "Freehand": "freedraw",
    CLICK_TOOL: "point",
    WINDOW_TOOL: "line",
}
#: Display windows. MR SIs carry no physical unit, so there is no CT-style "bone" window: the
#: presets are the scanner's own window, the full range and a narrow high-contrast one.
#: Longer side of the shown slice in screen pixels: readable, and fits beside the ROI table in
#: the wide layout of a 1280 px window with the sidebar open (the canvas does not shrink).
DISPLAY_LONGEST = 464
#: Widest canvas once zoomed in: the image column's width at 1280 px with the sidebar open.
DISPLAY_WIDEST = 480
_BOX = (DISPLAY_WIDEST, DISPLAY_LONGEST)
#: Shorter names on the tool buttons, so all six fit beside each other in the image column.
_SHORT = {CLICK_TOOL: "Click", WINDOW_TOOL: "W/L"}
_STROKE, _FILL = "#ffd400", "rgba(255, 212, 0, 0.10)"
_MEMO_SIZE = 8
_TIPS = {
    "Rectangle": "Drag a box inside the body, or in the thecal sac for the CSF.",
    "Ellipse": "Drag a circle, then turn on the canvas's edit toggle and stretch it into an "
    "ellipse.",
    "Polygon": "Click each corner; close the polygon by clicking its first point.",
    "Freehand": "Draw the outline; it is closed from the last point to the first.",
    CLICK_TOOL: "Click to place: click once inside a body (or in the thecal sac for the CSF): "
    "the ROI of the label chosen under 'Click places' is proposed there; dragging draws nothing.",
    WINDOW_TOOL: "Window/level (W/L): drag on the image: right widens the window, left narrows "
    "it; down raises the level (darker), up lowers it. The line is not kept as an ROI.",
}


def _window(view: CanvasView) -> ViewWindow:
    """The image window the mounted canvas shows (the whole image for a canvas without one)."""
    if view.window is not None:
        return view.window
    return ViewWindow(0, 0, view.shape[1], view.shape[0], view.size, view.shape)


def _drawn_rois(drawing: Mapping[str, Any], view: CanvasView) -> tuple[list[Roi], list[str]]:
    """ROIs (image pixels) of the canvas objects, one by one, so one odd object costs no others."""
    rois: list[Roi] = []
    problems: list[str] = []
    window = _window(view)
    for i, obj in enumerate(drawing.get("objects") or []):
        try:
            on_canvas = rois_from_canvas({"objects": [obj]}, image_shape=view.shape)
            rois.extend(rois_from_view(on_canvas, window))
        except RoiError as err:
            problems.append(f"Shape #{i + 1} on the canvas was not used: {err}")
    return rois, problems


def sync_from_canvas(seq: Sequence) -> None:
    """Merge what the mounted canvas of ``seq`` last sent into the case (before anything is
    drawn, so the labels, table and scores of this run already include it)."""
    view = canvas_view(seq)
    state = get_case()[seq]
    if view is None or state.slice is None or view.shape != state.slice.shape:
        return
    value = st.session_state.get(view.key)
    drawing = (
        ((value or {}).get("drawing") or {}).get("raw") if isinstance(value, Mapping) else None
    )
    if not isinstance(drawing, Mapping):
        return
    tool = str(st.session_state.get(CASE_TOOL, "Rectangle"))
    shown = current_window(seq, state.slice)
    drawing, clicks = consume_marks(seq, drawing, view, _window(view), tool=tool, shown=shown)
    rois, problems = _drawn_rois(drawing, view)
    clear_notices("canvas")
    for problem in problems:
        notify("canvas", "warning", problem)
    case = get_case()
    updated = sync_canvas(case, seq, rois)
    if updated is not case:
        put_case(updated)
    place_clicks(seq, clicks)


def _mounted_view(seq: Sequence, state: SequenceCase, slice_: Slice) -> CanvasView:
    """The canvas to show: the live one, or a new one drawn from the case's ROIs."""
    window = chosen_window(seq, slice_, _BOX)
    size = window.canvas
    view = canvas_view(seq)
    live = view is not None and view.key in st.session_state
    if (
        view is not None
        and live
        and view.shape == slice_.shape
        and view.size == size
        and _window(view) == window
    ):
        return view
    initial = rois_to_canvas(
        rois_to_view(state.rois, window),
        image_shape=slice_.shape,
        stroke_width=2,
        stroke=_STROKE,
        fill=_FILL,
        label_chips=False,  # labels are drawn on the image, not as canvas chips
    )
    key = f"case_canvas_{seq.value}_{fresh_number()}"
    view = CanvasView(key, size, slice_.shape, initial, window=window)
    set_canvas_view(seq, view)
    return view


def current_window(seq: Sequence, slice_: Slice) -> tuple[float, float]:
    """(centre, width) of the display window chosen for ``seq``, in SI units."""
    choice = get_window(seq)
    if choice is None:
        return display_window(slice_)
    return preset_window(slice_, choice.preset, custom=choice.custom, rois=get_case()[seq].rois)


def _on_window(seq: Sequence, preset_key: str, range_key: str) -> None:
    before = get_window(seq)
    preset = str(st.session_state.get(preset_key) or (before.preset if before else ""))
    centre, width = (before.center, before.width) if before else (None, None)
    bounds = st.session_state.get(range_key)
    if isinstance(bounds, tuple | list) and len(bounds) == 2:
        centre, width = from_bounds(float(bounds[0]), float(bounds[1]))
    set_window(seq, WindowChoice(preset=preset, center=centre, width=width))


def _window_controls(seq: Sequence, slice_: Slice) -> tuple[float, float]:
    """Preset (the DICOM one only for DICOM windows; the ROI one once L1-L4 ROIs exist) and,
    for Custom, a two-handle slider over the slice's SI range."""
    presets = available_presets(slice_, get_case()[seq].rois)
    choice = get_window(seq)
    keys = [widget_key(n, seq.value) for n in ("window", "window_range")]
    wanted = choice.preset if choice is not None else presets[0]
    seed(keys[0], wanted if wanted in presets else presets[0])
    if st.session_state[keys[0]] not in presets:
        st.session_state[keys[0]] = presets[0]
    lo, hi = float(np.min(slice_.pixels)), float(np.max(slice_.pixels))
    shown = to_bounds(current_window(seq, slice_))
    seed(keys[1], (max(lo, shown[0]), min(hi, shown[1])))
    st.selectbox("Window", presets, key=keys[0], on_change=_on_window, args=(seq, *keys))
    if st.session_state[keys[0]] == "Custom" and hi > lo:
        st.slider(
            "SI range shown (low, high)",
            min_value=lo,
            max_value=hi,
            key=keys[1],
            on_change=_on_window,
            args=(seq, *keys),
        )
    return current_window(seq, slice_)


def _on_slice(seq: Sequence, key: str) -> None:
    clear_notices("viewer")
    update = set_slice(get_case(), seq, int(st.session_state[key]) - 1)
    put_case(update.case)
    for warning in update.warnings:
        notify("viewer", "warning", warning)


def _on_tool(key: str) -> None:
    if st.session_state.get(key):
        st.session_state[CASE_TOOL] = st.session_state[key]


def _background(
    seq: Sequence, state: SequenceCase, window: tuple[float, float], view: ViewWindow
) -> bytes:
    """The zoom/pan ``view`` of the windowed slice at canvas size with the ROI labels, as JPEG
    (memoised per session).

    JPEG at quality 92: the background is display only (SIs are measured on the DICOM pixels)
    and is sent with every rerun, so ~10x fewer bytes than PNG make every redraw quicker."""
    slice_ = state.slice
    assert slice_ is not None  # the viewer shows loaded sequences only
    signature = (
        seq.value,
        state.revision,
        state.slice_index,
        window,
        view,
        tuple(r.to_dict().__repr__() for r in state.rois),
    )
    memo: dict[Any, bytes] = st.session_state.setdefault(CASE_BACKGROUNDS, {})
    if signature in memo:
        return memo[signature]
    shifted = [transform_roi(r, np.eye(2), (-view.left, -view.top)) for r in state.rois]
    preview = view.crop(to_preview(slice_, window=window))
    flagged = sequence_flags(seq).flagged  # quality flags show on the ROI labels
    image = render_view(preview, shifted, size=view.canvas, outlines=False, flagged=flagged)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    while len(memo) >= _MEMO_SIZE:
        memo.pop(next(iter(memo)))
    memo[signature] = buffer.getvalue()
    return memo[signature]


def viewer(seq: Sequence) -> None:
    """Slice selector, window and tool controls, and the canvas for ``seq``."""
    from streamlit_drawable_canvas import st_canvas  # type: ignore[import-untyped]  # in-app only

    state = get_case()[seq]
    if state.series is None or state.slice is None:
        st.info(f"Upload the {seq.value} series above to draw on it.")
        return
    show_notices("viewer")
    show_notices("canvas")
    count = len(state.series.slices)
    controls = st.columns([5, 3, 5])
    with controls[0]:
        if count > 1:
            key = widget_key("slice", seq.value, state.revision)
            seed(key, state.slice_index + 1)
            st.slider(
                "Slice",
                1,
                count,
                key=key,
                on_change=_on_slice,
                args=(seq, key),
                help=f"Slice {state.series.default_index + 1} is the mid-sagittal one.",
            )
        else:
            st.caption("One slice.")
    with controls[1]:  # always shown, so the canvas below never moves
        click_label_control(enabled=st.session_state.get(CASE_TOOL) == CLICK_TOOL)
    with controls[2]:
        window = _window_controls(seq, state.slice)
    state = get_case()[seq]  # the slice callback may have changed it
    assert state.series is not None and state.slice is not None
    zoom_controls(seq, chosen_window(seq, state.slice, _BOX))
    tool_key = widget_key("tool")
    seed(tool_key, st.session_state.get(CASE_TOOL, "Rectangle"))
    tool = st.segmented_control(
        "Tool",
        list(TOOLS),
        key=tool_key,
        required=True,
        on_change=_on_tool,
        args=(tool_key,),
        format_func=lambda name: _SHORT.get(name, name),
    )
    view = _mounted_view(seq, state, state.slice)
    st_canvas(
        fill_color=_FILL,
        stroke_width=2,
        stroke_color=_STROKE,
        background_image=_background(seq, state, window, _window(view)),
        update_streamlit=True,
        width=view.size[0],
        height=view.size[1],
        drawing_mode=TOOLS.get(str(tool), "rect"),
        initial_drawing=view.initial,
        key=view.key,
        background_image_fit="stretch",
        point_display_radius=POINT_RADIUS,
    )
    mid = " (mid-sagittal)" if state.slice_index == state.series.default_index else ""
    where = view_caption(_window(view))
    st.caption(
        f"{seq.value}, slice {state.slice_index + 1} of {count}{mid}. {where} "
        f"{_TIPS.get(str(tool), '')} "
        "The canvas toolbar has undo, delete and an edit toggle (move, resize, rotate); while "
        "the edit toggle is on the mouse moves shapes and draws nothing: turn it off to draw."
    )
    show_notices(TOOL_NOTICES)
