"""What a caller hands the image readers (a path, bytes, or a named upload), and the size limits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vbqcore.errors import FileReadError, ImageReadError, VbqInputError

__all__ = [
    "SourceLike",
    "LoadedSource",
    "FileKind",
    "MAX_SIDE",
    "MAX_PIXELS",
    "MAX_SERIES_PIXELS",
    "load_source",
    "sniff_kind",
    "check_image_size",
    "as_pixels",
]

logger = logging.getLogger(__name__)

#: Anything the readers accept: a path, the bytes of a file (a Streamlit upload), or a
#: ``(file name, bytes)`` pair so messages can name the upload.
SourceLike = str | Path | bytes | tuple[str, bytes]

#: Largest image side accepted, in pixels. Spine MR is 256-1024 per side; 8192 leaves room for
#: high-resolution screenshots while refusing headers that would need gigabytes to decode.
MAX_SIDE = 8192
#: Largest single image accepted, in pixels (40 MP = 320 MB as float64).
MAX_PIXELS = 40_000_000
#: Largest series (all slices or frames together) accepted, in pixels (100 MP = 800 MB as float64).
MAX_SERIES_PIXELS = 100_000_000

_HEAD_BYTES = 132  # the DICOM preamble (128) plus the "DICM" prefix


class FileKind(StrEnum):
    """What a file's first bytes say it is (the extension is ignored: uploads lose it)."""

    DICOM = "dicom"
    IMAGE = "image"


@dataclass(frozen=True)
class LoadedSource:
    """A source ready to read: its display name and either a path on disk or the bytes."""

    name: str
    path: Path | None
    data: bytes | None
    head: bytes


def load_source(source: SourceLike, *, name: str | None = None) -> LoadedSource:
    """Normalise ``source`` and read its first bytes; raise ``FileReadError`` on missing/empty.

    Parameters
    ----------
    source : str, Path, bytes or (str, bytes)
        A file path, the bytes of a file, or a ``(file name, bytes)`` pair.
    name : str, optional
        The name used in messages; defaults to the path as given, the pair's name, or "upload".
    """
    if isinstance(source, tuple):
        pair_name, data = source
        return _from_bytes(data, name or str(pair_name))
    if isinstance(source, bytes | bytearray | memoryview):
        return _from_bytes(bytes(source), name or "upload")
    if isinstance(source, str | Path):
        path = Path(source)
        label = name or str(source)
        if path.is_dir():
            raise FileReadError(
                f"{label} is a folder, not a file: pass the image files inside it "
                f"(for example {label}/*)."
            )
        try:
            with path.open("rb") as fh:
                head = fh.read(_HEAD_BYTES)
        except FileNotFoundError as err:
            raise FileReadError(f"{label}: no such file. Check the path and try again.") from err
        except OSError as err:
            raise FileReadError(f"{label} cannot be opened ({err.strerror or err}).") from err
        if not head:
            raise FileReadError(f"{label} is empty (0 bytes); copy the file again.")
        return LoadedSource(name=label, path=path, data=None, head=head)
    raise FileReadError(
        f"Cannot read an object of type {type(source).__name__}: pass a path, bytes or "
        "(file name, bytes)."
    )


def _from_bytes(data: bytes, name: str) -> LoadedSource:
    if not data:
        raise FileReadError(f"{name} is empty (0 bytes); upload the file again.")
    return LoadedSource(name=name, path=None, data=data, head=data[:_HEAD_BYTES])


# Magic numbers of the screenshot formats we accept, and of files users pick by mistake.
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",  # PNG
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"II+\x00",  # BigTIFF
    b"MM\x00+",
)
_OTHER_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (unzip it first and choose the DICOM files inside)",
    b"GIF8": "a GIF image (save it as PNG instead)",
    b"BM": "a BMP image (save it as PNG instead)",
}


def sniff_kind(src: LoadedSource) -> FileKind:
    """Tell DICOM from PNG/JPEG/TIFF by content; raise ``FileReadError`` for anything else."""
    head = src.head
    if head[128:132] == b"DICM":
        return FileKind.DICOM
    if head.startswith(_IMAGE_MAGIC):
        return FileKind.IMAGE
    # DICOM written without the 128-byte preamble (old ACR-NEMA style) starts with a group
    # 0x0002 or 0x0008 tag in little-endian order.
    if head[:2] in (b"\x02\x00", b"\x08\x00") and head[3:4] == b"\x00":
        return FileKind.DICOM
    what = next((label for magic, label in _OTHER_MAGIC.items() if head.startswith(magic)), None)
    found = f"it looks like {what}" if what else "its content is not recognised"
    raise FileReadError(
        f"{src.name} is neither a DICOM file nor a PNG/JPEG/TIFF image ({found}). "
        "Export the series from PACS as DICOM, or save a screenshot as PNG."
    )


def check_image_size(
    rows: int, cols: int, *, name: str, frames: int = 1, error: type[VbqInputError] = ImageReadError
) -> None:
    """Refuse an image before decoding it if its header promises more pixels than the limits.

    Raises ``error`` when a side exceeds ``MAX_SIDE``, one image exceeds ``MAX_PIXELS`` or all
    frames together exceed ``MAX_SERIES_PIXELS``; also when a side is zero.
    """
    if rows <= 0 or cols <= 0:
        raise error(f"{name} declares an empty image ({rows} x {cols} pixels); it is damaged.")
    if rows > MAX_SIDE or cols > MAX_SIDE or rows * cols > MAX_PIXELS:
        raise error(
            f"{name} is {rows} x {cols} pixels, larger than the {MAX_SIDE} pixels per side "
            f"({MAX_PIXELS // 1_000_000} megapixels) this tool accepts. An MR slice is at most "
            "about 1024 x 1024; export the original MR image rather than a stitched or scaled one."
        )
    if rows * cols * frames > MAX_SERIES_PIXELS:
        raise error(
            f"{name} holds {frames} frames of {rows} x {cols} pixels, more than the "
            f"{MAX_SERIES_PIXELS // 1_000_000} megapixels this tool accepts at once. "
            "Choose the sagittal series only."
        )


def as_pixels(array: npt.ArrayLike, *, name: str) -> npt.NDArray[np.float64]:
    """Return ``array`` as a 2-D float64 array of finite values, or raise ``VbqInputError``.

    The one place that enforces what a ``Slice`` holds: two dimensions, at least one pixel, no
    NaN or infinity (an ROI mean over such pixels would be meaningless).
    """
    arr = np.asarray(array)
    if arr.ndim != 2:
        raise VbqInputError(
            f"{name}: expected one 2-D image, got an array of shape {arr.shape}. "
            "Pass a single slice (rows x columns)."
        )
    if arr.size == 0:
        raise VbqInputError(f"{name}: the image has no pixels (shape {arr.shape}).")
    if arr.dtype.kind not in "biuf":
        raise VbqInputError(f"{name}: pixel values must be numbers, got dtype {arr.dtype}.")
    pixels = arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "f" and not np.isfinite(pixels).all():
        raise VbqInputError(
            f"{name}: the image holds NaN or infinite pixel values; SIs cannot be measured on it."
        )
    return pixels
