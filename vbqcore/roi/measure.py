"""The signal intensity inside ROIs: the statistics (``RoiStats``) that enter a VBQ score.

The shapes and their pixel masks are in :mod:`vbqcore.roi.shapes`; this module measures them on
an image.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.errors import RoiError, VbqInputError
from vbqcore.imaging.slices import Slice
from vbqcore.roi.shapes import Roi, rasterise, roi_name

__all__ = ["RoiStats", "measure_roi", "measure_rois"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoiStats:
    """Signal intensity inside one ROI, in the image's units (scanner values for DICOM).

    ``mean`` is the SI that enters a VBQ score (the mean SI of each vertebral body and of the
    CSF, Huang et al., Global Spine J 2026;16(1):162-170, "Measuring VBQ Scores").

    ``sd`` is the sample standard deviation (``ddof=1``, as ImageJ reports), NaN for a one-pixel
    ROI. ``p5``/``p95`` are the 5th/95th percentiles by linear interpolation between order
    statistics (numpy's default, R's ``quantile(type = 7)``). ``area_mm2`` is ``n_pixels`` times the
    pixel area, ``None`` when the pixel spacing is unknown (screenshots). ``clipped`` is true when
    part of the ROI fell outside the image; ``fraction_inside`` is the share of its pixels measured.
    """

    label: str | None
    shape: str
    n_pixels: int
    area_mm2: float | None
    mean: float
    median: float
    sd: float
    min: float
    max: float
    p5: float
    p95: float
    clipped: bool = False
    fraction_inside: float = 1.0
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key, value in out.items():  # NaN (SD of one pixel) is not JSON: None instead
            if isinstance(value, float) and math.isnan(value):
                out[key] = None
        out["warnings"] = list(self.warnings)
        return out


def _image_iv(
    image: Slice | npt.ArrayLike, spacing: tuple[float, float] | None
) -> tuple[npt.NDArray[np.float64], tuple[float, float] | None]:
    """Validate the image argument: a ``Slice`` or a 2-D array, plus (row, col) spacing in mm."""
    if isinstance(image, Slice):
        pixels, spacing = image.pixels, spacing or image.pixel_spacing_mm
    else:
        pixels = np.asarray(image, dtype=np.float64)
    if pixels.ndim != 2 or pixels.size == 0:
        raise VbqInputError(f"Expected a 2-D image to measure, got shape {pixels.shape}.")
    if spacing is not None:
        spacing = (float(spacing[0]), float(spacing[1]))
        if not all(math.isfinite(s) and s > 0 for s in spacing):
            raise VbqInputError(f"Pixel spacing must be positive mm values, got {spacing}.")
    return pixels, spacing


def measure_roi(
    image: Slice | npt.ArrayLike,
    roi: Roi,
    *,
    pixel_spacing_mm: tuple[float, float] | None = None,
    index: int | None = None,
) -> RoiStats:
    """Statistics of the pixel values inside ``roi`` (see ``RoiStats`` for definitions).

    ``image`` is a ``Slice`` (its spacing is used unless ``pixel_spacing_mm`` is given) or a 2-D
    array. An ROI partly outside the image is clipped and measured with a warning giving the
    fraction kept; wholly outside or without any pixel centre inside raises ``RoiError``.
    """
    pixels, spacing = _image_iv(image, pixel_spacing_mm)
    where = roi_name(roi.label, index)
    rr, cc, total = rasterise(roi, (pixels.shape[0], pixels.shape[1]), index=index)
    if total == 0:
        raise RoiError(f"{where} has zero area: no pixel centre lies inside it; draw it larger.")
    if rr.size == 0:
        raise RoiError(f"{where} lies wholly outside the image; redraw it on the image.")
    warnings: list[str] = []
    fraction = rr.size / total
    if rr.size < total:
        warnings.append(
            f"{where} lies partly outside the image: only {fraction:.0%} of its pixels "
            f"({rr.size} of {total}) are inside and were measured."
        )
    values = pixels[rr, cc]
    finite = np.isfinite(values)
    if not finite.all():
        if not finite.any():
            raise RoiError(f"{where} covers only NaN/infinite pixel values.")
        warnings.append(f"{where}: {int((~finite).sum())} NaN/infinite pixels were left out.")
        values = values[finite]
    n = int(values.size)
    if n < 2:
        warnings.append(f"{where} covers a single pixel: its SD is undefined.")
    p5, median, p95 = np.percentile(values, [5.0, 50.0, 95.0])
    for message in warnings:
        logger.info(message)
    return RoiStats(
        label=roi.label,
        shape=roi.shape,
        n_pixels=n,
        area_mm2=None if spacing is None else n * spacing[0] * spacing[1],
        mean=float(values.mean()),
        median=float(median),
        sd=float(values.std(ddof=1)) if n > 1 else math.nan,
        min=float(values.min()),
        max=float(values.max()),
        p5=float(p5),
        p95=float(p95),
        clipped=rr.size < total,
        fraction_inside=float(fraction),
        warnings=tuple(warnings),
    )


def measure_rois(
    image: Slice | npt.ArrayLike,
    rois: Sequence[Roi],
    *,
    pixel_spacing_mm: tuple[float, float] | None = None,
) -> list[RoiStats]:
    """``measure_roi`` for each ROI in order; errors name the ROI's index and label."""
    return [
        measure_roi(image, roi, pixel_spacing_mm=pixel_spacing_mm, index=i)
        for i, roi in enumerate(rois)
    ]
