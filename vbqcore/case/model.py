"""One patient's case as the case page edits it: images, labelled ROIs and choices per sequence.

Everything here is a frozen record plus pure update functions (``new = f(case, ...)``), so the
page keeps exactly one ``Case`` in its session state as the source of truth and a rerun, a page
switch or a window change cannot lose an ROI. ROIs are kept in **image pixels** (see
``vbqcore.roi.shapes``) with their labels; the canvas only ever shows them.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vbqcore.anatomy import ROI_LABELS, Level, Sequence
from vbqcore.errors import RoiError, VbqInputError
from vbqcore.imaging.reading import Series
from vbqcore.imaging.slices import Slice
from vbqcore.measurements import CSF_LEVELS, MEASURED_SEQUENCES
from vbqcore.roi.labels import suggest_labels
from vbqcore.roi.shapes import Roi
from vbqcore.roi.sync import relabel, sync_rois
from vbqcore.roi.transfer import scale_rois
from vbqcore.vbq import Aggregate

__all__ = [
    "ImageGrid",
    "SequenceCase",
    "Case",
    "CaseUpdate",
    "new_case",
    "load_series",
    "remove_series",
    "move_series",
    "set_slice",
    "set_rois",
    "sync_canvas",
    "set_label",
    "delete_rois",
    "apply_suggestions",
    "copy_rois",
    "set_options",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageGrid:
    """The pixel grid ROIs are drawn on: ``shape`` (rows, columns), ``spacing_mm`` (row, column)."""

    shape: tuple[int, int]
    spacing_mm: tuple[float, float] | None = None

    @classmethod
    def of(cls, slice_: Slice) -> ImageGrid:
        return cls(slice_.shape, slice_.pixel_spacing_mm)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.shape[0],
            "columns": self.shape[1],
            "pixel_spacing_mm": None if self.spacing_mm is None else list(self.spacing_mm),
        }


@dataclass(frozen=True, eq=False)
class SequenceCase:
    """One sequence of the case: its series (if loaded), the slice measured, its ROIs.

    ``grid`` is the grid the ROIs belong to: the shown slice's, or -- for ROIs restored from a
    file before the images are loaded -- the grid they were drawn on. ``revision`` counts image
    loads, so a view can tell new images from old ones.
    """

    sequence: Sequence
    series: Series | None = None
    slice_index: int = 0
    rois: tuple[Roi, ...] = ()
    grid: ImageGrid | None = None
    revision: int = 0

    @property
    def slice(self) -> Slice | None:
        """The slice ROIs are measured on, or ``None`` before images are loaded."""
        return None if self.series is None else self.series.slices[self.slice_index]

    @property
    def loaded(self) -> bool:
        return self.series is not None

    @property
    def labels(self) -> tuple[str | None, ...]:
        return tuple(r.label for r in self.rois)


@dataclass(frozen=True, eq=False)
class Case:
    """The whole case: T1, T2 and STIR (always all three keys) and the case-wide choices.

    ``fractured`` bodies are left out of every score and replaced by T12/L5 (``vbqcore.vbq``);
    ``csf_level`` records where the CSF ROI was drawn (L3, or L2/L4 when L3 is stenotic);
    ``method`` aggregates the bodies (mean, as Huang et al. 2026); ``pretest_probability`` (0-1)
    turns each cut-off comparison into a post-test probability when given.
    """

    sequences: Mapping[Sequence, SequenceCase]
    fractured: frozenset[Level] = frozenset()
    csf_level: Level = Level.L3
    method: Aggregate = Aggregate.MEAN
    pretest_probability: float | None = None

    def __getitem__(self, sequence: Sequence | str) -> SequenceCase:
        return self.sequences[_sequence(sequence)]

    @property
    def loaded(self) -> tuple[Sequence, ...]:
        """Sequences with images, in T1, T2, STIR order."""
        return tuple(s for s in MEASURED_SEQUENCES if self.sequences[s].loaded)

    @property
    def roi_count(self) -> int:
        return sum(len(s.rois) for s in self.sequences.values())


@dataclass(frozen=True, eq=False)
class CaseUpdate:
    """A new case and the warnings the user should read about the change."""

    case: Case
    warnings: tuple[str, ...] = field(default=())


def _sequence(value: Sequence | str) -> Sequence:
    try:
        seq = Sequence(value)
    except ValueError as err:
        raise VbqInputError(f"Unknown sequence {value!r}: use T1, T2 or STIR.") from err
    if seq not in MEASURED_SEQUENCES:
        raise VbqInputError(f"Sequence {seq.value!r} cannot hold ROIs: use T1, T2 or STIR.")
    return seq


def _replace(case: Case, sequence: Sequence | str, **changes: Any) -> Case:
    seq = _sequence(sequence)
    updated = dataclasses.replace(case.sequences[seq], **changes)
    return dataclasses.replace(case, sequences={**case.sequences, seq: updated})


def new_case() -> Case:
    """An empty case: no images, no ROIs, CSF at L3, mean of the levels."""
    return Case({s: SequenceCase(s) for s in MEASURED_SEQUENCES})


def load_series(
    case: Case, sequence: Sequence | str, series: Series, *, keep_rois: bool = False
) -> CaseUpdate:
    """Show ``series`` for ``sequence`` at its mid-sagittal slice.

    Existing ROIs of that sequence are discarded unless ``keep_rois`` (e.g. ROIs restored from a
    file, or the same series uploaded again); kept ROIs are rescaled when the grid differs, with
    a warning.
    """
    seq = _sequence(sequence)
    old = case[seq]
    grid = ImageGrid.of(series.default_slice)
    rois = old.rois if keep_rois else ()
    warnings: tuple[str, ...] = ()
    if rois:
        rois, warnings = _moved(rois, old.grid, grid)
    updated = _replace(
        case,
        seq,
        series=series,
        slice_index=series.default_index,
        rois=rois,
        grid=grid,
        revision=old.revision + 1,
    )
    return CaseUpdate(updated, warnings)


def _moved(
    rois: tuple[Roi, ...], old: ImageGrid | None, new: ImageGrid
) -> tuple[tuple[Roi, ...], tuple[str, ...]]:
    if old is None or old.shape == new.shape:
        return rois, ()
    scaled = scale_rois(
        rois,
        from_shape=old.shape,
        to_shape=new.shape,
        from_spacing=old.spacing_mm,
        to_spacing=new.spacing_mm,
    )
    note = (
        f"The ROIs were drawn on a {old.shape[1]} x {old.shape[0]} px image and this one is "
        f"{new.shape[1]} x {new.shape[0]} px: they were rescaled; check their positions."
    )
    return scaled.rois, (note, *scaled.warnings)


def remove_series(case: Case, sequence: Sequence | str) -> Case:
    """Forget ``sequence``'s images and ROIs."""
    seq = _sequence(sequence)
    revision = case[seq].revision + 1
    return _replace(case, seq, series=None, slice_index=0, rois=(), grid=None, revision=revision)


