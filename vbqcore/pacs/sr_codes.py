"""The coded concepts of the VBQ measurement report (SNOMED CT, DICOM, UCUM, and our own).

Standard codes come from pydicom's code dictionary (DICOM PS3.16): anatomy from SNOMED CT,
signal intensities from DCM CID 7180 (MR signal intensity), derivations from CID 7464 (Mean,
Median, Standard Deviation), units from UCUM. The VBQ scores have no standard code, so they get
private codes in the ``99VBQ`` scheme (a private coding scheme designator starts with "99",
PS3.3 8.2.2), declared in the SR's Coding Scheme Identification Sequence.
"""

from __future__ import annotations

from highdicom.sr import CodedConcept
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.sr.coding import Code

from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.vbq import Aggregate, ScoreName

__all__ = [
    "VBQ_SCHEME",
    "LEVEL_SITES",
    "CSF_FINDING",
    "CSF_SITE",
    "BODY_FINDING",
    "SIGNAL_NAMES",
    "DERIVATIONS",
    "AREA",
    "SQUARE_MM",
    "NO_UNITS",
    "SCORE_CODES",
    "METHOD_CODES",
    "PROCEDURE",
    "LUMBAR_SPINE",
    "DEVICE_OBSERVER",
    "finding_site_code",
    "coding_scheme_item",
    "same_code",
]

#: Private coding scheme of the scores and methods.
VBQ_SCHEME = "99VBQ"

#: Finding site of a vertebral-body ROI: the vertebra at that level (SNOMED CT).
LEVEL_SITES: dict[Level, Code] = {
    Level.T12: codes.SCT.T12Vertebra,
    Level.L1: codes.SCT.L1Vertebra,
    Level.L2: codes.SCT.L2Vertebra,
    Level.L3: codes.SCT.L3Vertebra,
    Level.L4: codes.SCT.L4Vertebra,
    Level.L5: codes.SCT.L5Vertebra,
}
#: What a vertebral ROI measures: the marrow of the body (VBQ is a marrow-fat surrogate).
BODY_FINDING: Code = codes.SCT.BoneMarrowStructure
#: What the CSF ROI measures, and where: CSF in the spinal canal (its level is a second site).
CSF_FINDING: Code = codes.SCT.CerebrospinalFluid
CSF_SITE: Code = codes.SCT.SpinalCanalStructure

#: Concept name of an ROI's signal-intensity measurements, by weighting (DCM CID 7180).
SIGNAL_NAMES: dict[Sequence, Code] = {
    Sequence.T1: codes.DCM.T1WeightedMRSignalIntensity,
    Sequence.T2: codes.DCM.T2WeightedMRSignalIntensity,
    Sequence.STIR: codes.DCM.MRSignalIntensity,  # no STIR-specific concept exists
}
#: Derivation of each SI statistic (DCM CID 7464).
DERIVATIONS: dict[str, Code] = {
    "mean": codes.SCT.Mean,
    "median": codes.SCT.Median,
    "sd": codes.SCT.StandardDeviation,
}
AREA: Code = codes.SCT.Area
SQUARE_MM: Code = codes.UCUM.SquareMillimeter
NO_UNITS: Code = codes.UCUM.NoUnits

#: The four VBQ scores (Huang et al., Global Spine J 2026;16(1):162-170; Ehresman et al. 2020).
SCORE_CODES: dict[ScoreName, Code] = {
    ScoreName.VBQ_T1: Code("VBQ-T1", VBQ_SCHEME, "VBQ score, T1-weighted"),
    ScoreName.VBQ_T2: Code("VBQ-T2", VBQ_SCHEME, "VBQ score, T2-weighted"),
    ScoreName.VBQ_STIR: Code("VBQ-STIR", VBQ_SCHEME, "VBQ score, STIR"),
    ScoreName.VBQ_T2_STIR: Code("VBQ-T2-STIR", VBQ_SCHEME, "VBQ score, T2 minus STIR"),
}
#: How the bodies' SIs are combined before the division by the CSF SI.
METHOD_CODES: dict[Aggregate, Code] = {
    Aggregate.MEAN: Code("VBQ-MEAN", VBQ_SCHEME, "Mean body SI / CSF SI (Huang 2026)"),
    Aggregate.MEDIAN: Code("VBQ-MEDIAN", VBQ_SCHEME, "Median body SI / CSF SI (Ehresman 2020)"),
}
#: Procedure reported (TID 1500 row 4): the generic imaging procedure (SNOMED CT 363679005),
#: since pydicom's dictionary has no lumbar-spine MRI procedure code to take it from.
PROCEDURE: Code = codes.SCT.ImagingProcedure


#: Finding site of the scores: the lumbar spine.
LUMBAR_SPINE: Code = codes.SCT.LumbarSpine
#: Observer type of the report: a device (the software computed every number; CID 270).
DEVICE_OBSERVER: Code = codes.DCM.Device


def finding_site_code(label: str) -> Code:
    """The anatomic site code of an ROI label (``T12``-``L5``; ``CSF`` gives the spinal canal)."""
    if label == CSF:
        return CSF_SITE
    return LEVEL_SITES[Level(label)]


def same_code(a: Code | CodedConcept | Dataset, b: Code) -> bool:
    """Whether two coded concepts are the same code (value and scheme; meaning may differ)."""
    value = getattr(a, "value", None) or getattr(a, "CodeValue", None)
    scheme = getattr(a, "scheme_designator", None) or getattr(a, "CodingSchemeDesignator", None)
    return value == b.value and scheme == b.scheme_designator


def coding_scheme_item() -> Dataset:
    """The Coding Scheme Identification item that declares ``99VBQ`` (PS3.3 C.12.1.1.8)."""
    item = Dataset()
    item.CodingSchemeDesignator = VBQ_SCHEME
    item.CodingSchemeName = "VBQ Dashboard vertebral bone quality concepts"
    item.CodingSchemeResponsibleOrganization = "VBQ Dashboard (vbqcore)"
    return item
