"""Synthetic sagittal lumbar MR phantoms (DICOM series, multi-frame, PNG) with known SIs.

Geometry at the default 256 x 256 (rows x columns; boxes half-open, ``[row0, row1) x [col0, col1)``,
row 0 at the top = cranial, column 0 at the left = anterior):

====================  ==========================  =========================================
label                 rows            columns     what
====================  ==========================  =========================================
background            0-256           0-256       soft tissue
T12, L1 ... L5        22+36k .. 50+36k  80-136    vertebral bodies, k = 0 (T12) ... 5 (L5):
                                                  T12 22-50, L1 58-86, L2 94-122, L3 130-158,
                                                  L4 166-194, L5 202-230 (28 x 56 pixels)
disc_<upper>_<lower>  50+36k .. 58+36k  80-136    discs between the bodies (8 x 56 pixels)
CSF                   10-246          148-160     CSF strip in the canal, posterior to bodies
marker                2-10            2-10        slice index k: SI = 1000 + 10 k (sorting tests)
====================  ==========================  =========================================

Other sizes scale every bound by rows/256 and cols/256 (rounded); use ``phantom_regions`` for the
exact boxes. SI values (after the modality LUT) are in ``PHANTOM_VALUES``; they are chosen so the
VBQ scores are round: VBQ-T1 = 400/100 = 4.0, VBQ-T2 = 330/600 = 0.55, VBQ-STIR = 116/362.5 = 0.32,
VBQ-T2-STIR = (330-116)/(600-362.5) = 214/237.5. The default rescale (slope 0.5, intercept -100)
maps every value to an integer stored value exactly, so ROI means are exact in float64.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import (
    UID,
    EnhancedMRImageStorage,
    ExplicitVRLittleEndian,
    MRImageStorage,
    generate_uid,
)

from tests.phantom_geometry import (
    EXPECTED_VBQ,
    PHANTOM_SIZE,
    PHANTOM_VALUES,
    SCREENSHOT_VALUES,
    Region,
    marker_region,
    marker_value,
    phantom_array,
    phantom_regions,
)
from vbqcore.anatomy import Sequence

__all__ = [
    "Region",
    "PHANTOM_SIZE",
    "PHANTOM_VALUES",
    "SCREENSHOT_VALUES",
    "DEFAULT_IDENTIFIERS",
    "EXPECTED_VBQ",
    "phantom_regions",
    "phantom_array",
    "marker_value",
    "marker_region",
    "write_phantom_series",
    "write_phantom_multiframe",
    "phantom_png",
    "pydicom_file",
]

#: Identifiers every phantom carries unless told otherwise, so de-identification can be tested.
DEFAULT_IDENTIFIERS: dict[str, str] = {
    "PatientName": "Phantom^Test",
    "PatientID": "PHANTOM-0001",
    "PatientBirthDate": "19500101",
}

_TIMING = {  # (TR ms, TE ms, TI ms, ScanningSequence, SeriesDescription): GE 1.5 T spine protocol
    Sequence.T1: (500.0, 10.0, None, ["SE"], "SAG T1 FSE"),
    Sequence.T2: (3000.0, 100.0, None, ["SE"], "SAG T2 FSE"),
    Sequence.STIR: (4000.0, 40.0, 150.0, ["SE", "IR"], "SAG STIR"),
}


def _stored(si: npt.NDArray[np.float64], slope: float, intercept: float) -> npt.NDArray[np.uint16]:
    raw = (si - intercept) / slope
    stored = np.rint(raw)
    if (
        not np.array_equal(stored * slope + intercept, si)
        or stored.min() < 0
        or stored.max() > 65535
    ):
        raise ValueError(
            f"SIs are not exactly representable as uint16 with slope {slope}, intercept "
            f"{intercept}: choose region values on the grid intercept + k * slope."
        )
    return stored.astype(np.uint16)


def _auto_window(si: npt.NDArray[np.float64]) -> tuple[float, float]:
    low, high = float(si.min()), float(si.max())
    return (low + high) / 2, max(high - low, 1.0)


def _base_dataset(
    *, sop_class: UID, sop_uid: UID, series_uid: UID, study_uid: UID, transfer_syntax: UID,
    identifiers: Mapping[str, str], manufacturer: str, model: str, field_strength: float,
    description: str | None, series_number: int,
) -> Dataset:  # fmt: skip
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = transfer_syntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, sop_uid
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
    ds.FrameOfReferenceUID = generate_uid(entropy_srcs=[str(study_uid), "for"])
    ds.Modality = "MR"
    for keyword, value in identifiers.items():
        setattr(ds, keyword, value)
    ds.Manufacturer, ds.ManufacturerModelName = manufacturer, model
    ds.MagneticFieldStrength = field_strength
    if description:
        ds.SeriesDescription = description
    ds.SeriesNumber = series_number
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    return ds


def write_phantom_series(
    directory: str | Path,
    *,
    sequence: Sequence = Sequence.T1,
    rows: int = PHANTOM_SIZE,
    cols: int = PHANTOM_SIZE,
    n_slices: int = 15,
    slope: float = 0.5,
    intercept: float = -100.0,
    values: Mapping[str, float] | None = None,
    pixel_spacing: tuple[float, float] = (1.09375, 1.09375),
    slice_spacing: float = 4.0,
    field_strength: float = 1.5,
    manufacturer: str = "GE MEDICAL SYSTEMS",
    model: str = "Signa HDxt",
    series_description: str | None = "",
    series_number: int = 3,
    series_seed: str = "phantom",
    window: tuple[float, float] | None | str = "auto",
    identifiers: Mapping[str, str] | None = None,
    transfer_syntax: UID = ExplicitVRLittleEndian,
    with_position: bool = True,
    with_slice_location: bool = True,
    with_instance_number: bool = True,
    prefix: str = "IM",
) -> list[Path]:
    """Write a sagittal series of ``n_slices`` MR files; return paths in slice order.

    Every slice holds the regions of ``phantom_regions`` plus a marker box of SI
    ``marker_value(k)`` (k = index along the slice normal), so a reader's sort order is checkable.
    Orientation is sagittal (ImageOrientationPatient 0\\1\\0\\0\\0\\-1); slice k sits at
    ``(k - (n-1)/2) * slice_spacing`` mm along the normal, which is also its SliceLocation.
    ``series_description=""`` uses the sequence's default ("SAG T1 FSE", "SAG T2 FSE",
    "SAG STIR"); ``None`` leaves it out (sequence then guessed from TR/TE/TI).
    ``window="auto"`` writes a window spanning the SIs, ``None`` none. ``transfer_syntax`` other
    than Explicit VR Little Endian is produced with ``Dataset.compress`` (RLE, JPEG 2000).
    Stored values are uint16 = (SI - intercept) / slope, exactly (``ValueError`` otherwise).
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    tr, te, ti, scanning, default_description = _TIMING[sequence]
    description = default_description if series_description == "" else series_description
    regions = phantom_regions(sequence, rows=rows, cols=cols, values=values)
    study_uid = generate_uid(entropy_srcs=[series_seed, "study"])
    series_uid = generate_uid(entropy_srcs=[series_seed, "series"])
    ids = DEFAULT_IDENTIFIERS if identifiers is None else identifiers
    paths = []
    for k in range(n_slices):
        si = phantom_array(sequence, rows=rows, cols=cols, regions=regions, slice_index=k)
        ds = _base_dataset(
            sop_class=MRImageStorage, sop_uid=generate_uid(entropy_srcs=[series_seed, str(k)]),
            series_uid=series_uid, study_uid=study_uid, transfer_syntax=ExplicitVRLittleEndian,
            identifiers=ids, manufacturer=manufacturer, model=model,
            field_strength=field_strength, description=description, series_number=series_number,
        )  # fmt: skip
        ds.ScanningSequence, ds.SequenceVariant = scanning, ["SK"]
        ds.RepetitionTime, ds.EchoTime = tr, te
        if ti is not None:
            ds.InversionTime = ti
        ds.SliceThickness = slice_spacing
        position = (k - (n_slices - 1) / 2) * slice_spacing
        if with_position:
            ds.ImageOrientationPatient = [0, 1, 0, 0, 0, -1]
            ds.ImagePositionPatient = [-position, -cols * pixel_spacing[1] / 2,
                                       rows * pixel_spacing[0] / 2]  # fmt: skip
        if with_slice_location:
            ds.SliceLocation = position
        if with_instance_number:
            ds.InstanceNumber = k + 1
        ds.Rows, ds.Columns = rows, cols
        ds.PixelSpacing = list(pixel_spacing)
        ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = slope, intercept, "US"
        if window == "auto":
            ds.WindowCenter, ds.WindowWidth = _auto_window(
                phantom_array(sequence, rows=rows, cols=cols, regions=regions)
            )
        elif isinstance(window, tuple):
            ds.WindowCenter, ds.WindowWidth = window
        ds.PixelData = _stored(si, slope, intercept).tobytes()
        if transfer_syntax != ExplicitVRLittleEndian:
            ds.compress(transfer_syntax)
        path = folder / f"{prefix}{k + 1:04d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def write_phantom_multiframe(
    path: str | Path,
    *,
    sequence: Sequence = Sequence.T2,
    rows: int = 128,
    cols: int = 128,
    n_frames: int = 5,
    slope: float = 0.5,
    intercept: float = -100.0,
    pixel_spacing: tuple[float, float] = (2.1875, 2.0),
    slice_spacing: float = 4.0,
    frame_order: list[int] | None = None,
    field_strength: float = 3.0,
    identifiers: Mapping[str, str] | None = None,
) -> Path:
    """Write an Enhanced MR (multi-frame) file; every per-slice fact in functional groups.

    Spacing, orientation, rescale, window and timing are in the Shared Functional Groups;
    ImagePositionPatient per frame. ``frame_order[i]`` is the position index stored as frame
    i (default: reversed, so a reader must sort); the marker box of frame i has SI
    ``marker_value(frame_order[i])``.
    """
    order = list(reversed(range(n_frames))) if frame_order is None else list(frame_order)
    tr, te, ti, _, description = _TIMING[sequence]
    regions = phantom_regions(sequence, rows=rows, cols=cols)
    ds = _base_dataset(
        sop_class=EnhancedMRImageStorage, sop_uid=generate_uid(entropy_srcs=["mf", "sop"]),
        series_uid=generate_uid(entropy_srcs=["mf", "series"]),
        study_uid=generate_uid(entropy_srcs=["mf", "study"]),
        transfer_syntax=ExplicitVRLittleEndian,
        identifiers=DEFAULT_IDENTIFIERS if identifiers is None else identifiers,
        manufacturer="SIEMENS", model="Skyra", field_strength=field_strength,
        description=description, series_number=7,
    )  # fmt: skip
    ds.Rows, ds.Columns, ds.NumberOfFrames = rows, cols, n_frames
    shared = Dataset()
    shared.PixelMeasuresSequence = _item(PixelSpacing=list(pixel_spacing),
                                         SliceThickness=slice_spacing)  # fmt: skip
    shared.PlaneOrientationSequence = _item(ImageOrientationPatient=[0, 1, 0, 0, 0, -1])
    shared.PixelValueTransformationSequence = _item(
        RescaleSlope=slope, RescaleIntercept=intercept, RescaleType="US"
    )
    center, width = _auto_window(phantom_array(sequence, rows=rows, cols=cols, regions=regions))
    shared.FrameVOILUTSequence = _item(WindowCenter=center, WindowWidth=width)
    shared.MRTimingAndRelatedParametersSequence = _item(RepetitionTime=tr)
    shared.MREchoSequence = _item(EffectiveEchoTime=te)
    if ti is not None:
        shared.MRModifierSequence = _item(InversionRecovery="YES", InversionTimes=[ti])
    ds.SharedFunctionalGroupsSequence = DicomSequence([shared])
    per_frame, stack = [], []
    for index in order:
        position = (index - (n_frames - 1) / 2) * slice_spacing
        item = Dataset()
        item.PlanePositionSequence = _item(
            ImagePositionPatient=[
                -position,
                -cols * pixel_spacing[1] / 2,
                rows * pixel_spacing[0] / 2,
            ]
        )
        item.FrameContentSequence = _item(InStackPositionNumber=index + 1)
        per_frame.append(item)
        si = phantom_array(sequence, rows=rows, cols=cols, regions=regions, slice_index=index)
        stack.append(_stored(si, slope, intercept))
    ds.PerFrameFunctionalGroupsSequence = DicomSequence(per_frame)
    ds.PixelData = np.stack(stack).tobytes()
    target = Path(path)
    ds.save_as(target, enforce_file_format=True)
    return target


