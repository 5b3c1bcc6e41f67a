"""Session-state keys of the registry features (Case page save panel, Registry page).

Kept beside the feature rather than in ``vbqapp/state.py`` so that file's typed rewrite and this
feature merge apart; every key carries the ``registry_`` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "REGISTRY_OPENED",
    "REGISTRY_PATIENT_HASHES",
    "REGISTRY_READER",
    "REGISTRY_FORM",
    "REGISTRY_NOTICES",
    "REGISTRY_SEEN_VERSIONS",
    "REGISTRY_WIDGET_PREFIX",
    "OpenedCase",
]

#: The registry case now on the Case page: ``OpenedCase`` (absent for a case never saved).
REGISTRY_OPENED = "registry_opened"
#: Keyed hashes (HMAC-SHA256) of the PatientIDs of the DICOM files uploaded on the Case page,
#: in upload order: ``list[str]``. The IDs themselves are never kept.
REGISTRY_PATIENT_HASHES = "registry_patient_hashes"
#: The reader's name or initials, shared by the Case page panel and the Registry page.
REGISTRY_READER = "registry_reader"
#: The Case page save form's last values: ``{"case_id", "group", "sex", "age", "bmi"}``.
REGISTRY_FORM = "registry_form"
#: Messages of the registry panels: ``{"case"|"page": [(kind, text), ...]}``.
REGISTRY_NOTICES = "registry_notices"
#: Versions of cases as the user last saw them on the Registry page: ``{case_id: version}``;
#: an edit is checked against it, so someone else's change in between is never overwritten.
REGISTRY_SEEN_VERSIONS = "registry_seen_versions"
#: Prefix of every widget key of the Registry page.
REGISTRY_WIDGET_PREFIX = "registry_w_"


@dataclass(frozen=True)
class OpenedCase:
    """A registry case on the Case page: ID, version opened, and the scores it was saved with."""

    case_id: str
    version: int
    saved_by: str
    scores: tuple[tuple[str, float | None], ...] = ()
