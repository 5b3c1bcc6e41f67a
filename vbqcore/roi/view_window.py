"""Zoom and pan: the part of the image a canvas shows, and the exact map between the two.

A :class:`ViewWindow` is a whole-pixel crop of the image (``left``, ``top``, ``width``,
``height`` in image pixels) shown stretched onto a canvas of ``canvas`` = (width, height) screen
pixels, at most ``box``. Zoom 1 shows the whole image with its longer side ``min(box)`` pixels
(as ``vbqcore.roi.annotate.display_size``); zoom z shows z times larger and the window grows to
fill the box, so a tall sagittal slice uses the column's whole width once zoomed. The map is
affine and exact:

    canvas x = (image x - left) * canvas_width / width, and likewise for y,

so an ROI read off the canvas at any zoom or pan lands on the same image pixels (the drawing
stays in image pixels in the case; only the canvas sees the window). Pixel coordinates follow
the rest of ``vbqcore.roi``: pixel (row r, col c) covers ``[c, c + 1) x [r, r + 1)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.errors import RoiError
from vbqcore.roi.geometry import roi_bounds
from vbqcore.roi.shapes import FreehandRoi, PolygonRoi, Roi
from vbqcore.roi.transfer import transform_roi

__all__ = [
    "ZOOM_STEPS",
    "ViewWindow",
    "full_view",
    "zoomed_view",
    "panned_view",
    "view_around",
    "rois_to_view",
    "rois_from_view",
]

#: Zoom factors offered by the zoom buttons (1 = the whole image on the canvas).
ZOOM_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
#: The smallest window side, in image pixels (zooming further shows nothing more).
_MIN_SIDE = 8
_DIGITS = 9  # decimals of a pixel kept when reading ROIs back from the canvas


@dataclass(frozen=True)
class ViewWindow:
    """The image crop ``[left, left + width) x [top, top + height)`` (image pixels) shown on a
    canvas of ``canvas`` = (width, height) screen pixels, for an image of ``shape`` (rows, cols).
    """

    left: int
    top: int
    width: int
    height: int
    canvas: tuple[int, int]
    shape: tuple[int, int]
    zoom: float = 1.0
    box: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        rows, cols = self.shape
        if min(rows, cols, self.width, self.height, *self.canvas) <= 0:
            raise RoiError(f"A view window needs positive sizes, got {self}.")
        if self.left < 0 or self.top < 0:
            raise RoiError(f"A view window starts inside the image, got {self}.")
        if self.left + self.width > cols or self.top + self.height > rows:
            raise RoiError(f"A view window ends inside the {cols} x {rows} image, got {self}.")

    @property
    def scale(self) -> tuple[float, float]:
        """Canvas pixels per image pixel along x and y."""
        return self.canvas[0] / self.width, self.canvas[1] / self.height

    @property
    def limits(self) -> tuple[int, int]:
        """The largest canvas (width, height) this view may use."""
        return self.box if self.box is not None else self.canvas

    def to_canvas(self, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Canvas (x, y) of image (x, y) points, shape (n, 2) or (2,)."""
        p = np.asarray(points, dtype=float)
        return (p - (self.left, self.top)) * self.scale

    def to_image(self, points: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Image (x, y) of canvas (x, y) points: the inverse of :meth:`to_canvas`."""
        p = np.asarray(points, dtype=float)
        return p / self.scale + (self.left, self.top)

    def crop(self, pixels: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The window's part of an image array of ``shape``."""
        if tuple(pixels.shape[:2]) != self.shape:
            raise RoiError(f"The image is {pixels.shape[:2]}, the view was made for {self.shape}.")
        return pixels[self.top : self.top + self.height, self.left : self.left + self.width]

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "top": self.top,
            "width": self.width,
            "height": self.height,
            "canvas": list(self.canvas),
            "shape": list(self.shape),
            "zoom": round(self.zoom, 4),
        }


def _fit_scale(shape: tuple[int, int], box: tuple[int, int]) -> float:
    """Screen px per image px at zoom 1: the longer image side on ``min(box)`` pixels."""
    return min(box) / max(shape)


def full_view(shape: tuple[int, int], box: tuple[int, int]) -> ViewWindow:
    """The whole image of ``shape`` (rows, cols) at zoom 1 within a canvas of at most ``box``
    (width, height): the canvas is ``display_size(shape, longest=min(box))``."""
    return _placed(shape, box, 1.0, shape[1] / 2, shape[0] / 2)


