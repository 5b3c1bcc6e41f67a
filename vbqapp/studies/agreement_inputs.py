"""Observer-agreement page inputs: the measurement table (upload or example), columns, options."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from vbqapp.state import AGREE_WIDGET_PREFIX as P
from vbqapp.text import md_escape
from vbqapp.widgets import column_select
from vbqcore.columns import value_label
from vbqcore.errors import VbqError
from vbqcore.studies.agreement import ACCEPTANCE_PERCENT
from vbqcore.studies.agreement_input import (
    FILE_COLUMN,
    Layout,
    ObserverColumns,
    guess_columns,
    stack_observer_files,
)
from vbqcore.tabular import read_table

__all__ = ["EXAMPLE", "AgreementOptions", "Table", "choose_columns", "choose_options", "load"]

logger = logging.getLogger(__name__)

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "observer_measurements.csv"
UPLOAD_KEY = f"{P}upload"
_NONE = "(none)"
_LAYOUT_LABELS = {
    Layout.PAIRED: "One row per patient × sequence × structure, a column per observer",
    Layout.LONG: "One row per reading, with a reader (observer/session) column",
    Layout.SI_COLUMNS: "One row per patient × reader, SI columns such as T1_L1 … STIR_CSF",
}


@dataclass(frozen=True)
class Table:
    """The table to analyse; ``signature`` changes whenever the file(s) change."""

    name: str
    frame: pd.DataFrame
    example: bool
    signature: str


@dataclass(frozen=True)
class AgreementOptions:
    acceptance: float
    confidence: float
    split_levels: bool


@st.cache_data(show_spinner=False, max_entries=8)
def _read(data: bytes, name: str) -> pd.DataFrame:
    return read_table(data, name=name)


def load() -> Table | None:
    """Uploader (one table, or two files one per observer); the example when nothing is given.

    Shows ``st.error`` and returns None for a file that cannot be read.
    """
    files = st.file_uploader(
        "Measurement table(s): CSV or Excel (.xlsx). One table with both observers, or two "
        "files, one per observer, with the same columns.",
        type=["csv", "xlsx"],
        accept_multiple_files=True,
        key=UPLOAD_KEY,
    )
    if not files:
        st.badge("Synthetic example", icon=":material/science:", color="orange")
        st.caption(
            f"Showing `{EXAMPLE.name}`: 20 made-up patients, two observers, T1/T2/STIR, "
            "L1–L4 and CSF. Not patient data. Upload your own table above to replace it."
        )
        data = EXAMPLE.read_bytes()
        return Table(EXAMPLE.name, _read(data, EXAMPLE.name), True, _digest([data]))
    if len(files) > 2:
        st.error(f"{len(files)} files uploaded: give one table, or two files (one per observer).")
        return None
    try:
        frames = [(f.name, _read(f.getvalue(), f.name)) for f in files]
        if len(frames) == 1:
            name, frame = frames[0]
        else:
            name = f"{frames[0][0]} + {frames[1][0]}"
            frame = stack_observer_files(frames)
    except VbqError as err:
        st.error(md_escape(err))
        return None
    return Table(name, frame, False, _digest([f.getvalue() for f in files]))


def _digest(blobs: list[bytes]) -> str:
    h = hashlib.sha256()
    for blob in blobs:
        h.update(blob)
    return h.hexdigest()[:12]


def choose_columns(table: Table) -> ObserverColumns:
    """Layout and column pickers, pre-filled from the header; keyed per file, so a new file is
    guessed afresh and going back to a file restores what was chosen for it."""
    guess = guess_columns(table.frame)
    cols = [str(c) for c in table.frame.columns]
    optional = [_NONE, *cols]
    k = f"{P}col_{table.signature}_"
    with st.expander("Columns", expanded=not table.example):
        layouts = list(Layout)
        layout = Layout(
            st.radio(
                "Layout",
                layouts,
                index=layouts.index(guess.layout),
                format_func=lambda v: _LAYOUT_LABELS[Layout(v)],
                key=f"{k}layout",
                persist_state="session",
            )
        )
        c1, c2, c3 = st.columns(3)
        with c1:
            patient = column_select("Patient", f"{k}patient", optional, guess.patient or _NONE)
        sequence: str | None = _NONE
        structure: str | None = _NONE
        if layout is not Layout.SI_COLUMNS:  # there, sequence and structure are in the names
            with c2:
                sequence = column_select(
                    "Sequence (T1/T2/STIR)", f"{k}sequence", optional, guess.sequence or _NONE
                )
            with c3:
                structure = column_select(
                    "Structure (L1–L4, T12, L5, CSF)", f"{k}structure", cols, guess.structure
                )
        found: dict[str, str | None] = {
            "patient": patient,
            "sequence": sequence,
            "structure": structure,
        }
        if layout is Layout.PAIRED:
            with c1:
                found["a"] = column_select("Observer A (first reading)", f"{k}a", cols, guess.a)
            with c2:
                found["b"] = column_select("Observer B (second reading)", f"{k}b", cols, guess.b)
            return _columns(layout, found)
        reader_default = FILE_COLUMN if FILE_COLUMN in cols else guess.reader
        with c1:
            reader = column_select("Reader (observer/session)", f"{k}reader", cols, reader_default)
        found["reader"] = reader
        if layout is Layout.LONG:
            with c2:
                found["value"] = column_select("SI value", f"{k}value", cols, guess.value)
        if reader is None:
            return _columns(layout, found)
        readers = sorted({value_label(v) for v in table.frame[reader].dropna()})
        if len(readers) > 2:
            with c3:
                found["reader_a"] = column_select("Reader A", f"{k}reader_a", readers, readers[0])
                found["reader_b"] = column_select("Reader B", f"{k}reader_b", readers, readers[1])
        return _columns(layout, found)


def _columns(layout: Layout, found: dict[str, str | None]) -> ObserverColumns:
    clean = {k: (None if v == _NONE else v) for k, v in found.items()}
    return ObserverColumns(layout, **clean)


def choose_options() -> AgreementOptions:
    c1, c2, c3 = st.columns(3)
    acceptance = c1.number_input(
        "Acceptance, ± % of the mean SI",
        min_value=0.5,
        max_value=100.0,
        value=ACCEPTANCE_PERCENT,
        step=0.5,
        key=f"{P}acceptance",
        persist_state="session",
        help="Huang et al. 2026 accept 95% limits of agreement within ±10%.",
    )
    confidence = c2.selectbox(
        "Confidence intervals",
        [0.95, 0.90, 0.99],
        format_func="{:.0%}".format,
        key=f"{P}conf",
        persist_state="session",
    )
    split = c3.toggle(
        "One group per level",
        value=False,
        key=f"{P}split",
        persist_state="session",
        help="Off: vertebrae pooled and CSF apart, per sequence, as the paper's Figures 3–5.",
    )
    return AgreementOptions(float(acceptance), float(confidence), bool(split))
