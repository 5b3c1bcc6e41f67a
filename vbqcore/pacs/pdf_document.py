"""The PDF report as a DICOM Encapsulated PDF instance in the patient's study.

IOD: Encapsulated PDF (DICOM PS3.3 A.45.1): Patient, General Study, Encapsulated Document
Series, General Equipment, SC Equipment, Encapsulated Document and SOP Common modules. The
patient and study attributes are copied from the images the report is about, so the PACS files
it beside them; the PDF itself stays de-identified (``vbqcore.case.report``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import EncapsulatedPDFStorage, ExplicitVRLittleEndian, generate_uid

from vbqcore import __version__
from vbqcore.errors import VbqInputError

__all__ = ["PDF_SERIES_NUMBER", "encapsulated_pdf"]

logger = logging.getLogger(__name__)

#: Series number of the PDF instance (after the SR's 9901).
PDF_SERIES_NUMBER = 9902

# Patient and General Study attributes copied from the images (PS3.3 C.7.1.1, C.7.2.1).
_COPIED = (
    "PatientName", "PatientID", "IssuerOfPatientID", "PatientBirthDate", "PatientSex",
    "StudyInstanceUID", "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID",
    "AccessionNumber", "StudyDescription",
)  # fmt: skip
_TYPE2 = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate",
          "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber")  # fmt: skip


def encapsulated_pdf(
    pdf: bytes,
    evidence: Sequence[Dataset],
    *,
    title: str = "VBQ report (research use)",
    series_number: int = PDF_SERIES_NUMBER,
    instance_number: int = 1,
    when: datetime | None = None,
) -> Dataset:
    """An Encapsulated PDF data set holding ``pdf``, in the study of ``evidence``.

    Parameters
    ----------
    pdf : bytes
        The PDF file (``vbqcore.case.report.build_report``).
    evidence : sequence of Dataset
        Headers of the images the report is about (one study); the first gives patient and study.
    title : str
        DocumentTitle shown by PACS viewers.

    Raises
    ------
    VbqInputError
        When ``pdf`` is not a PDF or the evidence is empty or spans several studies.
    """
    if not pdf.startswith(b"%PDF"):
        raise VbqInputError("The report to encapsulate is not a PDF file (no %PDF header).")
    if not evidence:
        raise VbqInputError("An encapsulated PDF needs the images it reports on (none given).")
    studies = {str(ds.get("StudyInstanceUID")) for ds in evidence}
    if len(studies) != 1:
        raise VbqInputError("The images of the report belong to different studies.")
    source = evidence[0]
    now = (when or datetime.now(UTC)).astimezone(UTC)
    sop_uid = generate_uid()

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = EncapsulatedPDFStorage
    ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SpecificCharacterSet = source.get("SpecificCharacterSet", "ISO_IR 192")
    ds.SOPClassUID, ds.SOPInstanceUID = EncapsulatedPDFStorage, sop_uid
    for keyword in _TYPE2:
        setattr(ds, keyword, None)
    for keyword in _COPIED:
        if keyword in source:
            setattr(ds, keyword, source[keyword].value)
    ds.Modality = "DOC"
    ds.SeriesInstanceUID = generate_uid()
    ds.SeriesNumber = series_number
    ds.SeriesDescription = title
    ds.Manufacturer = "VBQ Dashboard (vbqcore)"
    ds.SoftwareVersions = __version__
    ds.ConversionType = "WSD"  # workstation
    ds.InstanceNumber = instance_number
    ds.ContentDate, ds.ContentTime = now.strftime("%Y%m%d"), now.strftime("%H%M%S")
    ds.AcquisitionDateTime = now.strftime("%Y%m%d%H%M%S")
    ds.BurnedInAnnotation = "NO"  # the PDF names no patient (vbqcore.case.report)
    ds.DocumentTitle = title
    ds.ConceptNameCodeSequence = DicomSequence()
    ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
    ds.EncapsulatedDocumentLength = len(pdf)
    ds.EncapsulatedDocument = pdf + (b"\x00" if len(pdf) % 2 else b"")  # even length (PS3.5)
    referenced = []
    for image in evidence:
        item = Dataset()
        item.ReferencedSOPClassUID = image.SOPClassUID
        item.ReferencedSOPInstanceUID = image.SOPInstanceUID
        referenced.append(item)
    ds.SourceInstanceSequence = DicomSequence(referenced)
    logger.info("Encapsulated PDF built (%d bytes)", len(pdf))
    return ds
