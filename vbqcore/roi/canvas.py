"""Moving ROIs between coordinate spaces: the Fabric.js drawing canvas, the image, another grid.

The canvas is streamlit-drawable-canvas 0.13, which bundles Fabric.js 7.4.0. Everything below
follows Fabric's own transform, read in that bundle (``streamlit_drawable_canvas/frontend/build/
index-*.js``: ``_getTransformedDimensions``, ``translateToCenterPoint``, ``calcOwnMatrix``,
``Polyline._calcDimensions``, ``Path._calcBoundsFromPath``) and checked against the reference
values of fabric.js ``test/unit/object_origin.js``:

* ``left``/``top`` is the point named by ``originX``/``originY`` (Fabric 7 default: ``"center"``,
  per the "Upgrading to Fabric.js 7.0" guide) on the object's box **including its stroke**:
  ``((width + strokeWidth) * scaleX, (height + strokeWidth) * scaleY)``, or
  ``(width * scaleX + strokeWidth, ...)`` when ``strokeUniform``. The object's centre is that point
  moved by the origin offset, rotated by ``angle`` about ``(left, top)``.
* A point ``p`` of the object's own geometry (``width x height`` for ``Rect``, ``radius`` for
  ``Circle``, ``rx``/``ry`` for ``Ellipse``, ``points - pathOffset`` for ``Polygon`` and ``path -
  pathOffset`` for ``Path``, ``pathOffset`` being the centre of the points' bounding box) is drawn
  at ``centre + R(angle) @ diag(±scaleX, ±scaleY) @ skewX @ skewY @ p``.
* So ``width``/``height``/``radius`` exclude the stroke, which straddles the outline; the ROI is
  that outline (the stroke's centre line). The drawing tools put ``left``/``top`` at the outer
  stroke corner: a rectangle dragged from (100, 100) with a 2 px stroke has its outline start at
  (101, 101). A circle drawn by the tool has ``originX="left"``, ``originY="center"``, so its
  centre is ``(left, top) + (radius + strokeWidth / 2) * scaleX * (cos angle, sin angle)``.

Image pixel = (canvas coordinate - offset) / scale, with ``background_fit`` from the component
(scaled again when the background was a reduced preview of the image), or canvas / display scale.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.errors import RoiError
from vbqcore.roi.limits import check_roi_items
from vbqcore.roi.shapes import EllipseRoi, FreehandRoi, PolygonRoi, RectRoi, Roi
from vbqcore.roi.transfer import transform_roi

__all__ = [
    "object_matrix",
    "canvas_to_image",
    "rois_from_canvas",
    "rois_from_boxes",
    "rois_to_canvas",
]

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float64]
_ORIGINS = {"left": -0.5, "top": -0.5, "center": 0.0, "right": 0.5, "bottom": 0.5}
#: Fabric types that draw no area (lines, text): skipped without error.
_NOT_AREAS = frozenset({"line", "polyline", "text", "itext", "textbox", "image"})
_AREAS = frozenset({"rect", "labeledrect", "circle", "ellipse", "polygon", "path"})
_CURVE_STEP_PX = 2.0  # a Bezier segment is sampled every ~2 canvas px of its control polygon


def _rotation(degrees: float) -> Matrix:
    t = math.radians(degrees)
    return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])


def _num(obj: Mapping[str, Any], key: str, default: float, where: str) -> float:
    value = obj.get(key, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RoiError(f"{where}: {key!r} must be a number, got {value!r}.")
    if not math.isfinite(value):
        raise RoiError(f"{where}: {key!r} is {value}.")
    return float(value)


def _origin(value: Any, where: str) -> float:
    """Fabric's resolveOrigin: 'left'/'top' -0.5, 'center' 0, 'right'/'bottom' 0.5; n -> n - 0.5."""
    if isinstance(value, str) and value in _ORIGINS:
        return _ORIGINS[value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) - 0.5
    raise RoiError(f"{where}: unknown origin {value!r}.")


