"""Burned-in identifiers: which images may show a name or date in their pixels, and exported
images blanked outside, or cropped to, the region of the ROIs.

Header identifiers never leave vbqcore (``Protocol`` copies none), but pixels are another
matter: a screenshot of a PACS viewer usually shows "DOE^JANE MRN884422 12/03/1947" in a corner,
and a DICOM image may say so itself (BurnedInAnnotation YES, or a Secondary Capture). vbqcore does
not read text in pixels, so it never calls such pixels de-identified: it flags the images whose
pixels may carry text and offers to export only the lumbar region the ROIs cover (the overlays of
viewers sit in the corners and margins). See DICOM PS3.15 Annex E (Basic Application Level
Confidentiality Profile, "Clean Pixel Data Option"), which names these two remedies: blanking
and cropping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.imaging.slices import Slice, SliceSource
from vbqcore.roi.geometry import roi_bounds
from vbqcore.roi.shapes import Roi
from vbqcore.roi.transfer import transform_roi

__all__ = [
    "PixelExport",
    "PixelCheck",
    "REGION_MARGIN",
    "pixel_check",
    "roi_region",
    "redact_view",
    "pixel_statement",
]

#: Margin around the ROIs kept in a blanked or cropped export, as a fraction of the shorter image
#: side: enough to see the vertebrae around the ROIs, far from the corners where text sits.
REGION_MARGIN = 0.06


class PixelExport(StrEnum):
    """How the pixels of an exported image are written."""

    AS_IS = "as-is"
    BLANK_OUTSIDE_ROIS = "blank-outside-rois"
    CROP_TO_ROIS = "crop-to-rois"


@dataclass(frozen=True)
class PixelCheck:
    """Whether an image's pixels may show identifiers, and why (``None``: nothing says so, but
    the pixels were not read for text either)."""

    flagged: bool
    reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"flagged": self.flagged, "reason": self.reason}


def pixel_check(slice_: Slice) -> PixelCheck:
    """Flag screenshots and DICOM images whose header declares burned-in annotation."""
    if slice_.source is SliceSource.SCREENSHOT:
        return PixelCheck(
            True,
            "a screenshot: the viewer may have drawn the patient's name, ID or dates into it",
        )
    burned = slice_.protocol.burned_in_annotation
    if burned:
        return PixelCheck(
            True,
            "the DICOM header says its pixels hold burned-in text (BurnedInAnnotation YES or a "
            "Secondary Capture)",
        )
    if burned is False:
        return PixelCheck(False, "the DICOM header says there is no burned-in text")
    return PixelCheck(False, None)


def roi_region(
    rois: Sequence[Roi], shape: tuple[int, int], *, margin: float = REGION_MARGIN
) -> tuple[int, int, int, int] | None:
    """``(row0, row1, col0, col1)`` (half-open) bounding every ROI plus ``margin`` x the shorter
    side, clipped to the image; ``None`` without ROIs."""
    if not rois:
        return None
    rows, cols = shape
    bounds = np.array([roi_bounds(r) for r in rois])
    pad = margin * min(rows, cols)
    c0 = int(np.clip(np.floor(bounds[:, 0].min() - pad), 0, cols))
    r0 = int(np.clip(np.floor(bounds[:, 1].min() - pad), 0, rows))
    c1 = int(np.clip(np.ceil(bounds[:, 2].max() + pad), 0, cols))
    r1 = int(np.clip(np.ceil(bounds[:, 3].max() + pad), 0, rows))
    if r1 <= r0 or c1 <= c0:
        return None
    return r0, r1, c0, c1


def redact_view(
    preview: npt.NDArray[np.uint8],
    rois: Sequence[Roi],
    mode: PixelExport | str,
    *,
    margin: float = REGION_MARGIN,
) -> tuple[npt.NDArray[np.uint8], list[Roi]]:
    """The image to export and its ROIs (moved when cropped).

    ``BLANK_OUTSIDE_ROIS`` sets every pixel outside ``roi_region`` to black (the whole image
    when there is no ROI); ``CROP_TO_ROIS`` keeps only that region (a 1x1 black image without
    ROIs). ``AS_IS`` returns ``preview`` unchanged.
    """
    mode = PixelExport(mode)
    if mode is PixelExport.AS_IS:
        return preview, list(rois)
    region = roi_region(rois, preview.shape[:2], margin=margin)
    if region is None:
        if mode is PixelExport.CROP_TO_ROIS:
            return np.zeros((1, 1), dtype=np.uint8), []
        return np.zeros_like(preview), list(rois)
    r0, r1, c0, c1 = region
    if mode is PixelExport.BLANK_OUTSIDE_ROIS:
        out = np.zeros_like(preview)
        out[r0:r1, c0:c1] = preview[r0:r1, c0:c1]
        return out, list(rois)
    moved = [transform_roi(r, np.eye(2), (-c0, -r0)) for r in rois]
    return np.ascontiguousarray(preview[r0:r1, c0:c1]), moved


def pixel_statement(checks: Sequence[PixelCheck], mode: PixelExport | str) -> str:
    """The honest sentence for a report or an export: what was removed, what was not checked."""
    mode = PixelExport(mode)
    header = "No patient name, ID, birth date, scan date or file name from the file headers."
    if mode is PixelExport.BLANK_OUTSIDE_ROIS:
        pixels = "Image pixels outside the region of the ROIs were blanked."
    elif mode is PixelExport.CROP_TO_ROIS:
        pixels = "Images were cropped to the region of the ROIs."
    else:
        pixels = "Image pixels are as acquired and were not checked for burned-in text."
    flagged = [c for c in checks if c.flagged]
    if flagged and mode is PixelExport.AS_IS:
        pixels += (
            " Some images may show identifiers in their pixels ("
            + "; ".join(dict.fromkeys(str(c.reason) for c in flagged))
            + ")."
        )
    return f"{header} {pixels}"
