"""Shared test helpers for the case page's core: phantom series, ROIs inside its regions, cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.phantoms import phantom_regions, write_phantom_series
from vbqcore.anatomy import CSF, Sequence
from vbqcore.case.model import Case, load_series, new_case, sync_canvas
from vbqcore.imaging.reading import Series, read_series
from vbqcore.roi.shapes import RectRoi, Roi

__all__ = ["phantom_series", "roi_in", "phantom_rois", "loaded_case", "measured_case"]


def phantom_series(tmp_path: Path, seq: Sequence, **options: Any) -> Series:
    """A 5-slice phantom series of ``seq`` written under ``tmp_path`` and read back."""
    options.setdefault("n_slices", 5)
    tmp_path.mkdir(parents=True, exist_ok=True)
    folder = tmp_path / f"series{len(list(tmp_path.iterdir()))}_{seq.value}"
    seed = f"{options.pop('series_seed', 'p')}{folder}"
    paths = write_phantom_series(folder, sequence=seq, series_seed=seed, **options)
    return read_series(paths)


def roi_in(region: str, *, rows: int = 256, cols: int = 256, label: str | None = None) -> Roi:
    """A rectangle well inside the phantom region ``region`` (margins 15 % of its size)."""
    r = phantom_regions(Sequence.T1, rows=rows, cols=cols)[region]
    w, h = r.col1 - r.col0, r.row1 - r.row0
    return RectRoi(r.col0 + 0.15 * w, r.row0 + 0.15 * h, 0.7 * w, 0.7 * h, label=label)


def phantom_rois(levels: tuple[str, ...] = ("L1", "L2", "L3", "L4"), **grid: int) -> list[Roi]:
    """Labelled ROIs inside the given bodies plus a CSF ROI at the level of L3."""
    rois = [roi_in(lv, label=lv, **grid) for lv in levels]
    csf = roi_in(CSF, label=CSF, **grid)
    assert isinstance(csf, RectRoi)
    l3 = phantom_regions(Sequence.T1, **grid)["L3"]
    rois.append(RectRoi(csf.x, l3.row0, csf.width, l3.row1 - l3.row0, label=CSF))
    return rois


def loaded_case(
    tmp_path: Path,
    sequences: tuple[Sequence, ...] = (Sequence.T1, Sequence.T2, Sequence.STIR),
    **options: Any,
) -> Case:
    """A case with phantom series loaded for ``sequences``."""
    case = new_case()
    for seq in sequences:
        case = load_series(case, seq, phantom_series(tmp_path, seq, **options)).case
    return case


def measured_case(tmp_path: Path, **options: Any) -> Case:
    """All three sequences loaded, with labelled L1-L4 + CSF ROIs on each (drawn as on a canvas:
    unlabelled, then labelled by the suggestions)."""
    case = loaded_case(tmp_path, **options)
    grid = {"rows": options.get("rows", 256), "cols": options.get("cols", 256)}
    for seq in (Sequence.T1, Sequence.T2, Sequence.STIR):
        drawn = [RectRoi(r.x, r.y, r.width, r.height) for r in phantom_rois(**grid)]  # type: ignore[union-attr]
        case = sync_canvas(case, seq, drawn)
    return case
