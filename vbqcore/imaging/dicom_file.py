"""Open a DICOM file and refuse, from its header and before decoding, what cannot be measured."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import cast

import pydicom
from pydicom.dataelem import DataElement, RawDataElement
from pydicom.dataset import Dataset
from pydicom.pixels import get_decoder
from pydicom.tag import Tag
from pydicom.uid import UID, DeflatedExplicitVRLittleEndian

from vbqcore.errors import DicomReadError
from vbqcore.imaging.dicom_header import Header
from vbqcore.imaging.sources import LoadedSource, check_image_size

__all__ = ["DicomFile", "open_dicom", "transfer_syntax", "DEFER_SIZE"]

logger = logging.getLogger(__name__)

#: Element values larger than this (in practice the pixel data of all but tiny images) are read
#: from disk only when used: an oversized image is refused from its header without loading its
#: pixel data, a series' headers are all checked before any pixel data is read, and the pixel
#: data can then be read straight into one block for the series (``dicom_io.block_dtype``).
DEFER_SIZE = "64 KB"

# Tags, not keywords: ``keyword in ds`` looks the keyword up each time (~4 us), on every file.
_PIXEL_DATA = Tag(0x7FE00010)
_PIXEL_TAGS = (_PIXEL_DATA, Tag(0x7FE00008), Tag(0x7FE00009))  # integer, float, double pixels
_GREYSCALE = ("MONOCHROME1", "MONOCHROME2")


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
    if not any(tag in ds for tag in _PIXEL_TAGS):
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
    _check_length(header, src, rows, columns, frames, samples)
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
            if ds.file_meta.get("TransferSyntaxUID") == DeflatedExplicitVRLittleEndian:
                # Deferred values of a deflated file point into pydicom's inflated copy, not
                # into the file, and could not be read later: read it whole.
                ds = pydicom.dcmread(src.path, force=force)
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


def transfer_syntax(ds: Dataset) -> UID:
    """The data set's Transfer Syntax UID (set by ``open_dicom`` for files without file meta)."""
    uid = ds.file_meta.TransferSyntaxUID
    return uid if isinstance(uid, UID) else UID(str(uid))


def _check_decoder(ds: Dataset, name: str) -> None:
    if _PIXEL_DATA not in ds:
        return  # float pixel data is never compressed
    uid = transfer_syntax(ds)
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
    header: Header, src: LoadedSource, rows: int, columns: int, frames: int, spp: int
) -> None:
    """Uncompressed pixel data shorter than Rows x Columns x frames means a truncated file.

    Pixel data not read yet (``DEFER_SIZE``) is measured without reading it: the bytes the file
    holds from where the value starts, at most its declared length.
    """
    ds, name = header.ds, src.name
    if _PIXEL_DATA not in ds or transfer_syntax(ds).is_compressed:
        return
    bits = header.integer("BitsAllocated") or 16
    expected = rows * columns * frames * spp * bits // 8 if bits >= 8 else 0
    # pydicom annotates get_item as returning a DataElement; unread, it is a RawDataElement.
    raw = cast("DataElement | RawDataElement | None", ds.get_item(_PIXEL_DATA, keep_deferred=True))
    try:
        if isinstance(raw, RawDataElement) and raw.value is None and src.path is not None:
            actual = max(0, min(raw.length, src.path.stat().st_size - raw.value_tell))
        else:
            actual = len(header.value("PixelData"))
    except Exception as err:  # a file that vanished since its header was read
        raise DicomReadError(f"{name}: the image data cannot be read ({err}).") from err
    if actual < expected:
        raise DicomReadError(
            f"{name} is truncated: its image data holds {actual} bytes but the header promises "
            f"{expected} ({rows} x {columns} pixels). The file was probably cut short when "
            "copied; copy it again from PACS."
        )
