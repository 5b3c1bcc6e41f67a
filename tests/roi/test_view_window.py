"""Zoom/pan windows: exact image <-> canvas maps, clamping, and the same pixels at every zoom."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbqcore.errors import RoiError
from vbqcore.roi.canvas import rois_from_canvas, rois_to_canvas
from vbqcore.roi.measure import measure_roi
from vbqcore.roi.shapes import EllipseRoi, PolygonRoi, RectRoi, roi_mask
from vbqcore.roi.view_window import (
    ViewWindow,
    full_view,
    panned_view,
    rois_from_view,
    rois_to_view,
    view_around,
    zoomed_view,
)

SHAPE = (700, 400)  # rows, cols: the real T2 slice's size
BOX = (480, 464)  # the case viewer's largest canvas (width, height)

shapes = st.tuples(st.integers(16, 900), st.integers(16, 900))
zooms = st.sampled_from([1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0]) | st.floats(1.0, 20.0)


def test_full_view_is_the_whole_image_at_the_display_size() -> None:
    v = full_view(SHAPE, BOX)
    # display_size((700, 400), longest=464): 464 / 700 = 0.66286 -> 265 x 464
    assert (v.left, v.top, v.width, v.height, v.zoom, v.canvas) == (0, 0, 400, 700, 1.0, (265, 464))
    assert v.scale == (265 / 400, 464 / 700)
    # a landscape image keeps its longer side on 464 px too (not the 480 px box width)
    assert full_view((256, 512), BOX).canvas == (464, 232)


def test_zoom_two_by_hand() -> None:
    # zoom 2: 2 * 464 / 700 = 1.32571 screen px per image px; the window fills the box:
    # round(480 / 1.32571) = 362 columns, round(464 / 1.32571) = 350 rows, canvas 480 x 464;
    # about (100, 500): left = round(100 - 181) -> 0, top = 500 - 175 = 325
    v = zoomed_view(full_view(SHAPE, BOX), 2.0, centre=(100, 500))
    assert (v.left, v.top, v.width, v.height, v.canvas) == (0, 325, 362, 350, (480, 464))
    # image (150, 400) -> canvas ((150 - 0) * 480 / 362, (400 - 325) * 464 / 350)
    np.testing.assert_allclose(v.to_canvas((150, 400)), (150 * 480 / 362, 75 * 464 / 350))
    # near the edge the window stops inside the image
    v = zoomed_view(full_view(SHAPE, BOX), 2.0, centre=(399, 699))
    assert (v.left, v.top) == (400 - 362, 350)


@settings(max_examples=200, deadline=None)
@given(
    shape=shapes,
    zoom=zooms,
    cx=st.floats(-50, 950),
    cy=st.floats(-50, 950),
    points=st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1),
)
def test_round_trip_and_window_inside_the_image(shape, zoom, cx, cy, points) -> None:
    v = zoomed_view(full_view(shape, (300, 400)), zoom, centre=(cx, cy))
    w, h = v.canvas
    assert w <= 300 and h <= 400
    assert 0 <= v.left and v.left + v.width <= shape[1]
    assert 0 <= v.top and v.top + v.height <= shape[0]
    p = np.array(points)
    np.testing.assert_allclose(v.to_image(v.to_canvas(p)), p, atol=1e-9)
    # The window's corners map to the canvas's corners.
    np.testing.assert_allclose(v.to_canvas((v.left, v.top)), (0, 0), atol=1e-9)
    np.testing.assert_allclose(v.to_canvas((v.left + v.width, v.top + v.height)), (w, h), atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    zoom=zooms,
    dx=st.floats(-3, 3),
    dy=st.floats(-3, 3),
    x=st.floats(0, 380),
    y=st.floats(0, 680),
    w=st.floats(2, 60),
    h=st.floats(2, 60),
    angle=st.floats(-45, 45),
)
def test_rois_through_the_canvas_json_at_any_zoom_and_pan(zoom, dx, dy, x, y, w, h, angle):
    """image -> window -> Fabric JSON -> window -> image gives the same ROI and pixels."""
    v = panned_view(zoomed_view(full_view(SHAPE, BOX), zoom), dx, dy)
    rois = [RectRoi(x, y, w, h, angle=angle, label="L2"), EllipseRoi(x, y, w, h, label="CSF")]
    rois.append(PolygonRoi(((x, y), (x + w, y), (x, y + h))))
    fabric = rois_to_canvas(rois_to_view(rois, v), label_chips=False)
    back = rois_from_view(rois_from_canvas(fabric, image_shape=SHAPE), v)
    for a, b in zip(rois, back, strict=True):
        assert np.array_equal(roi_mask(a, SHAPE), roi_mask(b, SHAPE))


def test_the_same_box_measures_the_same_pixels_at_two_zooms() -> None:
    """A box the reader drew at zoom 1 and the same box drawn at zoom 4 (canvas coordinates
    computed by hand from the window) measure the same pixels of the image."""
    rng = np.random.default_rng(7)
    pixels = rng.normal(100, 20, SHAPE)
    results = []
    for zoom, centre in ((1.0, None), (4.0, (200, 315))):
        v = zoomed_view(full_view(SHAPE, BOX), zoom, centre=centre)
        sx, sy = v.scale
        drawn = {  # the rect tool: origin at the outer stroke corner, 2 px stroke
            "type": "rect",
            "left": (180 - v.left) * sx - 1,
            "top": (300 - v.top) * sy - 1,
            "width": 40 * sx,
            "height": 30 * sy,
            "originX": "left",
            "originY": "top",
            "strokeWidth": 2,
        }
        (roi,) = rois_from_view(rois_from_canvas({"objects": [drawn]}, image_shape=SHAPE), v)
        results.append(measure_roi(pixels, roi))
    expected = pixels[300:330, 180:220]  # pixel centres inside [180, 220) x [300, 330)
    for stats in results:
        assert stats.n_pixels == expected.size == 1200
        assert stats.mean == pytest.approx(expected.mean(), rel=1e-12)


def test_view_around_holds_the_rois_and_pan_stops_at_the_edges() -> None:
    v = full_view(SHAPE, BOX)
    rois = [RectRoi(176, 230, 50, 30), RectRoi(160, 367, 52, 33)]
    around = view_around(rois, v)
    assert around is not None and around.zoom > 1.5
    assert around.left <= 160 and around.left + around.width >= 226
    assert around.top <= 230 and around.top + around.height >= 400
    assert view_around([], v) is None
    one = view_around([RectRoi(180, 300, 20, 20)], v, max_zoom=3.0)
    assert one is not None and one.zoom == 3.0
    zoomed = zoomed_view(v, 2.0)
    far = panned_view(zoomed, 10, -10)
    assert (far.left, far.top) == (400 - zoomed.width, 0)
    assert panned_view(far, 10, -10) == far


def test_bad_windows_and_zooms_are_refused() -> None:
    with pytest.raises(RoiError, match="ends inside"):
        ViewWindow(300, 0, 200, 100, (265, 464), SHAPE)
    with pytest.raises(RoiError, match="Zoom must be"):
        zoomed_view(full_view(SHAPE, BOX), 0.5)
    with pytest.raises(RoiError, match="was made for"):
        full_view(SHAPE, BOX).crop(np.zeros((10, 10)))
