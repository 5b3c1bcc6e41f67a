"""Tests of vbqcore.roi.canvas: Fabric.js 7.4 canvas objects -> image-pixel ROIs and back.

Fabric objects are written the way streamlit-drawable-canvas 0.13's tools create them (read in
its bundled ``index-*.js``): a rectangle drag gives ``Rect{left, top: the press point, width,
height, originX 'left', originY 'top', strokeUniform}``, a circle drag gives ``Circle{left, top:
the press point, radius: half the drag, angle: the drag's direction, originX 'left', originY
'center'}``, a polygon gives ``Polygon{points (absolute), left/top: their bounding-box centre}``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbqcore.errors import RoiError
from vbqcore.roi.canvas import (
    canvas_to_image,
    object_matrix,
    rois_from_boxes,
    rois_from_canvas,
    rois_to_canvas,
)
from vbqcore.roi.shapes import EllipseRoi, FreehandRoi, PolygonRoi, RectRoi, Roi, roi_mask
from vbqcore.roi.transfer import ScaledRois, scale_rois, transform_roi

SHAPE = (120, 140)


def _centres(shape: tuple[int, int] = SHAPE) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    return cols + 0.5, rows + 0.5


def _ellipse_mask(cx: float, cy: float, a: float, b: float, angle: float) -> npt.NDArray[Any]:
    """Pixel centres strictly inside an ellipse (semi-axes a along angle, b across)."""
    x, y = _centres()
    t = math.radians(angle)
    u = (x - cx) * math.cos(t) + (y - cy) * math.sin(t)
    v = -(x - cx) * math.sin(t) + (y - cy) * math.cos(t)
    return (u / a) ** 2 + (v / b) ** 2 < 1


def _one(json_data: dict[str, Any], **kwargs: Any) -> Roi:
    rois = rois_from_canvas(json_data, image_shape=kwargs.pop("image_shape", SHAPE), **kwargs)
    assert len(rois) == 1
    return rois[0]


def _rect_drag(x0: float, y0: float, x1: float, y1: float, sw: float = 2, **extra: Any) -> dict:
    """What the rect tool stores after a drag from (x0, y0) to (x1, y1)."""
    obj = {
        "type": "Rect",
        "left": min(x0, x1),
        "top": min(y0, y1),
        "width": abs(x1 - x0),
        "height": abs(y1 - y0),
        "originX": "left",
        "originY": "top",
        "scaleX": 1,
        "scaleY": 1,
        "angle": 0,
        "strokeWidth": sw,
        "strokeUniform": True,
    }
    obj.update(extra)
    return obj


def _circle_drag(x0: float, y0: float, x1: float, y1: float, sw: float = 2, **extra: Any) -> dict:
    """The circle tool's object: radius = half the drag, angle = its direction."""
    obj = {
        "type": "Circle",
        "left": x0,
        "top": y0,
        "radius": math.hypot(x1 - x0, y1 - y0) / 2,
        "angle": math.degrees(math.atan2(y1 - y0, x1 - x0)),
        "originX": "left",
        "originY": "center",
        "scaleX": 1,
        "scaleY": 1,
        "strokeWidth": sw,
    }
    obj.update(extra)
    return obj


def _polygon(points: list[tuple[float, float]], sw: float = 2, **extra: Any) -> dict:
    """A polygon as Fabric stores it: absolute points, centred on their bounding box."""
    pts = np.array(points)
    cx, cy = (pts.min(axis=0) + pts.max(axis=0)) / 2
    obj = {
        "type": "Polygon",
        "points": [{"x": x, "y": y} for x, y in points],
        "left": cx,
        "top": cy,
        "originX": "center",
        "originY": "center",
        "strokeWidth": sw,
    }
    obj.update(extra)
    return obj


# --- Fabric's transform, checked against Fabric's own test values ------------------------------

# fabric.js test/unit/object_origin.js: Rect{left 35, top 45, width 20, height 40, strokeWidth 2,
# scaleX = scaleY = 2}; getCenterPoint() with origin left/top is (57, 87), and
# translateToCenterPoint((15, 20), originX, originY) gives these centres (angle 0, then 35).
FABRIC_RECT = {"left": 35, "top": 45, "width": 20, "height": 40, "strokeWidth": 2}
FABRIC_CENTRES = [
    (0, "center", "top", (15, 62)),
    (0, "left", "bottom", (37, -22)),
    (0, "right", "center", (-7, 20)),
    (35, "center", "top", (-9.090210326743936, 54.40438586013766)),
    (35, "left", "top", (8.931134647613884, 67.02306745986067)),
    (35, "right", "bottom", (21.068865352386116, -27.02306745986067)),
    (35, 0, 1, (57.11155530110176, -1.7857042604146471)),  # numeric origins
]


