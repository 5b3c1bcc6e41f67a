"""Load what a clinician has (DICOM files, a DICOM series, screenshots) as ``Slice``/``Series``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.errors import DicomReadError, VbqInputError
from vbqcore.imaging.dicom_io import DicomFile, DicomFrame, block_dtype, decode_frames, open_dicom
from vbqcore.imaging.screenshots import read_screenshot
from vbqcore.imaging.sequence_guess import guess_sequence
from vbqcore.imaging.slices import Protocol, Slice, SliceSource
from vbqcore.imaging.sources import (
    MAX_SERIES_PIXELS,
    FileKind,
    LoadedSource,
    SourceLike,
    as_pixels,
    load_source,
    sniff_kind,
)
from vbqcore.imaging.windowing import display_window, to_preview

__all__ = [
    "Series",
    "SourceLike",
    "read_slice",
    "read_series",
    "read_all_series",
    "slice_from_array",
    "guess_sequence",
    "display_window",
    "to_preview",
]

logger = logging.getLogger(__name__)

_PARALLEL = 0.99  # |cos| between slice normals above which two slices belong to one stack
_SAME_POSITION_MM = 1e-3


@dataclass(frozen=True, eq=False)
class Series:
    """Slices of one series sorted along the slice normal, and the slice to show first.

    ``slices`` run in increasing ``position_mm`` (position along the normal of the first slice's
    ImageOrientationPatient, row x column direction). ``default_index`` is the middle slice,
    ``len(slices) // 2`` (the centre one for an odd count, the second of the two central ones
    for an even count): the mid-sagittal slice of a sagittal lumbar series, on which VBQ is
    measured (Huang et al., Global Spine J 2026;16(1):162-170). ``protocol`` is that slice's.
    ``notes`` are series-level caveats (how it was sorted, duplicates dropped). DICOM slices
    hold their stored values and compute their float64 SIs on the first read of ``pixels``
    (``slices.StoredPixels``): previews of every slice need only the stored values. The stored
    values of a series read from disk share one block, so keeping one slice keeps them all.
    """

    slices: tuple[Slice, ...]
    default_index: int
    protocol: Protocol = field(default_factory=Protocol)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.slices:
            raise VbqInputError("A series needs at least one slice.")
        if not 0 <= self.default_index < len(self.slices):
            raise VbqInputError(
                f"default_index {self.default_index} is outside the series "
                f"(0 to {len(self.slices) - 1})."
            )

    @property
    def default_slice(self) -> Slice:
        return self.slices[self.default_index]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary; pixels and file names left out (names may carry a patient's name)."""
        shown = self.default_slice
        notes = list(dict.fromkeys(self.notes + tuple(n for s in self.slices for n in s.notes)))
        return {
            "source": shown.source.value,
            "slice_count": len(self.slices),
            "default_index": self.default_index,
            "rows": shown.shape[0],
            "columns": shown.shape[1],
            "pixel_spacing_mm": list(shown.pixel_spacing_mm) if shown.pixel_spacing_mm else None,
            "positions_mm": [s.position_mm for s in self.slices],
            "window": list(shown.window) if shown.window else None,
            "protocol": self.protocol.to_dict(),
            "notes": notes,
        }


def read_slice(source: SourceLike, *, name: str | None = None) -> Slice:
    """Read one file (DICOM or PNG/JPEG/TIFF, told apart by content) as a ``Slice``.

    A multi-frame DICOM gives its middle frame in file order (frame ``n // 2``), decoded alone.

    Parameters
    ----------
    source : str, Path, bytes or (str, bytes)
        A path, the bytes of an upload, or a ``(file name, bytes)`` pair.
    name : str, optional
        File name for messages when ``source`` is bytes.

    Raises
    ------
    FileReadError, DicomReadError, ImageReadError
        With a message naming the file and what to do.
    """
    src = load_source(source, name=name)
    if sniff_kind(src) is FileKind.IMAGE:
        return read_screenshot(src)
    dicom = open_dicom(src)
    middle = dicom.frames // 2
    frame = decode_frames(dicom, [middle])[0].slice
    if dicom.frames > 1:
        note = f"Multi-frame file: frame {middle + 1} of {dicom.frames} (the middle one) is shown."
        frame = replace(frame, notes=frame.notes + (note,))
    return frame


