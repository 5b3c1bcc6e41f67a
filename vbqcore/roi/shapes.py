"""Regions of interest in image pixel coordinates, their masks, and the signal intensity inside.

Coordinates
-----------
``x`` is the column axis and ``y`` the row axis, in pixels, with the origin at the top-left
corner of the top-left pixel (so pixel ``(row r, column c)`` covers ``[c, c+1) x [r, r+1)``).
A pixel belongs to an ROI when its **centre** ``(c + 0.5, r + 0.5)`` lies inside the shape; a
centre exactly on the outline counts as inside for rectangles, polygons and freehand paths
(scikit-image's ``draw.polygon`` rule; vertices are first rounded to 1e-9 px, so an outline
drawn through a centre keeps it whatever floating-point noise a display round trip added) and
as outside for ellipses (``draw.ellipse`` tests
``distance < 1``). Angles are in degrees, positive clockwise on screen (the y axis points down),
as in Fabric.js and most viewers. For ``RectRoi`` and ``EllipseRoi``, ``x``/``y`` is the top-left
corner of the *unrotated* bounding box and the rotation is about its centre: this is the
``measure`` command's public ROI format.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt
from skimage import draw

from vbqcore.errors import RoiError

__all__ = [
    "ROI_SHAPES",
    "RectRoi",
    "EllipseRoi",
    "PolygonRoi",
    "FreehandRoi",
    "Roi",
    "roi_from_dict",
    "rois_from_json",
    "roi_mask",
    "roi_name",
    "rasterise",
]

logger = logging.getLogger(__name__)

#: The ``shape`` values of the ROI JSON format.
ROI_SHAPES: tuple[str, ...] = ("rect", "ellipse", "polygon", "freehand")

#: Refuse to rasterise an ROI whose bounding box exceeds this many pixels (typo'd coordinates).
_MAX_BBOX_PIXELS = 50_000_000


def roi_name(label: str | None, index: int | None = None) -> str:
    """How messages name an ROI: by label and/or position in the user's list."""
    if index is not None and label:
        return f"ROI at index {index} (label {label!r})"
    if index is not None:
        return f"ROI at index {index}"
    return f"ROI {label!r}" if label else "unlabelled ROI"


def _finite(value: Any, key: str, label: str | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise RoiError(f"{roi_name(label)}: key {key!r} must be a number, got {value!r}.")
    number = float(value)
    if not math.isfinite(number):
        raise RoiError(f"{roi_name(label)}: key {key!r} is {number}; give a finite number.")
    return number


@dataclass(frozen=True)
class _BoxRoi:
    """A rectangle or ellipse: its unrotated bounding box and a rotation about its centre."""

    x: float
    y: float
    width: float
    height: float
    angle: float = 0.0
    label: str | None = None
    shape: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for key in ("x", "y", "width", "height", "angle"):
            object.__setattr__(self, key, _finite(getattr(self, key), key, self.label))
        if self.width <= 0 or self.height <= 0:
            raise RoiError(
                f"{roi_name(self.label)}: {self.shape} of {self.width:g} x {self.height:g} px has "
                "zero area; width and height must be positive."
            )

    @property
    def center(self) -> tuple[float, float]:
        """Centre ``(x, y)`` in image pixels: the rotation centre."""
        return self.x + self.width / 2, self.y + self.height / 2

    def axes(self) -> npt.NDArray[np.float64]:
        """2x2 array whose columns are the rotated half-width and half-height vectors (px)."""
        t = math.radians(self.angle)
        rot = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
        return rot @ np.diag([self.width / 2, self.height / 2])

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, index: int | None = None) -> Self:
        """Read ``{"label", "shape", "x", "y", "width", "height", "angle"}`` (angle optional)."""
        label = _label_from(data, index)
        where = roi_name(label, index)
        for key in ("x", "y", "width", "height"):
            if key not in data:
                raise RoiError(
                    f"{where}: missing key {key!r}; a {cls.shape} needs x, y, width, height "
                    "(angle optional), in image pixels."
                )
        try:
            x, y, w, h = (data[k] for k in ("x", "y", "width", "height"))
            return cls(x, y, w, h, angle=data.get("angle", 0.0), label=label)
        except RoiError as err:
            raise _renamed(err, label, where) from err

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "shape": self.shape,
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
            "angle": self.angle,
        }


@dataclass(frozen=True)
class RectRoi(_BoxRoi):
    """A rectangle, optionally rotated about its centre; rasterised as its corner polygon."""

    shape: ClassVar[str] = "rect"

    def corners(self) -> npt.NDArray[np.float64]:
        """The 4 corners ``(x, y)``, clockwise on screen from the unrotated top-left."""
        unit = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
        return np.asarray(self.center) + unit @ self.axes().T