def object_matrix(
    obj: Mapping[str, Any], width: float, height: float, *, where: str = "canvas object"
) -> tuple[Matrix, Matrix]:
    """Fabric 7.4's map from an object's own plane to canvas pixels, as ``(A, t)``.

    ``width``/``height`` are the object's unscaled size without stroke. ``t`` is the object's
    centre (Fabric's ``getCenterPoint``) and ``A = R(angle) @ S(scale, flip) @ skewX @ skewY``
    (``calcOwnMatrix``); ``left``/``top`` locate the origin on the stroke-inclusive box.
    """
    sw = _num(obj, "strokeWidth", 1.0, where)  # counted even when stroke is null, as Fabric does
    uniform = bool(obj.get("strokeUniform", False))
    sx, sy = _num(obj, "scaleX", 1.0, where), _num(obj, "scaleY", 1.0, where)
    kx = math.tan(math.radians(_num(obj, "skewX", 0.0, where)))
    ky = math.tan(math.radians(_num(obj, "skewY", 0.0, where)))
    flips = np.diag([-1.0 if obj.get("flipX") else 1.0, -1.0 if obj.get("flipY") else 1.0])
    scale_skew = np.diag([sx, sy]) @ np.array([[1.0, kx], [0.0, 1.0]]) @ [[1.0, 0.0], [ky, 1.0]]
    pre = 0.0 if uniform else sw  # stroke scaled with the object unless strokeUniform
    if kx == 0 and ky == 0:
        dims = np.array([(width + pre) * sx, (height + pre) * sy])
    else:  # bounding box of the skewed box, as Fabric's sizeAfterTransform
        half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]]) * [
            (width + pre) / 2,
            (height + pre) / 2,
        ]
        box = half @ scale_skew.T
        dims = box.max(axis=0) - box.min(axis=0)
    dims = dims + (sw if uniform else 0.0)
    ox = _origin(obj.get("originX", "center"), where)
    oy = _origin(obj.get("originY", "center"), where)
    rot = _rotation(_num(obj, "angle", 0.0, where))
    anchor = np.array([_num(obj, "left", 0.0, where), _num(obj, "top", 0.0, where)])
    center = anchor + rot @ (np.array([-ox, -oy]) * dims)
    return rot @ flips @ scale_skew, center


def canvas_to_image(
    *,
    background_fit: Mapping[str, Any] | None = None,
    display_scale: float | tuple[float, float] | None = None,
    image_shape: tuple[int, int] | None = None,
) -> tuple[Matrix, Matrix]:
    """``(C, c)`` with image pixel = ``C @ canvas pixel + c``.

    ``background_fit`` (snake_case from ``CanvasResult.background_fit`` or the component's
    camelCase) wins over ``display_scale`` (canvas px per image px; a pair for x, y). When the
    background's natural size differs from ``image_shape`` (rows, cols) -- a reduced preview --
    coordinates are scaled up by the ratio. With neither, canvas pixels are image pixels.
    """
    if background_fit is not None:
        fit = {k.replace("_", "").lower(): v for k, v in background_fit.items()}
        where = "background_fit"
        try:
            vals = [float(fit[k]) for k in ("scalex", "scaley", "offsetx", "offsety")]
            natural = (float(fit["naturalwidth"]), float(fit["naturalheight"]))
        except (KeyError, TypeError, ValueError) as err:
            raise RoiError(f"{where} lacks {err}; pass CanvasResult.background_fit.") from err
        sx, sy, ox, oy = vals
        if not all(math.isfinite(v) for v in vals) or sx <= 0 or sy <= 0 or min(natural) <= 0:
            raise RoiError(f"{where} has a non-positive scale or size: {dict(background_fit)}.")
        kx = ky = 1.0
        if image_shape is not None:
            kx, ky = image_shape[1] / natural[0], image_shape[0] / natural[1]
            if abs(kx / ky - 1) > 0.02:
                raise RoiError(
                    f"The canvas background is {natural[0]:g} x {natural[1]:g} px but the image "
                    f"is {image_shape[1]} x {image_shape[0]} px (other proportions): the ROIs "
                    "were drawn on another image."
                )
        return np.diag([kx / sx, ky / sy]), np.array([-ox * kx / sx, -oy * ky / sy])
    if display_scale is not None:
        sx, sy = (
            (display_scale, display_scale)
            if isinstance(display_scale, int | float)
            else display_scale
        )
        if not (sx > 0 and sy > 0 and math.isfinite(sx) and math.isfinite(sy)):
            raise RoiError(f"display_scale must be positive, got {display_scale!r}.")
        return np.diag([1 / sx, 1 / sy]), np.zeros(2)
    return np.eye(2), np.zeros(2)


