"""Outlines, bounds and sameness of ROIs in image pixels (for labelling, syncing and drawing)."""

from __future__ import annotations

import logging
import math

import numpy as np
import numpy.typing as npt

from vbqcore.roi.shapes import EllipseRoi, FreehandRoi, PolygonRoi, RectRoi, Roi

__all__ = ["roi_outline", "roi_bounds", "roi_center", "same_geometry"]

logger = logging.getLogger(__name__)

#: Points sampled on an ellipse's outline: a 1-degree-ish polygon is closer than half a pixel to
#: the true ellipse for semi-axes up to ~150 px, ample for drawing an outline.
_ELLIPSE_SAMPLES = 120


def roi_outline(roi: Roi, *, samples: int = _ELLIPSE_SAMPLES) -> npt.NDArray[np.float64]:
    """The closed outline ``(n, 2)`` of ``(x, y)`` image pixels (last point not repeated).

    Rectangles give their 4 corners, ellipses ``samples`` points, polygons and freehand paths
    their vertices.
    """
    if isinstance(roi, PolygonRoi | FreehandRoi):
        return np.asarray(roi.points, dtype=float)
    if isinstance(roi, RectRoi):
        return roi.corners()
    t = np.linspace(0.0, 2.0 * math.pi, samples, endpoint=False)
    unit = np.stack([np.cos(t), np.sin(t)], axis=1)
    return np.asarray(roi.center) + unit @ roi.axes().T


def roi_bounds(roi: Roi) -> tuple[float, float, float, float]:
    """Axis-aligned bounds ``(x0, y0, x1, y1)`` in image pixels (exact for rotated ellipses)."""
    if isinstance(roi, EllipseRoi):
        half = np.sqrt((roi.axes() ** 2).sum(axis=1))  # extent of a rotated ellipse per axis
        cx, cy = roi.center
        return float(cx - half[0]), float(cy - half[1]), float(cx + half[0]), float(cy + half[1])
    pts = roi_outline(roi)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def roi_center(roi: Roi) -> tuple[float, float]:
    """Centre ``(x, y)`` of the ROI's bounding box, in image pixels."""
    x0, y0, x1, y1 = roi_bounds(roi)
    return (x0 + x1) / 2.0, (y0 + y1) / 2.0


def _ellipse_key(roi: EllipseRoi) -> tuple[float, float, float]:
    """(major, minor, angle mod 180) of an ellipse, so equal ellipses give equal keys."""
    w, h, angle = roi.width, roi.height, roi.angle
    if w < h:
        w, h, angle = h, w, angle + 90.0
    return w, h, angle % 180.0


def same_geometry(a: Roi, b: Roi, *, tolerance_px: float = 0.5) -> bool:
    """True when ``a`` and ``b`` outline the same region within ``tolerance_px`` (labels ignored).

    A polygon and a freehand path with the same vertices are the same (the canvas turns a closed
    straight-segment path into a polygon when it loads one). A rectangle is compared by its
    corners in any order, an ellipse by centre, axes and orientation (180 degrees = 0).
    """
    if isinstance(a, PolygonRoi | FreehandRoi) and isinstance(b, PolygonRoi | FreehandRoi):
        pa, pb = np.asarray(a.points), np.asarray(b.points)
        return pa.shape == pb.shape and bool(np.max(np.abs(pa - pb)) <= tolerance_px)
    if isinstance(a, RectRoi) and isinstance(b, RectRoi):
        ca, cb = a.corners(), b.corners()
        dist = np.linalg.norm(ca[:, None, :] - cb[None, :, :], axis=2)
        return bool(max(dist.min(axis=0).max(), dist.min(axis=1).max()) <= tolerance_px)
    if isinstance(a, EllipseRoi) and isinstance(b, EllipseRoi):
        (ax, ay), (bx, by) = a.center, b.center
        (wa, ha, ta), (wb, hb, tb) = _ellipse_key(a), _ellipse_key(b)
        if math.hypot(ax - bx, ay - by) > tolerance_px:
            return False
        if abs(wa - wb) > tolerance_px or abs(ha - hb) > tolerance_px:
            return False
        if abs(wa - ha) <= tolerance_px:  # a circle: orientation is meaningless
            return True
        turn = abs(ta - tb) % 180.0
        # the outline moves by about (major/2) * angle (radians) at the end of the major axis
        return math.radians(min(turn, 180.0 - turn)) * wa / 2 <= tolerance_px
    return False
