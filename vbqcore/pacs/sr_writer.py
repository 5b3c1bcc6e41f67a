"""A measured case as a DICOM Structured Report: TID 1500 Measurement Report, with ``highdicom``.

Each ROI is a planar ROI group (TID 1410) whose region is an SCOORD on the slice it was measured
on (image-pixel coordinates, DICOM PS3.3 C.18.6.1.2: column\\row with 0\\0 the top-left corner of
the top-left pixel -- the convention of ``vbqcore.roi.shapes``), with its finding site (the
vertebra, or the spinal canal for CSF, SNOMED CT) and its mean, median and SD SI and area. Each
VBQ score is a measurement group of its own (TID 1501) with the method, the levels used and the
cut-off it was compared with, and where that cut-off comes from.

The SR goes back into the patient's study, so it carries the patient and study attributes of the
images it references (copied by highdicom from them): it is filed in the PACS like the images,
and never written anywhere else by this module.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import highdicom as hd
import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as DicomSequence

from vbqcore import __version__
from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.model import Case
from vbqcore.errors import VbqInputError
from vbqcore.imaging.slices import SliceSource
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.pacs import sr_codes as codes
from vbqcore.roi.measure import RoiStats
from vbqcore.roi.shapes import EllipseRoi, RectRoi, Roi
from vbqcore.vbq import SCORE_SEQUENCES, ScoreName

__all__ = [
    "SOFTWARE",
    "SR_SERIES_NUMBER",
    "SourceImage",
    "roi_graphic",
    "build_measurement_report",
]

logger = logging.getLogger(__name__)

#: Device observer and algorithm name written in the report.
SOFTWARE = "VBQ Dashboard (vbqcore)"
#: Series number of the SR (high, so viewers list it after the images).
SR_SERIES_NUMBER = 9901


@dataclass(frozen=True)
class SourceImage:
    """The DICOM image a sequence's ROIs were drawn on: its header (a WADO-RS metadata set or a
    file read without pixels) and, for a multi-frame image, the 1-based frame measured."""

    header: Dataset
    frame: int | None = None

    def region_source(self) -> hd.sr.SourceImageForRegion:
        return hd.sr.SourceImageForRegion(
            referenced_sop_class_uid=str(self.header.SOPClassUID),
            referenced_sop_instance_uid=str(self.header.SOPInstanceUID),
            referenced_frame_numbers=None if self.frame is None else [self.frame],
        )

    def measurement_source(self) -> hd.sr.SourceImageForMeasurement:
        return hd.sr.SourceImageForMeasurement(
            referenced_sop_class_uid=str(self.header.SOPClassUID),
            referenced_sop_instance_uid=str(self.header.SOPInstanceUID),
            referenced_frame_numbers=None if self.frame is None else [self.frame],
        )


_METHOD_SOURCE = {
    "mean": "Huang et al., Global Spine J 2026;16(1):162-170",
    "median": "Ehresman et al., Spine J 2020;20(4):556-562",
}


def roi_graphic(roi: Roi) -> tuple[hd.sr.GraphicTypeValues, npt.NDArray[np.float64]]:
    """The SCOORD of an ROI: graphic type and (column, row) points in image pixels.

    Rectangles, polygons and freehand outlines are closed POLYLINEs (first point repeated last,
    PS3.3 C.18.6.1.1); an ellipse is an ELLIPSE: the two end points of its major axis, then of
    its minor axis. Rotations are applied (``roi.shapes``: angle clockwise on screen).
    """
    if isinstance(roi, EllipseRoi):
        centre = np.asarray(roi.center)
        axes = roi.axes()  # columns: half-width and half-height vectors
        major, minor = (axes[:, 0], axes[:, 1]) if roi.width >= roi.height else (
            axes[:, 1], axes[:, 0])  # fmt: skip
        points = np.array([centre - major, centre + major, centre - minor, centre + minor])
        return hd.sr.GraphicTypeValues.ELLIPSE, points
    if isinstance(roi, RectRoi):
        outline = roi.corners()
    else:
        outline = np.asarray(roi.points, dtype=np.float64)
    closed = np.vstack([outline, outline[:1]])
    return hd.sr.GraphicTypeValues.POLYLINE, closed


def _source_iv(case: Case, sources: Mapping[Sequence, SourceImage]) -> dict[Sequence, SourceImage]:
    """The source header of every sequence with ROIs, checked against the slice measured."""
    out: dict[Sequence, SourceImage] = {}
    for seq in MEASURED_SEQUENCES:
        state = case[seq]
        if not state.rois:
            continue
        shown = state.slice
        if shown is None:
            raise VbqInputError(f"{seq.value} has ROIs but no images: load them first.")
        if shown.source is SliceSource.SCREENSHOT:
            raise VbqInputError(
                f"{seq.value} was measured on a screenshot: an SR must reference the DICOM "
                "image the ROIs were drawn on. Measure on the DICOM series."
            )
        source = sources.get(seq)
        if source is None:
            raise VbqInputError(
                f"The DICOM image {seq.value} was measured on is not known (slice "
                f"{state.slice_index + 1}): open the series from the PACS, or give its files."
            )
        header = source.header
        for keyword in ("SOPClassUID", "SOPInstanceUID", "StudyInstanceUID"):
            if not header.get(keyword):
                raise VbqInputError(f"The {seq.value} image has no {keyword}: it cannot be "
                                    "referenced from an SR.")  # fmt: skip
        rows, cols = int(header.get("Rows") or 0), int(header.get("Columns") or 0)
        if (rows, cols) != shown.shape:
            raise VbqInputError(
                f"The {seq.value} image referenced is {cols} x {rows} px but the ROIs were "
                f"drawn on {shown.shape[1]} x {shown.shape[0]} px: not the same image."
            )
        out[seq] = source
    studies = {str(s.header.StudyInstanceUID) for s in out.values()}
    if len(studies) > 1:
        raise VbqInputError(
            "The measured series belong to different studies: one SR reports on one study. "
            "Load T1, T2 and STIR of the same examination."
        )
    if not out:
        raise VbqInputError("Nothing measured yet: draw and label ROIs before making an SR.")
    return out


# Patient and General Study attributes highdicom reads from the first evidence image. They are
# Type 2 (present, possibly empty) in the images' IODs, but some files leave them out.
_TYPE2 = ("PatientID", "PatientName", "PatientBirthDate", "PatientSex", "AccessionNumber",
          "StudyID", "StudyDate", "StudyTime", "ReferringPhysicianName")  # fmt: skip


def _with_type2(header: Dataset) -> Dataset:
    """``header`` with every absent Type 2 patient/study attribute present and empty (a shallow
    copy, so the caller's data set is left as it was)."""
    missing = [k for k in _TYPE2 if k not in header]
    if not missing:
        return header
    filled = Dataset()
    filled.update(header)
    if hasattr(header, "file_meta"):
        filled.file_meta = header.file_meta
    for keyword in missing:
        setattr(filled, keyword, None)
    return filled


def _roi_group(
    seq: Sequence, number: int, roi: Roi, stats: RoiStats, source: SourceImage, csf_level: Level
) -> hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations:
    graphic_type, points = roi_graphic(roi)
    region = hd.sr.ImageRegion(
        graphic_type=graphic_type,
        graphic_data=points,
        source_image=source.region_source(),
    )
    name = codes.SIGNAL_NAMES[seq]
    measurements = [
        hd.sr.Measurement(
            name=name, value=float(value), unit=codes.NO_UNITS, derivation=codes.DERIVATIONS[key]
        )  # fmt: skip
        for key, value in (("mean", stats.mean), ("median", stats.median), ("sd", stats.sd))
        if value == value  # the SD of a one-pixel ROI is NaN: left out
    ]
    if stats.area_mm2 is not None:
        measurements.append(
            hd.sr.Measurement(name=codes.AREA, value=float(stats.area_mm2), unit=codes.SQUARE_MM)
        )
    label = roi.label
    sites: list[hd.sr.FindingSite] = []
    if label is not None:
        sites.append(hd.sr.FindingSite(codes.finding_site_code(label)))
    if label == CSF:  # the canal *at* a level: the level is a second site
        sites.append(hd.sr.FindingSite(codes.LEVEL_SITES[csf_level]))
    finding = codes.CSF_FINDING if label == CSF else codes.BODY_FINDING
    identifier = f"{seq.value} {label or 'unlabelled'} ROI {number}"
    return hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=hd.sr.TrackingIdentifier(uid=hd.UID(), identifier=identifier),
        referenced_region=region,
        finding_type=finding if label is not None else None,
        finding_sites=sites or None,
        measurements=measurements,
    )


