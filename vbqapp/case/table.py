"""Case page, beside the image: the ROI table (labels editable, stats), label and copy actions."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from vbqapp.case.quality import quality_notes, sequence_flags
from vbqapp.case.session import (
    clear_notices,
    get_case,
    notify,
    put_case,
    reset,
    reset_key,
    show_notices,
    widget_key,
)
from vbqapp.state import CASE_LEVEL_SHIFT, PendingCopy, get_pending_copy, set_pending_copy
from vbqapp.text import md_escape
from vbqcore.anatomy import ROI_LABELS, Sequence
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.levels import set_level
from vbqcore.case.model import apply_suggestions, copy_rois, delete_rois
from vbqcore.errors import VbqError
from vbqcore.roi.quality import QualityFlag

__all__ = ["apply_table_edits", "roi_table", "roi_actions"]

_LABEL = "Label"


def _table_name(seq: Sequence) -> str:
    return f"table_{seq.value}"


def apply_table_edits(seq: Sequence) -> None:
    """Take label edits and deleted rows of ``seq``'s table into the case (before drawing).

    The table then gets a new key, so its rows are rebuilt from the case; a deleted row also
    remounts the canvas, which still shows the deleted shape.
    """
    edits = st.session_state.get(reset_key(_table_name(seq)))
    if not isinstance(edits, Mapping):
        return
    edited: Mapping[object, Mapping[str, object]] = edits.get("edited_rows") or {}
    deleted = [int(str(r)) for r in edits.get("deleted_rows") or []]
    if not edited and not deleted:
        return
    clear_notices("table")
    case = get_case()
    shift = bool(st.session_state.get(CASE_LEVEL_SHIFT, False))
    try:
        for row, change in edited.items():
            if _LABEL in change:
                update = set_level(case, seq, int(str(row)), change[_LABEL], shift_rest=shift)
                case = update.case
                for warning in update.warnings:
                    notify("table", "warning", warning)
        case = delete_rois(case, seq, deleted)
    except VbqError as err:
        notify("table", "error", str(err))
    put_case(case, redraw=[seq] if deleted else [])
    reset(_table_name(seq))


def _frame(seq: Sequence, evaluation: CaseEvaluation) -> pd.DataFrame:
    state = get_case()[seq]
    stats = evaluation.sequences[seq]
    flags = sequence_flags(seq).flags
    rows = []
    for i, roi in enumerate(state.rois):
        st_ = stats.stats[i] if i < len(stats.stats) else None
        note = stats.errors[i] if st_ is None and i < len(stats.errors) else None
        if st_ is not None and st_.clipped:
            note = f"{st_.fraction_inside:.0%} inside the image"
        rows.append(
            {
                _LABEL: roi.label,
                "Mean": None if st_ is None else st_.mean,
                "Median": None if st_ is None else st_.median,
                "SD": None if st_ is None else st_.sd,
                "Pixels": None if st_ is None else st_.n_pixels,
                "Area mm²": None if st_ is None else st_.area_mm2,
                "Quality": ", ".join(f.flag.value for f in flags[i]) if i < len(flags) else "",
                "Note": note or "",
            }
        )
    columns = [_LABEL, "Mean", "Median", "SD", "Pixels", "Area mm²", "Quality", "Note"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.index = pd.RangeIndex(1, len(rows) + 1, name="ROI")
    return frame


def roi_table(seq: Sequence, evaluation: CaseEvaluation) -> None:
    """The table of ``seq``'s ROIs: label (editable), stats; rows can be deleted."""
    show_notices("table")
    frame = _frame(seq, evaluation)
    if frame.empty:
        st.caption(f"No ROI on {seq.value} yet: draw L1–L4 and the CSF on the image.")
        return
    labels = md_escape(", ".join(str(lab) if lab else "?" for lab in frame[_LABEL]))
    st.markdown(f"**{seq.value}: {len(frame)} ROI{'s' if len(frame) > 1 else ''}** ({labels})")
    st.data_editor(
        frame,
        key=reset_key(_table_name(seq)),
        num_rows="delete",
        disabled=[c for c in frame.columns if c != _LABEL],
        column_config={
            _LABEL: st.column_config.SelectboxColumn(
                _LABEL, options=list(ROI_LABELS), help="T12, L1–L5 or CSF"
            ),
            "Mean": st.column_config.NumberColumn(format="%.1f", help="Mean SI (VBQ input)"),
            "Median": st.column_config.NumberColumn(format="%.1f"),
            "SD": st.column_config.NumberColumn(format="%.1f"),
            "Pixels": st.column_config.NumberColumn(format="%d"),
            "Area mm²": st.column_config.NumberColumn(format="%.1f"),
            "Quality": st.column_config.TextColumn(
                help="Quality flags of the ROI (marked '!' on the image); what to do is "
                "written below the table."
            ),
        },
        width="stretch",
    )
    st.caption("Edit a label in its cell; select rows and press the bin icon to delete them.")
    quality_notes(sequence_flags(seq))