def _item(**elements: object) -> DicomSequence:
    item = Dataset()
    for keyword, value in elements.items():
        setattr(item, keyword, value)
    return DicomSequence([item])


def phantom_png(
    *,
    mode: str = "L",
    sequence: Sequence = Sequence.T1,
    rows: int = PHANTOM_SIZE,
    cols: int = PHANTOM_SIZE,
    path: str | Path | None = None,
    image_format: str = "PNG",
) -> bytes:
    """A screenshot phantom (same geometry as ``phantom_regions``) as PNG (or TIFF/JPEG) bytes.

    Grey values: ``SCREENSHOT_VALUES`` for 8-bit modes ("L", "LA", "P", "RGB", "RGBA", the RGB
    ones with R = G = B), ``PHANTOM_VALUES`` x 100 for "I;16" (so values above 255 are tested).
    Written to ``path`` too when given.
    """
    if mode == "I;16":
        regions = phantom_regions(sequence, rows=rows, cols=cols)
        regions = {k: replace(r, value=r.value * 100) for k, r in regions.items()}
        grey = phantom_array(sequence, rows=rows, cols=cols, regions=regions).astype(np.uint16)
        image = Image.fromarray(grey)
    else:
        values = SCREENSHOT_VALUES[sequence]
        regions = phantom_regions(sequence, rows=rows, cols=cols, values=values)
        grey8 = phantom_array(sequence, rows=rows, cols=cols, regions=regions).astype(np.uint8)
        image = Image.fromarray(grey8).convert(mode) if mode != "L" else Image.fromarray(grey8)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def pydicom_file(name: str) -> str:
    """Path of a file bundled with pydicom or pydicom-data; skip the test if it is absent.

    ``download=False`` always: otherwise a missing file waits about 21 s for the network.
    """
    import pytest  # only here: the phantom writers work without pytest (benchmarks, demos)

    path = get_testdata_file(name, download=False)
    if path is None:
        pytest.skip(f"{name} is not installed (pydicom-data missing)")
    return str(path)