def _score_parameters(case: Case, evaluation: CaseEvaluation, score: ScoreName) -> list[str]:
    result = evaluation.result
    assert result is not None  # only called for computed scores
    levels = ", ".join(lv.value for lv in result.levels_used[score])
    method = result.method.value
    text = [
        f"{score.label} = {method} SI of the vertebral bodies {levels} divided by the CSF SI "
        f"at {case.csf_level.value} ({_METHOD_SOURCE.get(method, '')})",
        "sequences: " + ", ".join(s.value for s in SCORE_SEQUENCES[score]),
    ]
    for lost, used in result.substitutions.get(score, {}).items():
        text.append(f"{lost.value} (fractured) replaced by {used.value}")
    comparisons = () if evaluation.interpretation is None else evaluation.interpretation.comparisons
    for comparison in comparisons:
        c = comparison.cutoff
        if c.score is not score:
            continue
        side = "at or above" if comparison.at_or_above else "below"
        text.append(
            f"cut-off {c.value:g} for {c.outcome} ({side}): {c.citation}"
            + (f", {c.table}" if c.table else "")
            + f"; derived on {c.scanner}"
            + (f", {c.cohort}" if c.cohort else "")
        )
    text.append("For research use; not a diagnosis.")
    return text


def _score_group(
    case: Case,
    evaluation: CaseEvaluation,
    score: ScoreName,
    headers: Mapping[Sequence, SourceImage],
) -> hd.sr.MeasurementsAndQualitativeEvaluations:
    result = evaluation.result
    assert result is not None
    value = result.score(score)
    assert value is not None
    algorithm = hd.sr.AlgorithmIdentification(
        name=SOFTWARE, version=__version__, parameters=_score_parameters(case, evaluation, score)
    )
    images = [headers[s].measurement_source() for s in SCORE_SEQUENCES[score] if s in headers]
    measurement = hd.sr.Measurement(
        name=codes.SCORE_CODES[score],
        value=float(value),
        unit=codes.NO_UNITS,
        method=codes.METHOD_CODES[result.method],
        referenced_images=images or None,
    )
    return hd.sr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hd.sr.TrackingIdentifier(uid=hd.UID(), identifier=score.label),
        algorithm_id=algorithm,
        finding_sites=[hd.sr.FindingSite(codes.LUMBAR_SPINE)],
        measurements=[measurement],
    )