def _placed(
    shape: tuple[int, int], box: tuple[int, int], zoom: float, cx: float, cy: float
) -> ViewWindow:
    """The window of zoom ``zoom`` centred as near (cx, cy) as the image edges allow."""
    rows, cols = (int(v) for v in shape)
    if not (math.isfinite(zoom) and zoom >= 1):
        raise RoiError(f"Zoom must be a number >= 1, got {zoom!r}.")
    if min(rows, cols, *box) <= 0:
        raise RoiError(f"Image {shape} and canvas box {box} must have positive sizes.")
    scale = zoom * _fit_scale((rows, cols), box)
    width = min(cols, max(min(_MIN_SIDE, cols), round(box[0] / scale)))
    height = min(rows, max(min(_MIN_SIDE, rows), round(box[1] / scale)))
    canvas = (
        max(1, min(box[0], round(width * scale))),
        max(1, min(box[1], round(height * scale))),
    )
    left = int(np.clip(round(cx - width / 2), 0, cols - width))
    top = int(np.clip(round(cy - height / 2), 0, rows - height))
    return ViewWindow(left, top, width, height, canvas, (rows, cols), zoom, tuple(box))  # type: ignore[arg-type]


def _centre(view: ViewWindow) -> tuple[float, float]:
    return view.left + view.width / 2, view.top + view.height / 2


def zoomed_view(
    view: ViewWindow, zoom: float, *, centre: tuple[float, float] | None = None
) -> ViewWindow:
    """``view`` at zoom ``zoom`` (>= 1), about ``centre`` (image x, y; default the view's own
    centre), kept inside the image."""
    cx, cy = centre if centre is not None else _centre(view)
    return _placed(view.shape, view.limits, zoom, cx, cy)


def panned_view(view: ViewWindow, dx: float, dy: float) -> ViewWindow:
    """``view`` moved by (dx, dy) window sizes (e.g. 0.25 = a quarter of its width to the
    right), stopping at the image edges."""
    rows, cols = view.shape
    left = int(np.clip(view.left + round(dx * view.width), 0, cols - view.width))
    top = int(np.clip(view.top + round(dy * view.height), 0, rows - view.height))
    return replace(view, left=left, top=top)


def view_around(
    rois: Sequence[Roi],
    view: ViewWindow,
    *,
    margin: float = 0.35,
    max_zoom: float = ZOOM_STEPS[-1],
) -> ViewWindow | None:
    """The largest zoom (at most ``max_zoom``) whose window holds the ROIs' bounding box
    widened by ``margin`` of its size on each side (at least 12 px), centred on it; ``None``
    without ROIs."""
    if not rois:
        return None
    boxes = np.array([roi_bounds(r) for r in rois], dtype=float)  # x0, y0, x1, y1
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    pad_x = max(12.0, margin * (x1 - x0))
    pad_y = max(12.0, margin * (y1 - y0))
    rows, cols = view.shape
    box = view.limits
    need_w = min(float(cols), x1 - x0 + 2 * pad_x)
    need_h = min(float(rows), y1 - y0 + 2 * pad_y)
    fit = _fit_scale(view.shape, box)
    zoom = max(1.0, min(max_zoom, box[0] / (fit * need_w), box[1] / (fit * need_h)))
    centre = (x0 + x1) / 2, (y0 + y1) / 2
    placed = _placed(view.shape, box, zoom, *centre)
    while zoom > 1.0 and (placed.width < need_w or placed.height < need_h):
        zoom = max(1.0, zoom / 1.01)  # rounding made the window a pixel too small
        placed = _placed(view.shape, box, zoom, *centre)
    return placed


def rois_to_view(rois: Sequence[Roi], view: ViewWindow) -> list[Roi]:
    """ROIs in image pixels -> the same ROIs in canvas pixels of ``view``."""
    sx, sy = view.scale
    offset = (-view.left * sx, -view.top * sy)
    return [transform_roi(r, np.diag([sx, sy]), offset) for r in rois]


def _tidy(roi: Roi) -> Roi:
    """``roi`` with its coordinates rounded to ``_DIGITS`` decimals of a pixel."""
    if isinstance(roi, PolygonRoi | FreehandRoi):
        points = tuple((round(x, _DIGITS), round(y, _DIGITS)) for x, y in roi.points)
        return replace(roi, points=points)
    return replace(
        roi,
        x=round(roi.x, _DIGITS),
        y=round(roi.y, _DIGITS),
        width=round(roi.width, _DIGITS),
        height=round(roi.height, _DIGITS),
        angle=round(roi.angle, _DIGITS),
    )


def rois_from_view(rois: Sequence[Roi], view: ViewWindow) -> list[Roi]:
    """ROIs in canvas pixels of ``view`` -> image pixels (the inverse of :func:`rois_to_view`).

    Coordinates are rounded to 1e-9 px: far below anything measurable, and it removes the
    floating-point noise (~1e-14 px) of the round trip through the canvas, which could
    otherwise move an outline running exactly through pixel centres off them."""
    sx, sy = view.scale
    return [_tidy(transform_roi(r, np.diag([1 / sx, 1 / sy]), (view.left, view.top))) for r in rois]
