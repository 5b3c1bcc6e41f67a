"""The real-image test set of ``tests/data/real`` and how suggestions are scored against it.

Shared by ``tests/roi/test_suggest_real.py`` and ``benchmarks/bench_suggest.py``. Coverage is the
share of a suggested ROI's pixels inside the reader's outline of the intended body (or of the
sac at L3); the VBQ error compares mean(SI L1-L4) / SI CSF (Huang et al., Global Spine J
2026;16(1):162-170) from the suggested ROIs with the same ratio from the reader's boxes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vbqcore.imaging.reading import read_slice
from vbqcore.imaging.slices import Slice
from vbqcore.roi.measure import measure_rois
from vbqcore.roi.shapes import Roi, roi_mask, rois_from_json
from vbqcore.roi.suggest import Seed, Suggestion

DATA = Path(__file__).resolve().parents[1] / "data" / "real"
CORE = ("L1", "L2", "L3", "L4")


@dataclass(frozen=True)
class RealCase:
    name: str
    image: Slice
    seeds: dict[str, tuple[int, int]]
    reference: dict[str, Roi]
    outlines: dict[str, Roi]

    def seed_list(self) -> list[Seed]:
        return [Seed(label, *where) for label, where in self.seeds.items()]


def load_cases() -> list[RealCase]:
    table: dict[str, Any] = json.loads((DATA / "reference_rois.json").read_text(encoding="utf-8"))
    out = []
    for name, entry in table.items():
        out.append(
            RealCase(
                name=name,
                image=read_slice(DATA / name),
                seeds={k: (int(v[0]), int(v[1])) for k, v in entry["seeds"].items()},
                reference={r.label or "": r for r in rois_from_json(entry["reference"])},
                outlines={r.label or "": r for r in rois_from_json(entry["outlines"])},
            )
        )
    return out


def coverage(case: RealCase, suggestion: Suggestion) -> float:
    """Share of the suggested ROI's pixels inside the reader's outline of its structure."""
    label = suggestion.roi.label or ""
    inside = roi_mask(case.outlines[label], case.image.shape)
    return float(inside[roi_mask(suggestion.roi, case.image.shape)].mean())


def vbq(image: Slice, rois: list[Roi]) -> float:
    """mean(SI L1-L4) / SI CSF from ROIs labelled L1-L4 and CSF."""
    means = {s.label: s.mean for s in measure_rois(image, rois)}
    return sum(means[k] for k in CORE) / len(CORE) / means["CSF"]


def vbq_error(case: RealCase, suggestions: list[Suggestion]) -> float:
    """Relative error of the VBQ from the suggestions against the reader's boxes."""
    reference = vbq(case.image, [case.reference[k] for k in (*CORE, "CSF")])
    return vbq(case.image, [s.roi for s in suggestions]) / reference - 1.0
