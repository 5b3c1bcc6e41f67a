"""Decode DICOM frames into ``Slice`` records: the stored values, the rescale, the header facts."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from pydicom.dataelem import DataElement, RawDataElement
from pydicom.pixels import apply_modality_lut
from pydicom.pixels import pixel_array as decode_frame
from pydicom.tag import Tag
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from vbqcore.errors import DicomReadError
from vbqcore.imaging.dicom_file import DEFER_SIZE, DicomFile, open_dicom, transfer_syntax
from vbqcore.imaging.dicom_header import Header
from vbqcore.imaging.slices import Protocol, Slice, SliceSource, StoredPixels

# DicomFile, open_dicom and DEFER_SIZE live in dicom_file; re-exported where they always were.
__all__ = ["DicomFile", "DicomFrame", "open_dicom", "decode_frames", "block_dtype", "DEFER_SIZE"]

logger = logging.getLogger(__name__)

_PIXEL_DATA = Tag(0x7FE00010)
#: Uncompressed little-endian transfer syntaxes (a deflated file is inflated by pydicom first).
_NATIVE_SYNTAXES = frozenset({ImplicitVRLittleEndian, ExplicitVRLittleEndian})
_MODALITY_LUT_SEQUENCE = Tag(0x00283000)
_PHILIPS_SCALE_SLOPE = Tag(0x2005100E)  # Philips private "Scale Slope" (floating-point values)


@dataclass(frozen=True, eq=False)
class DicomFrame:
    """One decoded frame and the facts needed to sort it within its series."""

    slice: Slice
    image_position: tuple[float, float, float] | None
    normal: tuple[float, float, float] | None
    slice_location: float | None
    instance_number: int | None
    frame_index: int
    instance_key: str | None


def decode_frames(
    dicom: DicomFile,
    indices: Sequence[int] | None = None,
    *,
    out: npt.NDArray[np.float64] | None = None,
    protocols: dict[tuple[str, ...], Protocol] | None = None,
    stored_out: npt.NDArray[Any] | None = None,
) -> list[DicomFrame]:
    """Decode frames (all when ``indices`` is None) into ``DicomFrame`` records.

    SIs are the modality-LUT output (stored value x RescaleSlope + RescaleIntercept, or the
    Modality LUT Sequence), i.e. what a DICOM viewer reports for an ROI. With the usual linear
    rescale of integer stored values, each slice keeps its stored values (``StoredPixels``) and
    computes its float64 SIs on the first read of ``Slice.pixels``: a series is loaded and
    previewed without converting every slice. ``out``, shape (len(indices), rows, columns),
    instead receives every frame's SIs now, and each slice's pixels are a read-only view of it.
    ``protocols`` caches ``Protocol`` records by ``Header.protocol_key`` across the files of a
    series. ``stored_out`` (all frames only; shape (frames, rows, columns), dtype
    ``block_dtype(dicom)``) receives the stored values, read straight from the file, so the
    slices of a series can share one block.
    """
    wanted = list(range(dicom.frames)) if indices is None else list(indices)
    shape = (len(wanted), dicom.rows, dicom.columns)
    if out is not None and (out.shape != shape or out.dtype != np.float64):
        raise ValueError(f"out must be a float64 array of shape {shape}, got {out.shape}")
    if stored_out is not None and indices is not None:
        raise ValueError("stored_out receives all frames: pass indices=None with it")
    stored = _decode(dicom, wanted, stored_out)
    stored.flags.writeable = False
    header = dicom.header
    lazy = out is None and stored.dtype.kind in "iu" and _MODALITY_LUT_SEQUENCE not in header.ds
    if not lazy:
        out = np.empty(shape, dtype=np.float64) if out is None else out
        _modality_lut(stored, header, wanted, out)
    protocol = _protocol(header, protocols)
    common_notes = _file_notes(header)
    instance_number = header.integer("InstanceNumber")
    frames: list[DicomFrame] = []
    for layer, frame in enumerate(wanted):
        spacing, spacing_note = header.pixel_spacing(frame)
        position = header.position(frame)
        normal = header.normal(frame)
        location = header.number("SliceLocation", frame)
        if position is not None and normal is not None:
            position_mm: float | None = float(np.dot(position, normal))
        else:
            position_mm = location
        notes = common_notes + ((spacing_note,) if spacing_note else ())
        frame_name = dicom.name if dicom.frames == 1 else f"{dicom.name} [frame {frame + 1}]"
        window = header.window(frame)
        if out is None:
            slope, intercept = header.rescale(frame) or (1.0, 0.0)
            slice_ = Slice.from_stored(
                StoredPixels(stored[layer], slope, intercept),
                source=SliceSource.DICOM, source_name=frame_name, protocol=protocol,
                pixel_spacing_mm=spacing, position_mm=position_mm, window=window, notes=notes,
            )  # fmt: skip
        else:
            pixels = out[layer]
            pixels.flags.writeable = False
            slice_ = Slice(
                pixels=pixels,
                source=SliceSource.DICOM, source_name=frame_name, protocol=protocol,
                pixel_spacing_mm=spacing, position_mm=position_mm, window=window, notes=notes,
            )  # fmt: skip
        frames.append(
            DicomFrame(
                slice=slice_,
                image_position=position,
                normal=normal,
                slice_location=location,
                instance_number=instance_number,
                frame_index=frame,
                instance_key=dicom.instance_key,
            )
        )
    return frames


def _protocol(header: Header, cache: dict[tuple[str, ...], Protocol] | None) -> Protocol:
    key = header.protocol_key() if cache is not None else None
    if cache is None or key is None:
        return header.protocol()
    if key not in cache:
        cache[key] = header.protocol()
    return cache[key]


def _decode(
    dicom: DicomFile, wanted: list[int], into: npt.NDArray[Any] | None = None
) -> npt.NDArray[np.generic]:
    """Stored values of the wanted frames, shape (frames, rows, columns).

    Uncompressed data whose every allocated bit is used is taken as it is stored
    (``_native_frames``): the slices only read the stored values (to preview them and to
    compute SIs), so there is nothing to decode. Anything else is decoded by pydicom, which for
    Bits Stored < Bits Allocated masks the unused high bits, as the standard requires (PS3.5
    8.1.1).
    """
    ds = dicom.dataset
    dtype = _native_dtype(dicom)
    raw = _unread_pixel_data(dicom)
    shape = (dicom.frames, dicom.rows, dicom.columns)
    if into is not None and (raw is None or (into.dtype, into.shape) != (dtype, shape)):
        raise ValueError(
            f"stored_out must be an array of shape {shape} and dtype block_dtype() = "
            f"{dtype if raw is not None else None}; got {into.shape}, {into.dtype}"
        )
    try:
        native = None if dtype is None else _native_frames(dicom, dtype, raw, into)
        if native is not None:
            stack = native if wanted == list(range(dicom.frames)) else native[wanted]
        elif dicom.frames == 1:
            stack = decode_frame(ds)[np.newaxis]
        elif len(wanted) == 1:
            stack = decode_frame(ds, index=wanted[0])[np.newaxis]
        elif wanted == list(range(dicom.frames)):
            stack = decode_frame(ds)
        else:
            stack = decode_frame(ds)[wanted]
    except DicomReadError:
        raise
    except Exception as err:  # decoder errors come in many types; all mean a damaged image
        raise DicomReadError(
            f"{dicom.name}: the image data could not be decoded ({err}). The file may be damaged; "
            "export it again from PACS."
        ) from err
    if stack.shape != (len(wanted), dicom.rows, dicom.columns):
        raise DicomReadError(
            f"{dicom.name}: expected {dicom.frames} frame(s) of {dicom.rows} x "
            f"{dicom.columns} pixels, decoded an array of shape {stack.shape}."
        )
    return stack


def block_dtype(dicom: DicomFile) -> np.dtype[Any] | None:
    """The dtype in which ``decode_frames(..., stored_out=...)`` reads the file's stored values
    from disk into a caller's array, or None when it cannot: pixel data already in memory (an
    upload, or smaller than ``DEFER_SIZE``), compressed, big-endian, other than 8 or 16 bits,
    or with unused high bits (those need decoding)."""
    if _unread_pixel_data(dicom) is None:
        return None
    return _native_dtype(dicom)


def _native_dtype(dicom: DicomFile) -> np.dtype[Any] | None:
    """Little-endian (u)int8/16 when the pixel data is those values as stored, else None."""
    header = dicom.header
    uid = transfer_syntax(dicom.dataset)
    bits = header.integer("BitsAllocated")
    signed = header.integer("PixelRepresentation") or 0
    if uid not in _NATIVE_SYNTAXES or bits not in (8, 16) or signed > 1:
        return None
    if header.integer("BitsStored") != bits or _PIXEL_DATA not in dicom.dataset:
        return None
    return np.dtype(f"<{'i' if signed else 'u'}{bits // 8}")


def _unread_pixel_data(dicom: DicomFile) -> RawDataElement | None:
    """The pixel data element when its value is still on disk (``DEFER_SIZE``), else None."""
    ds = dicom.dataset
    # pydicom annotates get_item as returning a DataElement; unread, it is a RawDataElement.
    raw = cast("DataElement | RawDataElement | None", ds.get_item(_PIXEL_DATA, keep_deferred=True))
    if isinstance(raw, RawDataElement) and raw.value is None and isinstance(ds.filename, str):
        return raw
    return None


def _native_frames(
    dicom: DicomFile,
    dtype: np.dtype[Any],
    raw: RawDataElement | None,
    into: npt.NDArray[Any] | None,
) -> npt.NDArray[np.integer[Any]] | None:
    """All frames of pixel data stored as ``dtype`` values (``_native_dtype``), as stored.

    The same values as ``pydicom.pixels.pixel_array(ds)`` (tested), without its ~0.2 ms of
    option handling per file. Pixel data not read yet (``raw``) is read from the file straight
    into ``into`` (or a new array): a series then fills one block, which the kernel maps as a
    few huge pages, where holding each file's bytes costs ~2 500 page faults per 20 files (~20%
    of the loading time). Pixel data in memory is viewed read-only, not copied. None when the
    pixel data is shorter than the image (pydicom then reports it).
    """
    shape = (dicom.frames, dicom.rows, dicom.columns)
    if raw is not None:
        target = np.empty(shape, dtype) if into is None else into
        _read_into(dicom, raw, target)
        return target
    data = dicom.header.value("PixelData")
    count = dicom.frames * dicom.rows * dicom.columns
    if not isinstance(data, bytes) or len(data) < count * dtype.itemsize:
        return None
    return np.frombuffer(data, dtype=dtype, count=count).reshape(shape)


def _read_into(dicom: DicomFile, raw: RawDataElement, target: npt.NDArray[Any]) -> None:
    """Read the bytes of a deferred pixel data value into ``target`` (C-contiguous)."""
    ds = dicom.dataset
    with open(str(ds.filename), "rb") as fh:
        if ds.timestamp is not None and os.fstat(fh.fileno()).st_mtime != ds.timestamp:
            raise DicomReadError(
                f"{dicom.name} changed on disk while it was being read; load it again."
            )
        fh.seek(raw.value_tell)
        got = fh.readinto(target.data.cast("B"))
    if got != target.nbytes:
        raise DicomReadError(
            f"{dicom.name} is truncated: its image data holds {got} bytes but the header "
            f"promises {target.nbytes}. Copy it again from PACS."
        )


def _modality_lut(
    stored: npt.NDArray[np.generic],
    header: Header,
    frames: list[int],
    out: npt.NDArray[np.float64],
) -> None:
    """Write the modality-LUT output of ``stored`` into ``out`` (float64, same shape).

    A Modality LUT Sequence goes through ``pydicom.pixels.apply_modality_lut``. The usual linear
    rescale (top level, or per frame in an Enhanced MR file's Pixel Value Transformation group,
    which pydicom does not read) is ``stored * slope + intercept`` computed straight into
    ``out``: the same arithmetic as pydicom's (float64 multiply, then add; tested to be
    bit-identical) without its two temporary arrays.
    """
    if _MODALITY_LUT_SEQUENCE in header.ds:
        out[...] = apply_modality_lut(stored, header.ds)
        return
    for layer, frame in enumerate(frames):
        factors = header.rescale(frame)
        target = out[layer]
        if factors is None or factors == (1.0, 0.0):
            target[...] = stored[layer]
            continue
        slope, intercept = factors
        np.multiply(stored[layer], slope, out=target, dtype=np.float64)
        target += intercept


def _file_notes(header: Header) -> tuple[str, ...]:
    notes: list[str] = []
    if header.text("PhotometricInterpretation") == "MONOCHROME1":
        notes.append(
            "MONOCHROME1 image: low values are meant to look white; SIs are unchanged, the "
            "preview shows high values white."
        )
    if _PHILIPS_SCALE_SLOPE in header.ds:
        notes.append(
            "Philips private scale slope present: SIs are the displayed values (after "
            "RescaleSlope/Intercept), as a DICOM viewer shows them, not Philips floating-point "
            "values."
        )
    return tuple(notes)
