"""ROI quality of a whole case: the flags of ``vbqcore.roi.quality`` for every ROI of every
loaded sequence, in one record the ROI table, the annotated images and the reports share.

Body ROIs get the signal and the position checks (is the ROI on a body and clear of its edge),
the CSF ROI the signal checks (too small, cord or roots inside). An ROI copied from T1 onto a
T2 or STIR slice that moved shows as ``off_body`` on that sequence.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vbqcore.anatomy import Sequence
from vbqcore.case.model import Case, SequenceCase
from vbqcore.errors import VbqError
from vbqcore.roi.quality import RoiFlag, roi_quality
from vbqcore.roi.shapes import Roi

__all__ = ["SequenceQuality", "CaseQuality", "roi_flags", "sequence_quality", "case_quality"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SequenceQuality:
    """Flags of one sequence's ROIs, aligned with them (an empty tuple for a clean ROI)."""

    sequence: Sequence
    flags: tuple[tuple[RoiFlag, ...], ...]

    @property
    def flagged(self) -> tuple[bool, ...]:
        """One entry per ROI: True when it carries at least one flag."""
        return tuple(bool(f) for f in self.flags)

    def messages(self) -> tuple[str, ...]:
        """The plain sentences of every flag, ROI by ROI (``ROI #n`` for an unlabelled ROI)."""
        out = []
        for i, flags in enumerate(self.flags):
            for flag in flags:
                text = flag.message
                if flag.label is None:
                    text = text.replace("ROI:", f"ROI #{i + 1}:", 1)
                out.append(f"{self.sequence.value} {text}")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence.value,
            "rois": [
                {"roi": i + 1, "flags": [f.to_dict() for f in flags]}
                for i, flags in enumerate(self.flags)
            ],
        }


@dataclass(frozen=True)
class CaseQuality:
    """Flags of every loaded sequence's ROIs."""

    sequences: Mapping[Sequence, SequenceQuality]

    @property
    def count(self) -> int:
        """Number of flags in the case."""
        return sum(len(f) for q in self.sequences.values() for f in q.flags)

    def messages(self) -> tuple[str, ...]:
        return tuple(m for q in self.sequences.values() for m in q.messages())

    def to_dict(self) -> dict[str, Any]:
        return {
            "flag_count": self.count,
            "sequences": {s.value: q.to_dict() for s, q in self.sequences.items()},
        }


def roi_flags(state: SequenceCase, roi: Roi, *, posterior: int = 1) -> tuple[RoiFlag, ...]:
    """Flags of one ROI on the sequence's shown slice (none before the images are loaded).

    An ROI the checks cannot judge (e.g. one lying wholly outside the image, which the ROI table
    already reports) gets no flag rather than an error.
    """
    slice_ = state.slice
    if slice_ is None:
        return ()
    try:
        return roi_quality(slice_, roi, posterior=posterior)
    except VbqError as err:
        logger.info("%s: ROI quality not judged (%s)", state.sequence.value, err)
        return ()


def sequence_quality(state: SequenceCase, *, posterior: int = 1) -> SequenceQuality:
    """Flags of one sequence's ROIs on its shown slice (``roi_flags`` of each)."""
    flags = tuple(roi_flags(state, roi, posterior=posterior) for roi in state.rois)
    return SequenceQuality(state.sequence, flags)


def case_quality(case: Case, *, posterior: int = 1) -> CaseQuality:
    """Flags of every loaded sequence's ROIs (``posterior``: +1 when the canal is at larger x)."""
    return CaseQuality(
        {seq: sequence_quality(case[seq], posterior=posterior) for seq in case.loaded}
    )
