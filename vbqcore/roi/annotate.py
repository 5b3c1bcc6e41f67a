"""Annotated slice images: the windowed slice with ROI outlines and labels, as PIL images or PNG."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from vbqcore.anatomy import CSF
from vbqcore.imaging.slices import Slice
from vbqcore.imaging.windowing import to_preview
from vbqcore.roi.geometry import roi_bounds, roi_outline
from vbqcore.roi.redaction import PixelExport, redact_view
from vbqcore.roi.shapes import Roi

__all__ = [
    "LABEL_COLOURS",
    "FLAG_BACKGROUND",
    "FLAG_MARK",
    "display_size",
    "render_view",
    "annotated_image",
    "annotated_png",
]

logger = logging.getLogger(__name__)

#: Outline/label colours on a greyscale MR image: bodies yellow, CSF cyan, unlabelled orange.
LABEL_COLOURS = {"body": (255, 212, 0), CSF: (0, 213, 255), None: (255, 120, 60)}
#: A flagged ROI (``vbqcore.roi.quality``) has its label on this dark red and ends in ``FLAG_MARK``.
FLAG_BACKGROUND = (150, 0, 0)
FLAG_MARK = " !"


def display_size(shape: tuple[int, int], *, longest: int) -> tuple[int, int]:
    """(width, height) in screen pixels showing an image of ``shape`` (rows, cols) with its
    longer side ``longest`` pixels and its proportions kept (each side at least 1)."""
    rows, cols = shape
    scale = longest / max(rows, cols)
    return max(1, round(cols * scale)), max(1, round(rows * scale))


def _colour(label: str | None) -> tuple[int, int, int]:
    if label is None:
        return LABEL_COLOURS[None]
    return LABEL_COLOURS[CSF] if label == CSF else LABEL_COLOURS["body"]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # a Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def render_view(
    preview: npt.NDArray[np.uint8],
    rois: Sequence[Roi],
    *,
    size: tuple[int, int],
    outlines: bool = True,
    labels: bool = True,
    font_px: int | None = None,
    flagged: Sequence[bool] | None = None,
) -> Image.Image:
    """The 8-bit ``preview`` (rows x cols) resized to ``size`` (width, height) as RGB, with ROI
    outlines and/or labels drawn at their image-pixel positions scaled to that size.

    Labels sit just above each ROI's bounding box (inside it near the top edge of the image);
    an unlabelled ROI shows its number (``#3``) so the table row can be found. ``font_px`` is
    the label height (default: 1/36 of the shorter side, at least 11 px). ``flagged`` (one
    entry per ROI) marks ROIs with a quality flag: their label ends in ``FLAG_MARK`` on a dark
    red box, so the flag shows on the ROI itself.
    """
    width, height = size
    rows, cols = preview.shape
    grey = Image.fromarray(np.ascontiguousarray(preview), mode="L")
    if (width, height) != (cols, rows):
        upscale = width > cols
        method = Image.Resampling.BILINEAR if upscale else Image.Resampling.LANCZOS
        grey = grey.resize((width, height), method)
    image = grey.convert("RGB")
    if not rois:
        return image
    sx, sy = width / cols, height / rows
    draw = ImageDraw.Draw(image)
    font = _font(font_px or max(11, round(min(width, height) / 36)))
    line = max(1, round(min(width, height) / 300))
    for i, roi in enumerate(rois):
        colour = _colour(roi.label)
        if outlines:
            pts = roi_outline(roi) * [sx, sy]
            draw.polygon([(float(x), float(y)) for x, y in pts], outline=colour, width=line)
        if labels:
            text = roi.label or f"#{i + 1}"
            flag = flagged is not None and i < len(flagged) and bool(flagged[i])
            if flag:
                text += FLAG_MARK
            x0, y0, _, _ = roi_bounds(roi)
            left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
            tw, th = right - left, bottom - top
            tx = min(max(x0 * sx, 0), width - tw - 4)
            ty = y0 * sy - th - 6
            if ty < 0:
                ty = y0 * sy + 3
            box = FLAG_BACKGROUND if flag else (0, 0, 0)
            draw.rectangle((tx, ty, tx + tw + 4, ty + th + 4), fill=box)
            draw.text((tx + 2 - left, ty + 2 - top), text, fill=colour, font=font)
    return image


def annotated_image(
    slice_: Slice,
    rois: Sequence[Roi],
    *,
    window: tuple[float, float] | None = None,
    longest: int = 512,
    pixels: PixelExport | str = PixelExport.AS_IS,
    flagged: Sequence[bool] | None = None,
) -> Image.Image:
    """The windowed slice (default window: ``display_window``) with ROI outlines and labels,
    shown with its longer side ``longest`` pixels (small matrices are enlarged to stay legible).
    ``pixels`` blanks outside, or crops to, the region of the ROIs (``vbqcore.roi.redaction``)
    before anything is drawn. ``flagged`` marks the ROIs with a quality flag (``render_view``).
    """
    preview, rois = redact_view(to_preview(slice_, window=window), rois, pixels)
    size = display_size((int(preview.shape[0]), int(preview.shape[1])), longest=longest)
    # Labels a little larger than on screen: the image is printed a few centimetres wide.
    font_px = max(12, round(min(size) / 24))
    return render_view(preview, rois, size=size, font_px=font_px, flagged=flagged)


def annotated_png(
    slice_: Slice,
    rois: Sequence[Roi],
    *,
    window: tuple[float, float] | None = None,
    longest: int = 512,
    pixels: PixelExport | str = PixelExport.AS_IS,
    flagged: Sequence[bool] | None = None,
) -> bytes:
    """``annotated_image`` as PNG bytes (no metadata: nothing about the patient is written)."""
    buffer = io.BytesIO()
    image = annotated_image(
        slice_, rois, window=window, longest=longest, pixels=pixels, flagged=flagged
    )
    image.save(buffer, format="PNG")
    return buffer.getvalue()