def read_series(sources: Sequence[SourceLike] | SourceLike) -> Series:
    """Read the files of one series (or one multi-frame file) as a sorted ``Series``.

    DICOM files are grouped by SeriesInstanceUID; files of more than one series raise a
    ``DicomReadError`` naming each series (number and description) and a few of its files,
    because measuring on a mixed stack would silently mix sequences (use ``read_all_series``
    to get them all). Slices are sorted by ImagePositionPatient projected on the normal of
    ImageOrientationPatient; if some slice lacks those, by SliceLocation, then InstanceNumber,
    then the order given (each fallback adds a note). A file given twice is read once.
    Screenshots (PNG/JPEG/TIFF) are kept in the order given; DICOM and screenshots cannot be mixed.

    ``sources`` is a list; a single path, bytes or ``(name, bytes)`` pair is accepted as one file.
    """
    found = read_all_series(sources)
    if len(found) > 1:
        raise DicomReadError(
            f"These files hold {len(found)} different series: "
            + "; ".join(label for label, _ in found)
            + ". Choose the files of one series (for VBQ, the sagittal T1, T2 or STIR)."
        )
    return found[0][1]


def read_all_series(sources: Sequence[SourceLike] | SourceLike) -> list[tuple[str, Series]]:
    """Read files of possibly several series; return ``(label, Series)`` in order of appearance.

    The label names the series for a person ("series 3 'SAG T2 FSE' (15 files: a.dcm, ...)");
    it holds no UID. Headers are all read and checked before any pixel is decoded.
    """
    loaded = _as_list(sources)
    if not loaded:
        raise VbqInputError("No files were given: choose the DICOM files of one series.")
    kinds = [sniff_kind(src) for src in loaded]
    if all(kind is FileKind.IMAGE for kind in kinds):
        return [(_screenshot_label(loaded), _screenshot_series(loaded))]
    if any(kind is FileKind.IMAGE for kind in kinds):
        images = [
            src.name for src, kind in zip(loaded, kinds, strict=True) if kind is FileKind.IMAGE
        ]
        raise VbqInputError(
            f"DICOM files and screenshots cannot form one series ({', '.join(images[:3])} "
            "are screenshots). Load the DICOM series alone, or one screenshot alone."
        )
    files = [open_dicom(src) for src in loaded]
    groups: dict[str | None, list[DicomFile]] = {}
    for dicom in files:
        groups.setdefault(dicom.series_key, []).append(dicom)
    total = sum(d.rows * d.columns * d.frames for d in files)
    if total > MAX_SERIES_PIXELS:
        raise DicomReadError(
            f"The {len(files)} files hold {total / 1e6:.0f} megapixels, more than the "
            f"{MAX_SERIES_PIXELS // 1_000_000} this tool loads at once; choose one series."
        )
    return [(_series_label(members), _build_series(members)) for members in groups.values()]


def _as_list(sources: Sequence[SourceLike] | SourceLike) -> list[LoadedSource]:
    if isinstance(sources, str | Path | bytes | bytearray):
        return [load_source(sources)]
    if isinstance(sources, tuple) and len(sources) == 2 and isinstance(sources[1], bytes):
        return [load_source((str(sources[0]), sources[1]))]  # one (name, bytes) upload
    return [load_source(source) for source in sources]


def _series_label(members: list[DicomFile]) -> str:
    names = ", ".join(d.name for d in members[:3]) + (", ..." if len(members) > 3 else "")
    count = f"{len(members)} file{'s' if len(members) > 1 else ''}"
    return f"{members[0].series_label} ({count}: {names})"


def _screenshot_label(loaded: list[LoadedSource]) -> str:
    return f"screenshots ({len(loaded)}: {', '.join(src.name for src in loaded[:3])})"