def move_series(case: Case, source: Sequence | str, target: Sequence | str) -> Case:
    """Reassign ``source``'s images and ROIs to ``target`` (swapping with what ``target`` had):
    the user overrides the detected sequence."""
    src, dst = _sequence(source), _sequence(target)
    if src is dst:
        return case
    a, b = case[src], case[dst]
    moved_a = dataclasses.replace(a, sequence=dst, revision=max(a.revision, b.revision) + 1)
    moved_b = dataclasses.replace(b, sequence=src, revision=max(a.revision, b.revision) + 1)
    return dataclasses.replace(case, sequences={**case.sequences, dst: moved_a, src: moved_b})


def set_slice(case: Case, sequence: Sequence | str, index: int) -> CaseUpdate:
    """Measure on slice ``index`` (0-based) of the sequence's series; ROIs stay where they are."""
    seq = _sequence(sequence)
    state = case[seq]
    if state.series is None:
        raise VbqInputError(f"{seq.value} has no images yet: upload its series first.")
    count = len(state.series.slices)
    if not 0 <= int(index) < count:
        raise VbqInputError(f"{seq.value}: slice {int(index) + 1} does not exist (1 to {count}).")
    grid = ImageGrid.of(state.series.slices[int(index)])
    rois, warnings = _moved(state.rois, state.grid, grid)
    return CaseUpdate(_replace(case, seq, slice_index=int(index), rois=rois, grid=grid), warnings)


def set_rois(case: Case, sequence: Sequence | str, rois: Iterable[Roi]) -> Case:
    """Replace the sequence's ROIs (image pixels, labels included)."""
    return _replace(case, sequence, rois=tuple(rois))


def sync_canvas(
    case: Case, sequence: Sequence | str, drawn: Iterable[Roi], *, suggest: bool = True
) -> Case:
    """Take the canvas's ROIs (image pixels, no labels) into the case, keeping labels by geometry
    (``vbqcore.roi.sync``); newly drawn ROIs get a suggested label (``vbqcore.roi.labels``)."""
    state = case[sequence]
    synced = sync_rois(state.rois, tuple(drawn))
    if not synced.changed:
        return case
    rois = synced.rois
    if suggest and synced.new:
        labels = suggest_labels(rois, only=synced.new)
        rois = tuple(relabel(r, labels[i]) if i in synced.new else r for i, r in enumerate(rois))
    return _replace(case, sequence, rois=rois)


