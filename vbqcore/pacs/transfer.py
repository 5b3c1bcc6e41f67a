"""Moving instances: which series of a study to pull, pulling them, writing and reading files."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from vbqcore.errors import DicomReadError, FileReadError, PacsError
from vbqcore.pacs.catalogue import SeriesMatch, study_series
from vbqcore.pacs.client import PacsClient

__all__ = [
    "PulledSeries",
    "choose_series",
    "pull_study",
    "write_series",
    "dataset_bytes",
    "read_dicom_files",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class PulledSeries:
    """One series retrieved: what the catalogue said of it, and its instances."""

    match: SeriesMatch
    datasets: tuple[Dataset, ...]


def choose_series(
    study_uid: str, series: Sequence[SeriesMatch], wanted: Iterable[str] | None = None
) -> tuple[SeriesMatch, ...]:
    """The series to pull: those ``wanted`` (UIDs, each must exist), else the proposed sagittal
    T1/T2/STIR ones, else every MR series. A study without MR raises ``PacsError``."""
    uids = list(wanted or [])
    if uids:
        known = {s.series_uid: s for s in series}
        unknown = [u for u in uids if u not in known]
        if unknown:
            raise PacsError(
                f"Study {study_uid} has no series {', '.join(unknown)}: it may have been "
                "deleted or moved; search again."
            )
        return tuple(known[u] for u in dict.fromkeys(uids))
    mr = [s for s in series if s.modality == "MR"]
    if not mr:
        modalities = sorted({s.modality or "?" for s in series}) or ["no series"]
        raise PacsError(
            f"Study {study_uid} has no MR series ({', '.join(modalities)}): VBQ is measured on "
            "sagittal T1, T2 or STIR MR images. Choose the patient's lumbar MR study."
        )
    proposed = [s for s in mr if s.proposed]
    return tuple(proposed or mr)


def pull_study(
    client: PacsClient, study_uid: str, wanted: Iterable[str] | None = None
) -> list[PulledSeries]:
    """Retrieve the chosen series of a study (``choose_series``) with their pixels."""
    series = study_series(client, study_uid)
    if not series:
        raise PacsError(
            f"{client.config.display_url} has no study {study_uid} (or it has no series): "
            "check the UID, or search again."
        )
    chosen = choose_series(study_uid, series, wanted)
    return [PulledSeries(s, tuple(client.retrieve_series(study_uid, s.series_uid))) for s in chosen]


def write_series(pulled: PulledSeries, out_dir: Path) -> Path:
    """Write a series' instances as ``out_dir/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`` (names
    from UIDs: no patient data in a path); return the folder."""
    folder = out_dir / pulled.match.series_uid
    folder.mkdir(parents=True, exist_ok=True)
    for ds in pulled.datasets:
        ds.save_as(folder / f"{ds.SOPInstanceUID}.dcm", enforce_file_format=True)
    return folder


def dataset_bytes(ds: Dataset) -> bytes:
    """A data set as the bytes of a DICOM file (Part 10), e.g. to load it as an upload."""
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def read_dicom_files(paths: Iterable[str | Path]) -> list[Dataset]:
    """Read whole DICOM files (to send them); a missing or non-DICOM file raises, naming it."""
    out: list[Dataset] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise FileReadError(f"{path}: no such file.")
        try:
            out.append(pydicom.dcmread(path))
        except (InvalidDicomError, OSError, ValueError) as err:
            raise DicomReadError(f"{path} is not a DICOM file that can be sent ({err}).") from err
    if not out:
        raise FileReadError("No DICOM file given: name the files to send.")
    return out