def _copy(seq: Sequence, targets: tuple[Sequence, ...], *, confirmed: bool = False) -> None:
    clear_notices("table")
    case = get_case()
    busy = [t for t in targets if case[t].rois]
    if busy and not confirmed:
        set_pending_copy(PendingCopy(seq, targets))
        return
    set_pending_copy(None)
    try:
        update = copy_rois(case, seq, targets)
    except VbqError as err:
        notify("table", "error", str(err))
        return
    put_case(update.case, redraw=targets)
    names = ", ".join(t.value for t in targets)
    notify(
        "table",
        "success",
        f"{len(case[seq].rois)} ROI(s) copied from {seq.value} to "
        f"{names}: check them there and adjust if needed.",
    )
    for warning in update.warnings:
        notify("table", "warning", warning)
    for target in targets:  # a copy onto a slice that moved no longer sits on the bodies
        off = [
            flag.message
            for flags in sequence_flags(target).flags
            for flag in flags
            if flag.flag is QualityFlag.OFF_BODY
        ]
        for message in off:
            notify("table", "warning", f"{target.value} (copied) {message}")


def _suggest(seq: Sequence) -> None:
    clear_notices("table")
    put_case(apply_suggestions(get_case(), seq))
    reset(_table_name(seq))


def roi_actions(seq: Sequence) -> None:
    """Suggest labels; copy the ROIs to the other loaded sequences (asking before replacing)."""
    case = get_case()
    state = case[seq]
    targets = tuple(t for t in case.loaded if t is not seq)
    left, right = st.columns(2)
    left.button(
        "Suggest labels",
        key=widget_key("suggest", seq.value),
        on_click=_suggest,
        args=(seq,),
        disabled=not any(r.label is None for r in state.rois),
        help="Label unlabelled ROIs by position: the top body gets the first free "
        "level going down; a narrow ROI behind the bodies is the CSF.",
    )
    names = ", ".join(t.value for t in targets) or "other sequences"
    right.button(
        f"Copy to {names}",
        key=widget_key("copy", seq.value),
        on_click=_copy,
        args=(seq, targets),
        disabled=not (state.rois and targets),
        help="Same regions on the other sequences, scaled by pixel spacing; "
        "then check and adjust them there.",
    )
    pending = get_pending_copy()
    if pending is not None and pending.source is seq:
        busy = ", ".join(
            f"{t.value} ({len(case[t].rois)})" for t in pending.targets if case[t].rois
        )
        st.warning(f"Copying replaces the ROIs already drawn on {busy}.")
        yes, no = st.columns(2)
        yes.button(
            "Replace them",
            key=widget_key("copy_yes", seq.value),
            on_click=_copy,
            args=(pending.source, pending.targets),
            kwargs={"confirmed": True},
            type="primary",
        )
        no.button(
            "Cancel",
            key=widget_key("copy_no", seq.value),
            on_click=set_pending_copy,
            args=(None,),
        )
