"""Merging the canvas's unlabelled ROIs into the labelled ones (vbqcore.roi.sync, roi_geometry)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbqcore.roi.canvas import rois_from_canvas, rois_to_canvas
from vbqcore.roi.geometry import roi_bounds, roi_outline, same_geometry
from vbqcore.roi.shapes import EllipseRoi, FreehandRoi, PolygonRoi, RectRoi, Roi
from vbqcore.roi.sync import relabel, sync_rois

KEPT: tuple[Roi, ...] = (
    RectRoi(85, 62, 45, 20, label="L1"),
    EllipseRoi(85, 98, 45, 20, angle=15, label="L2"),
    PolygonRoi(((90.0, 140.0), (125.0, 138.0), (128.0, 152.0), (88.0, 150.0)), label="L3"),
    FreehandRoi(((150.0, 110.0), (157.0, 110.0), (157.5, 160.0), (150.5, 160.0)), label="CSF"),
)


def unlabelled(rois: tuple[Roi, ...] | list[Roi]) -> list[Roi]:
    return [relabel(r, None) for r in rois]


def fabric_rounded(value: Any) -> Any:
    """Numbers as Fabric 7.4 serialises them (``toObject``: ``NUM_FRACTION_DIGITS`` = 4)."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list):
        return [fabric_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: fabric_rounded(v) for k, v in value.items()}
    return value


def canvas_round_trip(rois: tuple[Roi, ...], scale: float) -> list[Roi]:
    """What the canvas sends back for ``rois`` drawn at ``scale`` (labels lost, numbers rounded
    to 4 decimals, freehand paths back as polygons: the component converts closed straight
    paths on load)."""
    drawing = rois_to_canvas(rois, display_scale=scale, image_shape=(256, 256))
    for obj in drawing["objects"]:
        obj["type"] = "Rect" if obj["type"] == "LabeledRect" else obj["type"]
        obj.pop("label", None)
        if obj["type"] == "Path":  # the component's Path -> Polygon conversion on load
            obj["type"] = "Polygon"
            obj["points"] = [{"x": c[1], "y": c[2]} for c in obj.pop("path") if c[0] != "Z"]
    return rois_from_canvas(fabric_rounded(drawing), display_scale=scale, image_shape=(256, 256))


@pytest.mark.parametrize("scale", [464 / 256, 1.0, 0.7, 2.5])
def test_round_trip_through_the_canvas_changes_nothing(scale: float) -> None:
    result = sync_rois(KEPT, canvas_round_trip(KEPT, scale))
    assert not result.changed
    assert result.rois == KEPT  # the very same objects: no drift, labels and freehand kept
    assert result.new == ()


def test_new_object_is_appended_unlabelled() -> None:
    drawn = unlabelled(KEPT) + [RectRoi(85, 170, 45, 20)]
    result = sync_rois(KEPT, drawn)
    assert result.changed and result.new == (4,)
    assert result.rois[:4] == KEPT and result.rois[4].label is None


def test_moved_object_keeps_its_label() -> None:
    drawn = unlabelled(KEPT)
    drawn[1] = EllipseRoi(90, 100, 45, 20, angle=15)  # dragged 5 px right, 2 px down
    result = sync_rois(KEPT, drawn)
    assert result.changed and result.new == ()
    assert result.rois[1] == EllipseRoi(90, 100, 45, 20, angle=15, label="L2")


def test_deleted_object_drops_its_roi_and_keeps_the_other_labels() -> None:
    drawn = unlabelled(KEPT)
    del drawn[1]
    result = sync_rois(KEPT, drawn)
    assert [r.label for r in result.rois] == ["L1", "L3", "CSF"]


def test_reordered_objects_are_matched_by_geometry() -> None:
    drawn = unlabelled(KEPT)[::-1]  # "bring to front" reorders the canvas objects
    result = sync_rois(KEPT, drawn)
    assert [r.label for r in result.rois] == ["CSF", "L3", "L2", "L1"]


def test_freehand_edited_into_polygon_stays_freehand() -> None:
    moved = PolygonRoi(tuple((x + 3, y) for x, y in KEPT[3].points))  # type: ignore[union-attr]
    drawn = unlabelled(KEPT)[:3] + [moved]
    out = sync_rois(KEPT, drawn).rois[3]
    assert isinstance(out, FreehandRoi) and out.label == "CSF"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (RectRoi(0, 0, 10, 4), RectRoi(0, 0, 10, 4, angle=180), True),
        (RectRoi(0, 0, 10, 4), RectRoi(3, -3, 4, 10, angle=90), True),  # same box turned 90
        (RectRoi(0, 0, 10, 4), RectRoi(0.2, 0, 10, 4), False),
        (EllipseRoi(0, 0, 10, 4, angle=10), EllipseRoi(0, 0, 10, 4, angle=190), True),
        (EllipseRoi(0, 0, 10, 10, angle=0), EllipseRoi(0, 0, 10, 10, angle=40), True),
        (EllipseRoi(0, 0, 10, 4), RectRoi(0, 0, 10, 4), False),
        (PolygonRoi(((0, 0), (1, 0), (0, 1))), FreehandRoi(((0, 0), (1, 0), (0, 1))), True),
    ],
)
def test_same_geometry(a: Roi, b: Roi, same: bool) -> None:
    assert same_geometry(a, b, tolerance_px=0.05) is same


def test_bounds_of_rotated_ellipse_match_its_outline() -> None:
    roi = EllipseRoi(10, 20, 40, 10, angle=30)
    x0, y0, x1, y1 = roi_bounds(roi)
    pts = roi_outline(roi, samples=20000)
    np.testing.assert_allclose([x0, y0, x1, y1], [*pts.min(0), *pts.max(0)], atol=1e-3)


@given(
    x=st.floats(0, 200),
    y=st.floats(0, 200),
    w=st.floats(2, 50),
    h=st.floats(2, 50),
    angle=st.floats(-180, 180),
    scale=st.floats(0.5, 3),
)
def test_any_rect_or_ellipse_survives_the_canvas(
    x: float, y: float, w: float, h: float, angle: float, scale: float
) -> None:
    kept = (
        RectRoi(x, y, w, h, angle=angle, label="L1"),
        EllipseRoi(x, y, w, h, angle=angle, label="CSF"),
    )
    assert sync_rois(kept, canvas_round_trip(kept, scale)).rois == kept