def build_measurement_report(
    case: Case,
    evaluation: CaseEvaluation,
    sources: Mapping[Sequence, SourceImage],
    *,
    series_number: int = SR_SERIES_NUMBER,
    instance_number: int = 1,
    series_uid: str | None = None,
    sop_uid: str | None = None,
    when: datetime | None = None,
) -> Dataset:
    """The Comprehensive 3D SR (TID 1500) of ``case``'s ROIs and ``evaluation``'s scores.

    Parameters
    ----------
    case, evaluation : Case, CaseEvaluation
        The measured case and ``evaluate_case(case)``.
    sources : mapping of Sequence to SourceImage
        For each sequence with ROIs, the DICOM image its ROIs were drawn on (a WADO-RS metadata
        set is enough; pixels are not needed).
    series_number, instance_number, series_uid, sop_uid : optional
        Identity of the new SR instance (new UIDs by default).
    when : datetime, optional
        Content date/time (now by default).

    Raises
    ------
    VbqInputError
        A sequence with ROIs but no source header, a screenshot, an image of another size, or
        series from different studies.
    """
    headers = _source_iv(case, sources)
    groups: list[Any] = []
    for seq, source in headers.items():
        state, stats = case[seq], evaluation.sequences[seq]
        for i, (roi, st) in enumerate(zip(state.rois, stats.stats, strict=False)):
            if st is None:  # an ROI off the image: its error is in evaluation.problems
                continue
            groups.append(_roi_group(seq, i + 1, roi, st, source, case.csf_level))
    if evaluation.result is not None:
        groups += [_score_group(case, evaluation, s, headers) for s in evaluation.result.computed]
    observer = hd.sr.ObserverContext(
        observer_type=hd.sr.CodedConcept.from_code(codes.DEVICE_OBSERVER),
        observer_identifying_attributes=hd.sr.DeviceObserverIdentifyingAttributes(
            uid=hd.UID(), name=SOFTWARE
        ),
    )
    report = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(observer_device_context=observer),
        procedure_reported=codes.PROCEDURE,
        imaging_measurements=groups,
    )
    evidence = [_with_type2(headers[s].header) for s in MEASURED_SEQUENCES if s in headers]
    sr = hd.sr.Comprehensive3DSR(
        evidence=evidence,
        content=report,
        series_instance_uid=series_uid or hd.UID(),
        series_number=series_number,
        sop_instance_uid=sop_uid or hd.UID(),
        instance_number=instance_number,
        manufacturer=SOFTWARE,
        is_complete=True,
        is_final=False,
        is_verified=False,
    )
    sr.SeriesDescription = "VBQ measurements (research use)"
    sr.CodingSchemeIdentificationSequence = DicomSequence([codes.coding_scheme_item()])  # type: ignore[assignment]
    sr.SoftwareVersions = __version__
    if when is not None:
        sr.ContentDate = when.strftime("%Y%m%d")  # type: ignore[assignment]
        sr.ContentTime = when.strftime("%H%M%S")  # type: ignore[assignment]
    logger.info("SR built: %d ROI groups and scores", len(groups))
    return sr
