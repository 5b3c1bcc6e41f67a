"""Read the few DICOM header facts vbqcore needs, per frame, and nothing that names the patient."""

from __future__ import annotations

import logging
import math
from functools import cache
from typing import Any, cast

from pydicom.datadict import dictionary_VR, tag_for_keyword
from pydicom.dataelem import DataElement, RawDataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.tag import BaseTag, Tag

from vbqcore.imaging.sequence_guess import guess_sequence
from vbqcore.imaging.slices import Protocol

__all__ = ["Header"]

logger = logging.getLogger(__name__)

# Where an Enhanced MR (multi-frame) file keeps, inside its functional groups, what a classic MR
# file keeps at the top level: attribute keyword -> the keyword to look for inside the groups.
_FUNCTIONAL_GROUP_ALIASES = {
    "EchoTime": "EffectiveEchoTime",  # MR Echo Sequence
    "InversionTime": "InversionTimes",  # MR Modifier Sequence
}
_PROTOCOL_KEYWORDS = (
    "MagneticFieldStrength", "SeriesDescription", "ScanningSequence", "RepetitionTime",
    "EchoTime", "InversionTime", "Manufacturer", "ManufacturerModelName", "Modality",
    "BurnedInAnnotation", "SOPClassUID",
)  # fmt: skip
#: Secondary Capture storage SOP classes (PS3.4 B.5): screen grabs and scanned films saved as
#: DICOM, whose pixels often carry the patient's name and dates as text.
_SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError)


@cache
def _tag(keyword: str) -> BaseTag:
    tag = tag_for_keyword(keyword)
    if tag is None:
        raise KeyError(f"not a DICOM keyword: {keyword}")
    return Tag(tag)


