"""Geometry and SI values of the synthetic sagittal lumbar phantom (see ``tests.phantoms``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vbqcore.anatomy import Level, Sequence

__all__ = [
    "Region",
    "PHANTOM_SIZE",
    "PHANTOM_VALUES",
    "SCREENSHOT_VALUES",
    "EXPECTED_VBQ",
    "phantom_regions",
    "phantom_array",
    "marker_value",
    "marker_region",
]

PHANTOM_SIZE = 256
LEVELS = [level.value for level in Level]  # T12 ... L5, cranial to caudal

#: SI of each region per sequence, in scanner units after the modality LUT. Discs share a value.
PHANTOM_VALUES: dict[Sequence, dict[str, float]] = {
    Sequence.T1: {"background": 200, "disc": 300, "CSF": 100,
                  "T12": 410, "L1": 420, "L2": 400, "L3": 380, "L4": 400, "L5": 390},
    Sequence.T2: {"background": 150, "disc": 500, "CSF": 600,
                  "T12": 335, "L1": 345, "L2": 330, "L3": 315, "L4": 330, "L5": 325},
    Sequence.STIR: {"background": 80, "disc": 400, "CSF": 362.5,
                    "T12": 118, "L1": 120, "L2": 116, "L3": 112, "L4": 116, "L5": 114},
}  # fmt: skip

#: Values of the 8-bit screenshot phantoms (same VBQ ratios: 200/50, 132/240, 80/250).
SCREENSHOT_VALUES: dict[Sequence, dict[str, float]] = {
    Sequence.T1: {"background": 100, "disc": 150, "CSF": 50,
                  "T12": 205, "L1": 210, "L2": 200, "L3": 190, "L4": 200, "L5": 195},
    Sequence.T2: {"background": 60, "disc": 200, "CSF": 240,
                  "T12": 134, "L1": 138, "L2": 132, "L3": 126, "L4": 132, "L5": 130},
    Sequence.STIR: {"background": 40, "disc": 220, "CSF": 250,
                    "T12": 82, "L1": 84, "L2": 80, "L3": 76, "L4": 80, "L5": 78},
}  # fmt: skip

#: VBQ = mean SI of L1-L4 / SI of CSF (Ehresman et al. 2020; Huang et al. 2026), by hand above.
EXPECTED_VBQ = {"T1": 4.0, "T2": 0.55, "STIR": 0.32, "T2-STIR": 214 / 237.5}


@dataclass(frozen=True)
class Region:
    """A rectangle of constant SI: rows ``row0 <= r < row1``, columns ``col0 <= c < col1``."""

    row0: int
    row1: int
    col0: int
    col1: int
    value: float

    @property
    def index(self) -> tuple[slice, slice]:
        return slice(self.row0, self.row1), slice(self.col0, self.col1)

    @property
    def pixel_count(self) -> int:
        return (self.row1 - self.row0) * (self.col1 - self.col0)

    @property
    def center(self) -> tuple[float, float]:
        """(row, column) of the centre, in pixel units."""
        return (self.row0 + self.row1) / 2, (self.col0 + self.col1) / 2

    def as_rect(self) -> dict[str, float]:
        """As a canvas/ROI rectangle in image pixels: x = column, y = row of the top-left."""
        return {"x": self.col0, "y": self.row0, "width": self.col1 - self.col0,
                "height": self.row1 - self.row0}  # fmt: skip


def _boxes_256() -> dict[str, tuple[int, int, int, int]]:
    boxes = {"background": (0, 256, 0, 256)}
    for k, level in enumerate(LEVELS):
        top = 22 + 36 * k
        boxes[level] = (top, top + 28, 80, 136)
        if k + 1 < len(LEVELS):
            boxes[f"disc_{level}_{LEVELS[k + 1]}"] = (top + 28, top + 36, 80, 136)
    boxes["CSF"] = (10, 246, 148, 160)
    return boxes


def phantom_regions(
    sequence: Sequence = Sequence.T1,
    *,
    rows: int = PHANTOM_SIZE,
    cols: int = PHANTOM_SIZE,
    values: Mapping[str, float] | None = None,
) -> dict[str, Region]:
    """Label -> ``Region`` (boxes of the table above scaled to rows x cols, values by sequence).

    ``values`` overrides values by label ("disc" sets every disc); painting order is the dict
    order (background first), and no two regions other than the background overlap.
    """
    table = dict(PHANTOM_VALUES[sequence])
    table.update(values or {})
    regions = {}
    for label, (r0, r1, c0, c1) in _boxes_256().items():
        value = table["disc"] if label.startswith("disc_") and label not in table else table[label]
        regions[label] = Region(
            round(r0 * rows / PHANTOM_SIZE), round(r1 * rows / PHANTOM_SIZE),
            round(c0 * cols / PHANTOM_SIZE), round(c1 * cols / PHANTOM_SIZE), float(value),
        )  # fmt: skip
    return regions


def marker_value(index: int) -> float:
    """SI of the marker box on slice ``index`` (0 = first along the slice normal)."""
    return 1000.0 + 10.0 * index


def marker_region(rows: int = PHANTOM_SIZE, cols: int = PHANTOM_SIZE, index: int = 0) -> Region:
    """The marker box (rows 2-10, columns 2-10 at 256²; at least 4 x 4) of slice ``index``."""
    r1, c1 = max(round(10 * rows / PHANTOM_SIZE), 4), max(round(10 * cols / PHANTOM_SIZE), 4)
    return Region(r1 // 5, r1, c1 // 5, c1, marker_value(index))


def phantom_array(
    sequence: Sequence = Sequence.T1,
    *,
    rows: int = PHANTOM_SIZE,
    cols: int = PHANTOM_SIZE,
    regions: Mapping[str, Region] | None = None,
    slice_index: int | None = None,
) -> npt.NDArray[np.float64]:
    """The phantom's true SIs (float64, rows x cols); with ``slice_index`` the marker box too."""
    painted = np.zeros((rows, cols), dtype=np.float64)
    for region in (regions or phantom_regions(sequence, rows=rows, cols=cols)).values():
        painted[region.index] = region.value
    if slice_index is not None:
        marker = marker_region(rows, cols, slice_index)
        painted[marker.index] = marker.value
    return painted
