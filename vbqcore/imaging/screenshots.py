"""Read PNG/JPEG/TIFF screenshots of MR images into ``Slice`` records of display values."""

from __future__ import annotations

import io
import logging
import warnings

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from vbqcore.errors import ImageReadError
from vbqcore.imaging.slices import Slice, SliceSource
from vbqcore.imaging.sources import LoadedSource, as_pixels, check_image_size

__all__ = ["read_screenshot", "luminance", "LUMA_WEIGHTS", "DISPLAY_VALUES_NOTE"]

logger = logging.getLogger(__name__)

#: ITU-R BT.601 luma weights (R, G, B), per mille: the weights of PIL's "L" conversion, applied
#: here in exact integer arithmetic so a grey pixel stored as RGB keeps its value exactly and a
#: coloured one is not rounded to an integer.
LUMA_WEIGHTS = (299, 587, 114)

DISPLAY_VALUES_NOTE = (
    "Screenshot: SIs are display values (after the viewer's windowing), not scanner values. "
    "VBQ ratios from screenshots are only comparable if every ROI comes from the same image; "
    "use the original DICOM when you can."
)
_COLOUR_NOTE = (
    "Colour screenshot converted to grey as luminance 0.299 R + 0.587 G + 0.114 B "
    "(ITU-R BT.601); coloured overlays or annotations change the SIs under them."
)
_FORMATS = ["PNG", "JPEG", "TIFF"]
_AS_IS_MODES = {"L", "I", "F", "I;16", "I;16L", "I;16B", "I;16N"}


def read_screenshot(src: LoadedSource) -> Slice:
    """Read a PNG/JPEG/TIFF image as a ``Slice`` (``source`` SCREENSHOT, spacing unknown).

    8- and 16-bit grey (and 32-bit integer or float TIFF) values are kept as they are. RGB,
    RGBA, palette, CMYK and YCbCr images become BT.601 luminance (``luminance``); alpha is
    ignored; "LA" keeps its grey channel. An EXIF orientation (photos of a monitor) is applied.
    A multi-page TIFF gives its first page. The size is checked from the header before pixels
    are decoded (``sources.MAX_SIDE`` / ``MAX_PIXELS``); PIL's decompression-bomb guard is an
    error too.

    Raises
    ------
    ImageReadError
        Not a PNG/JPEG/TIFF image, damaged or truncated, or larger than the limits.
    """
    name = src.name
    stream = src.path if src.path is not None else io.BytesIO(src.data or b"")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ImageReadError(
            f"{name} declares an image too large to open safely ({err}). Save a screenshot of "
            "the MR image alone, at screen resolution."
        ) from err
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise ImageReadError(
            f"{name} cannot be read as a PNG, JPEG or TIFF image ({err}). Save it again as PNG."
        ) from err
    with image:
        width, height = image.size
        check_image_size(height, width, name=name)
        notes = [DISPLAY_VALUES_NOTE]
        pages = int(getattr(image, "n_frames", 1))
        if pages > 1:
            notes.append(f"The file has {pages} pages; the first one is used.")
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
            grey, coloured = _grey_values(upright)
        except (OSError, ValueError, SyntaxError) as err:  # PIL raises SyntaxError for bad TIFFs
            raise ImageReadError(
                f"{name} is damaged or incomplete and its pixels cannot be read ({err}). "
                "Save the screenshot again."
            ) from err
    if coloured:
        notes.append(_COLOUR_NOTE)
    pixels = as_pixels(grey, name=name)
    pixels.flags.writeable = False
    logger.debug("read screenshot %s: mode %s, %d x %d", name, image.mode, height, width)
    return Slice(
        pixels=pixels,
        source=SliceSource.SCREENSHOT,
        source_name=name,
        pixel_spacing_mm=None,
        notes=tuple(notes),
    )


def _grey_values(image: Image.Image) -> tuple[npt.NDArray[np.generic], bool]:
    """Grey values of ``image`` and whether it had colour (channels that differ)."""
    mode = image.mode
    if mode in _AS_IS_MODES:
        return np.asarray(image), False
    if mode == "1":
        return np.asarray(image.convert("L")), False
    if mode in ("LA", "La"):
        return np.asarray(image)[..., 0], False
    if mode in ("RGB", "RGBA", "RGBX", "RGBa"):
        rgb = np.asarray(image)[..., :3]
    else:  # palette, CMYK, YCbCr, LAB, HSV: let PIL map to RGB first
        rgb = np.asarray(image.convert("RGB"))
    coloured = not (
        np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2])
    )
    return luminance(rgb), coloured


def luminance(rgb: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """BT.601 luminance ``(299 R + 587 G + 114 B) / 1000`` of an (..., 3) array, as float64.

    The sum is formed in integers for integer input, so a grey pixel (R = G = B = v) gives
    exactly v, and e.g. (200, 100, 50) gives 124.2 (PIL's "L" mode would round it to 124).
    """
    arr = np.asarray(rgb)
    if arr.ndim < 1 or arr.shape[-1] != 3:
        raise ImageReadError(f"luminance needs an (..., 3) RGB array, got shape {arr.shape}.")
    red, green, blue = LUMA_WEIGHTS
    if arr.dtype.kind in "biu":
        wide = arr.astype(np.int64)
        total = wide[..., 0] * red + wide[..., 1] * green + wide[..., 2] * blue
        return total / 1000.0
    wide_f = arr.astype(np.float64)
    return (wide_f[..., 0] * red + wide_f[..., 1] * green + wide_f[..., 2] * blue) / 1000.0
