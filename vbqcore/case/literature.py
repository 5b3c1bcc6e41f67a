"""A measured case against the library of published thresholds (:mod:`vbqcore.literature`).

One place that turns a case's evaluation into the library reading, so the case page and its PDF
report compare the same scores, with the same intervals, and refuse the same screenshot SIs.
"""

from __future__ import annotations

from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.imaging.slices import SliceSource
from vbqcore.literature import LiteratureReading, TargetGroup, read_literature

__all__ = ["case_literature"]


def case_literature(
    evaluation: CaseEvaluation, *, target_group: TargetGroup | None = None
) -> LiteratureReading | None:
    """The library read against ``evaluation``'s scores; ``None`` before any score exists.

    Each threshold that uses one of the case's own scores unchanged is judged on that score's
    interval (below / borderline / above, as the main cut-offs); sequences measured on
    screenshots are not compared at all.
    """
    result = evaluation.result
    if result is None:
        return None
    own = {} if evaluation.interpretation is None else evaluation.interpretation.intervals
    return read_literature(
        result,
        protocol=evaluation.protocol,
        target_group=target_group,
        intervals={s: (iv.low, iv.high) for s, iv in own.items()},
        screenshot_sequences=[
            q for q, st in evaluation.sequences.items() if st.source is SliceSource.SCREENSHOT
        ],
    )
