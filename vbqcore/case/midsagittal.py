"""The mid-sagittal slice proposed for each loaded series of a case, and whether the T1, T2 and
STIR proposals of one exam agree in position (``vbqcore.imaging.midsagittal``).

Series of one exam are planned on the same sagittal stack, so their mid-sagittal slices should
lie at the same position (mm along the stack). Proposals further apart than
``POSITION_TOLERANCE`` times the larger slice spacing are pointed out: one series' proposal (or
the patient) moved, and the reader picks the slice by eye.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from vbqcore.anatomy import Sequence
from vbqcore.case.model import Case
from vbqcore.imaging.midsagittal import MidSagittalProposal, propose_midsagittal

__all__ = ["POSITION_TOLERANCE", "case_midsagittal", "position_disagreements"]

logger = logging.getLogger(__name__)

#: Proposals more than this many slice spacings apart (mm) disagree.
POSITION_TOLERANCE = 0.5


def case_midsagittal(case: Case) -> dict[Sequence, MidSagittalProposal]:
    """The proposal for each loaded series of 3 or more slices."""
    out = {}
    for seq in case.loaded:
        series = case[seq].series
        if series is not None and len(series.slices) >= 3:
            out[seq] = propose_midsagittal(series.slices)
    return out


def _spacing(case: Case, seq: Sequence) -> float | None:
    series = case[seq].series
    if series is None:
        return None
    positions = sorted(p for s in series.slices if (p := s.position_mm) is not None)
    steps = [b - a for a, b in zip(positions, positions[1:], strict=False) if b > a]
    return min(steps) if steps else None


def position_disagreements(
    case: Case, proposals: Mapping[Sequence, MidSagittalProposal]
) -> tuple[str, ...]:
    """A sentence for each pair of sequences whose proposed positions differ by more than
    ``POSITION_TOLERANCE`` slice spacings (pairs without positions are not compared)."""
    seqs = [s for s in proposals if proposals[s].position_mm is not None]
    out = []
    for i, a in enumerate(seqs):
        for b in seqs[i + 1 :]:
            pa, pb = proposals[a].position_mm, proposals[b].position_mm
            spacings = [sp for s in (a, b) if (sp := _spacing(case, s)) is not None]
            if pa is None or pb is None or not spacings:
                continue
            if abs(pa - pb) > POSITION_TOLERANCE * max(spacings):
                out.append(
                    f"The mid-sagittal slices proposed for {a.value} ({pa:.1f} mm) and "
                    f"{b.value} ({pb:.1f} mm) are {abs(pa - pb):.1f} mm apart: check both "
                    "run through the middle of the bodies and the canal."
                )
    return tuple(out)
