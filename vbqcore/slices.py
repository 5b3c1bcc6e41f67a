"""What every loader returns: a 2-D ``Slice`` and the de-identified ``Protocol`` behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.anatomy import Sequence

__all__ = ["Protocol", "Slice", "SliceSource"]


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequence_guess": self.sequence_guess.value,
            "series_description": self.series_description,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "field_strength_t": self.field_strength_t,
            "tr_ms": self.tr_ms,
            "te_ms": self.te_ms,
            "ti_ms": self.ti_ms,
            "scanning_sequence": self.scanning_sequence,
        }


@dataclass(frozen=True, eq=False)
class Slice:
    """One 2-D image ready to measure.

    ``pixels`` is float64, shape (rows, columns), with the DICOM modality LUT applied
    (RescaleSlope/Intercept), so an ROI mean equals what a DICOM viewer reports for it.
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

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.pixels.shape
        return int(rows), int(cols)

    @property
    def pixel_area_mm2(self) -> float | None:
        if self.pixel_spacing_mm is None:
            return None
        return float(self.pixel_spacing_mm[0] * self.pixel_spacing_mm[1])
