"""Display window (centre, width) of a slice and its 8-bit preview for the drawing canvas."""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt

from vbqcore.errors import VbqInputError
from vbqcore.slices import Slice

__all__ = ["display_window", "robust_window", "to_preview", "WINDOW_PERCENTILES"]

logger = logging.getLogger(__name__)

#: Percentiles of the robust window: a few bright or dark outlier pixels (fat, flow artefact,
#: burnt-in text) do not wash out the image, unlike a min-max window.
WINDOW_PERCENTILES = (0.5, 99.5)
#: The robust window is estimated on at most this many evenly strided pixels, so it costs about
#: the same for a 256² and a 1024² image; a display window does not need an exact percentile.
_WINDOW_SAMPLE = 65_536


def display_window(slice_: Slice) -> tuple[float, float]:
    """The (centre, width) to show ``slice_`` with, in the units of its SIs.

    The header's WindowCenter/WindowWidth (the first pair when there are several; stored on
    ``Slice.window`` by the DICOM reader) when present, because that is how the scanner and PACS
    show the image; otherwise ``robust_window`` of the pixels.
    """
    if slice_.window is not None and slice_.window[1] > 0:
        return float(slice_.window[0]), float(slice_.window[1])
    return robust_window(slice_.pixels)


def robust_window(
    pixels: npt.ArrayLike, *, percentiles: tuple[float, float] = WINDOW_PERCENTILES
) -> tuple[float, float]:
    """(centre, width) spanning the ``percentiles`` (default 0.5th-99.5th) of the pixels.

    Large images are subsampled with an even stride to at most 65 536 pixels (the result then
    differs from the exact percentile by about one grey level). A constant image gets width 1.
    """
    flat = np.asarray(pixels, dtype=np.float64).ravel()
    if flat.size == 0:
        raise VbqInputError("Cannot choose a display window for an image with no pixels.")
    step = max(1, flat.size // _WINDOW_SAMPLE)
    low, high = np.percentile(flat[::step], percentiles)
    width = float(high - low)
    if not width > 0:
        width = 1.0
    return float(low + high) / 2.0, width


def to_preview(
    slice_: Slice, *, window: tuple[float, float] | None = None
) -> npt.NDArray[np.uint8]:
    """8-bit greyscale preview of ``slice_`` (same shape) for the canvas background.

    Linear window: SI <= centre - width/2 is black (0), SI >= centre + width/2 is white (255),
    rounded to the nearest grey level in between. Within half a grey level of the DICOM "LINEAR"
    VOI function (PS3.3 C.11.2.1.2.1); SIs are measured on ``slice_.pixels``, never on this.
    A MONOCHROME1 image is not inverted (see the slice's notes).

    Parameters
    ----------
    slice_ : Slice
        The slice to show.
    window : (float, float), optional
        (centre, width) in SI units; defaults to ``display_window(slice_)``.
    """
    center, width = display_window(slice_) if window is None else window
    if not width > 0:
        raise VbqInputError(f"Display window width must be positive, got {width}.")
    # grey = (SI - (centre - width/2)) * 255/width, + 0.5 to round, as one multiply-add in
    # float32 (half the memory traffic of float64; its 24-bit mantissa is ample for 256 levels).
    scale = 255.0 / width
    offset = 0.5 - (center - width / 2.0) * scale
    grey = np.multiply(slice_.pixels, np.float32(scale), dtype=np.float32)
    grey += np.float32(offset)
    np.clip(grey, 0.0, 255.0, out=grey)
    return grey.astype(np.uint8)