def test_center_point_matches_fabric_get_center_point() -> None:
    obj = dict(FABRIC_RECT, originX="left", originY="top", scaleX=2, scaleY=2)
    matrix, centre = object_matrix(obj, 20, 40)
    np.testing.assert_allclose(centre, [57, 87])
    np.testing.assert_allclose(matrix, [[2, 0], [0, 2]])


@pytest.mark.parametrize(("angle", "origin_x", "origin_y", "expected"), FABRIC_CENTRES)
def test_center_point_matches_fabric_translate_to_center_point(
    angle: float, origin_x: Any, origin_y: Any, expected: tuple[float, float]
) -> None:
    obj = dict(FABRIC_RECT, left=15, top=20, scaleX=2, scaleY=2, angle=angle)
    obj.update(originX=origin_x, originY=origin_y)
    np.testing.assert_allclose(object_matrix(obj, 20, 40)[1], expected, rtol=1e-12)


def test_fabric_7_default_origin_is_the_centre() -> None:
    # "Upgrading to Fabric.js 7.0": originX/originY now default to 'center'.
    _, centre = object_matrix({"left": 50, "top": 60, "strokeWidth": 9}, 20, 40)
    np.testing.assert_allclose(centre, [50, 60])


# --- every shape: canvas JSON -> the mask of the shape drawn directly in image space -----------


def test_tool_rect_outline_starts_half_a_stroke_inside_the_drag() -> None:
    # Dragged from (9, 19) to (39, 59) with a 2 px stroke: left/top is the stroke's outer corner,
    # so the outline (the ROI) runs x 10..40, y 20..60.
    roi = _one({"objects": [_rect_drag(9, 19, 39, 59)]})
    assert roi == RectRoi(10, 20, 30, 40)
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), roi_mask(RectRoi(10, 20, 30, 40), SHAPE))


def test_scaled_rect_with_scaled_stroke() -> None:
    # strokeUniform false: the box is ((20 + 2) * 1.5, (80 + 2) * 0.5) = (33, 41) from (8.5, 19.5);
    # the outline, 30 x 40, starts half a scaled stroke inside: (8.5 + 1.5, 19.5 + 0.5).
    obj = _rect_drag(8.5, 19.5, 28.5, 99.5, scaleX=1.5, scaleY=0.5, strokeUniform=False)
    roi = _one({"objects": [obj]})
    assert isinstance(roi, RectRoi)
    assert (roi.x, roi.y, roi.width, roi.height) == pytest.approx((10, 20, 30, 40))
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), roi_mask(RectRoi(10, 20, 30, 40), SHAPE))


def test_rect_rotated_30_degrees_about_its_left_top_origin() -> None:
    # Fabric turns the box about (left, top): centre = (left, top) + R(30) (w + sw, h + sw) / 2.
    obj = _rect_drag(40.3, 20.6, 80.3, 45.6, sw=2, angle=30)
    t = math.radians(30)
    half = np.array([(40 + 2) / 2, (25 + 2) / 2])
    centre = (
        np.array([40.3, 20.6]) + [[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]] @ half
    )
    roi = _one({"objects": [obj]})
    expected = RectRoi(centre[0] - 20, centre[1] - 12.5, 40, 25, angle=30)
    assert roi.to_dict() == pytest.approx(expected.to_dict())
    x, y = _centres()
    u = (x - centre[0]) * math.cos(t) + (y - centre[1]) * math.sin(t)
    v = -(x - centre[0]) * math.sin(t) + (y - centre[1]) * math.cos(t)
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), (abs(u) <= 20) & (abs(v) <= 12.5))


