"""AppTest: the case viewer's zoom/pan buttons, "Click to place" and "Window/level" tools.

The real T2 slice (400 x 700 px, shown on a 265 x 464 canvas) is loaded in the T1 slot, the one
the page shows first. Canvas drawings are injected as the component would send them (the
Fabric objects documented in ``vbqcore.roi.canvas`` / ``canvas_marks``).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.roi.real_images import DATA
from vbqapp.state import CASE_MODEL, CASE_VIEWS
from vbqcore.anatomy import Sequence
from vbqcore.case.model import load_series, new_case, set_rois
from vbqcore.imaging.reading import read_series
from vbqcore.roi.shapes import RectRoi
from vbqcore.roi.suggest import Seed, suggest_rois

APP = str(ROOT / "app.py")
NAME = "tptbox_T2_sag_T9-S1.png"


def _page_with(rois) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/case.py").run()
    case = load_series(new_case(), Sequence.T1, read_series(DATA / NAME)).case
    at.session_state[CASE_MODEL] = set_rois(case, Sequence.T1, rois)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _view(at: AppTest):
    return at.session_state[CASE_VIEWS]["T1"]


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _send(at: AppTest, objects: list[dict]) -> None:
    key = _view(at).key
    at.session_state[key] = {"drawing": {"raw": {"objects": objects}, "data": None}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _rois(at: AppTest):
    return at.session_state[CASE_MODEL][Sequence.T1].rois


def test_zoom_in_remounts_the_canvas_at_the_window_and_keeps_the_rois_in_image_pixels() -> None:
    at = _page_with([RectRoi(160, 367, 52, 33, label="L3")])
    before = _view(at)
    assert before.window.zoom == 1.0 and _button(at, "−").disabled
    _button(at, "+").click().run()
    after = _view(at)
    assert after.key != before.key
    # zoom 1.5: 1.5 * 464 / 700 = 0.99429 screen px per image px; the window fills the
    # 480 x 464 box: min(400, round(482.8)) = 400 columns, round(466.67) = 467 rows, canvas
    # round(400 * 0.99429) = 398 x 464; centred on (200, 350): top = round(116.5) = 116 (half
    # to even)
    w = after.window
    assert (w.left, w.top, w.width, w.height, w.canvas) == (0, 116, 400, 467, (398, 464))
    assert after.size == (398, 464)
    # The L3 box on the canvas: its centre x 186 -> 186 * 398 / 400
    (obj,) = after.initial["objects"]
    assert obj["left"] == pytest.approx(186 * 398 / 400)
    assert obj["top"] == pytest.approx((383.5 - 116) * 464 / 467)
    assert obj["width"] == pytest.approx(52 * 398 / 400)
    # The canvas sends its drawing back unchanged: the case keeps the same ROI.
    _send(at, after.initial["objects"])
    (roi,) = _rois(at)
    assert (roi.x, roi.y, roi.width, roi.height) == pytest.approx((160, 367, 52, 33))


def test_a_box_drawn_at_zoom_lands_on_the_image_pixels_under_it() -> None:
    at = _page_with([RectRoi(160, 367, 52, 33, label="L3")])
    _button(at, "+").click().run()
    _button(at, "+").click().run()  # zoom 2: round(480 / 1.32571) x round(464 / 1.32571) px
    w = _view(at).window
    assert (w.width, w.height, w.canvas) == (362, 350, (480, 464))
    sx, sy = 480 / 362, 464 / 350
    # A rect as the rect tool sends it: origin at the outer stroke corner (2 px stroke).
    rect = {
        "type": "rect",
        "left": 10 * sx - 1,
        "top": 20 * sy - 1,
        "width": 30 * sx,
        "height": 25 * sy,
        "originX": "left",
        "originY": "top",
        "strokeWidth": 2,
    }
    _send(at, [*_view(at).initial["objects"], rect])
    new = [r for r in _rois(at) if r.label != "L3"]
    (roi,) = new
    assert (roi.x, roi.y) == pytest.approx((w.left + 10, w.top + 20))
    assert (roi.width, roi.height) == pytest.approx((30, 25))
    _button(at, "Fit").click().run()  # zoomed out: the same ROI, drawn at the whole-image scale
    assert _view(at).window.zoom == 1.0
    assert any(r.x == pytest.approx(w.left + 10) for r in _rois(at))


def test_lumbar_zoom_and_pan_stay_inside_the_image() -> None:
    at = _page_with([RectRoi(160, 367, 52, 33, label="L3"), RectRoi(176, 230, 50, 30, label="L1")])
    _button(at, "Lumbar").click().run()
    w = _view(at).window
    assert w.zoom > 1.0
    assert w.left <= 160 and w.left + w.width >= 212 and w.top <= 230 and w.top + w.height >= 400
    for _ in range(10):  # pan right until the button stops at the image edge
        if _button(at, "→").disabled:
            break
        _button(at, "→").click().run()
    w = _view(at).window
    assert w.left + w.width == 400 and _button(at, "→").disabled


def test_click_to_place_proposes_the_engine_roi_at_the_clicked_pixel() -> None:
    at = _page_with([])
    next(s for s in at.segmented_control if s.label == "Tool").set_value("Click to place").run()
    label = next(s for s in at.selectbox if s.label == "Click places")
    assert not label.disabled and label.value == "next"
    label.set_value("L3").run()
    _button(at, "+").click().run()
    w = _view(at).window
    sx, sy = w.scale
    # The point tool's circle: left = x - (radius + stroke / 2), top = y (radius 4, stroke 2).
    cx, cy = (186.5 - w.left) * sx, (383.5 - w.top) * sy
    point = {
        "type": "circle",
        "left": cx - 5,
        "top": cy,
        "radius": 4,
        "originX": "left",
        "originY": "center",
        "strokeWidth": 2,
    }
    _send(at, [point])
    (roi,) = _rois(at)
    slice_ = at.session_state[CASE_MODEL][Sequence.T1].slice
    (expected,) = suggest_rois(slice_, [Seed("L3", 383, 186)])  # as `vbqcore suggest` does
    assert roi == expected.roi
    assert any("L3: placed at row 383, col 186" in s.value for s in at.success)
    assert len(_view(at).initial["objects"]) == 1  # remounted: the point is gone, the ROI drawn


def test_a_click_for_a_label_already_drawn_says_so() -> None:
    at = _page_with([RectRoi(160, 367, 52, 33, label="L3")])
    next(s for s in at.segmented_control if s.label == "Tool").set_value("Click to place").run()
    next(s for s in at.selectbox if s.label == "Click places").set_value("L3").run()
    point = {"type": "circle", "left": 100, "top": 250, "radius": 4, "originX": "left"}
    _send(at, [*_view(at).initial["objects"], point])
    assert len(_rois(at)) == 1
    assert any("already has an L3 ROI" in e.value for e in at.error)


def test_window_level_drag_sets_a_custom_window_and_the_slider_shows_it() -> None:
    at = _page_with([])
    next(s for s in at.segmented_control if s.label == "Tool").set_value("Window/level").run()
    window = next(s for s in at.selectbox if s.label == "Window")
    assert window.value == "Auto (0.5–99.5 %)"
    slice_ = at.session_state[CASE_MODEL][Sequence.T1].slice
    from vbqcore.imaging.windowing import display_window

    centre, width = display_window(slice_)
    # Drag 53 px right (a fifth of the 265 px canvas) and 46.4 px up (a tenth of 464 px):
    # width + 222 / 5, centre - 222 / 10 (SI range 0..222).
    line = {"type": "line", "left": 100, "top": 100, "x1": -26.5, "y1": 23.2, "x2": 26.5}
    line["y2"] = -23.2
    _send(at, [line])
    choice = at.session_state["case_windows"]["T1"]
    assert choice.preset == "Custom"
    assert choice.width == pytest.approx(width + 222 / 5)
    assert choice.center == pytest.approx(centre - 222 / 10)
    assert next(s for s in at.selectbox if s.label == "Window").value == "Custom"
    slider = next(s for s in at.slider if s.label == "SI range shown (low, high)")
    low, high = choice.center - choice.width / 2, choice.center + choice.width / 2
    assert slider.value == pytest.approx((max(0.0, low), min(222.0, high)))
    assert _rois(at) == ()  # the line is never an ROI
