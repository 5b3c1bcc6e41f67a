"""Propose the mid-sagittal slice of a sagittal series from the images, for the reader to confirm.

The mid-sagittal slice runs through the middle of the vertebral bodies and the spinal canal: the
plane about which the spine is left-right symmetric. Slices at the same distance on either side
of it show near mirror-image anatomy (bodies narrowing together, pedicles and foramina appearing
together), so for each candidate slice ``c`` the mean Pearson correlation of the pairs
``(c - k, c + k)``, ``k = 1 ... K``, measures how symmetric the stack is about ``c``; the
proposal is the candidate with the highest. ``K`` is the same for every candidate (a quarter of
the stack, at least 1), so no candidate wins by comparing only near neighbours; candidates are
the slices with ``K`` slices on each side. The score needs only the pixels, so T1, T2 and STIR
series of one exam, acquired at the same positions, get the same proposal in position (mm).
Series of fewer than 3 slices keep their middle slice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vbqcore.imaging.slices import Slice

__all__ = ["MidSagittalProposal", "propose_midsagittal"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MidSagittalProposal:
    """The proposed slice (0-based ``index`` in the sorted series), its ``position_mm`` (None
    without positions), the symmetry ``scores`` per slice (NaN where not a candidate), and a
    sentence for the reader."""

    index: int
    position_mm: float | None
    scores: tuple[float, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "position_mm": self.position_mm,
            "scores": [None if s != s else s for s in self.scores],
            "message": self.message,
        }


def _standardised(pixels: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    flat = np.asarray(pixels, dtype=float).ravel()
    sd = flat.std()
    return (flat - flat.mean()) / sd if sd > 0 else np.zeros_like(flat)


def propose_midsagittal(slices: tuple[Slice, ...] | list[Slice]) -> MidSagittalProposal:
    """The slice about which the series is most left-right symmetric (see the module doc).

    ``slices`` are one series' slices sorted along the stack (``Series.slices``), all of one
    shape.
    """
    n = len(slices)
    middle = n // 2
    if n < 3 or len({s.shape for s in slices}) != 1:
        why = "fewer than 3 slices" if n < 3 else "slices of different sizes"
        return MidSagittalProposal(
            middle,
            slices[middle].position_mm if n else None,
            tuple(float("nan") for _ in range(n)),
            f"Middle slice kept ({why}): check it runs through the middle of the bodies.",
        )
    z = [_standardised(s.pixels) for s in slices]
    size = z[0].size
    reach = max(1, n // 4)
    scores = [float("nan")] * n
    for c in range(reach, n - reach):
        pairs = [float(z[c - k] @ z[c + k]) / size for k in range(1, reach + 1)]
        scores[c] = float(np.mean(pairs))
    best = int(np.nanargmax(scores))
    position = slices[best].position_mm
    where = f" at {position:.1f} mm" if position is not None else ""
    if best == middle:
        message = (
            f"Slice {best + 1}{where}, the middle one, is the most symmetric: the proposed "
            "mid-sagittal slice. Confirm it runs through the bodies and the canal."
        )
    else:
        message = (
            f"Slice {best + 1}{where} is the most symmetric (the middle one is {middle + 1}): "
            "proposed as the mid-sagittal slice. Confirm it runs through the bodies and the "
            "canal."
        )
    return MidSagittalProposal(best, position, tuple(scores), message)