def test_tool_circle_centre_is_radius_plus_half_stroke_along_the_drag() -> None:
    # Drag from (40, 30) over 24 px at 30 deg with a 4 px stroke: radius 12, centre
    # (40, 30) + (12 + 2) (cos 30, sin 30), not the radius alone.
    start = np.array([40.0, 30.0])
    direction = np.array([math.cos(math.radians(30)), math.sin(math.radians(30))])
    end = start + 24 * direction
    roi = _one({"objects": [_circle_drag(start[0], start[1], end[0], end[1], sw=4)]})
    assert isinstance(roi, EllipseRoi)
    np.testing.assert_allclose(roi.center, start + 14 * direction)
    assert (roi.width, roi.height) == pytest.approx((24, 24))
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), _ellipse_mask(*roi.center, 12, 12, 0))


def test_circle_stretched_in_edit_mode_is_a_rotated_ellipse() -> None:
    # scaleX 2, scaleY 1, 30 deg, no stroke: semi-axes 2r along 30 deg and r across; the centre
    # is (left, top) + R(30) (2r * 2 / 2, 0).
    r = 10.0
    obj = _circle_drag(30.2, 50.7, 50.2, 50.7, sw=0, angle=30, scaleX=2, scaleY=1)
    t = math.radians(30)
    cx, cy = 30.2 + 2 * r * math.cos(t), 50.7 + 2 * r * math.sin(t)
    roi = _one({"objects": [obj]})
    assert isinstance(roi, EllipseRoi)
    assert roi.to_dict() == pytest.approx(
        EllipseRoi(cx - 2 * r, cy - r, 4 * r, 2 * r, angle=30).to_dict()
    )
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), _ellipse_mask(cx, cy, 2 * r, r, 30))


def test_fabric_ellipse_object() -> None:
    obj = {"type": "Ellipse", "rx": 15, "ry": 7, "left": 60.3, "top": 40.1, "angle": -20}
    roi = _one({"objects": [obj]})  # Fabric 7 default origin: the centre
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), _ellipse_mask(60.3, 40.1, 15, 7, -20))


TRIANGLE = [(20.3, 10.2), (90.6, 35.1), (40.4, 80.9)]


def _transformed_triangle(matrix: Any, shift: tuple[float, float] = (0, 0)) -> PolygonRoi:
    """TRIANGLE turned/scaled by ``matrix`` about its bounding-box centre, then moved."""
    pts = np.array(TRIANGLE)
    c = (pts.min(axis=0) + pts.max(axis=0)) / 2
    moved = c + (pts - c) @ np.asarray(matrix).T + shift
    return PolygonRoi(tuple(map(tuple, moved)))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, _transformed_triangle(np.eye(2))),
        ({"left": 55.45 + 7, "top": 45.55 - 3}, _transformed_triangle(np.eye(2), (7, -3))),
        ({"scaleX": 1.2, "scaleY": 0.7}, _transformed_triangle(np.diag([1.2, 0.7]))),
        (
            {"angle": 30},
            _transformed_triangle(
                [
                    [math.cos(math.pi / 6), -math.sin(math.pi / 6)],
                    [math.sin(math.pi / 6), math.cos(math.pi / 6)],
                ]
            ),
        ),  # fmt: skip
        (
            # origin left/top with a 3 px stroke, left/top put where Fabric would: unchanged.
            {
                "originX": "left",
                "originY": "top",
                "strokeWidth": 3,
                "left": 55.45 - (70.3 + 3) / 2,
                "top": 45.55 - (70.7 + 3) / 2,
            },
            _transformed_triangle(np.eye(2)),
        ),  # fmt: skip
    ],
    ids=["as-drawn", "moved", "scaled", "rotated-30", "origin-left-top"],
)
def test_polygon_moved_scaled_rotated(extra: dict[str, Any], expected: PolygonRoi) -> None:
    obj = _polygon(TRIANGLE, **extra)
    roi = _one({"objects": [obj]})
    assert isinstance(roi, PolygonRoi)
    np.testing.assert_allclose(roi.points, expected.points, atol=1e-9)
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), roi_mask(expected, SHAPE))


def _straight_q_path(points: list[tuple[float, float]]) -> list[list[Any]]:
    """A freedraw-like path (M, Q..., L) whose Q control points sit mid-segment: straight."""
    path: list[list[Any]] = [["M", *points[0]]]
    for (x0, y0), (x1, y1) in zip(points, points[1:-1], strict=False):
        path.append(["Q", (x0 + x1) / 2, (y0 + y1) / 2, x1, y1])
    path.append(["L", *points[-1]])
    return path


