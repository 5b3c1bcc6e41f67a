"""Which DICOM image each sequence of a case was measured on: from files, or from the PACS.

A slice read by ``vbqcore.imaging`` knows only its file name (``Slice.source_name``, with
``" [frame N]"`` for a frame of a multi-frame file). Reading files under names we choose keeps a
map from those names back to their headers; images opened from the PACS are named by their SOP
Instance UID, so the PACS gives their headers back. Either way the result is a ``SourceImage``
per measured sequence for ``sr_writer.build_measurement_report``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError

from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import CaseEvaluation, evaluate_case
from vbqcore.case.io import read_case_json, restore_case
from vbqcore.case.model import Case, load_series, new_case
from vbqcore.errors import DicomReadError, FileReadError, VbqInputError
from vbqcore.imaging.reading import Series, read_all_series
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.sr_writer import SourceImage

__all__ = [
    "InstanceRef",
    "SourcedCase",
    "split_frame",
    "pacs_file_name",
    "sources_from_pacs",
    "case_from_files",
]

logger = logging.getLogger(__name__)

_FRAME = re.compile(r"^(?P<name>.*) \[frame (?P<frame>\d+)\]$")


def split_frame(source_name: str) -> tuple[str, int | None]:
    """``("a.dcm", 3)`` for ``"a.dcm [frame 3]"``; ``(name, None)`` for a single-frame file."""
    match = _FRAME.match(source_name)
    if match is None:
        return source_name, None
    return match["name"], int(match["frame"])


@dataclass(frozen=True)
class InstanceRef:
    """Where an image opened from the PACS lives: study, series and SOP Instance UIDs."""

    study_uid: str
    series_uid: str
    sop_uid: str


def pacs_file_name(sop_uid: str) -> str:
    """The name an image opened from the PACS is read under: its SOP Instance UID (no patient
    data, and unique across studies)."""
    return f"{sop_uid}.dcm"


def sources_from_pacs(
    client: PacsClient, case: Case, refs: Mapping[str, InstanceRef]
) -> dict[Sequence, SourceImage]:
    """The source image of each sequence with ROIs, its header fetched from the PACS.

    ``refs`` maps ``pacs_file_name`` names to the images' UIDs (kept by the Case page when it
    opened them). A sequence whose images did not come from the PACS raises ``VbqInputError``.
    """
    out: dict[Sequence, SourceImage] = {}
    for seq in MEASURED_SEQUENCES:
        state = case[seq]
        shown = state.slice
        if not state.rois or shown is None:
            continue
        name, frame = split_frame(shown.source_name)
        ref = refs.get(name)
        if ref is None:
            raise VbqInputError(
                f"The {seq.value} images were not opened from the PACS, so the SR cannot point "
                f"at them there. Open the study with 'Open from PACS' (the ROIs stay), or write "
                "the SR with 'python -m vbqcore sr CASE.json --images DIR'."
            )
        header = client.instance_metadata(ref.study_uid, ref.series_uid, ref.sop_uid)
        out[seq] = SourceImage(header, frame)
    return out


@dataclass(frozen=True, eq=False)
class SourcedCase:
    """A case rebuilt from a case file and the DICOM files it was measured on."""

    case: Case
    evaluation: CaseEvaluation
    sources: Mapping[Sequence, SourceImage]
    warnings: tuple[str, ...]


def _files(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        elif path.is_file():
            found.append(path)
        else:
            raise FileReadError(f"{path}: no such file or folder.")
    if not found:
        raise FileReadError("No DICOM files found under --images: give the folder of the series.")
    return found


def _saved_descriptions(text: str) -> dict[Sequence, tuple[str | None, int | None]]:
    """Series description and slice count per sequence, as the case file recorded them."""
    data: Any = json.loads(text)
    out: dict[Sequence, tuple[str | None, int | None]] = {}
    for key, raw in (data.get("sequences") or {}).items():
        protocol = raw.get("protocol") or {}
        out[Sequence(key)] = (protocol.get("series_description"), raw.get("slice_count"))
    return out


def _pick(seq: Sequence, recorded: tuple[str | None, int | None], found: list[Series]) -> Series:
    """The series the case's ``seq`` was measured on: same description and slice count, else
    the one series guessed to be ``seq``."""
    description, count = recorded
    exact = [
        s
        for s in found
        if s.protocol.series_description == description
        and (count is None or len(s.slices) == count)
    ]
    if len(exact) == 1:
        return exact[0]
    guessed = [s for s in found if s.protocol.sequence_guess is seq]
    if len(guessed) == 1:
        return guessed[0]
    what = f"'{description}'" if description else "its series"
    if not guessed and not exact:
        raise VbqInputError(
            f"None of the series under --images is the {seq.value} the case was measured on "
            f"({what}{'' if count is None else f', {count} slices'}): add its files."
        )
    raise VbqInputError(
        f"Several series under --images could be the case's {seq.value} ({what}): give only "
        "the series the case was measured on."
    )


def case_from_files(case_json: str, paths: Iterable[str | Path], *, name: str) -> SourcedCase:
    """Rebuild a case from its case file and the DICOM files of its series, and find the image
    each sequence was measured on. Scores are recomputed from the pixels, never read from the
    file (``read_case_json``)."""
    saved = read_case_json(case_json, name=name)
    files = _files(paths)
    named = [(f"f{i:06d}.dcm", f.read_bytes()) for i, f in enumerate(files)]
    series = [s for _, s in read_all_series(named)]
    path_of = {n: f for (n, _), f in zip(named, files, strict=True)}
    recorded = _saved_descriptions(case_json)
    case, warnings = new_case(), list[str]()
    for seq, item in saved.sequences.items():
        if not item.rois:
            continue
        chosen = _pick(seq, recorded.get(seq, (None, None)), series)
        case = load_series(case, seq, chosen).case
    update = restore_case(case, saved)
    case = update.case
    warnings += update.warnings
    sources: dict[Sequence, SourceImage] = {}
    for seq in case.loaded:
        shown = case[seq].slice
        assert shown is not None  # loaded
        file_name, frame = split_frame(shown.source_name)
        path = path_of[file_name]
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True)
        except (InvalidDicomError, OSError) as err:
            raise DicomReadError(f"{path}: its header cannot be read again ({err}).") from err
        sources[seq] = SourceImage(header, frame)
    return SourcedCase(case, evaluate_case(case), sources, tuple(warnings))
