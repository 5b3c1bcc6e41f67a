"""Read DICOM MR files into ``Slice`` records: check the header, decode, apply the modality LUT."""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pydicom
from pydicom.dataset import Dataset
from pydicom.pixels import apply_modality_lut, get_decoder
from pydicom.pixels import pixel_array as decode_frame
from pydicom.uid import UID

from vbqcore.dicom_header import Header
from vbqcore.errors import DicomReadError
from vbqcore.slices import Protocol, Slice, SliceSource
from vbqcore.sources import LoadedSource, check_image_size

__all__ = ["DicomFile", "DicomFrame", "open_dicom", "decode_frames", "DEFER_SIZE"]

logger = logging.getLogger(__name__)

#: Element values larger than this are read from disk only when used, so an oversized image is
#: refused from its header without loading its pixel data into memory.
DEFER_SIZE = "64 MB"

_PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
_GREYSCALE = ("MONOCHROME1", "MONOCHROME2")
_PHILIPS_SCALE_SLOPE = 0x2005100E  # Philips private "Scale Slope" (floating-point values)


@dataclass(frozen=True, eq=False)
class DicomFile:
    """A DICOM file whose header passed every check; pixels not decoded yet.

    ``series_key`` (the SeriesInstanceUID) groups files; it is never shown or returned.
    ``series_label`` names the series for messages ("series 3 'SAG T2 FSE'").
    """

    name: str
    dataset: Dataset
    header: Header
    frames: int
    rows: int
    columns: int
    series_key: str | None
    series_label: str
    instance_key: str | None


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


def open_dicom(src: LoadedSource) -> DicomFile:
    """Read a DICOM header and refuse, before decoding pixels, what cannot be measured.

    Raises
    ------
    DicomReadError
        Unreadable file, no pixel data, colour image, larger than the size limits, a compression
        no installed decoder handles, or pixel data shorter than the header promises.
    """
    ds = _read_dataset(src)
    header = Header(ds)
    name = src.name
    if len(ds) == 0:
        raise DicomReadError(
            f"{name} is damaged or cut short: it starts like DICOM but no data element could be "
            "read from it. Copy it again from PACS."
        )
    if not any(keyword in ds for keyword in _PIXEL_KEYWORDS):
        rows, columns = header.integer("Rows"), header.integer("Columns")
        if rows and columns:  # an image header without its image: the file ends too early
            raise DicomReadError(
                f"{name} is incomplete: its header describes a {rows} x {columns} image but the "
                "file ends before the image data. It was probably cut short when copied; copy "
                "it again from PACS."
            )
        raise DicomReadError(
            f"{name} is a DICOM file without an image (no Pixel Data). It may be a report, a "
            "DICOMDIR index or a file that was cut short when copied; choose the image files "
            "of the series."
        )
    photometric = header.text("PhotometricInterpretation") or "MONOCHROME2"
    samples = header.integer("SamplesPerPixel") or 1
    if photometric not in _GREYSCALE or samples != 1:
        raise DicomReadError(
            f"{name} is a colour image (PhotometricInterpretation {photometric}). VBQ needs the "
            "greyscale MR signal: export the original MR series, not a coloured or annotated copy."
        )
    rows = header.integer("Rows") or 0
    columns = header.integer("Columns") or 0
    frames = header.frame_count()
    check_image_size(rows, columns, name=name, frames=frames, error=DicomReadError)
    _check_decoder(ds, name)
    _check_length(header, name, rows, columns, frames, samples)
    number = header.integer("SeriesNumber")
    description = header.text("SeriesDescription")
    label = f"series {number if number is not None else '?'}"
    label += f" '{description}'" if description else " (no description)"
    return DicomFile(
        name=name,
        dataset=ds,
        header=header,
        frames=frames,
        rows=rows,
        columns=columns,
        series_key=header.text("SeriesInstanceUID"),
        series_label=label,
        instance_key=header.text("SOPInstanceUID"),
    )


def _read_dataset(src: LoadedSource) -> Dataset:
    # A file with the "DICM" prefix is read strictly; one without it (no preamble) with force.
    force = src.head[128:132] != b"DICM"
    try:
        if src.path is not None:
            ds = pydicom.dcmread(src.path, force=force, defer_size=DEFER_SIZE)
        else:
            ds = pydicom.dcmread(io.BytesIO(src.data or b""), force=force)
    except Exception as err:  # pydicom raises many types for a damaged file; all mean the same
        raise DicomReadError(
            f"{src.name} looks like DICOM but its header cannot be read ({err}). The file may be "
            "damaged or incompletely copied; copy it again from PACS."
        ) from err
    if "TransferSyntaxUID" not in ds.file_meta:
        # No file meta (preamble-less file): record how pydicom actually parsed the data set,
        # which is what the pixel decoder needs to know.
        implicit, little_endian = ds.original_encoding
        if implicit is not False:
            ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
        elif little_endian is False:
            ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRBigEndian
        else:
            ds.file_meta.TransferSyntaxUID = pydicom.uid.ExplicitVRLittleEndian
    return ds


