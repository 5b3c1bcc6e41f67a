"""Read a VBQ measurement report back with ``highdicom``'s own SR parser: ROIs and scores.

Used to check that what ``sr_writer`` wrote (and what a PACS sends back) holds every ROI
measurement and every score, and to summarise an SR on the command line. Another program's
TID 1500 report is read as far as it uses the same concepts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import highdicom as hd
import numpy as np
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes as dicom_codes

from vbqcore.anatomy import CSF, Sequence
from vbqcore.errors import VbqInputError
from vbqcore.pacs import sr_codes as codes
from vbqcore.vbq import ScoreName

__all__ = ["ReportedRoi", "ReportedScore", "ReportedMeasurements", "read_measurement_report"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportedRoi:
    """One planar ROI of the report: where it is, what it is, and what was measured in it."""

    tracking_id: str
    sequence: Sequence | None
    label: str | None
    graphic_type: str
    points: tuple[tuple[float, float], ...]
    sop_instance_uid: str | None
    mean: float | None
    median: float | None
    sd: float | None
    area_mm2: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tracking_id": self.tracking_id,
            "sequence": None if self.sequence is None else self.sequence.value,
            "label": self.label,
            "graphic_type": self.graphic_type,
            "points": [list(p) for p in self.points],
            "sop_instance_uid": self.sop_instance_uid,
            "mean": self.mean,
            "median": self.median,
            "sd": self.sd,
            "area_mm2": self.area_mm2,
        }


@dataclass(frozen=True)
class ReportedScore:
    """One VBQ score of the report, its method and the algorithm parameters written with it."""

    score: ScoreName
    value: float
    method: str | None
    parameters: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score.value,
            "value": self.value,
            "method": self.method,
            "parameters": list(self.parameters),
        }


@dataclass(frozen=True)
class ReportedMeasurements:
    """Everything read from one report."""

    sop_instance_uid: str
    study_uid: str
    rois: tuple[ReportedRoi, ...]
    scores: tuple[ReportedScore, ...]

    def score(self, name: ScoreName | str) -> float | None:
        wanted = ScoreName(name)
        return next((s.value for s in self.scores if s.score is wanted), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, and without the patient attributes the SR carries."""
        return {
            "sop_instance_uid": self.sop_instance_uid,
            "study_uid": self.study_uid,
            "rois": [r.to_dict() for r in self.rois],
            "scores": [s.to_dict() for s in self.scores],
        }


_SEQUENCE_OF_NAME = {(c.value, c.scheme_designator): s for s, c in codes.SIGNAL_NAMES.items()}
_SCORE_OF_CODE = {(c.value, c.scheme_designator): s for s, c in codes.SCORE_CODES.items()}
_LABEL_OF_SITE = {(c.value, c.scheme_designator): lv.value for lv, c in codes.LEVEL_SITES.items()}


def _key(code: Any) -> tuple[str, str]:
    return str(code.value), str(code.scheme_designator)


def _label(group: Any) -> str | None:
    finding = group.finding_type
    if finding is not None and codes.same_code(finding, codes.CSF_FINDING):
        return CSF
    for site in group.finding_sites:
        label = _LABEL_OF_SITE.get(_key(site.value))
        if label is not None:
            return label
    return None


def _roi(group: Any) -> ReportedRoi:
    region = group.roi
    points = tuple((float(x), float(y)) for x, y in np.asarray(region.value).reshape(-1, 2))
    try:
        image = region.ContentSequence[0]  # the IMAGE item the SCOORD is SELECTED FROM
        sop = str(image.ReferencedSOPSequence[0].ReferencedSOPInstanceUID)
    except (AttributeError, IndexError):
        sop = None
    values: dict[str, float] = {}
    sequence: Sequence | None = None
    for m in group.get_measurements():
        if codes.same_code(m.name, codes.AREA):
            values["area"] = float(m.value)
            continue
        seq = _SEQUENCE_OF_NAME.get(_key(m.name))
        if seq is None or m.derivation is None:
            continue
        sequence = seq
        for key, code in codes.DERIVATIONS.items():
            if codes.same_code(m.derivation, code):
                values[key] = float(m.value)
    return ReportedRoi(
        tracking_id=str(group.tracking_identifier),
        sequence=sequence,
        label=_label(group),
        graphic_type=str(region.GraphicType),
        points=points,
        sop_instance_uid=sop,
        mean=values.get("mean"),
        median=values.get("median"),
        sd=values.get("sd"),
        area_mm2=values.get("area"),
    )


def _scores(group: Any) -> list[ReportedScore]:
    parameters = tuple(
        str(item.TextValue)
        for item in group[0].ContentSequence
        if "TextValue" in item
        and codes.same_code(item.ConceptNameCodeSequence[0], dicom_codes.DCM.AlgorithmParameters)
    )
    out = []
    for m in group.get_measurements():
        score = _SCORE_OF_CODE.get(_key(m.name))
        if score is None:
            continue
        method = None if m.method is None else str(m.method.meaning)
        out.append(ReportedScore(score, float(m.value), method, parameters))
    return out


def read_measurement_report(dataset: Dataset) -> ReportedMeasurements:
    """Parse a TID 1500 SR with highdicom and collect its ROIs and VBQ scores.

    Raises
    ------
    VbqInputError
        When the data set is not an SR that highdicom can parse as a measurement report.
    """
    try:
        report = hd.sr.Comprehensive3DSR.from_dataset(dataset, copy=True)
        content: Any = report.content  # a MeasurementReport once parsed
        planar = content.get_planar_roi_measurement_groups()
        image = content.get_image_measurement_groups()
    except (AttributeError, ValueError, TypeError, KeyError, IndexError) as err:
        raise VbqInputError(
            f"This DICOM object is not a TID 1500 measurement report that can be read ({err})."
        ) from err
    scores = [s for group in image for s in _scores(group)]
    return ReportedMeasurements(
        sop_instance_uid=str(dataset.SOPInstanceUID),
        study_uid=str(dataset.StudyInstanceUID),
        rois=tuple(_roi(g) for g in planar),
        scores=tuple(scores),
    )
