"""Search a PACS for studies and describe their series: modality, plane, sequence guess.

A series' weighting is guessed from one of its instances' header with the same rules as for
uploaded files (``vbqcore.imaging.sequence_guess``), and its plane from ImageOrientationPatient.
Patient identifiers are kept apart (``StudyMatch.identifiers``) so that nothing shows, logs or
exports them unless asked to.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydicom.dataset import Dataset

from vbqcore.anatomy import Sequence
from vbqcore.errors import PacsError, VbqInputError
from vbqcore.imaging.dicom_header import Header
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.pacs.client import PacsClient

__all__ = [
    "StudyQuery",
    "SeriesMatch",
    "StudyMatch",
    "PatientIdentifiers",
    "image_plane",
    "describe_series",
    "find_studies",
    "study_series",
]

logger = logging.getLogger(__name__)

_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")


def _dicom_date(text: str) -> str:
    """``YYYYMMDD`` from ``YYYYMMDD`` or ``YYYY-MM-DD``; a range ``D1-D2`` is kept a range."""
    text = text.strip()
    if "/" in text or ".." in text:
        low, _, high = text.replace("..", "/").partition("/")
        return f"{_dicom_date(low)}-{_dicom_date(high)}"
    match = _DATE.match(text)
    if match is None:
        raise VbqInputError(
            f"Study date {text!r}: use YYYYMMDD or YYYY-MM-DD, or a range FROM/TO "
            "(e.g. 20240101/20240131)."
        )
    return "".join(match.groups())


@dataclass(frozen=True)
class StudyQuery:
    """What to search by (at least one): PatientID, AccessionNumber, StudyDate (a day or a
    range ``FROM/TO``, each ``YYYYMMDD`` or ``YYYY-MM-DD``)."""

    patient_id: str | None = None
    accession: str | None = None
    study_date: str | None = None

    def filters(self) -> dict[str, str]:
        """The QIDO-RS query keys (DICOM PS3.18 §10.6.1.2)."""
        out: dict[str, str] = {}
        if self.patient_id and self.patient_id.strip():
            out["PatientID"] = self.patient_id.strip()
        if self.accession and self.accession.strip():
            out["AccessionNumber"] = self.accession.strip()
        if self.study_date and self.study_date.strip():
            out["StudyDate"] = _dicom_date(self.study_date)
        if not out:
            raise VbqInputError(
                "Search by patient ID, accession number or study date: give at least one "
                "(a search of the whole PACS is refused)."
            )
        return out


@dataclass(frozen=True)
class PatientIdentifiers:
    """Who the study belongs to: shown only while the reader chooses, never stored or logged."""

    patient_name: str | None = field(default=None, repr=False)
    patient_id: str | None = field(default=None, repr=False)
    birth_date: str | None = field(default=None, repr=False)
    accession: str | None = field(default=None, repr=False)
    study_date: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "patient_name": self.patient_name,
            "patient_id": self.patient_id,
            "patient_birth_date": self.birth_date,
            "accession_number": self.accession,
            "study_date": self.study_date,
        }


@dataclass(frozen=True)
class SeriesMatch:
    """One series of a study as the PACS describes it, with the sequence guessed from its header.

    ``proposed`` is true for sagittal (or orientation unknown) MR series guessed T1, T2 or
    STIR: the ones VBQ is measured on.
    """

    series_uid: str
    modality: str | None
    series_description: str | None
    series_number: int | None
    instances: int | None
    sequence_guess: Sequence = Sequence.UNKNOWN
    plane: str | None = None

    @property
    def proposed(self) -> bool:
        return (
            self.modality == "MR"
            and self.plane in (None, "sagittal")
            and self.sequence_guess in MEASURED_SEQUENCES
        )

    def label(self) -> str:
        """How a person names it: ``series 3 'SAG T2 FSE' (MR, 15 images)``."""
        number = "series" if self.series_number is None else f"series {self.series_number}"
        described = f" '{self.series_description}'" if self.series_description else ""
        count = "" if self.instances is None else f", {self.instances} images"
        return f"{number}{described} ({self.modality or '?'}{count})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "series_uid": self.series_uid,
            "modality": self.modality,
            "series_description": self.series_description,
            "series_number": self.series_number,
            "instances": self.instances,
            "sequence_guess": self.sequence_guess.value,
            "plane": self.plane,
            "proposed": self.proposed,
        }


@dataclass(frozen=True)
class StudyMatch:
    """One study found: its UID, description, series, and (apart) the patient identifiers."""

    study_uid: str
    study_description: str | None
    modalities: tuple[str, ...]
    series: tuple[SeriesMatch, ...] = ()
    identifiers: PatientIdentifiers = field(default_factory=PatientIdentifiers, repr=False)

    @property
    def has_mr(self) -> bool:
        return "MR" in self.modalities or any(s.modality == "MR" for s in self.series)

    def to_dict(self, *, show_identifiers: bool = False) -> dict[str, Any]:
        """JSON-safe; patient name, ID, birth date, accession and date only if asked."""
        out: dict[str, Any] = {
            "study_uid": self.study_uid,
            "study_description": self.study_description,
            "modalities": list(self.modalities),
            "series": [s.to_dict() for s in self.series],
        }
        if show_identifiers:
            out.update(self.identifiers.to_dict())
        return out


def _text(ds: Dataset, keyword: str) -> str | None:
    value = ds.get(keyword)
    if value is None or value == "":
        return None
    return str(value).strip() or None


def _int(ds: Dataset, keyword: str) -> int | None:
    try:
        value = ds.get(keyword)
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def image_plane(ds: Dataset) -> str | None:
    """``"sagittal"``, ``"coronal"`` or ``"axial"``: the patient axis closest to the slice normal
    (row x column direction cosines of ImageOrientationPatient, DICOM PS3.3 C.7.6.2.1.1; x is
    the patient's left, so a normal along x is sagittal); ``None`` when not recorded."""
    cosines = Header(ds).numbers("ImageOrientationPatient", 6)
    if cosines is None:
        return None
    normal = np.cross(np.asarray(cosines[:3]), np.asarray(cosines[3:]))
    if not np.any(normal):
        return None
    return ("sagittal", "coronal", "axial")[int(np.argmax(np.abs(normal)))]


def describe_series(client: PacsClient, study_uid: str, series: Dataset) -> SeriesMatch:
    """A ``SeriesMatch`` for a QIDO series result; MR series get one instance's header read
    (WADO-RS metadata) to guess the sequence and plane."""
    uid = _text(series, "SeriesInstanceUID")
    if uid is None:
        raise PacsError(f"The PACS listed a series of study {study_uid} without its UID.")
    modality = _text(series, "Modality")
    guess, plane = Sequence.UNKNOWN, None
    if modality == "MR":
        first = client.search_instances(study_uid, uid, limit=1)
        sop = _text(first[0], "SOPInstanceUID") if first else None
        if sop is not None:
            header = client.instance_metadata(study_uid, uid, sop)
            guess = Header(header).protocol().sequence_guess
            plane = image_plane(header)
    return SeriesMatch(
        series_uid=uid,
        modality=modality,
        series_description=_text(series, "SeriesDescription"),
        series_number=_int(series, "SeriesNumber"),
        instances=_int(series, "NumberOfSeriesRelatedInstances"),
        sequence_guess=guess,
        plane=plane,
    )


def study_series(client: PacsClient, study_uid: str) -> tuple[SeriesMatch, ...]:
    """The series of one study, in series-number order, each described."""
    found = [describe_series(client, study_uid, s) for s in client.search_series(study_uid)]
    return tuple(sorted(found, key=lambda s: (s.series_number is None, s.series_number or 0)))


def _study(client: PacsClient, ds: Dataset, *, with_series: bool) -> StudyMatch:
    uid = _text(ds, "StudyInstanceUID")
    if uid is None:
        raise PacsError("The PACS listed a study without its StudyInstanceUID.")
    modalities = ds.get("ModalitiesInStudy") or []
    if isinstance(modalities, str):
        modalities = [modalities]
    identifiers = PatientIdentifiers(
        patient_name=_text(ds, "PatientName"),
        patient_id=_text(ds, "PatientID"),
        birth_date=_text(ds, "PatientBirthDate"),
        accession=_text(ds, "AccessionNumber"),
        study_date=_text(ds, "StudyDate"),
    )
    return StudyMatch(
        study_uid=uid,
        study_description=_text(ds, "StudyDescription"),
        modalities=tuple(str(m) for m in modalities),
        series=study_series(client, uid) if with_series else (),
        identifiers=identifiers,
    )


def find_studies(
    client: PacsClient, query: StudyQuery, *, with_series: bool = True
) -> tuple[StudyMatch, ...]:
    """Studies matching ``query``, newest first, each with its series described."""
    filters = query.filters()
    fields = ("StudyDescription", "ModalitiesInStudy", "AccessionNumber", "StudyDate")
    found = client.search_studies(filters, fields=fields)
    studies = [_study(client, ds, with_series=with_series) for ds in found]
    studies.sort(key=lambda s: s.identifiers.study_date or "", reverse=True)
    logger.info("PACS search: %d stud(ies) found", len(studies))  # never the query values
    return tuple(studies)
