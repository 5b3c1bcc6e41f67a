"""De-identified case files: the JSON that restores a session's ROIs, and CSV measurements.

Nothing here names the patient: the JSON and CSV hold ROIs, statistics, scores, the
de-identified ``Protocol`` (vendor, model, field strength, TR/TE/TI, series description) and
grid sizes -- never a file name, UID, date of the scan, or any DICOM patient attribute.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vbqcore import __version__
from vbqcore.anatomy import ROI_LABELS, Sequence
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.model import Case, CaseUpdate, ImageGrid, SequenceCase, set_options
from vbqcore.case.quality import CaseQuality
from vbqcore.csv_safety import neutralise_cell
from vbqcore.errors import RoiError, VbqInputError
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.roi.limits import check_roi_items
from vbqcore.roi.shapes import Roi, roi_from_dict
from vbqcore.roi.transfer import scale_rois
from vbqcore.text_input import read_json
from vbqcore.vbq import ScoreName

__all__ = [
    "CASE_FORMAT",
    "CASE_FORMAT_VERSION",
    "SavedSequence",
    "SavedCase",
    "case_to_dict",
    "case_to_json",
    "read_case_json",
    "restore_case",
    "roi_stats_csv",
    "case_row_csv",
]

logger = logging.getLogger(__name__)

CASE_FORMAT = "vbq-dashboard-case"
CASE_FORMAT_VERSION = 1
_STAT_COLUMNS = ("n_pixels", "area_mm2", "mean", "median", "sd", "min", "max", "p5", "p95")


def case_to_dict(
    case: Case,
    evaluation: CaseEvaluation,
    *,
    exported_at: datetime | None = None,
    quality: CaseQuality | None = None,
) -> dict[str, Any]:
    """The case as a JSON-safe dict: options, per-sequence ROIs and stats, scores, warnings,
    and (when ``quality`` is given) the ROI quality flags under ``"quality"``."""
    when = (exported_at or datetime.now(UTC)).astimezone(UTC)
    sequences: dict[str, Any] = {}
    for seq in MEASURED_SEQUENCES:
        state, stats = case[seq], evaluation.sequences.get(seq)
        if not state.loaded and not state.rois:
            continue
        shown = state.slice
        sequences[seq.value] = {
            "loaded": state.loaded,
            "source": None if shown is None else shown.source.value,
            "slice_index": state.slice_index,
            "slice_count": None if state.series is None else len(state.series.slices),
            "grid": None if state.grid is None else state.grid.to_dict(),
            "protocol": None if state.series is None else state.series.protocol.to_dict(),
            "rois": [r.to_dict() for r in state.rois],
            "stats": []
            if stats is None
            else [None if s is None else s.to_dict() for s in stats.stats],
        }
    return {
        "format": CASE_FORMAT,
        "format_version": CASE_FORMAT_VERSION,
        "software": {"name": "VBQ Dashboard (vbqcore)", "version": __version__},
        "exported_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "options": {
            "method": case.method.value,
            "csf_level": case.csf_level.value,
            "fractured": sorted((lv.value for lv in case.fractured), key=ROI_LABELS.index),
            "pretest_probability": case.pretest_probability,
        },
        "sequences": sequences,
        "scores": None
        if evaluation.result is None
        else {s.value: evaluation.result.score(s) for s in ScoreName},
        "result": None if evaluation.result is None else evaluation.result.to_dict(),
        "interpretation": None
        if evaluation.interpretation is None
        else evaluation.interpretation.to_dict(),
        "problems": list(evaluation.problems),
        "warnings": list(evaluation.warnings),
    } | ({} if quality is None else {"quality": quality.to_dict()})


def case_to_json(
    case: Case,
    evaluation: CaseEvaluation,
    *,
    exported_at: datetime | None = None,
    quality: CaseQuality | None = None,
) -> str:
    """``case_to_dict`` as indented JSON text (NaN never appears: SD of one pixel is null)."""
    data = case_to_dict(case, evaluation, exported_at=exported_at, quality=quality)
    return json.dumps(data, indent=2, allow_nan=False)


@dataclass(frozen=True)
class SavedSequence:
    """One sequence of a case file: its ROIs, the grid they were drawn on, the slice used."""

    sequence: Sequence
    rois: tuple[Roi, ...]
    grid: ImageGrid | None
    slice_index: int | None
    slice_count: int | None


@dataclass(frozen=True)
class SavedCase:
    """What a case file restores: ROIs per sequence and the case-wide options."""

    sequences: Mapping[Sequence, SavedSequence]
    options: Mapping[str, Any]


def _grid(raw: Any, where: str) -> ImageGrid | None:
    if raw is None:
        return None
    try:
        rows, cols = int(raw["rows"]), int(raw["columns"])
        spacing = raw.get("pixel_spacing_mm")
        mm = None if spacing is None else (float(spacing[0]), float(spacing[1]))
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise VbqInputError(f"{where}: 'grid' needs rows, columns, pixel_spacing_mm.") from err
    if rows <= 0 or cols <= 0 or (mm is not None and not (mm[0] > 0 and mm[1] > 0)):
        raise VbqInputError(f"{where}: the grid {raw} has a non-positive size or spacing.")
    return ImageGrid((rows, cols), mm)


def _optional_int(raw: Any, key: str, where: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise VbqInputError(f"{where}: {key!r} must be a whole number >= 0, got {value!r}.")
    return value


def read_case_json(
    source: str | bytes | Mapping[str, Any], *, name: str = "case file"
) -> SavedCase:
    """Read a case file written by ``case_to_json``; raise ``VbqInputError`` naming what is wrong.

    Only ROIs, grids, slice choice and options are read back; scores are recomputed from the
    images, never trusted from the file.
    """
    data: Any = source
    if isinstance(source, str | bytes):
        data = read_json(source, name)  # size, encoding and nesting bounded
    if not isinstance(data, Mapping) or data.get("format") != CASE_FORMAT:
        raise VbqInputError(
            f'{name} is not a VBQ Dashboard case file (expected "format": "{CASE_FORMAT}"); '
            "use the JSON exported from this page."
        )
    version = data.get("format_version")
    if version != CASE_FORMAT_VERSION:
        raise VbqInputError(
            f"{name} has format_version {version!r}; this version reads {CASE_FORMAT_VERSION}."
        )
    raw_sequences = data.get("sequences") or {}
    if not isinstance(raw_sequences, Mapping):
        raise VbqInputError(f"{name}: 'sequences' must be an object keyed T1, T2, STIR.")
    saved: dict[Sequence, SavedSequence] = {}
    for key, raw in raw_sequences.items():
        where = f"{name}, sequence {key!r}"
        if key not in {s.value for s in MEASURED_SEQUENCES} or not isinstance(raw, Mapping):
            raise VbqInputError(f"{where}: expected T1, T2 or STIR with an object value.")
        rois_raw = raw.get("rois") or []
        if not isinstance(rois_raw, list):
            raise VbqInputError(f"{where}: 'rois' must be a list.")
        try:
            check_roi_items(rois_raw, where)
        except RoiError as err:
            raise VbqInputError(str(err)) from err
        rois = []
        for i, item in enumerate(rois_raw):
            try:
                roi = roi_from_dict(item, index=i)
            except RoiError as err:
                raise VbqInputError(f"{where}: {err}") from err
            if roi.label is not None and roi.label not in ROI_LABELS:
                raise VbqInputError(
                    f"{where}: ROI #{i + 1} has label {roi.label!r}; expected one of "
                    f"{', '.join(ROI_LABELS)}."
                )
            rois.append(roi)
        seq = Sequence(key)
        saved[seq] = SavedSequence(
            seq,
            tuple(rois),
            _grid(raw.get("grid"), where),
            _optional_int(raw, "slice_index", where),
            _optional_int(raw, "slice_count", where),
        )
    options = data.get("options") or {}
    if not isinstance(options, Mapping):
        raise VbqInputError(f"{name}: 'options' must be an object.")
    return SavedCase(saved, dict(options))


def restore_case(case: Case, saved: SavedCase) -> CaseUpdate:
    """Put a case file's ROIs and options into ``case``.

    A sequence with images gets the ROIs rescaled to its grid when that differs (warned), and
    the saved slice when the series has the same slice count. A sequence without images keeps
    the ROIs waiting for them (``load_series(..., keep_rois=True)`` places them later).
    """
    options = saved.options
    updated = set_options(
        case,
        fractured=options.get("fractured") or [],
        csf_level=options.get("csf_level") or "L3",
        method=options.get("method") or "mean",
        pretest_probability=options.get("pretest_probability"),
    )
    warnings: list[str] = []
    sequences: dict[Sequence, SequenceCase] = dict(updated.sequences)
    for seq, item in saved.sequences.items():
        state = sequences[seq]
        rois = item.rois
        if state.series is None or state.grid is None:
            index = item.slice_index if item.slice_index is not None else 0
            sequences[seq] = dataclasses.replace(
                state, rois=rois, grid=item.grid, slice_index=index
            )
            continue
        index = state.slice_index
        count = len(state.series.slices)
        if item.slice_index is not None and item.slice_count == count and item.slice_index < count:
            index = item.slice_index
        elif item.slice_index is not None:
            warnings.append(
                f"{seq.value}: the file's ROIs were drawn on slice {item.slice_index + 1} of "
                f"{item.slice_count}; this series has {count} slices, so slice {index + 1} is used."
            )
        grid = ImageGrid.of(state.series.slices[index])
        if item.grid is not None and item.grid.shape != grid.shape:
            scaled = scale_rois(
                rois,
                from_shape=item.grid.shape,
                to_shape=grid.shape,
                from_spacing=item.grid.spacing_mm,
                to_spacing=grid.spacing_mm,
            )
            rois = scaled.rois
            warnings.append(
                f"{seq.value}: the ROIs were drawn on a {item.grid.shape[1]} x "
                f"{item.grid.shape[0]} px image and were rescaled to {grid.shape[1]} x "
                f"{grid.shape[0]} px; check their positions."
            )
            warnings.extend(f"{seq.value}: {w}" for w in scaled.warnings)
        sequences[seq] = dataclasses.replace(state, rois=rois, grid=grid, slice_index=index)
    return CaseUpdate(dataclasses.replace(updated, sequences=sequences), tuple(warnings))


def _number(value: float | None) -> str:
    """A CSV cell: integers as integers, floats with repr's full precision (read back exactly);
    empty for None and for NaN (the SD of a one-pixel ROI)."""
    if value is None or value != value:
        return ""
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


def roi_stats_csv(case: Case, evaluation: CaseEvaluation) -> str:
    """One row per ROI: sequence, ROI number, label, shape, slice and its statistics."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sequence", "roi", "label", "shape", "slice", *_STAT_COLUMNS, "warnings"])
    for seq, stats in evaluation.sequences.items():
        state = case[seq]
        for i, (roi, st) in enumerate(zip(state.rois, stats.stats, strict=False)):
            values = (
                ["" for _ in _STAT_COLUMNS]
                if st is None
                else [_number(getattr(st, c)) for c in _STAT_COLUMNS]
            )
            note = stats.errors[i] if st is None else " | ".join(st.warnings)
            writer.writerow(
                [
                    seq.value,
                    i + 1,
                    neutralise_cell(roi.label or ""),  # a canvas label is free text
                    roi.shape,
                    state.slice_index + 1,
                    *values,
                    neutralise_cell(note or ""),
                ]
            )
    return out.getvalue()


def case_row_csv(evaluation: CaseEvaluation) -> str:
    """One row in the cohort columns (``T1_L1`` ... ``STIR_CSF``, ``fractured``, ``csf_level``)
    plus the scores, ``levels_used``, ``method`` and ``warnings``: ready to append to a cohort
    table. Empty (header only) when nothing is measured yet."""
    out = io.StringIO()
    row: dict[str, str] = {}
    if evaluation.measurements is not None:
        for key, value in evaluation.measurements.to_flat().items():
            row[key] = _number(value) if isinstance(value, float) else str(value)
    result = evaluation.result
    for score in ScoreName:
        row[score.value] = "" if result is None else _number(result.score(score))
    row["levels_used"] = "" if result is None else result.levels_used_text()
    row["method"] = "" if result is None else result.method.value
    row["warnings"] = " | ".join(evaluation.warnings)
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    if evaluation.measurements is not None:
        writer.writerow(row)
    return out.getvalue()
