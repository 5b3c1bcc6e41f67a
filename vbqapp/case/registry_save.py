"""Case page, step 5: save the case to the registry (or update the registry case it came from).

The form's values live in the session (``REGISTRY_FORM``), so a failed save -- database locked,
unreachable, or the case changed by someone else meanwhile -- keeps everything the user entered
and the case itself, and the user can simply try again.
"""

from __future__ import annotations

import streamlit as st

from vbqapp.case.session import get_case, widget_key
from vbqapp.registry.connection import get_registry, notify, patient_hashes, show_notices
from vbqapp.registry.keys import REGISTRY_FORM, REGISTRY_OPENED, REGISTRY_READER, OpenedCase
from vbqapp.text import md_escape
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.io import case_to_dict
from vbqcore.errors import StaleEditError, VbqError
from vbqcore.registry.images import case_images
from vbqcore.registry.records import Group, new_case_id, record_from_case_json
from vbqcore.registry.store import save_case
from vbqcore.vbq import ScoreName

__all__ = ["registry_panel"]

_SEX = ["", "F", "M"]


def _form() -> dict[str, object]:
    form = st.session_state.get(REGISTRY_FORM)
    if not isinstance(form, dict):
        form = {"case_id": new_case_id(), "group": Group.UNKNOWN.value, "sex": ""}
        form.update(age=None, bmi=None, images=False)
        st.session_state[REGISTRY_FORM] = form
    return form


def _key(name: str) -> str:
    return widget_key("registry", name)


def _seed(name: str, value: object) -> None:
    if _key(name) not in st.session_state:
        st.session_state[_key(name)] = value


def _save(evaluation: CaseEvaluation) -> None:
    """The save button's callback: one transaction, messages for the panel."""
    st.session_state.get("registry_notices", {}).pop("case", None)
    form = _form()
    for name in ("case_id", "group", "sex", "age", "bmi", "images"):
        form[name] = st.session_state.get(_key(name))
    reader = str(st.session_state.get(_key("reader")) or "").strip()
    st.session_state[REGISTRY_READER] = reader
    opened = st.session_state.get(REGISTRY_OPENED)
    opened = opened if isinstance(opened, OpenedCase) else None
    hashes = patient_hashes()
    try:
        record = record_from_case_json(
            case_to_dict(get_case(), evaluation),
            case_id=str(opened.case_id if opened else form["case_id"] or ""),
            group=str(form["group"] or "unknown"),
            sex=str(form["sex"]) or None,
            age=form["age"],  # type: ignore[arg-type]
            bmi=form["bmi"],  # type: ignore[arg-type]
            patient_hash=hashes[0] if hashes else None,
            images=case_images(get_case()) if form.get("images") else (),
            name="this case",
        )
        result = save_case(
            get_registry(),
            record,
            actor=reader,
            expected_version=None if opened is None else opened.version,
        )
    except StaleEditError as err:
        notify("case", "error", str(err))
        return
    except VbqError as err:
        notify("case", "error", f"Not saved: {err}")
        return
    scores = tuple((s.value, record.scores.get(s)) for s in ScoreName)
    st.session_state[REGISTRY_OPENED] = OpenedCase(result.case_id, result.version, reader, scores)
    verb = "Saved" if result.created else "Updated"
    notify("case", "success", f"{verb} case {result.case_id} (version {result.version}).")
    if len(hashes) > 1:
        notify(
            "case",
            "warning",
            f"The uploaded DICOM files carry {len(hashes)} different PatientIDs: check that "
            "every series belongs to this patient.",
        )
    if result.same_patient:
        notify(
            "case",
            "info",
            "The same patient (by keyed PatientID hash) is already in the registry as "
            f"{', '.join(result.same_patient)}: a re-measurement or a follow-up scan?",
        )


def _detach() -> None:
    st.session_state.pop(REGISTRY_OPENED, None)
    _form()["case_id"] = new_case_id()
    st.session_state.pop(_key("case_id"), None)
    st.session_state.get("registry_notices", {}).pop("case", None)


def registry_panel(evaluation: CaseEvaluation) -> None:
    """Case ID (pseudonym), group, reader and demographics, and Save / Update."""
    st.subheader("5 · Registry")
    opened = st.session_state.get(REGISTRY_OPENED)
    opened = opened if isinstance(opened, OpenedCase) else None
    if opened is not None:
        saved = ", ".join(
            f"{ScoreName(s).label} {v:.3f}" for s, v in opened.scores if v is not None
        )
        todo = "Upload the same images to measure on them again; " if not get_case().loaded else ""
        st.info(
            f"Registry case **{opened.case_id}**, version {opened.version} (saved by "
            f"{md_escape(opened.saved_by or 'unknown')}). Saved scores: {saved or 'none'}. {todo}"
            "**Update** saves the changes to this case.",
            icon=":material/database:",
        )
    show_notices("case")
    form = _form()
    _seed("case_id", opened.case_id if opened else form["case_id"])
    _seed("group", form["group"])
    _seed("sex", form["sex"] or "")
    _seed("age", form["age"])
    _seed("bmi", form["bmi"])
    _seed("reader", st.session_state.get(REGISTRY_READER, ""))
    a, b, c = st.columns(3)
    a.text_input(
        "Case ID (pseudonym)",
        key=_key("case_id"),
        disabled=opened is not None,
        help="Never the patient's name or hospital ID. A random one is proposed.",
    )
    b.selectbox("Group", [g.value for g in Group], key=_key("group"))
    c.text_input("Reader", key=_key("reader"), help="Your name or initials, for the audit log.")
    d, e, f = st.columns(3)
    d.selectbox("Sex", _SEX, key=_key("sex"), format_func=lambda s: s or "not given")
    e.number_input("Age (years)", min_value=0.0, max_value=120.0, step=1.0, key=_key("age"))
    f.number_input("BMI (kg/m²)", min_value=5.0, max_value=100.0, step=0.1, key=_key("bmi"))
    _seed("images", bool(form.get("images")))
    st.checkbox(
        "Also store the images (the measured slice of each sequence)",
        key=_key("images"),
        help="Off by default. With it, the case re-opens from the registry with its images "
        "and scores; without it, upload the images again after re-opening.",
    )
    left, right = st.columns(2)
    left.button(
        "Update" if opened else "Save to registry",
        key=_key("save"),
        type="primary",
        icon=":material/save:",
        disabled=get_case().roi_count == 0,
        on_click=_save,
        args=(evaluation,),
        width="stretch",
    )
    if opened is not None:
        right.button(
            "Save as a new case instead",
            key=_key("detach"),
            on_click=_detach,
            width="stretch",
            help="Forget the registry case; the next save creates a new one with a new ID.",
        )
    st.caption(
        "Saved: the ROIs, options, SIs, scores and the group, sex, age and BMI given here; "
        "never the patient's name, ID or birth date, and images only if ticked above. A keyed "
        "hash of the DICOM "
        "PatientID (key kept on this computer) tells you when a patient is measured again."
    )
