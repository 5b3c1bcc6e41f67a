"""Point-tool clicks and line-tool drags read from the canvas's Fabric JSON."""

from __future__ import annotations

import pytest

from vbqcore.errors import RoiError
from vbqcore.roi.canvas_marks import line_drags, point_clicks


def test_a_point_click_is_the_centre_of_the_tool_circle() -> None:
    # PointTool.onMouseDown: left = x - (radius + strokeWidth / 2), top = y, origin left/center
    click = {
        "type": "circle",
        "left": 120 - (4 + 1),
        "top": 80,
        "radius": 4,
        "originX": "left",
        "originY": "center",
        "strokeWidth": 2,
    }
    drawn = {**click, "radius": 20}  # a circle ROI drawn by the ellipse tool
    stretched = {**click, "scaleX": 2}
    rect = {"type": "rect", "left": 0, "top": 0, "width": 5, "height": 5}
    clicks = point_clicks({"objects": [rect, click, drawn, stretched]}, radius=4)
    assert clicks == [pytest.approx((120.0, 80.0))]
    assert point_clicks({"objects": [click]}, radius=4, skip=1) == []


def test_a_line_gives_its_drag_in_drawing_order() -> None:
    # Line.calcLinePoints: dragged right and up from (10, 50) to (70, 20): width 60, height 30,
    # x1 = -30, x2 = 30 (left to right), y1 = 15, y2 = -15 (downwards to upwards)
    line = {"type": "line", "left": 40, "top": 35, "x1": -30, "y1": 15, "x2": 30, "y2": -15}
    assert line_drags({"objects": [line]}) == [(60.0, -30.0)]
    assert line_drags({"objects": [{**line, "scaleX": 2}]}) == [(120.0, -30.0)]
    assert line_drags(None) == []


def test_odd_objects_say_what_is_wrong() -> None:
    with pytest.raises(RoiError, match="must be a list"):
        line_drags({"objects": "nope"})
    with pytest.raises(RoiError, match="'x2' must be a number"):
        line_drags({"objects": [{"type": "line", "x2": "a"}]})
