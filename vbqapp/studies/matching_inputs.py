"""Matching page inputs: the candidate list (upload or example) and the matching settings."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from vbqapp.state import MATCH_WIDGET_PREFIX as P
from vbqapp.text import md_escape
from vbqapp.widgets import column_select
from vbqcore.columns import value_label
from vbqcore.errors import VbqError
from vbqcore.tabular import read_table

__all__ = ["EXAMPLE", "Candidates", "MatchSettings", "choose_settings", "load"]

logger = logging.getLogger(__name__)

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "matching_candidates.csv"
UPLOAD_KEY = f"{P}upload"
RUN_KEY = f"{P}run"
_NONE = "(none)"
_ANY_OTHER = "(every other value)"
_GUESS = {
    "group": ("group", "fracture", "ovcf", "case", "status", "outcome", "cohort"),
    "sex": ("sex", "gender"),
    "age": ("age", "age_years", "age_at_mr"),
    "date": ("mr_date", "mri_date", "study_date", "date", "scan_date", "acquisition_date"),
    "id": ("id", "patient_id", "patient", "pid", "mrn"),
}
_CASE_WORDS = ("fracture", "ovcf", "case", "yes", "1", "true")


@dataclass(frozen=True)
class Candidates:
    name: str
    frame: pd.DataFrame
    example: bool
    signature: str


@dataclass(frozen=True)
class MatchSettings:
    """The arguments of :func:`vbqcore.stats.match_pairs` as chosen on the page."""

    group: str
    case: str
    control: str | None
    sex: str
    age: str
    date: str | None
    id_col: str | None
    caliper: float

    def signature(self, data_signature: str) -> str:
        """Changes whenever the file or any setting changes (a stored result is then stale)."""
        return data_signature + json.dumps(asdict(self), sort_keys=True)


@st.cache_data(show_spinner=False, max_entries=8)
def _read(data: bytes, name: str) -> pd.DataFrame:
    return read_table(data, name=name)


def load() -> Candidates | None:
    """Uploader; the synthetic example when nothing is uploaded; ``st.error`` on a bad file."""
    upload = st.file_uploader(
        "Candidate list: CSV or Excel (.xlsx), one row per patient with a group, sex, age and "
        "(optionally) MR date column; any other columns are carried along.",
        type=["csv", "xlsx"],
        key=UPLOAD_KEY,
    )
    if upload is None:
        st.badge("Synthetic example", icon=":material/science:", color="orange")
        st.caption(
            f"Showing `{EXAMPLE.name}`: made-up fracture and control patients, not patient data. "
            "Upload your own list above to replace it."
        )
        data, name, example = EXAMPLE.read_bytes(), EXAMPLE.name, True
    else:
        data, name, example = upload.getvalue(), upload.name, False
    try:
        frame = _read(data, name)
    except VbqError as err:
        st.error(md_escape(err))
        return None
    return Candidates(name, frame, example, hashlib.sha256(data).hexdigest()[:12])


def _guess(columns: list[str], role: str) -> str | None:
    folded = {c.strip().casefold(): c for c in columns}
    return next((folded[n] for n in _GUESS[role] if n in folded), None)


def choose_settings(candidates: Candidates) -> MatchSettings | None:
    """Column pickers (pre-filled from the header), the case value and the age caliper; None
    (with a hint) until the group, case value, sex and age are chosen."""
    df = candidates.frame
    cols = [str(c) for c in df.columns]
    optional = [_NONE, *cols]
    c1, c2, c3 = st.columns(3)
    with c1:
        group = column_select("Group column", f"{P}group", cols, _guess(cols, "group"))
        values = [] if group is None else sorted({value_label(v) for v in df[group].dropna()})
        values = [v for v in values if v]
        case_default = next((v for v in values if v.casefold() in _CASE_WORDS), None)
        case = column_select("Case value (e.g. fracture)", f"{P}case", values, case_default)
        others = [_ANY_OTHER, *[v for v in values if v != case]]
        control = column_select("Control value", f"{P}control", others, _ANY_OTHER)
    with c2:
        sex = column_select("Sex column (F/M)", f"{P}sex", cols, _guess(cols, "sex"))
        age = column_select("Age column (years)", f"{P}age", cols, _guess(cols, "age"))
    with c3:
        date = column_select(
            "MR date column (closest first)", f"{P}date", optional, _guess(cols, "date") or _NONE
        )
        id_col = column_select("Patient ID column", f"{P}id", optional, _guess(cols, "id") or _NONE)
    caliper = st.number_input(
        "Age caliper, years (0 = exact age, as in the paper)",
        min_value=0.0,
        max_value=20.0,
        value=0.0,
        step=1.0,
        key=f"{P}caliper",
        persist_state="session",
    )
    missing = [
        name
        for name, value in (("group", group), ("case value", case), ("sex", sex), ("age", age))
        if value is None
    ]
    if group is None or case is None or sex is None or age is None:
        st.info(f"Choose the {', '.join(missing)} above (not recognised by column name).")
        return None
    return MatchSettings(
        group=group,
        case=case,
        control=None if control in (None, _ANY_OTHER) else control,
        sex=sex,
        age=age,
        date=None if date in (None, _NONE) else date,
        id_col=None if id_col in (None, _NONE) else id_col,
        caliper=float(caliper),
    )