def _cubic_extrema(p0: float, p1: float, p2: float, p3: float) -> list[float]:
    """Values of a cubic Bezier coordinate at its end points and interior extrema."""
    a, b, c = 3 * (-p0 + 3 * p1 - 3 * p2 + p3), 6 * (p0 - 2 * p1 + p2), 3 * (p1 - p0)
    if abs(a) < 1e-12:
        roots = [] if abs(b) < 1e-12 else [-c / b]
    else:
        disc = b * b - 4 * a * c
        roots = [] if disc < 0 else [(-b + s * math.sqrt(disc)) / (2 * a) for s in (1, -1)]
    out = [p0, p3]
    for t in roots:
        if 0 < t < 1:
            u = 1 - t
            out.append(u**3 * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t**3 * p3)
    return out


def _path_points(path: Any, where: str) -> tuple[Matrix, Matrix]:
    """Sampled outline of a Fabric ``path`` and Fabric's bounds of it ((xmin, ymin), (xmax, ymax)).

    Fabric bounds a quadratic segment as the cubic with both control points at its control point
    (``_calcBoundsFromPath``); that fixes ``pathOffset``, so it is copied here.
    """
    if not isinstance(path, list) or not path:
        raise RoiError(f"{where}: 'path' must be a non-empty list of commands.")
    out: list[tuple[float, float]] = []
    lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
    cur = start = (0.0, 0.0)
    for cmd in path:
        op = str(cmd[0]) if isinstance(cmd, list | tuple) and cmd else ""
        n = {"M": 2, "L": 2, "Q": 4, "C": 6, "Z": 0, "z": 0}.get(op, -1)
        try:
            args = [float(v) for v in cmd[1:]]
        except (TypeError, ValueError):
            n = -1
        if n < 0 or len(args) != n or not all(map(math.isfinite, args)):
            raise RoiError(f"{where}: unsupported path command {cmd!r} (expected M, L, Q, C, Z).")
        if op == "M":
            cur = start = (args[0], args[1])
            out.append(cur)
            continue
        if op in ("Z", "z"):
            cur = start
            continue
        ctrl = np.array([cur] + [(args[i], args[i + 1]) for i in range(0, n, 2)])
        hull = float(np.linalg.norm(np.diff(ctrl, axis=0), axis=1).sum())
        count = 1 if len(ctrl) == 2 else min(256, max(4, math.ceil(hull / _CURVE_STEP_PX)))
        t = np.linspace(0, 1, count + 1)[1:, None]
        deg = len(ctrl) - 1  # Bernstein form of the segment as drawn (line, quadratic, cubic)
        weights = [math.comb(deg, k) * (1 - t) ** (deg - k) * t**k for k in range(deg + 1)]
        out.extend(map(tuple, sum(w * p for w, p in zip(weights, ctrl, strict=True))))
        # Fabric bounds a segment as the cubic (start, c1, c2, end), a quadratic as (s, c, c, e)
        cubic = ctrl[[0, 0, 1, 1]] if deg == 1 else ctrl[[0, 1, 1, 2]] if deg == 2 else ctrl
        for axis in (0, 1):
            values = _cubic_extrema(*cubic[:, axis])
            lo[axis], hi[axis] = min(lo[axis], *values), max(hi[axis], *values)
        cur = (float(ctrl[-1, 0]), float(ctrl[-1, 1]))
    if not np.isfinite(lo).all():
        raise RoiError(f"{where}: the path has no segment.")
    return np.array(out), np.array([lo, hi])


