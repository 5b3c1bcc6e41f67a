"""What every loader returns: a 2-D ``Slice`` and the de-identified ``Protocol`` behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from vbqcore.anatomy import Sequence
from vbqcore.errors import VbqInputError

__all__ = ["Protocol", "Slice", "SliceSource", "StoredPixels"]


class SliceSource(StrEnum):
    """Where the pixel values come from: scanner values (DICOM) or display values (screenshot)."""

    DICOM = "dicom"
    SCREENSHOT = "screenshot"


@dataclass(frozen=True)
class Protocol:
    """Acquisition facts needed to judge whether published cut-offs apply to this scan.

    Holds no patient identifier by construction: loaders copy only these fields from a header.
    Times are in milliseconds, field strength in tesla; ``None`` where the header does not say.
    """

    sequence_guess: Sequence = Sequence.UNKNOWN
    series_description: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    field_strength_t: float | None = None
    tr_ms: float | None = None
    te_ms: float | None = None
    ti_ms: float | None = None
    scanning_sequence: str | None = None
    modality: str | None = None  # DICOM Modality (0008,0060): "MR", "CT", "OT", ...
    #: BurnedInAnnotation from the header (True also for Secondary Capture); None if silent.
    burned_in_annotation: bool | None = None

    def normalised_description(self) -> str:
        """ "T2 · GE MEDICAL SYSTEMS Signa HDxt · 1.5 T · TR 3000 ms · TE 100 ms": the facts an
        export may carry, built from coded header fields only (SeriesDescription is free text
        that may hold a name, so it is shown in the app but never exported)."""
        maker = " ".join(p for p in (self.manufacturer, self.model) if p) or "vendor unknown"
        field = "field unknown" if self.field_strength_t is None else f"{self.field_strength_t:g} T"
        timing = [
            f"{name} {value:g} ms"
            for name, value in (("TR", self.tr_ms), ("TE", self.te_ms), ("TI", self.ti_ms))
            if value is not None
        ]
        seq = self.sequence_guess
        shown = "sequence unknown" if seq is Sequence.UNKNOWN else seq.value
        return " · ".join([shown, maker, field, *timing])

    def to_dict(self, *, free_text: bool = False) -> dict[str, Any]:
        """The protocol for JSON output and exports.

        ``series_description`` (free text typed at the scanner) is ``None`` unless
        ``free_text``; ``description`` is the normalised one (``normalised_description``).
        """
        return {
            "sequence_guess": self.sequence_guess.value,
            "series_description": self.series_description if free_text else None,
            "description": self.normalised_description(),
            "manufacturer": self.manufacturer,
            "model": self.model,
            "field_strength_t": self.field_strength_t,
            "tr_ms": self.tr_ms,
            "te_ms": self.te_ms,
            "ti_ms": self.ti_ms,
            "scanning_sequence": self.scanning_sequence,
            "modality": self.modality,
            "burned_in_annotation": self.burned_in_annotation,
        }


@dataclass(frozen=True, eq=False)
class StoredPixels:
    """A DICOM frame's stored values and the linear modality LUT that turns them into SIs.

    SI = stored value x ``slope`` + ``intercept`` (RescaleSlope/Intercept, DICOM PS3.3
    C.11.1.1.2), computed in float64 as a multiply then an add: the arithmetic of
    ``pydicom.pixels.apply_modality_lut``, so the SIs are bit-identical to pydicom's. A DICOM
    ``Slice`` keeps these (2 bytes a pixel for 16-bit data) and converts them on the first read
    of ``Slice.pixels`` (8 bytes a pixel): a series needs previews of every slice, but SIs only
    where ROIs are measured. ``values`` is kept read-only, in native byte order.
    """

    values: npt.NDArray[np.integer[Any]]
    slope: float = 1.0
    intercept: float = 0.0

    def __post_init__(self) -> None:
        values = np.asarray(self.values)
        if values.ndim != 2 or values.dtype.kind not in "iu":
            raise VbqInputError(
                f"Stored pixel values must be a 2-D integer array, got {values.dtype} of shape "
                f"{values.shape}."
            )
        if values.dtype.isnative:
            values = values.view()
        else:  # big-endian data on a little-endian machine: one copy, in the order numpy
            values = values.astype(values.dtype.newbyteorder("="))  # computes with fastest
        values.flags.writeable = False
        object.__setattr__(self, "values", values)

    def to_si(self, stored: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        """SIs (float64, a new array) of an array of stored values, e.g. ``values``."""
        if self.slope == 1.0 and self.intercept == 0.0:
            return np.array(stored, dtype=np.float64)
        si: npt.NDArray[np.float64] = np.multiply(stored, self.slope, dtype=np.float64)
        si += self.intercept
        return si

    @cached_property
    def si(self) -> npt.NDArray[np.float64]:
        """The frame's SIs, float64 (rows, columns), read-only; computed once, on first use."""
        si = self.to_si(self.values)
        si.flags.writeable = False
        return si

    def __getstate__(self) -> dict[str, Any]:
        # Pickle (st.cache_data, multiprocessing) the stored values only: 4x smaller for
        # 16-bit data, and the SIs are recomputed identically when needed.
        state = dict(self.__dict__)
        state.pop("si", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["values"].flags.writeable = False  # unpickled arrays come back writeable
        self.__dict__.update(state)


@dataclass(frozen=True, eq=False)
class Slice:
    """One 2-D image ready to measure.

    ``pixels`` is float64, shape (rows, columns), read-only, with the DICOM modality LUT applied
    (RescaleSlope/Intercept), so an ROI mean equals what a DICOM viewer reports for it. A slice
    made by ``from_stored`` (the DICOM reader) holds the stored values and computes ``pixels``
    on first read (see ``StoredPixels``); to the caller ``pixels`` is the same array either way.
    ``pixel_spacing_mm`` is (row spacing, column spacing) in mm, ``None`` when unknown
    (screenshots). ``position_mm`` is the slice's position along the stack's normal, used to
    sort a series and find the mid-sagittal slice. ``notes`` are user-facing caveats (e.g. SIs
    from a screenshot are display values, not scanner values).
    """

    pixels: npt.NDArray[np.float64]
    source: SliceSource
    source_name: str
    protocol: Protocol = field(default_factory=Protocol)
    pixel_spacing_mm: tuple[float, float] | None = None
    position_mm: float | None = None
    window: tuple[float, float] | None = None  # (center, width) from the header, if any
    notes: tuple[str, ...] = ()

    @classmethod
    def from_stored(
        cls,
        stored: StoredPixels,
        *,
        source: SliceSource,
        source_name: str,
        protocol: Protocol | None = None,
        pixel_spacing_mm: tuple[float, float] | None = None,
        position_mm: float | None = None,
        window: tuple[float, float] | None = None,
        notes: tuple[str, ...] = (),
    ) -> Slice:
        """A slice whose ``pixels`` are ``stored``'s SIs, computed on their first read."""
        return cls(
            cast("npt.NDArray[np.float64]", stored),  # _Pixels below accepts either
            source=source,
            source_name=source_name,
            protocol=protocol or Protocol(),
            pixel_spacing_mm=pixel_spacing_mm,
            position_mm=position_mm,
            window=window,
            notes=notes,
        )

    @property
    def stored_pixels(self) -> StoredPixels | None:
        """The stored values behind ``pixels`` (DICOM slices); None when made from SIs."""
        held = self.__dict__["pixels"]
        return held if isinstance(held, StoredPixels) else None

    @property
    def shape(self) -> tuple[int, int]:
        held = self.__dict__["pixels"]
        rows, cols = (held.values if isinstance(held, StoredPixels) else held).shape
        return int(rows), int(cols)

    def __setstate__(self, state: dict[str, Any]) -> None:
        held = state.get("pixels")
        if isinstance(held, np.ndarray):
            held.flags.writeable = False  # unpickled arrays come back writeable
        self.__dict__.update(state)

    @property
    def pixel_area_mm2(self) -> float | None:
        if self.pixel_spacing_mm is None:
            return None
        return float(self.pixel_spacing_mm[0] * self.pixel_spacing_mm[1])


class _Pixels:
    """Reads and sets ``Slice.pixels``: an SI array as given, or a ``StoredPixels`` read as its SIs.

    A data descriptor, so it sits between the dataclass and the instance ``__dict__`` (where the
    value stays under "pixels"): ``Slice(pixels=...)``, ``dataclasses.replace``/``fields``,
    pickling and the frozen dataclass's refusal to reassign work as for a plain field.
    """

    def __get__(self, obj: Slice | None, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        held = obj.__dict__["pixels"]
        return held.si if isinstance(held, StoredPixels) else held

    def __set__(self, obj: Slice, value: npt.NDArray[np.float64] | StoredPixels) -> None:
        obj.__dict__["pixels"] = value  # only from __init__: frozen __setattr__ refuses others


# Installed after @dataclass has made ``pixels`` a field without a default (a descriptor in the
# class body would be taken for its default value).
Slice.pixels = _Pixels()  # type: ignore[assignment]
