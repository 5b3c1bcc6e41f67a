"""vbqcore: the science of VBQ Dashboard, with no user interface.

The MRI-based Vertebral Bone Quality score (Ehresman et al., Spine J 2020;20:556-562) and its
T2, STIR and T2-STIR variants with the cut-offs of Huang et al., Global Spine J 2026;16(1):162-170.
For research use; not a medical device.
"""

from __future__ import annotations

__version__ = "0.1.0"

from vbqcore.anatomy import CORE_LEVELS, CSF, ROI_LABELS, Level, Sequence, Sex, parse_level
from vbqcore.cutoffs import Cutoff, load_cutoffs
from vbqcore.errors import (
    CohortError,
    CutoffError,
    DicomReadError,
    FileReadError,
    ImageReadError,
    RoiError,
    ScoreError,
    StatsInputError,
    VbqError,
    VbqInputError,
)
from vbqcore.imaging.slices import Protocol, Slice, SliceSource
from vbqcore.interpretation import CutoffComparison, Interpretation, interpret
from vbqcore.roi.measure import RoiStats, measure_roi, measure_rois
from vbqcore.roi.shapes import EllipseRoi, FreehandRoi, PolygonRoi, RectRoi, Roi
from vbqcore.vbq import (
    Aggregate,
    CaseMeasurements,
    LevelSelection,
    ScoreName,
    SequenceMeasurement,
    VbqResult,
    compute_vbq,
    select_levels,
)

__all__ = [
    "__version__",
    "CORE_LEVELS",
    "CSF",
    "ROI_LABELS",
    "Level",
    "Sequence",
    "Sex",
    "parse_level",
    "CohortError",
    "CutoffError",
    "DicomReadError",
    "FileReadError",
    "ImageReadError",
    "RoiError",
    "ScoreError",
    "StatsInputError",
    "VbqError",
    "VbqInputError",
    "Protocol",
    "Slice",
    "SliceSource",
    "Aggregate",
    "CaseMeasurements",
    "LevelSelection",
    "ScoreName",
    "SequenceMeasurement",
    "VbqResult",
    "compute_vbq",
    "select_levels",
    "Cutoff",
    "load_cutoffs",
    "CutoffComparison",
    "Interpretation",
    "interpret",
    "Roi",
    "RectRoi",
    "EllipseRoi",
    "PolygonRoi",
    "FreehandRoi",
    "RoiStats",
    "measure_roi",
    "measure_rois",
]