def _object_roi(
    obj: Mapping[str, Any], kind: str, label: str | None, where: str
) -> tuple[Roi, float, float]:
    """The object's outline in its own plane (centred as Fabric draws it), and its width, height."""
    if kind in ("rect", "labeledrect"):
        w, h = _num(obj, "width", 0.0, where), _num(obj, "height", 0.0, where)
        return RectRoi(-w / 2, -h / 2, w, h, label=label), w, h
    if kind in ("circle", "ellipse"):
        if kind == "circle":
            rx = ry = _num(obj, "radius", 0.0, where)
        else:
            rx, ry = _num(obj, "rx", 0.0, where), _num(obj, "ry", 0.0, where)
        return EllipseRoi(-rx, -ry, 2 * rx, 2 * ry, label=label), 2 * rx, 2 * ry
    if kind == "polygon":
        raw = obj.get("points")
        try:
            pts = np.array([[p["x"], p["y"]] if isinstance(p, Mapping) else p for p in raw or []])
            pts = pts.astype(float).reshape(-1, 2)
        except (TypeError, ValueError, KeyError) as err:
            raise RoiError(f"{where}: 'points' must be a list of {{x, y}}.") from err
        if len(pts) == 0:
            raise RoiError(f"{where}: the polygon has no points.")
        bounds = np.array([pts.min(axis=0), pts.max(axis=0)])
        roi: Roi = PolygonRoi(tuple(map(tuple, pts - bounds.mean(axis=0))), label=label)
    else:  # path
        pts, bounds = _path_points(obj.get("path"), where)
        roi = FreehandRoi(tuple(map(tuple, pts - bounds.mean(axis=0))), label=label)
    w, h = bounds[1] - bounds[0]
    return roi, float(w), float(h)


def rois_from_canvas(
    json_data: Mapping[str, Any] | None,
    *,
    background_fit: Mapping[str, Any] | None = None,
    display_scale: float | tuple[float, float] | None = None,
    image_shape: tuple[int, int],
) -> list[Roi]:
    """ROIs in image pixels from the canvas's Fabric JSON (``CanvasResult.json_data``).

    Handles ``Rect``, ``LabeledRect``, ``Circle`` (an ellipse once scaleX != scaleY),
    ``Ellipse``, ``Polygon`` and freedraw ``Path`` (closed, its Bezier segments sampled), moved,
    scaled, flipped, skewed or rotated; lines and text are skipped. ``label`` is read where the
    object carries one (``LabeledRect`` does). ``image_shape`` is (rows, cols). A map that does not
    keep right angles (a rotated shape under a ``stretch`` fit with unequal scales) turns a
    rectangle into a polygon. Errors name the object's index and type.
    """
    c_mat, c_off = canvas_to_image(
        background_fit=background_fit, display_scale=display_scale, image_shape=image_shape
    )
    if json_data is not None and not isinstance(json_data, Mapping):
        raise RoiError("The canvas JSON must be an object with 'objects' (CanvasResult.json_data).")
    objects = (json_data or {}).get("objects") or []
    check_roi_items(objects, "The canvas")
    rois: list[Roi] = []
    for i, obj in enumerate(objects):
        name = obj.get("type") if isinstance(obj, Mapping) else type(obj).__name__
        where = f"canvas object #{i} ({name})"
        kind = str(name).replace("-", "").lower()
        if kind in _NOT_AREAS:
            logger.debug("%s draws no area: skipped", where)
            continue
        if not isinstance(obj, Mapping) or kind not in _AREAS:
            raise RoiError(f"{where}: not an ROI shape; draw a rectangle, circle, polygon or path.")
        label = str(obj.get("label") or "") or None
        try:
            own, w, h = _object_roi(obj, kind, label, where)
            a, t = object_matrix(obj, w, h, where=where)
            rois.append(transform_roi(own, c_mat @ a, c_mat @ t + c_off))
        except RoiError as err:  # shape errors name the ROI; name the canvas object instead
            message = str(err)
            for prefix in (where, "unlabelled ROI", f"ROI {label!r}"):
                message = message.removeprefix(prefix + ": ")
            raise RoiError(f"{where}: {message}") from err
    return rois