def test_freedraw_path_is_closed_and_filled() -> None:
    loop = [(20.3, 10.2), (90.6, 35.1), (40.4, 80.9), (20.3, 10.2)]
    obj = {"type": "Path", "path": _straight_q_path(loop), "left": 55.45, "top": 45.55}
    roi = _one({"objects": [obj]})
    assert isinstance(roi, FreehandRoi)
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), roi_mask(PolygonRoi(tuple(loop)), SHAPE))
    moved = _one({"objects": [dict(obj, left=55.45 + 5, top=45.55 + 2)]})
    expected = PolygonRoi(tuple((x + 5, y + 2) for x, y in loop))
    np.testing.assert_array_equal(roi_mask(moved, SHAPE), roi_mask(expected, SHAPE))


def test_path_offset_uses_fabric_bounds_of_quadratic_segments() -> None:
    # Fabric bounds 'Q 10 20 20 0' from (0, 0) as the cubic (0,0),(10,20),(10,20),(20,0), whose
    # y(t) = 60 t (1 - t) peaks at 15 (the true quadratic peaks at 10). So pathOffset is (10, 7.5),
    # and a path scaled 2x about its centre (left/top = 10, 7.5) keeps (0, 0) at (10,7.5) + 2 *
    # ((0,0) - (10,7.5)) = (-10, -7.5).
    path = [["M", 0, 0], ["Q", 10, 20, 20, 0], ["L", 0, 0]]
    obj = {"type": "Path", "path": path, "left": 60, "top": 50, "scaleX": 2, "scaleY": 2}
    roi = _one({"objects": [obj]})
    assert isinstance(roi, FreehandRoi)
    np.testing.assert_allclose(roi.points[0], (60 - 20, 50 - 15))


def test_curved_freedraw_path_is_sampled_finely() -> None:
    # A half disc drawn with one quadratic arc: the sampled outline agrees with a 256-step
    # sampling of the same quadratic to within 2 boundary pixels.
    path = [["M", 20, 60], ["Q", 70, 0, 120, 60], ["L", 20, 60]]
    # Fabric bounds the arc as the cubic with control points (70, 0) twice: y 15..60, so the
    # unmoved path has top = 37.5.
    obj = {"type": "Path", "path": path, "left": 70, "top": 37.5}
    roi = _one({"objects": [obj]})
    t = np.linspace(0, 1, 257)[:, None]
    dense = (1 - t) ** 2 * [20, 60] + 2 * (1 - t) * t * [70, 0] + t**2 * [120, 60]
    reference = roi_mask(PolygonRoi(tuple(map(tuple, dense))), SHAPE)
    mask = roi_mask(roi, SHAPE)
    assert (mask ^ reference).sum() <= 2


def test_labeled_rect_and_boxes_in_image_space() -> None:
    obj = dict(_rect_drag(9, 19, 39, 59), type="LabeledRect", label="L3")
    assert _one({"objects": [obj]}) == RectRoi(10, 20, 30, 40, label="L3")
    boxes = [{"label": "L3", "left": 9.0, "top": 19.0, "width": 30.0, "height": 40.0}]
    assert rois_from_boxes(boxes) == [RectRoi(9, 19, 30, 40, label="L3")]


def test_lines_and_text_are_skipped() -> None:
    objects = [
        {"type": "Line", "x1": 0},
        {"type": "IText", "text": "L1"},
        _rect_drag(9, 19, 39, 59),
    ]
    assert rois_from_canvas({"objects": objects}, image_shape=SHAPE) == [RectRoi(10, 20, 30, 40)]
    assert rois_from_canvas(None, image_shape=SHAPE) == []


# --- display scale: a 512 x 512 image shown at 400 px ------------------------------------------


def _scaled(obj: dict[str, Any], s: float, dx: float = 0.0, dy: float = 0.0) -> dict[str, Any]:
    """The same drawing on a canvas where the image is shown at s canvas px per image px."""
    out = dict(obj)
    for key in ("width", "height", "radius", "rx", "ry", "strokeWidth"):
        if key in out:
            out[key] = out[key] * s
    out["left"], out["top"] = out["left"] * s + dx, out["top"] * s + dy
    if "points" in out:
        out["points"] = [{"x": p["x"] * s + dx, "y": p["y"] * s + dy} for p in out["points"]]
    return out