class Header:
    """Typed, per-frame access to one data set's header.

    Enhanced (multi-frame) MR files put pixel spacing, position, rescale, window and timing in
    functional-group macros (DICOM PS3.3 C.7.6.16); ``value`` looks at the top level, then the
    frame's Per-Frame Functional Groups, then the Shared Functional Groups, so one lookup serves
    both kinds of file. Lookups go by tag (one dictionary access each): the header is read for
    every slice of a series, so this is on the loading hot path. A value that does not parse
    (e.g. a malformed DS) counts as absent, and the caller then says "unknown".
    """

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        per_frame = self._get(ds, "PerFrameFunctionalGroupsSequence")
        shared = self._get(ds, "SharedFunctionalGroupsSequence")
        self._per_frame: list[Dataset] = list(per_frame) if per_frame else []
        self._shared: Dataset | None = shared[0] if shared else None

    @staticmethod
    def _get(ds: Dataset, keyword: str) -> Any:
        tag = _tag(keyword)
        # As read from the file (not converted yet, the first time), or None when absent;
        # pydicom's annotation says DataElement only.
        raw = cast("DataElement | RawDataElement | None", ds.get_item(tag, keep_deferred=True))
        if raw is None:
            return None
        if isinstance(raw, RawDataElement):
            quick = _raw_value(raw, tag)
            if quick is not _SLOW:
                return quick
        try:
            element = ds.get(tag)
        except _PARSE_ERRORS as err:
            logger.warning(
                "DICOM attribute %s cannot be read (%s); treated as absent", keyword, err
            )
            return None
        return None if element is None else element.value

    def value(self, keyword: str, frame: int = 0) -> Any:
        """The value of ``keyword`` for ``frame`` (top level, per-frame, shared), or None."""
        found = self._get(self.ds, keyword)
        if found is not None or (not self._per_frame and self._shared is None):
            return found
        alias = _FUNCTIONAL_GROUP_ALIASES.get(keyword, keyword)
        groups = [self._per_frame[frame]] if 0 <= frame < len(self._per_frame) else []
        groups += [self._shared] if self._shared is not None else []
        for group in groups:
            for element in group:
                if element.VR != "SQ" or not element.value:
                    continue
                found = self._get(element.value[0], alias)
                if found is not None:
                    return found
        return None

    def number(self, keyword: str, frame: int = 0) -> float | None:
        """A numeric attribute as a finite float (the first value if multi-valued), else None."""
        value = _first(self.value(keyword, frame))
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except _PARSE_ERRORS:
            return None
        return number if math.isfinite(number) else None

    def integer(self, keyword: str, frame: int = 0) -> int | None:
        number = self.number(keyword, frame)
        return None if number is None else int(number)

    def text(self, keyword: str) -> str | None:
        """A text attribute, stripped, multiple values joined by a backslash; None when empty."""
        value = self.value(keyword)
        if value is None:
            return None
        if isinstance(value, MultiValue | list | tuple):
            text = "\\".join(str(v).strip() for v in value)
        else:
            text = str(value).strip()
        return text or None

    def numbers(self, keyword: str, count: int, frame: int = 0) -> tuple[float, ...] | None:
        """Exactly ``count`` finite numbers (e.g. ImagePositionPatient), else None."""
        value = self.value(keyword, frame)
        if value is None:
            return None
        try:
            numbers = tuple(float(v) for v in value)
        except _PARSE_ERRORS:
            return None
        if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
            return None
        return numbers

    def protocol_key(self) -> tuple[str, ...] | None:
        """The undecoded bytes of the protocol attributes, to reuse one ``Protocol`` across the
        files of a series without parsing the same values again; None for Enhanced MR files
        (their timing lives in functional groups)."""
        if self._per_frame or self._shared is not None:
            return None
        key = []
        for keyword in _PROTOCOL_KEYWORDS:
            element = self.ds.get_item(_tag(keyword))
            key.append("" if element is None else repr(element.value))
        return tuple(key)

    def protocol(self) -> Protocol:
        """Copy the acquisition facts (never an identifier) into a ``Protocol``.

        Field strength is MagneticFieldStrength in tesla; a value above 20 can only be gauss
        (written by some old scanners) and is converted (1 T = 10 000 G).
        """
        field = self.number("MagneticFieldStrength")
        if field is not None and field > 20:
            field = field / 10_000.0
        field = _positive(field)
        description = self.text("SeriesDescription")
        scanning = self.text("ScanningSequence")
        tr_ms = _positive(self.number("RepetitionTime"))
        te_ms = _positive(self.number("EchoTime"))
        ti_ms = _positive(self.number("InversionTime"))
        return Protocol(
            sequence_guess=guess_sequence(
                series_description=description,
                scanning_sequence=scanning,
                tr_ms=tr_ms,
                te_ms=te_ms,
                ti_ms=ti_ms,
                field_strength_t=field,
            ),
            series_description=description,
            manufacturer=self.text("Manufacturer"),
            model=self.text("ManufacturerModelName"),
            field_strength_t=field,
            tr_ms=tr_ms,
            te_ms=te_ms,
            ti_ms=ti_ms,
            scanning_sequence=scanning,
            modality=self.text("Modality"),
            burned_in_annotation=self.burned_in_annotation(),
        )

    def burned_in_annotation(self) -> bool | None:
        """Whether the pixels may hold burned-in text: BurnedInAnnotation (0028,0301) YES/NO;
        a Secondary Capture without an explicit NO counts as YES; None when the header is
        silent (as most MR images are)."""
        flag = (self.text("BurnedInAnnotation") or "").strip().upper()
        if flag in {"YES", "NO"}:
            return flag == "YES"
        sop_class = self.text("SOPClassUID") or ""
        return True if sop_class.startswith(_SECONDARY_CAPTURE) else None

    def pixel_spacing(self, frame: int = 0) -> tuple[tuple[float, float] | None, str | None]:
        """(row spacing, column spacing) in mm, and a note when it is a fallback or missing.

        PixelSpacing (0028,0030) is the patient-plane spacing; ImagerPixelSpacing (0018,1164) is
        measured at the detector and used only when the former is missing.
        """
        for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
            pair = self.numbers(keyword, 2, frame)
            if pair is not None and pair[0] > 0 and pair[1] > 0:
                note = None
                if keyword == "ImagerPixelSpacing":
                    note = "Pixel spacing taken from ImagerPixelSpacing (PixelSpacing is missing)."
                return (pair[0], pair[1]), note
        return None, "No pixel spacing in the header: ROI areas are in pixels, not mm²."

    def normal(self, frame: int = 0) -> tuple[float, float, float] | None:
        """Unit normal of the image plane: row x column direction of ImageOrientationPatient."""
        cosines = self.numbers("ImageOrientationPatient", 6, frame)
        if cosines is None:
            return None
        rx, ry, rz, cx, cy, cz = cosines
        normal = (ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx)
        length = math.sqrt(sum(n * n for n in normal))
        if length < 1e-6:
            return None
        return (normal[0] / length, normal[1] / length, normal[2] / length)

    def position(self, frame: int = 0) -> tuple[float, float, float] | None:
        """ImagePositionPatient (mm): the centre of the first transmitted pixel."""
        found = self.numbers("ImagePositionPatient", 3, frame)
        return None if found is None else (found[0], found[1], found[2])

    def window(self, frame: int = 0) -> tuple[float, float] | None:
        """(WindowCenter, WindowWidth), the first pair if several; None if absent or width <= 0."""
        center = self.number("WindowCenter", frame)
        width = self.number("WindowWidth", frame)
        if center is None or width is None or width <= 0:
            return None
        return center, width

    def rescale(self, frame: int = 0) -> tuple[float, float] | None:
        """(RescaleSlope, RescaleIntercept): top level, or an Enhanced MR file's Pixel Value
        Transformation functional group (which ``pydicom.pixels.apply_modality_lut`` does not
        read). A missing slope is 1, a missing intercept 0; None when both are missing."""
        slope = self.number("RescaleSlope", frame)
        intercept = self.number("RescaleIntercept", frame)
        if slope is None and intercept is None:
            return None
        return (1.0 if slope is None else slope), (0.0 if intercept is None else intercept)

    def frame_count(self) -> int:
        """NumberOfFrames, 1 when absent or nonsensical."""
        frames = self.integer("NumberOfFrames")
        return frames if frames is not None and frames > 0 else 1