def _transfer_syntax(ds: Dataset) -> UID:
    return UID(str(ds.file_meta.TransferSyntaxUID))


def _check_decoder(ds: Dataset, name: str) -> None:
    if "PixelData" not in ds:
        return  # float pixel data is never compressed
    uid = _transfer_syntax(ds)
    label = uid.name if uid.is_valid and uid.name != uid else f"unknown ({uid})"
    try:
        decoder = get_decoder(uid)
    except NotImplementedError as err:
        raise DicomReadError(
            f"{name} uses a compression ({label}) that this tool cannot decode. Ask for the "
            "series to be exported uncompressed (Explicit VR Little Endian) or as JPEG 2000."
        ) from err
    if not decoder.is_available:
        missing = "; ".join(decoder.missing_dependencies) or "a decoder plugin"
        raise DicomReadError(
            f"{name} is compressed as {label}, and no decoder for it is installed ({missing}). "
            "Install the packages in requirements.txt, or export the series uncompressed."
        )


def _check_length(
    header: Header, name: str, rows: int, columns: int, frames: int, spp: int
) -> None:
    """Uncompressed pixel data shorter than Rows x Columns x frames means a truncated file."""
    ds = header.ds
    if "PixelData" not in ds or _transfer_syntax(ds).is_compressed:
        return
    bits = header.integer("BitsAllocated") or 16
    expected = rows * columns * frames * spp * bits // 8 if bits >= 8 else 0
    try:
        actual = len(ds.PixelData)
    except Exception as err:  # a deferred read of a file that vanished or was cut
        raise DicomReadError(f"{name}: the image data cannot be read ({err}).") from err
    if actual < expected:
        raise DicomReadError(
            f"{name} is truncated: its image data holds {actual} bytes but the header promises "
            f"{expected} ({rows} x {columns} pixels). The file was probably cut short when "
            "copied; copy it again from PACS."
        )


def decode_frames(
    dicom: DicomFile,
    indices: Sequence[int] | None = None,
    *,
    out: npt.NDArray[np.float64] | None = None,
    protocols: dict[tuple[str, ...], Protocol] | None = None,
) -> list[DicomFrame]:
    """Decode frames (all when ``indices`` is None) into ``DicomFrame`` records.

    SIs are the modality-LUT output (stored value x RescaleSlope + RescaleIntercept, or the
    Modality LUT Sequence), i.e. what a DICOM viewer reports for an ROI. ``out``, shape
    (len(indices), rows, columns), receives the SIs so a whole series can live in one block
    (one allocation instead of one per slice); each slice's pixels are a read-only view of it.
    ``protocols`` caches ``Protocol`` records by ``Header.protocol_key`` across the files of a
    series.
    """
    wanted = list(range(dicom.frames)) if indices is None else list(indices)
    shape = (len(wanted), dicom.rows, dicom.columns)
    if out is None:
        out = np.empty(shape, dtype=np.float64)
    elif out.shape != shape or out.dtype != np.float64:
        raise ValueError(f"out must be a float64 array of shape {shape}, got {out.shape}")
    stored = _decode(dicom, wanted)
    header = dicom.header
    _modality_lut(stored, header, wanted, out)
    protocol = _protocol(header, protocols)
    common_notes = _file_notes(header)
    instance_number = header.integer("InstanceNumber")
    frames: list[DicomFrame] = []
    for layer, frame in enumerate(wanted):
        pixels = out[layer]
        pixels.flags.writeable = False
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
        frames.append(
            DicomFrame(
                slice=Slice(
                    pixels=pixels,
                    source=SliceSource.DICOM,
                    source_name=frame_name,
                    protocol=protocol,
                    pixel_spacing_mm=spacing,
                    position_mm=position_mm,
                    window=header.window(frame),
                    notes=notes,
                ),
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


def _decode(dicom: DicomFile, wanted: list[int]) -> npt.NDArray[np.generic]:
    """Stored values of the wanted frames, shape (frames, rows, columns), decoded by pydicom.

    For uncompressed data whose every allocated bit is used, pydicom's ``view_only`` option
    returns a view of the file's bytes instead of a copy: the SIs are written to a new array
    right after, so the copy would be wasted. Otherwise (Bits Stored < Bits Allocated) pydicom
    copies and masks the unused high bits, as the standard requires (PS3.5 8.1.1).
    """
    ds = dicom.dataset
    every_bit_used = dicom.header.integer("BitsStored") == dicom.header.integer("BitsAllocated")
    view_only = every_bit_used and not _transfer_syntax(ds).is_compressed
    try:
        if dicom.frames == 1:
            stack = decode_frame(ds, view_only=view_only)[np.newaxis]
        elif len(wanted) == 1:
            stack = decode_frame(ds, index=wanted[0], view_only=view_only)[np.newaxis]
        elif wanted == list(range(dicom.frames)):
            stack = decode_frame(ds, view_only=view_only)
        else:
            stack = decode_frame(ds, view_only=view_only)[wanted]
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
    if "ModalityLUTSequence" in header.ds:
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