FULL_SIZE = [
    _rect_drag(100.3, 200.2, 300.1, 260.7),
    _rect_drag(100.3, 200.2, 300.1, 260.7, angle=30, scaleX=1.3),
    _circle_drag(250.5, 250.5, 330.1, 300.4, sw=3),
    _circle_drag(250.5, 250.5, 330.1, 300.4, sw=3, scaleX=1.7, scaleY=0.8),
    _polygon([(100.2, 100.9), (400.3, 150.4), (260.7, 450.2), (90.1, 300.3)]),
    _polygon([(100.2, 100.9), (400.3, 150.4), (260.7, 450.2)], angle=30, left=300, scaleX=0.8),
]


@pytest.mark.parametrize("obj", FULL_SIZE, ids=["rect", "rect-rot", "circ", "ell", "poly", "poly2"])
@pytest.mark.parametrize(
    ("fit", "dx", "dy"),
    [
        ({"natural_width": 512, "natural_height": 512, "scale_x": 400 / 512,
          "scale_y": 400 / 512, "offset_x": 0, "offset_y": 0}, 0.0, 0.0),
        # "contain" on a 600 x 400 canvas: centred, 100 px margins left and right (camelCase
        # keys as the component's session state holds them).
        ({"naturalWidth": 512, "naturalHeight": 512, "scaleX": 400 / 512, "scaleY": 400 / 512,
          "offsetX": 100, "offsetY": 0}, 100.0, 0.0),
        # a 256 px preview of the 512 px image, shown at 400 px
        ({"natural_width": 256, "natural_height": 256, "scale_x": 400 / 256,
          "scale_y": 400 / 256, "offset_x": 0, "offset_y": 0}, 0.0, 0.0),
        (None, 0.0, 0.0),  # display_scale instead
    ],
)  # fmt: skip
def test_512_image_shown_at_400_px_gives_the_same_pixels(
    obj: dict[str, Any], fit: dict[str, Any] | None, dx: float, dy: float
) -> None:
    shape = (512, 512)
    full = _one({"objects": [obj]}, image_shape=shape)
    small = _scaled(obj, 400 / 512, dx, dy)
    scale = None if fit is not None else 400 / 512
    shown = _one({"objects": [small]}, background_fit=fit, display_scale=scale, image_shape=shape)
    assert type(shown) is type(full)
    np.testing.assert_array_equal(roi_mask(shown, shape), roi_mask(full, shape))


def test_stretch_fit_turns_a_rotated_rect_into_its_corner_polygon() -> None:
    # Unequal x/y scales (a "stretch" fit) do not keep right angles: the rotated rectangle becomes
    # a parallelogram, the image of each corner: image = (canvas - offset) / scale.
    fit = {"natural_width": 100, "natural_height": 50, "scale_x": 2.0, "scale_y": 4.0,
           "offset_x": 0, "offset_y": 0}  # fmt: skip
    obj = {"type": "Rect", "left": 100, "top": 100, "width": 40, "height": 20, "angle": 30,
           "strokeWidth": 0}  # fmt: skip
    roi = _one({"objects": [obj]}, background_fit=fit, image_shape=(50, 100))
    assert isinstance(roi, PolygonRoi)
    canvas_corners = RectRoi(80, 90, 40, 20, angle=30).corners()
    np.testing.assert_allclose(roi.points, canvas_corners / [2.0, 4.0])


# --- back to the canvas -----------------------------------------------------------------------

ROUND_TRIP = [
    RectRoi(100.3, 200.2, 200.1, 60.7, label="L1"),
    RectRoi(100.3, 200.2, 200.1, 60.7, angle=-25),
    EllipseRoi(250.5, 250.5, 80.1, 30.4, angle=40, label="CSF"),
    PolygonRoi(((100.2, 100.9), (400.3, 150.4), (260.7, 450.2)), label="L2"),
    FreehandRoi(((100.2, 100.9), (400.3, 150.4), (260.7, 450.2), (90.1, 300.3))),
]


