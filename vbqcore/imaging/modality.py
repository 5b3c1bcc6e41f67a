"""Only MR images are scored: the DICOM Modality (0008,0060) decides, never a guess.

VBQ scores and every published cut-off are ratios of MR signal intensities (Ehresman et al.,
Spine J 2020;20:556-562; Huang et al., Global Spine J 2026;16(1):162-170). A CT's Hounsfield
units, a radiograph or a secondary capture ("OT"/"SC": a picture of a screen or a report) give
numbers of another kind, so a VBQ computed from them means nothing.
"""

from __future__ import annotations

import logging

from vbqcore.errors import ModalityError
from vbqcore.imaging.slices import Protocol

__all__ = ["MR_MODALITY", "modality_name", "is_mr", "require_mr"]

logger = logging.getLogger(__name__)

#: The one DICOM Modality that can be scored.
MR_MODALITY = "MR"

#: Defined terms of DICOM PS3.3 C.7.3.1.1.1 that users are likely to meet.
_NAMES = {
    "CT": "computed tomography",
    "CR": "computed radiography",
    "DX": "digital radiography",
    "XA": "X-ray angiography",
    "RF": "fluoroscopy",
    "MG": "mammography",
    "PX": "panoramic X-ray",
    "US": "ultrasound",
    "NM": "nuclear medicine",
    "PT": "PET",
    "OT": "other, e.g. a secondary capture",
    "SC": "secondary capture",
    "DOC": "document",
    "SR": "structured report",
}


def modality_name(modality: str) -> str:
    """``"CT (computed tomography)"``; the code alone when it is not a common one."""
    code = modality.strip().upper()
    return f"{code} ({_NAMES[code]})" if code in _NAMES else code


def is_mr(protocol: Protocol) -> bool:
    """True unless the header names a modality other than MR (a header without one passes:
    Modality is mandatory in MR files, and files without it are flagged elsewhere)."""
    return protocol.modality is None or protocol.modality.strip().upper() == MR_MODALITY


def require_mr(protocol: Protocol, where: str) -> None:
    """Raise ``ModalityError`` when the header says the image is not MR.

    Parameters
    ----------
    protocol : Protocol
        The image's acquisition facts (``Protocol.modality`` from the header).
    where : str
        How the message names the image (a series description or a path the user typed).
    """
    if is_mr(protocol):
        return
    assert protocol.modality is not None  # is_mr is True without one
    raise ModalityError(
        f"{where}: the DICOM header says Modality {modality_name(protocol.modality)}, not MR. "
        "VBQ scores and their cut-offs are defined on MR signal intensities only, so it cannot "
        "be scored; use the sagittal T1-, T2-weighted or STIR MR series of the lumbar spine."
    )