# pydicom converts an element on first access, with validation, hooks and character-set
# handling: ~25 us an element. A series' header is read for every file (20 files x ~20 elements
# on the loading path), so the few value representations read here are parsed from the raw
# element directly: those written in the default character repertoire only (DICOM PS3.5 6.2),
# whose bytes read the same whatever the SpecificCharacterSet -- decimal and integer strings
# (DS, IS), code strings (CS), UIDs (UI) -- plus a single unsigned short (US, in the file's byte
# order) and OB/OW bytes (the pixel data, as stored). Anything else, or anything unusual, goes
# to pydicom (``_SLOW``).
_ASCII_VRS = frozenset({"DS", "IS", "CS", "UI"})
_SLOW = object()


@cache
def _dictionary_vr(tag: BaseTag) -> str | None:
    try:
        return str(dictionary_VR(tag))
    except KeyError:
        return None


def _raw_value(raw: RawDataElement, tag: BaseTag) -> Any:
    """The value of an unconverted element: float/int/str (a list when multi-valued, None when
    empty) for DS/IS/CS/UI, int for US, bytes for OB/OW; ``_SLOW`` when pydicom should convert
    it."""
    vr = raw.VR or _dictionary_vr(tag)  # an implicit-VR file records no VR
    data = raw.value
    if not isinstance(data, bytes):  # None: a deferred read
        return _SLOW
    if vr in ("OB", "OW"):
        return data
    if vr == "US" and len(data) == 2:
        return int.from_bytes(data, "little" if raw.is_little_endian else "big")
    if vr not in _ASCII_VRS:
        return _SLOW
    if not data.strip(b" \0"):
        return None
    try:
        parts = data.decode("ascii").strip(" \0").split("\\")
        if vr == "DS":
            values: list[Any] = [float(part) for part in parts]
        elif vr == "IS":
            values = [int(part) for part in parts]
        else:
            values = [part.strip(" \0") for part in parts]
    except ValueError:  # also UnicodeDecodeError; pydicom then decides (e.g. IS "1.0")
        return _SLOW
    return values[0] if len(values) == 1 else values


def _first(value: Any) -> Any:
    if isinstance(value, MultiValue | list | tuple):
        return value[0] if len(value) else None
    return value


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None