@pytest.mark.parametrize("roi", ROUND_TRIP, ids=["rect", "rect-rot", "ellipse", "poly", "free"])
def test_rois_to_canvas_round_trip(roi: Roi) -> None:
    fit = {"natural_width": 512, "natural_height": 512, "scale_x": 400 / 512,
           "scale_y": 400 / 512, "offset_x": 100, "offset_y": 0}  # fmt: skip
    drawing = rois_to_canvas([roi], background_fit=fit, image_shape=(512, 512), stroke_width=3)
    assert drawing["objects"][0]["type"] in {"Rect", "LabeledRect", "Ellipse", "Polygon", "Path"}
    back = rois_from_canvas(drawing, background_fit=fit, image_shape=(512, 512))[0]
    assert type(back) is type(roi) and back.label == roi.label
    if isinstance(roi, RectRoi | EllipseRoi):
        assert back.to_dict() == pytest.approx(roi.to_dict())
    else:
        np.testing.assert_allclose(back.points, roi.points)  # type: ignore[union-attr]
    np.testing.assert_array_equal(roi_mask(back, (512, 512)), roi_mask(roi, (512, 512)))


@settings(max_examples=50, deadline=None)
@given(
    kind=st.sampled_from([RectRoi, EllipseRoi]),
    x=st.floats(-50, 500),
    y=st.floats(-50, 500),
    w=st.floats(1, 300),
    h=st.floats(1, 300),
    angle=st.floats(-179, 179),
    scale=st.floats(0.2, 4),
    offset=st.tuples(st.floats(0, 200), st.floats(0, 200)),
    stroke=st.floats(0, 10),
)
def test_round_trip_through_any_uniform_fit(
    kind: type[RectRoi] | type[EllipseRoi],
    x: float,
    y: float,
    w: float,
    h: float,
    angle: float,
    scale: float,
    offset: tuple[float, float],
    stroke: float,
) -> None:
    roi = kind(x, y, w, h, angle=angle, label="L1")
    fit = {"natural_width": 512, "natural_height": 512, "scale_x": scale, "scale_y": scale,
           "offset_x": offset[0], "offset_y": offset[1]}  # fmt: skip
    drawing = rois_to_canvas([roi], background_fit=fit, stroke_width=stroke)
    (back,) = rois_from_canvas(drawing, background_fit=fit, image_shape=(512, 512))
    assert isinstance(back, kind)
    np.testing.assert_allclose(back.center, roi.center, atol=1e-6)
    np.testing.assert_allclose((back.width, back.height), (w, h), rtol=1e-9)
    turn = (back.angle - angle) % 180  # a 180 deg turn is the same shape
    assert min(turn, 180 - turn) == pytest.approx(0, abs=1e-6)


def test_labelled_rect_goes_to_the_canvas_as_labeled_rect() -> None:
    objects = rois_to_canvas([RectRoi(1, 2, 3, 4, label="L4")], display_scale=2)["objects"]
    assert objects[0]["type"] == "LabeledRect" and objects[0]["label"] == "L4"
    assert (objects[0]["left"], objects[0]["top"], objects[0]["width"]) == (5, 8, 6)


def test_without_label_chips_a_labelled_rect_is_a_plain_rect_with_the_same_pixels() -> None:
    roi = RectRoi(10.5, 20.25, 30, 40, label="L4")
    drawing = rois_to_canvas([roi], display_scale=2, label_chips=False)
    assert drawing["objects"][0]["type"] == "Rect"
    (back,) = rois_from_canvas(drawing, display_scale=2, image_shape=(100, 100))
    assert isinstance(back, RectRoi)
    np.testing.assert_array_equal(roi_mask(back, (100, 100)), roi_mask(roi, (100, 100)))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("objects", "pattern"),
    [
        ([_rect_drag(0, 0, 5, 5), {"type": "Triangle"}], r"canvas object #1 \(Triangle\): not an"),
        ([_polygon([(1, 1), (5, 5), (9, 1)]) | {"points": [{"x": 1, "y": 1}, {"x": 5, "y": 5}]}],
         r"canvas object #0 \(Polygon\).*at least 3 points"),
        ([{"type": "Path", "path": [["M", 0, 0], ["A", 1, 1, 0, 0, 1, 5, 5]]}],
         "unsupported path command"),
        ([_rect_drag(0, 0, 5, 5, left=float("nan"))], "'left' is nan"),
        ([_rect_drag(0, 0, 5, 5, width="5")], "'width' must be a number"),
        ([_rect_drag(0, 0, 5, 5, width=0)], "zero area"),
        ([_rect_drag(0, 0, 5, 5, originX="middle")], "unknown origin 'middle'"),
    ],
)  # fmt: skip
def test_bad_canvas_objects_raise(objects: list[dict[str, Any]], pattern: str) -> None:
    with pytest.raises(RoiError, match=pattern):
        rois_from_canvas({"objects": objects}, image_shape=SHAPE)


