"""Cohort explorer, data panel: the demo cohort, an upload or a matched set, and its mapping.

The table analysed (``COHORT_ACTIVE``) only changes when a new one is read and validated: a bad
upload shows its error and leaves the current table, its mapping and the filters as they were.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from vbqapp.cohort import cache
from vbqapp.cohort.mapping import mapping_editor
from vbqapp.cohort.registry_source import registry_frame
from vbqapp.state import COHORT_ACTIVE, COHORT_LAST_UPLOAD, COHORT_PENDING, take_incoming_dataset
from vbqapp.text import md_escape
from vbqcore.cohort.filters import group_counts
from vbqcore.cohort.table import Cohort, ColumnMapping, default_mapping
from vbqcore.errors import VbqError

__all__ = ["LoadedTable", "ActiveData", "Pending", "UPLOAD_KEY", "data_panel"]

logger = logging.getLogger(__name__)

UPLOAD_KEY = "cohort_upload"
DEMO_NAME = "Demo cohort"


@dataclass(frozen=True, eq=False)
class LoadedTable:
    """A table as read: ``kind`` "demo", "upload", "registry" or "incoming" (another page's)."""

    kind: str
    token: str
    name: str
    frame: pd.DataFrame
    synthetic: bool = False


@dataclass(frozen=True, eq=False)
class ActiveData:
    """The table analysed and the mapping it is analysed under."""

    table: LoadedTable
    mapping: ColumnMapping


@dataclass(frozen=True, eq=False)
class Pending:
    """A table (None when it could not even be read) waiting for a usable mapping."""

    table: LoadedTable | None
    error: str


def _demo() -> LoadedTable:
    stamp = cache.demo_stamp()
    frame = cache.demo_table(stamp)
    return LoadedTable("demo", f"demo:{stamp}", DEMO_NAME, frame, synthetic=True)


def _cohort(table: LoadedTable, mapping: ColumnMapping) -> Cohort:
    return cache.cohort(table.token, mapping, table.name, table.synthetic, lambda: table.frame)


def _activate(table: LoadedTable, mapping: ColumnMapping) -> Cohort:
    """Validate ``table`` under ``mapping``; on success make it the table analysed."""
    result = _cohort(table, mapping)
    st.session_state[COHORT_ACTIVE] = ActiveData(table, mapping)
    st.session_state.pop(COHORT_PENDING, None)
    return result


def _try_activate(table: LoadedTable, preferred: dict[str, Any] | None) -> None:
    """Map ``table`` automatically (keeping ``preferred`` where it fits) and activate it; on a
    problem keep it pending with the message, and keep the current table."""
    try:
        mapping = default_mapping(table.frame, name=table.name, preferred=preferred)
        _activate(table, mapping)
    except VbqError as err:
        st.session_state[COHORT_PENDING] = Pending(table, str(err))


def _current_mapping() -> dict[str, Any] | None:
    active = st.session_state.get(COHORT_ACTIVE)
    return active.mapping.to_dict() if isinstance(active, ActiveData) else None


def _frame_token(kind: str, frame: pd.DataFrame) -> str:
    digest = hashlib.sha1(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return f"{kind}:{digest.hexdigest()[:16]}:{frame.shape[0]}x{frame.shape[1]}"


def _take_incoming() -> None:
    """A dataset sent by another page (the matching page's matched set) becomes the table."""
    incoming = take_incoming_dataset()
    if incoming is None:
        return
    name = incoming.name or "Table from another page"
    table = LoadedTable("incoming", _frame_token("incoming", incoming.frame), name, incoming.frame)
    preferred = incoming.mapping or _current_mapping()
    _try_activate(table, dict(preferred) if preferred else None)


def _take_upload(upload: Any) -> None:
    """Read a newly uploaded file once (reruns reuse it) and try to activate it."""
    if upload is None or st.session_state.get(COHORT_LAST_UPLOAD) == upload.file_id:
        return
    st.session_state[COHORT_LAST_UPLOAD] = upload.file_id
    token = f"upload:{upload.file_id}"
    try:
        frame = cache.uploaded_table(token, upload.name, upload.getvalue())
    except VbqError as err:
        st.session_state[COHORT_PENDING] = Pending(None, str(err))
        return
    _try_activate(LoadedTable("upload", token, upload.name, frame), _current_mapping())


def _take_registry() -> None:
    """Every case of the registry (``vbqapp.cohort.registry_source``) becomes the table."""
    try:
        name, frame = registry_frame()
    except VbqError as err:
        st.session_state[COHORT_PENDING] = Pending(None, str(err))
        return
    table = LoadedTable("registry", _frame_token("registry", frame), name, frame)
    _try_activate(table, _current_mapping())


def _active() -> ActiveData:
    active = st.session_state.get(COHORT_ACTIVE)
    if isinstance(active, ActiveData):
        return active
    table = _demo()
    mapping = default_mapping(table.frame, name=table.name)
    active = ActiveData(table, mapping)
    st.session_state[COHORT_ACTIVE] = active
    return active


def _header(active: ActiveData, result: Cohort) -> None:
    st.markdown(f"**Data:** {md_escape(active.table.name)}")
    if result.synthetic:
        st.badge("Synthetic data, not patients", icon=":material/science:", color="orange")
    scores = ", ".join(s.label for s in result.scores)
    counts = group_counts(result.frame, result)
    sizes = " and ".join(f"{n} {g}" for g, n in counts.items())
    st.caption(md_escape(f"{len(result.frame)} patients ({sizes}) · scores: {scores}"))
    if active.table.kind != "demo":
        if st.button("Back to the demo cohort", key="cohort_use_demo", icon=":material/undo:"):
            demo = _demo()
            _activate(demo, default_mapping(demo.frame, name=demo.name))
            st.rerun()


def data_panel() -> tuple[Cohort, str] | None:
    """The data section of the page; returns the cohort analysed and its table token."""
    _take_incoming()
    with st.container(border=True):
        left, right = st.columns([3, 2])
        with right:
            upload = st.file_uploader(
                "Upload a cohort table (CSV or Excel .xlsx)",
                type=["csv", "xlsx"],
                key=UPLOAD_KEY,
                help="One row per patient: a group column (fracture/control), sex, age, and the "
                "score columns (vbq_t1, vbq_t2, …) or per-level SIs (T2_L1 … T2_CSF).",
            )
            use_registry = st.button(
                "Use the registry", key="cohort_use_registry", icon=":material/database:"
            )
        _take_upload(upload)
        if use_registry:
            _take_registry()
        pending = st.session_state.get(COHORT_PENDING)
        active = _active()
        try:
            result = _cohort(active.table, active.mapping)
        except VbqError as err:  # the demo file itself is broken: nothing to fall back on
            st.error(md_escape(err))
            return None
        with left:
            _header(active, result)
        if isinstance(pending, Pending):
            hint = "Check the file and upload it again."
            if pending.table is not None and "Column mapping" not in pending.error:
                hint = "Choose the columns under 'Column mapping' below."
            elif pending.table is not None:
                hint = ""
            st.error(
                f"{md_escape(pending.error)}\n\n{hint} Still showing: "
                f"**{md_escape(active.table.name)}**.",
                icon=":material/error:",
            )
        for note in result.notes:
            st.info(md_escape(note), icon=":material/info:")
        editing = pending.table if isinstance(pending, Pending) and pending.table else None
        with st.expander("Column mapping", expanded=editing is not None):
            table = editing or active.table
            current = active.mapping if editing is None else None
            chosen = mapping_editor(table.frame, table.token, current)
            if chosen is not None:
                try:
                    _activate(table, chosen)
                    st.rerun()
                except VbqError as err:
                    st.session_state[COHORT_PENDING] = Pending(table, str(err))
                    st.rerun()
    return result, active.table.token
