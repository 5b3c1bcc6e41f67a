"""The app's registry connection: opened (and its schema upgraded) once per process and URL,
messages kept in the session, and the DICOM PatientIDs of an upload turned into keyed hashes."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from vbqapp.registry.keys import REGISTRY_NOTICES, REGISTRY_PATIENT_HASHES, REGISTRY_READER
from vbqcore.errors import VbqError
from vbqcore.registry.config import RegistrySettings, settings_from_env
from vbqcore.registry.database import Registry, open_registry
from vbqcore.registry.identity import dicom_patient_ids, load_or_create_key, patient_hash

__all__ = [
    "get_registry",
    "current_settings",
    "remember_patient",
    "patient_hashes",
    "reader",
    "notify",
    "show_notices",
]

logger = logging.getLogger(__name__)


def current_settings() -> RegistrySettings:
    """``VBQ_DATABASE_URL`` and friends as they are now (read on every call)."""
    return settings_from_env()


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(url: str, key_path: str, timeout_s: float) -> Registry:
    # One engine per process and URL, shared by every session (engines are thread-safe); the
    # schema upgrade of an older database runs here, on the first use after the app started.
    return open_registry(RegistrySettings(url, Path(key_path), timeout_s))


def get_registry() -> Registry:
    """The registry; raises ``RegistryUnavailableError`` (not cached) when it cannot be used."""
    settings = current_settings()
    return _open(settings.url, str(settings.key_path), settings.timeout_s)


def remember_patient(files: list[tuple[str, bytes]]) -> None:
    """Hash the PatientIDs of an upload's DICOM files with the local key and keep the hashes
    only. A problem with the key file is logged, never shown as an upload error."""
    ids = dicom_patient_ids(files)
    if not ids:
        return
    try:
        key = load_or_create_key(current_settings().key_path)
    except VbqError as err:
        logger.warning("patient hash not computed: %s", err)
        return
    known = list(st.session_state.get(REGISTRY_PATIENT_HASHES, []))
    for value in ids:
        digest = patient_hash(value, key)
        if digest is not None and digest not in known:
            known.append(digest)
    st.session_state[REGISTRY_PATIENT_HASHES] = known


def patient_hashes() -> list[str]:
    return list(st.session_state.get(REGISTRY_PATIENT_HASHES, []))


def reader() -> str:
    return str(st.session_state.get(REGISTRY_READER, "") or "")


def notify(where: str, kind: str, text: str) -> None:
    """A message for panel ``where`` ("case" or "page"), shown until that panel's next action."""
    st.session_state.setdefault(REGISTRY_NOTICES, {}).setdefault(where, []).append((kind, text))


def show_notices(where: str, *, clear: bool = False) -> None:
    notices = st.session_state.setdefault(REGISTRY_NOTICES, {})
    show = {"error": st.error, "warning": st.warning, "success": st.success}
    with st.container():
        for kind, text in notices.get(where, []):
            show.get(kind, st.info)(text)
    if clear:
        notices.pop(where, None)