def test_background_of_other_proportions_is_refused() -> None:
    fit = {"natural_width": 512, "natural_height": 256, "scale_x": 1, "scale_y": 1,
           "offset_x": 0, "offset_y": 0}  # fmt: skip
    with pytest.raises(RoiError, match="other proportions"):
        canvas_to_image(background_fit=fit, image_shape=(512, 512))
    with pytest.raises(RoiError, match="background_fit lacks"):
        canvas_to_image(background_fit={"scale_x": 1}, image_shape=(512, 512))
    with pytest.raises(RoiError, match="display_scale must be positive"):
        canvas_to_image(display_scale=0)


# --- affine maps and copying ROIs to another sequence -------------------------------------------


def test_ellipse_under_a_shear_is_the_ellipse_of_the_mapped_axes() -> None:
    roi = EllipseRoi(40.2, 30.1, 40.0, 20.0, angle=10)
    shear = np.array([[1.0, 0.6], [0.0, 1.0]])
    mapped = transform_roi(roi, shear, (5.0, 3.0))
    assert isinstance(mapped, EllipseRoi)
    # p is inside iff |L^-1 (p - c')| < 1 with L the sheared half-axis vectors.
    inv = np.linalg.inv(shear @ roi.axes())
    c = shear @ np.array(roi.center) + [5.0, 3.0]
    x, y = _centres()
    q = np.einsum("ij,jrc->irc", inv, np.stack([x - c[0], y - c[1]]))
    expected = (q**2).sum(axis=0) < 1
    assert (roi_mask(mapped, SHAPE) ^ expected).sum() == 0


def test_scale_rois_keeps_physical_geometry() -> None:
    # 256 x 256 at 1.0 mm -> 512 x 512 at 0.5 mm: same 256 mm field of view, coordinates doubled.
    rois: list[Roi] = [
        RectRoi(10, 20, 30, 40, angle=15, label="L1"),
        PolygonRoi(((0, 0), (10, 0), (0, 10))),
    ]
    out = scale_rois(rois, from_shape=(256, 256), to_shape=(512, 512),
                     from_spacing=(1.0, 1.0), to_spacing=(0.5, 0.5))  # fmt: skip
    assert isinstance(out, ScaledRois) and out.warnings == ()
    assert out.rois[0].to_dict() == pytest.approx(
        RectRoi(20, 40, 60, 80, angle=15, label="L1").to_dict()
    )
    assert out.rois[1] == PolygonRoi(((0, 0), (20, 0), (0, 20)))


def test_scale_rois_warns_when_the_field_of_view_differs() -> None:
    # 256 mm FOV -> 400 px * 0.5 mm = 200 mm: copied about the centre (128, 128) -> (200, 200),
    # 1 mm = 2 px, so a 10 mm box centred on the image stays centred, 20 px wide.
    out = scale_rois([RectRoi(123, 123, 10, 10)], from_shape=(256, 256), to_shape=(400, 400),
                     from_spacing=(1.0, 1.0), to_spacing=(0.5, 0.5))  # fmt: skip
    assert out.rois[0] == RectRoi(190, 190, 20, 20)
    assert len(out.warnings) == 1 and "fields of view differ" in out.warnings[0]


def test_scale_rois_without_spacing_scales_by_matrix_size() -> None:
    out = scale_rois([EllipseRoi(10, 10, 20, 20)], from_shape=(256, 256), to_shape=(512, 384))
    assert out.rois[0] == EllipseRoi(15, 20, 30, 40)
    assert any("different proportions" in w for w in out.warnings)
    one_sided = scale_rois([EllipseRoi(10, 10, 20, 20)], from_shape=(256, 256),
                           to_shape=(512, 512), from_spacing=(1.0, 1.0))  # fmt: skip
    assert one_sided.rois[0] == EllipseRoi(20, 20, 40, 40)
    assert any("one image only" in w for w in one_sided.warnings)
    assert one_sided.to_dict()["rois"][0]["shape"] == "ellipse"
