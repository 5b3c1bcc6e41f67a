"""Canvas marks that are not ROIs: clicks of the point tool and drags of the line tool.

streamlit-drawable-canvas 0.13 (Fabric.js 7.4) records a click in ``point`` mode as a
``Circle`` of radius ``point_display_radius`` with ``originX="left"``, ``originY="center"``
and ``left`` put ``radius + strokeWidth / 2`` left of the click (its ``PointTool.onMouseDown``),
so the click is the circle's centre. A drag in ``line`` mode is a ``Line`` whose serialised
``x1, y1, x2, y2`` are the end points relative to its centre, in drawing order (Fabric's
``Line.calcLinePoints``): the drag is ``(x2 - x1, y2 - y1)`` times the object's scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vbqcore.errors import RoiError
from vbqcore.roi.canvas import object_matrix

__all__ = ["point_clicks", "line_drags"]


def _objects(drawing: Mapping[str, Any] | None) -> list[Any]:
    objects = (drawing or {}).get("objects") or []
    if not isinstance(objects, list):
        raise RoiError("The canvas drawing's 'objects' must be a list.")
    return objects


def _number(obj: Mapping[str, Any], key: str, default: float) -> float:
    value = obj.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RoiError(f"Canvas {obj.get('type')!r} object: {key!r} must be a number.")
    return float(value)


def point_clicks(
    drawing: Mapping[str, Any] | None, *, radius: float, skip: int = 0
) -> list[tuple[float, float]]:
    """Canvas (x, y) of the point tool's clicks among the objects after the first ``skip``.

    A click is an unscaled ``Circle`` with the given ``radius`` (the ``point_display_radius``
    the canvas was given) and ``originX == "left"``; other circles are drawn ROIs.
    """
    out: list[tuple[float, float]] = []
    for obj in _objects(drawing)[skip:]:
        if not isinstance(obj, Mapping) or str(obj.get("type", "")).lower() != "circle":
            continue
        if obj.get("originX") != "left" or _number(obj, "radius", -1) != radius:
            continue
        if _number(obj, "scaleX", 1) != 1 or _number(obj, "scaleY", 1) != 1:
            continue  # stretched in edit mode: an ellipse ROI, not a click
        _, centre = object_matrix(obj, 2 * radius, 2 * radius, where="point click")
        out.append((float(centre[0]), float(centre[1])))
    return out


def line_drags(drawing: Mapping[str, Any] | None, *, skip: int = 0) -> list[tuple[float, float]]:
    """(dx, dy) in canvas pixels of each line-tool drag among the objects after ``skip``."""
    out: list[tuple[float, float]] = []
    for obj in _objects(drawing)[skip:]:
        if not isinstance(obj, Mapping) or str(obj.get("type", "")).lower() != "line":
            continue
        sx, sy = _number(obj, "scaleX", 1), _number(obj, "scaleY", 1)
        dx = (_number(obj, "x2", 0) - _number(obj, "x1", 0)) * sx
        dy = (_number(obj, "y2", 0) - _number(obj, "y1", 0)) * sy
        out.append((dx, dy))
    return out
