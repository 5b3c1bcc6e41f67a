"""Turn one batch of uploaded files (DICOM, .zip of DICOM, screenshots) into series, keeping the
good ones: a bad file is reported by name and never takes the rest of the batch down."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from vbqcore.anatomy import Sequence as MrSequence
from vbqcore.errors import FileReadError, VbqError
from vbqcore.imaging.archives import MAX_ARCHIVE_BYTES, ArchiveLimits
from vbqcore.imaging.archives import expand_archives as unpack_archives
from vbqcore.imaging.modality import require_mr
from vbqcore.imaging.reading import Series, read_all_series, read_series, read_slice
from vbqcore.imaging.sequence_guess import guess_sequence
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.imaging.sources import FileKind, load_source, sniff_kind
from vbqcore.measurements import MEASURED_SEQUENCES

__all__ = [
    "MAX_ARCHIVE_BYTES",
    "UploadedSeries",
    "UploadBatch",
    "expand_archives",
    "read_uploads",
    "describe_series",
    "describe_protocol",
    "assign_sequences",
]

logger = logging.getLogger(__name__)


Upload = tuple[str, bytes]


@dataclass(frozen=True, eq=False)
class UploadedSeries:
    """A series read from an upload, the sequence it looks like, and a de-identified label."""

    series: Series
    guess: MrSequence
    description: str


@dataclass(frozen=True, eq=False)
class UploadBatch:
    """Series read from a batch, and one message per file (or archive) that could not be used."""

    series: tuple[UploadedSeries, ...]
    errors: tuple[str, ...]
    #: Bytes unpacked from .zip archives (the caller adds them to the session's total).
    unpacked_bytes: int = 0


def expand_archives(
    files: Sequence[Upload], *, limits: ArchiveLimits | None = None
) -> tuple[list[Upload], list[str]]:
    """Replace each .zip in ``files`` by the files inside it (``vbqcore.imaging.archives``, with
    its size, member-count and ratio limits); returns the files and one message per archive
    refused."""
    result = unpack_archives(files, limits=limits)
    return list(result.files), list(result.errors)


def describe_series(series: Series) -> str:
    """A label for the user that names no patient or file: kind, description, size."""
    shown = series.default_slice
    rows, cols = shown.shape
    count = len(series.slices)
    size = f"{count} slice{'s' if count != 1 else ''}, {cols} x {rows} px"
    if shown.source is SliceSource.SCREENSHOT:
        return f"screenshot ({size})"
    description = series.protocol.series_description
    return f"DICOM series '{description}' ({size})" if description else f"DICOM series ({size})"


def describe_protocol(protocol: Protocol) -> str:
    """ "GE MEDICAL SYSTEMS Signa HDxt · 1.5 T · TR 500 ms · TE 10 ms": the facts that decide
    whether the published cut-offs apply; "unknown" where the header does not say."""
    maker = " ".join(p for p in (protocol.manufacturer, protocol.model) if p) or "vendor unknown"
    field = (
        "field unknown" if protocol.field_strength_t is None else f"{protocol.field_strength_t:g} T"
    )
    timing = [
        f"{name} {value:g} ms"
        for name, value in (("TR", protocol.tr_ms), ("TE", protocol.te_ms), ("TI", protocol.ti_ms))
        if value is not None
    ]
    return " · ".join([maker, field, *timing])


def _uploaded(series: Series, name: str | None = None) -> UploadedSeries:
    guess = series.protocol.sequence_guess
    if series.default_slice.source is SliceSource.SCREENSHOT and name is not None:
        # A screenshot has no header: its file name ("t2_sag.png") is the only hint.
        guess = guess_sequence(series_description=PurePosixPath(name).stem)
    return UploadedSeries(series, guess, describe_series(series))


def read_uploads(files: Sequence[Upload], *, limits: ArchiveLimits | None = None) -> UploadBatch:
    """Read a batch of uploads: every DICOM series found, each screenshot as its own series.

    DICOM files are grouped by series (several series may come in one batch, e.g. a .zip of
    the whole sagittal exam). When some file is bad, each file is tried alone and the good ones
    are read; each bad one gives a message naming it. Screenshots are one series each (a
    screenshot is one slice of one sequence), guessed from the file name. ``limits`` bound what
    archives may unpack (``vbqcore.imaging.archives``); pass the session's running total in
    ``limits.session_bytes``.
    """
    unpacked = unpack_archives(files, limits=limits)
    expanded, errors = list(unpacked.files), list(unpacked.errors)
    dicoms: list[Upload] = []
    found: list[UploadedSeries] = []
    for name, data in expanded:
        try:
            kind = sniff_kind(load_source((name, data)))
        except FileReadError as err:
            errors.append(str(err))
            continue
        if kind is FileKind.DICOM:
            dicoms.append((name, data))
            continue
        try:
            found.append(_uploaded(read_series([(name, data)]), name))
        except VbqError as err:
            errors.append(str(err))
    if dicoms:
        series, dicom_errors = _read_dicoms(dicoms)
        mr: list[UploadedSeries] = []
        for one in series:
            try:  # a CT, radiograph or secondary capture is refused, never scored
                require_mr(one.protocol, describe_series(one))
                mr.append(_uploaded(one))
            except VbqError as err:
                errors.append(str(err))
        found = mr + found
        errors.extend(dicom_errors)
    if errors:  # counts only: messages name files, and file names may name the patient
        logger.info("%d of the uploaded files or archives were refused", len(errors))
    return UploadBatch(tuple(found), tuple(errors), unpacked.unpacked_bytes)


def _read_dicoms(files: list[Upload]) -> tuple[list[Series], list[str]]:
    try:
        return [s for _, s in read_all_series(files)], []
    except VbqError as err:
        first_error = str(err)
    good: list[Upload] = []
    errors: list[str] = []
    for upload in files:
        try:
            read_slice(upload)
            good.append(upload)
        except VbqError as err:
            errors.append(str(err))
    if not errors:  # every file reads alone: the batch as a whole is the problem
        return [], [first_error]
    if not good:
        return [], errors
    try:
        return [s for _, s in read_all_series(good)], errors
    except VbqError as err:
        return [], [*errors, str(err)]


def assign_sequences(
    guesses: Sequence[MrSequence], *, occupied: Collection[MrSequence] = ()
) -> list[MrSequence | None]:
    """Which sequence slot (T1, T2, STIR) each uploaded series goes to, in upload order.

    A series goes to its guessed sequence unless an earlier series of the same batch took it;
    an unknown (or already taken) guess goes to the first slot that is empty in the case
    (``occupied`` lists the slots that hold images), else to the first slot this batch has not
    filled. ``None`` when all three are taken by this batch. The user can reassign any of them.
    """
    taken: set[MrSequence] = set()
    out: list[MrSequence | None] = []
    for guess in guesses:
        choice: MrSequence | None = guess if guess in MEASURED_SEQUENCES else None
        if choice is None or choice in taken:
            free = [s for s in MEASURED_SEQUENCES if s not in taken]
            empty = [s for s in free if s not in occupied]
            choice = (empty or free)[0] if (empty or free) else None
        if choice is not None:
            taken.add(choice)
        out.append(choice)
    return out
