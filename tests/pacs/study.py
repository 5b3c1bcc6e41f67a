"""A phantom MR study for the PACS tests: sagittal T1, T2 and STIR series of one study."""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.uid import generate_uid

from tests.phantoms import write_phantom_series
from vbqcore.anatomy import Sequence

__all__ = ["write_phantom_study"]


def write_phantom_study(
    directory: Path,
    *,
    seed: str = "pacs",
    sequences: tuple[Sequence, ...] = (Sequence.T1, Sequence.T2, Sequence.STIR),
    n_slices: int = 5,
    patient_id: str = "PHANTOM-0001",
    accession: str = "ACC-0001",
    study_date: str = "20250314",
) -> tuple[str, dict[Sequence, list[Path]]]:
    """Write one study (one StudyInstanceUID) with a series per sequence under ``directory``;
    return the study UID and each series' files in slice order."""
    study_uid = generate_uid(entropy_srcs=[seed, "study"])
    files: dict[Sequence, list[Path]] = {}
    for number, seq in enumerate(sequences, start=2):
        paths = write_phantom_series(
            directory / seq.value, sequence=seq, n_slices=n_slices,
            series_seed=f"{seed}-{seq.value}", series_number=number,
            identifiers={"PatientName": "Phantom^Test", "PatientID": patient_id,
                         "PatientBirthDate": "19500101", "PatientSex": "F"},
        )  # fmt: skip
        for path in paths:
            ds = pydicom.dcmread(path)
            ds.StudyInstanceUID = study_uid
            ds.FrameOfReferenceUID = generate_uid(entropy_srcs=[seed, "for"])
            ds.AccessionNumber, ds.StudyDate, ds.StudyTime = accession, study_date, "101500"
            ds.StudyID, ds.ReferringPhysicianName = "1", ""
            ds.save_as(path, enforce_file_format=True)
        files[seq] = paths
    return study_uid, files
