"""Copying ROIs between image grids: affine maps of shapes, T1 -> T2/STIR transfer by spacing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.errors import RoiError
from vbqcore.roi.shapes import FreehandRoi, PolygonRoi, RectRoi, Roi

__all__ = ["transform_roi", "scale_rois", "ScaledRois"]


def transform_roi(roi: Roi, matrix: npt.ArrayLike, offset: npt.ArrayLike = (0.0, 0.0)) -> Roi:
    """Map an ROI through the affine map ``p -> matrix @ p + offset`` (2x2 matrix, pixels).

    Rectangles and ellipses keep their parameters while the map keeps their axes at right angles
    (any rotation, scaling along them, flips); otherwise a rectangle becomes the polygon of its
    corners and an ellipse the ellipse of the SVD of the mapped axes. Vertices are mapped.
    """
    a = np.asarray(matrix, dtype=float).reshape(2, 2)
    t = np.asarray(offset, dtype=float).reshape(2)
    if isinstance(roi, PolygonRoi | FreehandRoi):
        pts = np.asarray(roi.points) @ a.T + t
        return type(roi)(tuple(map(tuple, pts)), label=roi.label)
    center = a @ np.asarray(roi.center) + t
    axes = a @ roi.axes()  # images of the half-width and half-height vectors
    lu, lv = np.linalg.norm(axes, axis=0)
    if abs(axes[:, 0] @ axes[:, 1]) <= 1e-9 * lu * lv:  # still at right angles
        angle = math.degrees(math.atan2(axes[1, 0], axes[0, 0]))
        w, h = 2 * lu, 2 * lv
    elif isinstance(roi, RectRoi):
        corners = roi.corners() @ a.T + t
        return PolygonRoi(tuple(map(tuple, corners)), label=roi.label)
    else:  # the image of a circle under a shear is an ellipse with the singular axes
        u, s, _ = np.linalg.svd(axes)
        angle = math.degrees(math.atan2(u[1, 0], u[0, 0]))
        w, h = 2 * s[0], 2 * s[1]
    x, y = center[0] - w / 2, center[1] - h / 2
    return type(roi)(float(x), float(y), float(w), float(h), angle=angle, label=roi.label)


@dataclass(frozen=True)
class ScaledRois:
    """ROIs copied onto another image grid, with warnings the user should see."""

    rois: tuple[Roi, ...]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"rois": [r.to_dict() for r in self.rois], "warnings": list(self.warnings)}


def scale_rois(
    rois: Sequence[Roi],
    *,
    from_shape: tuple[int, int],
    to_shape: tuple[int, int],
    from_spacing: tuple[float, float] | None = None,
    to_spacing: tuple[float, float] | None = None,
) -> ScaledRois:
    """Copy ROIs from one sequence's grid to another's (shapes (rows, cols), spacing (row, col) mm).

    With both spacings the physical geometry is kept and the two fields of view are assumed to
    share their centre (usual for sagittal series of one exam; slice positions are not used);
    a warning says so when the fields of view differ by more than 1 %. Without spacing, the ROIs
    are scaled by the matrix sizes, i.e. the same field of view is assumed.
    """
    (r0, c0), (r1, c1) = from_shape, to_shape
    for spacing in (from_spacing, to_spacing):
        if spacing is not None and not (spacing[0] > 0 and spacing[1] > 0):
            raise RoiError(f"Pixel spacing must be positive mm values, got {spacing}.")
    if min(r0, c0, r1, c1) <= 0:
        raise RoiError(f"Image shapes must be positive, got {from_shape} and {to_shape}.")
    warnings: list[str] = []
    if from_spacing is not None and to_spacing is not None:
        k = np.array([from_spacing[1] / to_spacing[1], from_spacing[0] / to_spacing[0]])
        fov0 = np.array([c0 * from_spacing[1], r0 * from_spacing[0]])
        fov1 = np.array([c1 * to_spacing[1], r1 * to_spacing[0]])
        offset = np.array([c1, r1]) / 2 - k * np.array([c0, r0]) / 2
        if np.any(np.abs(fov1 / fov0 - 1) > 0.01):
            warnings.append(
                f"The fields of view differ ({fov0[0]:.0f} x {fov0[1]:.0f} mm vs "
                f"{fov1[0]:.0f} x {fov1[1]:.0f} mm): the ROIs were copied about the image "
                "centre; check that each still sits on its vertebra."
            )
    else:
        k = np.array([c1 / c0, r1 / r0])
        offset = np.zeros(2)
        if from_spacing is not None or to_spacing is not None:
            warnings.append(
                "Pixel spacing is known for one image only: ROIs were scaled by matrix "
                "size, assuming the same field of view."
            )
        if abs(k[0] / k[1] - 1) > 0.01:
            warnings.append(
                "The matrices have different proportions and no pixel spacing: the "
                "copied ROIs are stretched; check them."
            )
    return ScaledRois(tuple(transform_roi(r, np.diag(k), offset) for r in rois), tuple(warnings))
