"""Case page: a one-line score summary beside the canvas, so the scores stay in sight while
drawing on a 1280 x 720 screen (the full scores panel, with the interpretation, is below)."""

from __future__ import annotations

import logging

import streamlit as st

from vbqcore.case.evaluation import CaseEvaluation

__all__ = ["score_summary"]

logger = logging.getLogger(__name__)

_SCORES = (
    ("vbq_t1", "VBQ-T1"),
    ("vbq_t2", "VBQ-T2"),
    ("vbq_stir", "VBQ-STIR"),
    ("vbq_t2_stir", "VBQ-T2-STIR"),
)


def score_summary(evaluation: CaseEvaluation) -> None:
    """``Scores · VBQ-T1 4.000 · VBQ-T2 — …`` and the first thing still missing, if any."""
    result = evaluation.result
    parts = []
    for name, label in _SCORES:
        value = getattr(result, name, None) if result is not None else None
        parts.append(f"{label} {value:.3f}" if isinstance(value, float) else f"{label} —")
    st.markdown("**Scores** · " + " · ".join(parts))
    if evaluation.problems:
        st.caption(evaluation.problems[0] + " (details under 3 · Scores).")
