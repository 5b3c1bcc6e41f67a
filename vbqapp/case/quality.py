"""Case page: the ROI quality flags of each sequence, memoised per ROI for the session (growing
the body under each body ROI takes ~0.2 s on a 700 x 400 slice: too slow for every rerun, and
drawing one more ROI should cost only that ROI)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from vbqapp.case.session import get_case
from vbqapp.state import CASE_QUALITY
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence
from vbqcore.case.quality import CaseQuality, SequenceQuality, roi_flags
from vbqcore.roi.quality import RoiFlag

__all__ = ["sequence_flags", "case_flags", "quality_notes"]

_MEMO_SIZE = 96


def sequence_flags(seq: Sequence) -> SequenceQuality:
    """The flags of ``seq``'s ROIs on its shown slice, each computed once per ROI and slice."""
    state = get_case()[seq]
    memo: dict[Any, tuple[RoiFlag, ...]] = st.session_state.setdefault(CASE_QUALITY, {})
    flags = []
    for roi in state.rois:
        signature = (seq.value, state.revision, state.slice_index, state.loaded, repr(roi))
        if signature not in memo:
            while len(memo) >= _MEMO_SIZE:
                memo.pop(next(iter(memo)))
            memo[signature] = roi_flags(state, roi)
        flags.append(memo[signature])
    return SequenceQuality(seq, tuple(flags))


def case_flags() -> CaseQuality:
    """The flags of every loaded sequence (for the report and the case JSON)."""
    return CaseQuality({seq: sequence_flags(seq) for seq in get_case().loaded})


def quality_notes(quality: SequenceQuality) -> None:
    """Each flag of the sequence as a plain sentence of what to do, under the ROI table."""
    messages = quality.messages()
    if not messages:
        return
    with st.expander(f"ROI quality: {len(messages)} flag(s)", expanded=True):
        for text in messages:
            st.warning(md_escape(text))