def rois_from_boxes(boxes: Sequence[Mapping[str, Any]]) -> list[RectRoi]:
    """Rectangles from ``CanvasResult.boxes_in_image_space`` (dicts of label, left, top, width,
    height in image pixels).

    The component computes these boxes without the stroke, so they sit up to half a stroke width
    (in canvas px) up and left of the drawn outline; ``rois_from_canvas`` on ``json_data`` is exact.
    """
    rois = []
    for i, b in enumerate(boxes):
        try:
            x, y, w, h = (b[k] for k in ("left", "top", "width", "height"))
        except KeyError as err:
            raise RoiError(f"Box #{i} lacks key {err}; pass boxes_in_image_space.") from err
        rois.append(RectRoi(x, y, w, h, label=str(b.get("label") or "") or None))
    return rois


def rois_to_canvas(
    rois: Sequence[Roi],
    *,
    background_fit: Mapping[str, Any] | None = None,
    display_scale: float | tuple[float, float] | None = None,
    image_shape: tuple[int, int] | None = None,
    stroke_width: float = 2.0,
    stroke: str = "#ff4b4b",
    fill: str = "rgba(255, 75, 75, 0.15)",
    label_chips: bool = True,
) -> dict[str, Any]:
    """Fabric 7 JSON (``{"version", "objects"}``) drawing ``rois`` on the canvas: the inverse of
    ``rois_from_canvas``, for ``st_canvas(initial_drawing=...)``.

    Labelled rectangles become ``LabeledRect`` (the component keeps and shows their label) unless
    ``label_chips`` is false (the case viewer draws the labels on the image itself, so its
    rectangles are plain ``Rect`` and read back as ``RectRoi`` all the same);
    other shapes carry ``label`` too, but Fabric drops it from what the canvas sends back, so keep
    the order. Every object is centred (``originX = originY = "center"``), so the stroke does not
    move it; freehand ROIs become closed ``Path`` objects (which the component turns into
    ``Polygon`` on load).
    """
    c_mat, c_off = canvas_to_image(
        background_fit=background_fit, display_scale=display_scale, image_shape=image_shape
    )
    inv = np.linalg.inv(c_mat)
    objects: list[dict[str, Any]] = []
    for roi in rois:
        r = transform_roi(roi, inv, -inv @ c_off)
        base: dict[str, Any] = {
            "originX": "center",
            "originY": "center",
            "scaleX": 1,
            "scaleY": 1,
            "angle": 0.0,
            "stroke": stroke,
            "strokeWidth": stroke_width,
            "strokeUniform": True,
            "fill": fill,
            "label": r.label or "",
        }
        if isinstance(r, RectRoi | EllipseRoi):
            cx, cy = r.center
            base.update(left=cx, top=cy, angle=r.angle, width=r.width, height=r.height)
            if isinstance(r, EllipseRoi):
                base.update(type="Ellipse", rx=r.width / 2, ry=r.height / 2)
            else:
                base.update(type="LabeledRect" if r.label and label_chips else "Rect")
        else:
            pts = np.asarray(r.points)
            (cx, cy), (w, h) = (pts.min(0) + pts.max(0)) / 2, pts.max(0) - pts.min(0)
            base.update(left=float(cx), top=float(cy), width=float(w), height=float(h))
            if isinstance(r, PolygonRoi):
                base.update(type="Polygon", points=[{"x": x, "y": y} for x, y in r.points])
            else:
                path = [["M", *r.points[0]]] + [["L", x, y] for x, y in r.points[1:]] + [["Z"]]
                base.update(type="Path", path=path, fill=fill)
        objects.append(base)
    return {"version": "7.4.0", "objects": objects}