def _check_label(label: object, where: str) -> str | None:
    """A label as the table returns it (None, NaN, "" or text) checked against ROI_LABELS."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return None
    text = str(label).strip().upper()
    if text in ("", "NONE"):
        return None
    if text not in ROI_LABELS:
        raise RoiError(f"{where}: label {label!r} is not one of {', '.join(ROI_LABELS)}.")
    return text


def set_label(case: Case, sequence: Sequence | str, index: int, label: str | None) -> Case:
    """Label ROI ``index`` (0-based) of the sequence ``T12``, ``L1``-``L5``, ``CSF`` or nothing."""
    state = case[sequence]
    if not 0 <= index < len(state.rois):
        raise RoiError(f"{state.sequence.value}: there is no ROI #{index + 1}.")
    text = _check_label(label, f"{state.sequence.value} ROI #{index + 1}")
    rois = list(state.rois)
    rois[index] = relabel(rois[index], text)
    return _replace(case, sequence, rois=tuple(rois))


def delete_rois(case: Case, sequence: Sequence | str, indices: Collection[int]) -> Case:
    """Remove the ROIs at ``indices`` (0-based) from the sequence."""
    gone = set(indices)
    rois = tuple(r for i, r in enumerate(case[sequence].rois) if i not in gone)
    return _replace(case, sequence, rois=rois)


def apply_suggestions(case: Case, sequence: Sequence | str) -> Case:
    """Label every unlabelled ROI of the sequence by position (``vbqcore.roi.labels``)."""
    rois = case[sequence].rois
    labels = suggest_labels(rois)
    relabelled = tuple(relabel(r, lab) for r, lab in zip(rois, labels, strict=True))
    return _replace(case, sequence, rois=relabelled)


def copy_rois(
    case: Case, source: Sequence | str, targets: Iterable[Sequence | str] | None = None
) -> CaseUpdate:
    """Copy ``source``'s ROIs (with labels) onto each target sequence's grid, replacing its ROIs.

    Geometry is kept in millimetres when both pixel spacings are known, else scaled by matrix
    size (``vbqcore.roi.transfer.scale_rois``); every warning names its target. Targets without
    images are skipped with a note. By default the targets are the other two sequences.
    """
    src = _sequence(source)
    state = case[src]
    if not state.rois:
        raise RoiError(f"{src.value} has no ROIs to copy: draw them first.")
    if state.grid is None:
        raise RoiError(f"{src.value} has no images: its ROIs cannot be placed on another image.")
    wanted = [s for s in MEASURED_SEQUENCES if s is not src] if targets is None else targets
    warnings: list[str] = []
    updated = case
    for target in wanted:
        dst = _sequence(target)
        if dst is src:
            continue
        grid = case[dst].grid
        if not case[dst].loaded or grid is None:
            warnings.append(f"{dst.value} has no images yet: nothing copied there.")
            continue
        scaled = scale_rois(
            state.rois,
            from_shape=state.grid.shape,
            to_shape=grid.shape,
            from_spacing=state.grid.spacing_mm,
            to_spacing=grid.spacing_mm,
        )
        warnings.extend(f"{src.value} -> {dst.value}: {w}" for w in scaled.warnings)
        updated = _replace(updated, dst, rois=scaled.rois)
    return CaseUpdate(updated, tuple(warnings))


def set_options(
    case: Case,
    *,
    fractured: Iterable[Level | str] | None = None,
    csf_level: Level | str | None = None,
    method: Aggregate | str | None = None,
    pretest_probability: float | None | str = "keep",
) -> Case:
    """Change the case-wide choices; arguments left out keep their value.

    ``pretest_probability`` is a proportion in (0, 1) or ``None`` to clear it.
    """
    changes: dict[str, Any] = {}
    if fractured is not None:
        try:
            changes["fractured"] = frozenset(Level(str(lv).strip().upper()) for lv in fractured)
        except ValueError as err:
            raise VbqInputError(f"Fractured levels must be T12 to L5: {err}.") from err
    if csf_level is not None:
        key = str(csf_level).strip().upper()
        level = Level(key) if key in Level.__members__ else None
        if level is None or level not in CSF_LEVELS:
            raise VbqInputError(f"CSF level {csf_level!r}: use L2, L3 or L4.")
        changes["csf_level"] = level
    if method is not None:
        try:
            changes["method"] = Aggregate(str(method).lower())
        except ValueError as err:
            raise VbqInputError(f"Method {method!r}: use 'mean' or 'median'.") from err
    if pretest_probability != "keep":
        p = pretest_probability
        if p is not None and not (isinstance(p, int | float) and 0 < float(p) < 1):
            raise VbqInputError(f"Pre-test probability {p!r} must be between 0 and 1 (exclusive).")
        changes["pretest_probability"] = None if p is None else float(p)
    return dataclasses.replace(case, **changes)