@dataclass(frozen=True)
class EllipseRoi(_BoxRoi):
    """An ellipse inscribed in the (rotated) box: semi-axes ``width/2`` and ``height/2``."""

    shape: ClassVar[str] = "ellipse"


@dataclass(frozen=True)
class _VertexRoi:
    """A closed outline through ``points`` ``((x, y), ...)``; the last point joins the first."""

    points: tuple[tuple[float, float], ...]
    label: str | None = None
    shape: ClassVar[str] = ""

    def __post_init__(self) -> None:
        try:
            array = np.asarray(self.points, dtype=float)
        except (TypeError, ValueError) as err:
            raise RoiError(f"{roi_name(self.label)}: points must be [x, y] pairs.") from err
        if array.ndim != 2 or array.shape[1] != 2:
            raise RoiError(f"{roi_name(self.label)}: points must be [x, y] pairs.")
        if len(array) < 3:
            raise RoiError(
                f"{roi_name(self.label)}: a {self.shape} needs at least 3 points, got {len(array)}."
            )
        if not np.all(np.isfinite(array)):
            raise RoiError(f"{roi_name(self.label)}: points contain NaN or infinite coordinates.")
        object.__setattr__(self, "points", tuple((float(x), float(y)) for x, y in array))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, index: int | None = None) -> Self:
        """Read ``{"label", "shape", "points": [[x, y], ...]}``."""
        label = _label_from(data, index)
        where = roi_name(label, index)
        try:
            return cls(_points_from(data, where), label=label)
        except RoiError as err:
            raise _renamed(err, label, where) from err

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "shape": self.shape, "points": [list(p) for p in self.points]}


@dataclass(frozen=True)
class PolygonRoi(_VertexRoi):
    """A polygon (at least 3 vertices), filled with the even-odd rule of ``skimage.draw``."""

    shape: ClassVar[str] = "polygon"


@dataclass(frozen=True)
class FreehandRoi(_VertexRoi):
    """A freehand path, closed by joining its last point to its first (filled like a polygon)."""

    shape: ClassVar[str] = "freehand"


Roi = RectRoi | EllipseRoi | PolygonRoi | FreehandRoi

_CLASSES: dict[str, type[RectRoi] | type[EllipseRoi] | type[PolygonRoi] | type[FreehandRoi]] = {
    "rect": RectRoi,
    "ellipse": EllipseRoi,
    "polygon": PolygonRoi,
    "freehand": FreehandRoi,
}


def _label_from(data: Mapping[str, Any], index: int | None) -> str | None:
    label = data.get("label")
    if label is None or label == "":
        return None
    if not isinstance(label, str):
        raise RoiError(f"{roi_name(None, index)}: label must be text, got {label!r}.")
    return label


def _renamed(err: RoiError, label: str | None, where: str) -> RoiError:
    """The same message, naming the ROI by its index in the user's list."""
    return RoiError(str(err).replace(roi_name(label), where, 1))


def _points_from(data: Mapping[str, Any], where: str) -> tuple[tuple[float, float], ...]:
    if "points" not in data:
        raise RoiError(f"{where}: missing key 'points'; give [[x, y], ...] in image pixels.")
    raw = data["points"]
    if not isinstance(raw, list | tuple):
        raise RoiError(f"{where}: key 'points' must be a list of [x, y] pairs.")
    points: list[tuple[float, float]] = []
    for i, item in enumerate(raw):
        pair: Any = (item.get("x"), item.get("y")) if isinstance(item, Mapping) else item
        ok = isinstance(pair, list | tuple) and len(pair) == 2
        if not ok or any(isinstance(v, bool) or not isinstance(v, int | float) for v in pair):
            raise RoiError(f"{where}: key 'points' item {i} must be [x, y] numbers, got {item!r}.")
        points.append((float(pair[0]), float(pair[1])))
    return tuple(points)


