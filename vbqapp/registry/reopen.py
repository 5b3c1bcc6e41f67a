"""Open a registry case on the Case page: its ROIs and options restored, on its stored images
if the user chose to keep them, else waiting for the images to be uploaded again."""

from __future__ import annotations

import streamlit as st

from vbqapp.case.session import put_case, show_sequence
from vbqapp.registry.keys import REGISTRY_FORM, REGISTRY_OPENED, OpenedCase
from vbqapp.state import CASE_PENDING_UPLOAD
from vbqcore.case.io import read_case_json, restore_case
from vbqcore.case.model import new_case
from vbqcore.errors import RegistryError
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.registry.database import Registry
from vbqcore.registry.images import attach_images, read_images
from vbqcore.registry.store import StoredCase
from vbqcore.vbq import ScoreName

__all__ = ["open_on_case_page"]


def open_on_case_page(registry: Registry, stored: StoredCase) -> None:
    """Replace the Case page's case by ``stored`` (ROIs, labels, options, and the images when
    they were stored with it) and go there."""
    record = stored.record
    if record.case_json is None:
        raise RegistryError(
            f"Case {record.case_id} was imported from a table: it has SIs and scores but no "
            "ROIs, so there is nothing to open on the Case page."
        )
    saved = read_case_json(record.case_json, name=f"registry case {record.case_id}")
    update = restore_case(new_case(), saved)
    images = read_images(registry, record.case_id)
    case = attach_images(update.case, images).case
    put_case(case, redraw=MEASURED_SEQUENCES, widgets=True)
    st.session_state[CASE_PENDING_UPLOAD] = []
    scores = tuple((s.value, record.scores.get(s)) for s in ScoreName)
    st.session_state[REGISTRY_OPENED] = OpenedCase(
        record.case_id, stored.version, stored.updated_by, scores
    )
    st.session_state[REGISTRY_FORM] = {
        "case_id": record.case_id,
        "group": record.group.value,
        "sex": "" if record.sex is None else record.sex.value,
        "age": record.age,
        "bmi": record.bmi,
        "images": bool(images),
    }
    first = next((s for s in MEASURED_SEQUENCES if s in saved.sequences), None)
    if first is not None:
        show_sequence(first)
    st.switch_page("pages/case.py")
