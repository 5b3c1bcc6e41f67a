"""Header values read from the raw elements equal pydicom's conversions of the same elements."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from pydicom.dataelem import RawDataElement
from pydicom.multival import MultiValue

from tests.phantoms import pydicom_file, write_phantom_series
from vbqcore.imaging.dicom_header import Header

KEYWORDS = [
    "PixelSpacing", "ImagePositionPatient", "ImageOrientationPatient", "SliceLocation",
    "WindowCenter", "WindowWidth", "RescaleSlope", "RescaleIntercept", "InstanceNumber",
    "SeriesNumber", "EchoTime", "RepetitionTime", "MagneticFieldStrength", "ScanningSequence",
    "PhotometricInterpretation", "SeriesInstanceUID", "SOPInstanceUID", "Rows", "Columns",
    "BitsAllocated", "BitsStored", "SamplesPerPixel", "SeriesDescription", "Manufacturer",
]  # fmt: skip


def plain(value: object) -> object:
    """pydicom's value types (DSfloat, IS, UID, MultiValue) as plain Python values."""
    if isinstance(value, MultiValue | list):
        return [plain(v) for v in value]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    return None if value in ("", None) else str(value)


@pytest.mark.parametrize(
    "name", ["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR2_UNCR.dcm"]
)
def test_values_equal_pydicom_conversions(name: str) -> None:
    # Reference: pydicom's own conversion (ds[keyword].value) of a second copy of the file.
    header = Header(pydicom.dcmread(pydicom_file(name)))
    reference = pydicom.dcmread(pydicom_file(name))
    checked = 0
    for keyword in KEYWORDS:
        if keyword not in reference:
            assert header.value(keyword) is None
            continue
        assert plain(header.value(keyword)) == plain(reference[keyword].value), keyword
        checked += 1
    assert checked >= 15


def test_header_reads_leave_the_elements_unconverted(tmp_path: Path) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    ds = pydicom.dcmread(path)
    header = Header(ds)
    reference = pydicom.dcmread(path)
    assert header.position() == tuple(float(v) for v in reference.ImagePositionPatient)
    assert header.integer("Rows") == 256
    assert header.text("ScanningSequence") == "SE"
    for keyword in ("ImagePositionPatient", "Rows", "ScanningSequence"):
        assert isinstance(ds.get_item(keyword), RawDataElement)


@pytest.mark.filterwarnings("ignore:Invalid value for VR IS")  # pydicom's, on the fallback
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"1.0 ", 1),  # IS written as a decimal: not an int literal, so pydicom converts it
        (b"  ", None),  # empty
        (b"7\\8", 7),  # multi-valued: the first
        (b"x1", None),  # not a number: pydicom converts (warns) and the header says unknown
    ],
)
def test_unusual_integer_strings_fall_back_to_pydicom(
    tmp_path: Path, raw: bytes, expected: int | None
) -> None:
    (path,) = write_phantom_series(tmp_path, n_slices=1)
    ds = pydicom.dcmread(path)
    ds[0x00200013] = pydicom.DataElement(0x00200013, "IS", None)
    ds.save_as(path)
    data = path.read_bytes()
    marker = b"\x20\x00\x13\x00IS\x00\x00"  # InstanceNumber, explicit VR, empty
    assert marker in data
    padded = raw + (b" " if len(raw) % 2 else b"")
    data = data.replace(marker, marker[:6] + len(padded).to_bytes(2, "little") + padded)
    path.write_bytes(data)
    assert Header(pydicom.dcmread(path)).integer("InstanceNumber") == expected