def roi_from_dict(data: Mapping[str, Any], *, index: int | None = None) -> Roi:
    """Read one ROI of the ``measure`` JSON format (see the module docstring for coordinates).

    ``{"label", "shape": "rect"|"ellipse", "x", "y", "width", "height", "angle"}`` or
    ``{"label", "shape": "polygon"|"freehand", "points": [[x, y], ...]}``. ``label`` and
    ``angle`` are optional. ``index`` (the position in the user's list) goes into messages.
    """
    if not isinstance(data, Mapping):
        raise RoiError(
            f"{roi_name(None, index)}: expected a JSON object, got {type(data).__name__}."
        )
    if "shape" not in data:
        raise RoiError(f"{roi_name(_label_from(data, index), index)}: missing key 'shape'.")
    shape = str(data["shape"]).strip().lower()
    if shape not in _CLASSES:
        raise RoiError(
            f"{roi_name(_label_from(data, index), index)}: key 'shape' is {data['shape']!r}; "
            f"expected one of {', '.join(ROI_SHAPES)}."
        )
    return _CLASSES[shape].from_dict(data, index=index)


def rois_from_json(data: Any) -> list[Roi]:
    """Read a list of ROI objects (or ``{"rois": [...]}``), naming the index of any bad one."""
    if isinstance(data, Mapping) and "rois" in data:
        data = data["rois"]
    if not isinstance(data, list):
        raise RoiError(f"Expected a JSON list of ROI objects, got {type(data).__name__}.")
    return [roi_from_dict(item, index=i) for i, item in enumerate(data)]


def _bbox(roi: Roi) -> tuple[float, float, float, float]:
    """Axis-aligned bounds ``(xmin, ymin, xmax, ymax)`` of the shape."""
    if isinstance(roi, PolygonRoi | FreehandRoi):
        pts = np.asarray(roi.points)
    elif isinstance(roi, RectRoi):
        pts = roi.corners()
    else:
        half = np.sqrt((roi.axes() ** 2).sum(axis=1))  # extent of a rotated ellipse per axis
        cx, cy = roi.center
        return cx - half[0], cy - half[1], cx + half[0], cy + half[1]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


#: Vertices are rounded to this many decimals (1e-9 px) before the pixel-centre test.
_SNAP_DECIMALS = 9


def rasterise(
    roi: Roi, image_shape: tuple[int, int], *, index: int | None = None
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], int]:
    """Rows and columns of the ROI's pixels inside the image, and its pixel count unclipped."""
    rows, cols = image_shape
    x0, y0, x1, y1 = _bbox(roi)
    where = roi_name(roi.label, index)
    if x1 <= 0 or y1 <= 0 or x0 >= cols or y0 >= rows:
        raise RoiError(
            f"{where} lies wholly outside the {cols} x {rows} px image "
            f"(it spans x {x0:.1f}..{x1:.1f}, y {y0:.1f}..{y1:.1f}); redraw it on the image."
        )
    if (x1 - x0 + 2) * (y1 - y0 + 2) > max(_MAX_BBOX_PIXELS, 16 * rows * cols):
        raise RoiError(f"{where} is far larger than the {cols} x {rows} px image: check it.")
    # skimage.draw puts pixel centres at integer coordinates (hence -0.5) and drops negative
    # rows/columns, so shift by whole pixels to keep every coordinate >= 0 and shift back.
    ox, oy = math.floor(x0) - 1, math.floor(y0) - 1
    if isinstance(roi, EllipseRoi):
        cx, cy = roi.center
        rr, cc = draw.ellipse(
            cy - 0.5 - oy,
            cx - 0.5 - ox,
            roi.height / 2,
            roi.width / 2,
            rotation=-math.radians(roi.angle),  # skimage's (row, col) frame turns the other way
        )
    else:
        pts = roi.corners() if isinstance(roi, RectRoi) else np.asarray(roi.points)
        # Snap to a 1e-9 px grid first: an edge drawn through a row of pixel centres must not
        # lose the row to floating-point noise (a canvas round trip gives 1.5000000000000004
        # for 1.5, and the corners of a rectangle come from its centre and half-axes).
        pts = np.round(np.asarray(pts, dtype=float), _SNAP_DECIMALS)
        rr, cc = draw.polygon(pts[:, 1] - 0.5 - oy, pts[:, 0] - 0.5 - ox)
    rr, cc = rr + oy, cc + ox
    total = int(rr.size)
    keep = (rr >= 0) & (rr < rows) & (cc >= 0) & (cc < cols)
    return rr[keep], cc[keep], total


def roi_mask(roi: Roi, image_shape: tuple[int, int]) -> npt.NDArray[np.bool_]:
    """Boolean mask (rows, cols) of the ROI's pixels, clipped to the image (pixel-centre rule).

    Raises ``RoiError`` when the ROI lies wholly outside the image; may be all False when no pixel
    centre lies inside it.
    """
    rr, cc, _ = rasterise(roi, (int(image_shape[0]), int(image_shape[1])))
    mask = np.zeros(image_shape, dtype=bool)
    mask[rr, cc] = True
    return mask
