"""Case page, step 1 (PACS): search a DICOMweb server, pick the study and its series, load them
as if uploaded.

Patient name and ID are on screen only while the reader chooses: the search results (which hold
them) are dropped from the session as soon as a study is opened or the search is cleared, and
they are never logged or exported. Images opened are named by SOP Instance UID, and the UIDs are
kept (``CASE_PACS_REFS``) so that "Send to PACS" can point the SR at them.
"""

from __future__ import annotations

import logging
import os

import streamlit as st

from vbqapp.case.session import clear_notices, notify, reset, reset_key, show_notices, widget_key
from vbqapp.case.upload import take_files
from vbqcore.errors import VbqError
from vbqcore.pacs.catalogue import StudyMatch, StudyQuery, find_studies
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.config import ENV_URL, PacsConfig, config_from_env, config_from_mapping
from vbqcore.pacs.evidence import InstanceRef, pacs_file_name
from vbqcore.pacs.transfer import dataset_bytes, pull_study

__all__ = ["CASE_PACS_RESULTS", "CASE_PACS_REFS", "pacs_config", "pacs_refs", "pacs_open_panel"]

logger = logging.getLogger(__name__)

#: Studies found by the last search (with patient identifiers): only while choosing.
CASE_PACS_RESULTS = "case_pacs_results"
#: ``{file name: InstanceRef}`` of every image opened from the PACS this session (UIDs only).
CASE_PACS_REFS = "case_pacs_refs"


def pacs_config() -> PacsConfig | None:
    """The DICOMweb server of the app: ``[dicomweb]`` in the secrets, else ``VBQ_DICOMWEB_*``;
    ``None`` when neither names one. A malformed configuration raises ``PacsError``."""
    try:
        section = st.secrets.get("dicomweb")
    except FileNotFoundError:  # no secrets.toml at all
        section = None
    if section:
        return config_from_mapping(dict(section))
    if os.environ.get(ENV_URL):
        return config_from_env()
    return None


def pacs_refs() -> dict[str, InstanceRef]:
    refs = st.session_state.get(CASE_PACS_REFS)
    return refs if isinstance(refs, dict) else {}


def _search() -> None:
    clear_notices("pacs")
    st.session_state.pop(CASE_PACS_RESULTS, None)
    try:
        config = pacs_config()
        if config is None:
            raise VbqError(f"No PACS is configured: set {ENV_URL} or [dicomweb] in the secrets.")
        query = StudyQuery(
            st.session_state.get(reset_key("pacs_patient")) or None,
            st.session_state.get(reset_key("pacs_accession")) or None,
            st.session_state.get(reset_key("pacs_date")) or None,
        )
        studies = find_studies(PacsClient(config), query)
    except VbqError as err:
        notify("pacs", "error", str(err))
        return
    if not studies:
        notify("pacs", "info", "No study matches this search.")
        return
    st.session_state[CASE_PACS_RESULTS] = studies


def _forget_search() -> None:
    """Drop the results and the typed identifiers: they were needed only to choose."""
    st.session_state.pop(CASE_PACS_RESULTS, None)
    for name in ("pacs_patient", "pacs_accession", "pacs_date", "pacs_study"):
        reset(name)


def _open(study: StudyMatch, series_uids: list[str]) -> None:
    clear_notices("pacs")
    try:
        config = pacs_config()
        if config is None:
            raise VbqError(f"No PACS is configured: set {ENV_URL} or [dicomweb] in the secrets.")
        if not series_uids:
            raise VbqError("Tick at least one series to open.")
        pulled = pull_study(PacsClient(config), study.study_uid, series_uids)
    except VbqError as err:  # the case on the page is untouched
        notify("pacs", "error", str(err))
        return
    files: list[tuple[str, bytes]] = []
    refs = pacs_refs()
    for item in pulled:
        for ds in item.datasets:
            name = pacs_file_name(str(ds.SOPInstanceUID))
            refs[name] = InstanceRef(study.study_uid, item.match.series_uid, str(ds.SOPInstanceUID))
            files.append((name, dataset_bytes(ds)))
    st.session_state[CASE_PACS_REFS] = refs
    _forget_search()
    notify("pacs", "success", f"{len(pulled)} series opened from the PACS ({len(files)} images).")
    take_files(files)


def _study_label(study: StudyMatch) -> str:
    who = study.identifiers
    date = who.study_date or "no date"
    if len(date) == 8 and date.isdigit():
        date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
    parts = [who.patient_name or "(no name)", f"ID {who.patient_id or '?'}", date,
             study.study_description or "", "/".join(study.modalities)]  # fmt: skip
    return " · ".join(p for p in parts if p)


def _choose(studies: tuple[StudyMatch, ...]) -> None:
    st.caption("Check the patient before opening: name and ID are shown only while you choose.")
    index = st.radio(
        "Study",
        range(len(studies)),
        format_func=lambda i: _study_label(studies[i]),
        key=reset_key("pacs_study"),
    )
    study = studies[index or 0]
    if not study.has_mr:
        st.warning(
            "This study has no MR series: VBQ is measured on sagittal T1, T2 or STIR MR images. "
            "Choose the patient's lumbar MR study."
        )
    chosen = []
    for series in study.series:
        guess = series.sequence_guess.value if series.proposed else "not proposed"
        ticked = st.checkbox(
            f"{series.label()} → {guess}",
            value=series.proposed,
            key=widget_key("pacs_series", study.study_uid, series.series_uid),
            disabled=series.modality != "MR",
        )
        if ticked:
            chosen.append(series.series_uid)
    left, right = st.columns(2)
    left.button(
        "Open selected series",
        key=widget_key("pacs_open"),
        on_click=_open,
        args=(study, chosen),
        disabled=not study.has_mr,
        type="primary",
    )
    right.button("Clear the search", key=widget_key("pacs_clear"), on_click=_forget_search)


def pacs_open_panel() -> None:
    """The "Open from PACS" expander: search fields, results, series to open."""
    problem = None
    try:
        config = pacs_config()
    except VbqError as err:
        config, problem = None, str(err)
    studies = st.session_state.get(CASE_PACS_RESULTS)
    show_notices("pacs")  # outside the expander: seen whether it is open or closed
    # A constant ``expanded``: changing it would make a new expander, closed under the reader.
    with st.expander("Open from PACS", expanded=False):
        if problem is not None:
            st.error(f"The PACS configuration cannot be used: {problem}")
        elif config is None:
            st.caption(
                f"No PACS configured. Set {ENV_URL} (and VBQ_DICOMWEB_USER / _PASSWORD or "
                "_TOKEN) before starting the app, or add [dicomweb] url, username, password "
                "or token to .streamlit/secrets.toml."
            )
        else:
            st.caption(f"DICOMweb server: {config.display_url}")
        c1, c2, c3 = st.columns(3)
        c1.text_input("Patient ID", key=reset_key("pacs_patient"))
        c2.text_input("Accession number", key=reset_key("pacs_accession"))
        c3.text_input("Study date", key=reset_key("pacs_date"), placeholder="YYYY-MM-DD")
        st.button(
            "Search PACS", key=widget_key("pacs_search"), on_click=_search, disabled=config is None
        )
        if studies:
            _choose(studies)
