"""The one family of errors vbqcore raises: callers catch ``VbqError`` and show its message."""

from __future__ import annotations

__all__ = [
    "VbqError",
    "VbqInputError",
    "DicomReadError",
    "ModalityError",
    "ImageReadError",
    "RoiError",
    "ScoreError",
    "CohortError",
    "StatsInputError",
    "FileReadError",
    "CutoffError",
    "ExportError",
    "PacsError",
    "RegistryError",
    "RegistryUnavailableError",
    "StaleEditError",
    "DegenerateInputWarning",
]


class VbqError(Exception):
    """Base class: every message is meant for the user (what, where, what to do)."""


class VbqInputError(VbqError, ValueError):
    """Input that vbqcore cannot use; the message names the file, column, row or level."""


class DicomReadError(VbqInputError, OSError):
    """A DICOM file that cannot be read or decoded (not DICOM, truncated, unsupported codec)."""


class ModalityError(VbqInputError):
    """A DICOM image that is not MR (CT, radiograph, a secondary capture of something else):
    VBQ scores and their cut-offs are defined on MR signal intensities only."""


class ImageReadError(VbqInputError, OSError):
    """A PNG/JPEG/TIFF screenshot that cannot be read, or an image vbqcore refuses (too large)."""


class RoiError(VbqInputError):
    """An ROI that cannot be measured: off the image, zero area, too few polygon points."""


class ScoreError(VbqInputError):
    """Signal intensities from which a VBQ score cannot be computed (no CSF, CSF SI <= 0, ...)."""


class CohortError(VbqInputError):
    """A cohort table that cannot be analysed: missing column, wrong values, bad rows."""


class StatsInputError(VbqInputError):
    """Data a statistic cannot be computed on (one class only, n < 3, NaNs, non-numeric)."""


class FileReadError(VbqInputError, OSError):
    """A file that cannot be opened, is empty, or is neither DICOM nor a PNG/JPEG/TIFF image."""


class CutoffError(VbqInputError):
    """A cut-off table that cannot be read, or interpretation input out of range (pre-test
    probability outside (0, 1))."""


class ExportError(VbqError, RuntimeError):
    """A figure that cannot be rendered to PNG (no Chromium for kaleido, a renderer failure)."""


class PacsError(VbqError, OSError):
    """A DICOMweb server that cannot be used: bad URL, unreachable, too slow, refused
    authentication, an unknown UID, or an answer that is not DICOMweb."""


class RegistryError(VbqError):
    """The case registry cannot do what was asked: unknown case, duplicate case ID, bad label."""


class RegistryUnavailableError(RegistryError, OSError):
    """The registry database cannot be used now: unreachable, locked, read-only, or written by a
    newer version of VBQ Dashboard. The rest of the app keeps working."""


class StaleEditError(RegistryError):
    """A case changed in the registry since it was opened: the edit is refused, not merged."""


class DegenerateInputWarning(UserWarning):
    """Valid data on which a value is undefined (constant score, one case): it is returned NaN.

    A warning, not an error, because the rest of an analysis still stands (SciPy and
    scikit-learn do the same with ``UndefinedMetricWarning``).
    """