def _screenshot_series(loaded: list[LoadedSource]) -> Series:
    slices = tuple(read_screenshot(src) for src in loaded)
    notes: tuple[str, ...] = ()
    if len(slices) > 1:
        notes = ("Screenshots carry no slice position: they are kept in the order given.",)
    return Series(slices=slices, default_index=len(slices) // 2, notes=notes)


def _build_series(members: list[DicomFile]) -> Series:
    frames: list[DicomFrame] = []
    seen: set[tuple[str, int]] = set()
    duplicates = 0
    protocols: dict[tuple[str, ...], Protocol] = {}
    for dicom, block in zip(members, _stored_blocks(members), strict=True):
        for frame in decode_frames(dicom, protocols=protocols, stored_out=block):
            if frame.instance_key is not None:
                key = (frame.instance_key, frame.frame_index)
                if key in seen:
                    duplicates += 1
                    continue
                seen.add(key)
            frames.append(frame)
    ordered, positions, notes = _sort_frames(frames)
    if duplicates:
        notes.append(f"{duplicates} duplicate file(s) or frame(s) ignored.")
    # Usually the position the frame already has (its own normal is the reference); replace()
    # would convert its SIs now (it reads every field), so only when it differs.
    slices = tuple(
        frame.slice
        if frame.slice.position_mm == position
        else replace(frame.slice, position_mm=position)
        for frame, position in zip(ordered, positions, strict=True)
    )
    middle = len(slices) // 2
    return Series(
        slices=slices, default_index=middle, protocol=slices[middle].protocol, notes=tuple(notes)
    )


def _stored_blocks(members: list[DicomFile]) -> list[npt.NDArray[Any] | None]:
    """One block for the stored values of the whole series, cut per file, when every file's
    pixel data can be read straight into it (``dicom_io.block_dtype``: same shape and dtype).

    One large allocation is mapped by the kernel as a few huge pages (numpy asks for them above
    4 MB), where 20 files of 512 KB each cost ~2 500 page faults, ~20% of the loading time.
    """
    shapes = {(d.rows, d.columns) for d in members}
    dtypes = {block_dtype(d) for d in members}
    if len(shapes) != 1 or len(dtypes) != 1:
        return [None] * len(members)
    dtype = dtypes.pop()
    if dtype is None:
        return [None] * len(members)
    rows, columns = shapes.pop()
    block = np.empty((sum(d.frames for d in members), rows, columns), dtype=dtype)
    views: list[npt.NDArray[Any] | None] = []
    start = 0
    for dicom in members:
        views.append(block[start : start + dicom.frames])
        start += dicom.frames
    return views


def _sort_frames(
    frames: list[DicomFrame],
) -> tuple[list[DicomFrame], list[float | None], list[str]]:
    """Order frames along the stack; return them, their positions (mm) and notes on the method.

    Ties (several echoes at one position) keep InstanceNumber, then frame order.
    """
    notes: list[str] = []
    several = len(frames) > 1
    keys: list[float]
    if all(f.image_position is not None and f.normal is not None for f in frames):
        reference = np.asarray(frames[0].normal)
        normals = [np.asarray(f.normal) for f in frames]
        if any(abs(float(np.dot(n, reference))) < _PARALLEL for n in normals):
            notes.append(
                "Slices have different orientations (a localizer in the series?); the order "
                "along the first slice's normal may not be meaningful."
            )
        keys = [float(np.dot(np.asarray(f.image_position), reference)) for f in frames]
        positions_in_mm = True
    elif all(f.slice_location is not None for f in frames):
        keys = [float(f.slice_location or 0.0) for f in frames]
        positions_in_mm = True
        if several:
            notes.append("Sorted by SliceLocation: ImagePositionPatient is missing.")
    elif all(f.instance_number is not None for f in frames) and (
        len({f.instance_number for f in frames}) > 1
    ):
        keys = [float(f.instance_number or 0) for f in frames]
        positions_in_mm = False
        if several:
            notes.append("Sorted by InstanceNumber: the files carry no slice position.")
    else:
        keys = [float(i) for i in range(len(frames))]
        positions_in_mm = False
        if several:
            notes.append(
                "The images carry no slice position or number: kept in file order as given."
            )
    order = sorted(
        range(len(frames)),
        key=lambda i: (keys[i], frames[i].instance_number or 0, frames[i].frame_index, i),
    )
    ordered = [frames[i] for i in order]
    if not positions_in_mm:
        return ordered, [f.slice.position_mm for f in ordered], notes
    positions: list[float | None] = [keys[i] for i in order]
    sorted_keys = [keys[i] for i in order]
    repeats = sum(
        1 for a, b in zip(sorted_keys, sorted_keys[1:], strict=False) if b - a < _SAME_POSITION_MM
    )
    if repeats:
        notes.append(
            f"{repeats + 1} or more slices share a position (several echoes or a repeated "
            "acquisition in one series?); check the slice you measure on."
        )
    return ordered, positions, notes


def slice_from_array(
    pixels: npt.ArrayLike,
    *,
    name: str = "array",
    source: SliceSource = SliceSource.SCREENSHOT,
    pixel_spacing_mm: tuple[float, float] | None = None,
    protocol: Protocol | None = None,
    window: tuple[float, float] | None = None,
    notes: Sequence[str] = (),
) -> Slice:
    """Wrap a 2-D array (copied, as float64, read-only) in a ``Slice``, e.g. for tests or demos.

    Raises ``VbqInputError`` for anything but a finite numeric 2-D array, or a non-positive
    spacing.
    """
    values = as_pixels(np.array(pixels, copy=True), name=name)
    values.flags.writeable = False
    if pixel_spacing_mm is not None and not (pixel_spacing_mm[0] > 0 and pixel_spacing_mm[1] > 0):
        raise VbqInputError(f"{name}: pixel spacing must be positive, got {pixel_spacing_mm}.")
    spacing = None
    if pixel_spacing_mm is not None:
        spacing = (float(pixel_spacing_mm[0]), float(pixel_spacing_mm[1]))
    return Slice(
        pixels=values,
        source=source,
        source_name=name,
        protocol=protocol or Protocol(),
        pixel_spacing_mm=spacing,
        window=window,
        notes=tuple(notes),
    )
