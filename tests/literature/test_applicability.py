"""Applicability rules and zones of the cut-off library against a measured case."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from vbqcore.anatomy import Sequence
from vbqcore.errors import CutoffError
from vbqcore.imaging.slices import Protocol
from vbqcore.interpretation import interpret
from vbqcore.literature import (
    FieldMatch,
    LibraryEntry,
    LiteratureComparison,
    Target,
    TargetGroup,
    Zone,
    load_library,
    read_literature,
    zone_for,
)
from vbqcore.measurements import CaseMeasurements
from vbqcore.vbq import ScoreName, compute_vbq

PACKAGED = Path(__file__).resolve().parents[2] / "vbqcore" / "data" / "cutoff_library.json"

# T1 L1..L4 = 300, 310, 320, 400 and CSF 100, by hand:
#   mean   = (300 + 310 + 320 + 400) / 4 / 100 = 1330 / 400 = 3.325
#   median = (310 + 320) / 2 / 100 = 3.15
#   T12 single level = 330 / 100 = 3.30
T1 = {"T1_T12": 330, "T1_L1": 300, "T1_L2": 310, "T1_L3": 320, "T1_L4": 400, "T1_CSF": 100}
# T2 L1..L4 = 60, 62, 55, 58, CSF 100: mean 235 / 400 = 0.5875 (Huang's T2 cut-off is 0.555).
T2 = {"T2_L1": 60, "T2_L2": 62, "T2_L3": 55, "T2_L4": 58, "T2_CSF": 100}


def reading(values: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, LiteratureComparison]:
    case = CaseMeasurements.from_flat({**T1, **T2} if values is None else values)
    result = compute_vbq(case, method=kwargs.pop("method", "mean"))
    out = read_literature(result, **kwargs)
    return {c.entry.id: c for c in out.comparisons}


def entry(tmp_path: Path, entry_id: str, **change: Any) -> LibraryEntry:
    """A packaged entry with some fields changed, through the loader (validated)."""
    data = json.loads(PACKAGED.read_text(encoding="utf-8"))
    raw = copy.deepcopy(next(e for e in data["entries"] if e["id"] == entry_id))
    for key, value in change.items():
        if key in raw["score"] and key != "name":
            raw["score"][key] = value
        else:
            raw[key] = value
    data["entries"] = [raw]
    path = tmp_path / "one_entry.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_library(path)[0]


@pytest.mark.parametrize(
    ("threshold", "low", "high", "zone"),
    [
        (3.0, 2.5, 2.9, Zone.BELOW),
        (3.0, 3.1, 3.3, Zone.ABOVE),
        (3.0, 2.9, 3.2, Zone.BORDERLINE),
        (3.0, 3.0, 3.0, Zone.BORDERLINE),  # a single value on the cut-off
        (3.0, 2.8, 3.0, Zone.BORDERLINE),  # the interval touches the cut-off
        (3.0, 3.0000001, 3.1, Zone.ABOVE),
    ],
)
def test_zone(threshold: float, low: float, high: float, zone: Zone) -> None:
    assert zone_for(threshold, low, high) is zone


def test_zone_bad_input() -> None:
    with pytest.raises(CutoffError, match="low > high; swap them"):
        zone_for(3.0, 3.2, 3.1)
    with pytest.raises(CutoffError, match="must be a finite number"):
        zone_for(3.0, math.nan, 3.1)


def test_same_definition_uses_the_case_score() -> None:
    rows = reading(protocol=Protocol(field_strength_t=1.5, manufacturer="GE MEDICAL SYSTEMS"))
    t2 = rows["huang2026-vbq-t2"]
    assert t2.applicable and t2.value == pytest.approx(0.5875)
    assert t2.zone is Zone.ABOVE and t2.field_match is FieldMatch.MATCH
    # LR+ of Huang's VBQ-T2: 0.762 / (1 - 0.593) = 1.8722 (Table 3).
    assert t2.likelihood_ratio == pytest.approx(0.762 / 0.407)
    assert t2.cautions == ()
    t1 = rows["huang2026-vbq-t1"]
    assert t1.value == pytest.approx(3.325) and t1.zone is Zone.BELOW
    assert t1.likelihood_ratio == pytest.approx((1 - 0.619) / 0.619)


def test_zone_agrees_with_the_main_interpretation() -> None:
    case = CaseMeasurements.from_flat({**T1, **T2})
    result = compute_vbq(case)
    main = {c.cutoff.id: c for c in interpret(result).comparisons}
    for c in read_literature(result).comparisons:
        if c.entry.id in main:
            assert (c.zone is Zone.ABOVE) == main[c.entry.id].at_or_above


def test_median_threshold_is_compared_with_the_recomputed_median(tmp_path: Path) -> None:
    median = entry(tmp_path, "hu2024-oi-osteoporosis", aggregate="median", threshold=3.2)
    result = compute_vbq(CaseMeasurements.from_flat(T1))
    [row] = read_literature(result, entries=[median]).comparisons
    assert row.value == pytest.approx(3.15)  # not the case's mean, 3.325
    assert row.zone is Zone.BELOW and "recomputed with the median" in (row.how or "")
    [same] = read_literature(
        compute_vbq(CaseMeasurements.from_flat(T1), method="median"), entries=[median]
    ).comparisons
    assert same.value == pytest.approx(3.15) and "as the case reports it" in (same.how or "")


def test_aggregate_not_stated_uses_the_case_method_with_a_caution() -> None:
    row = reading()["hu2024-oi-osteoporosis"]
    assert row.applicable and row.value == pytest.approx(3.325) and row.zone is Zone.ABOVE
    assert any("does not state mean or median" in c for c in row.cautions)


def test_single_level_t12() -> None:
    rows = reading()
    low_bmd, osteo = rows["t12vbq2024-reduced-bmd"], rows["t12vbq2024-osteoporosis"]
    assert low_bmd.value == pytest.approx(3.30) and osteo.value == pytest.approx(3.30)
    assert low_bmd.zone is Zone.ABOVE and osteo.zone is Zone.ABOVE  # 3.30 > 2.94, > 3.18
    assert low_bmd.likelihood_ratio is None  # no sensitivity/specificity in the source read
    no_t12 = reading({k: v for k, v in T1.items() if k != "T1_T12"})
    assert not no_t12["t12vbq2024-osteoporosis"].applicable
    assert "T12 was not measured on T1" in (no_t12["t12vbq2024-osteoporosis"].reason or "")
    broken = reading({**T1, "fractured": "T12"})
    assert "T12 is marked fractured" in (broken["t12vbq2024-osteoporosis"].reason or "")


@pytest.mark.parametrize(
    ("entry_id", "reason"),
    [
        ("wang2025-gsj-cvbq-cage-subsidence", "cervical VBQ"),
        ("wang2025-wneu-s1vbq-screw-loosening", "measures S1"),
        ("huang2026-vbq-t2-stir", "needs STIR SIs"),
        ("chen2023-josr-osteoporosis", "gives no threshold"),
    ],
)
def test_not_applicable_with_reason(entry_id: str, reason: str) -> None:
    row = reading()[entry_id]
    assert not row.applicable and reason in (row.reason or "")
    assert row.value is None and row.zone is None
    assert "not applied" in row.sentence


def test_sequence_not_measured() -> None:
    rows = reading(T1)
    assert "needs T2 SIs" in (rows["huang2026-vbq-t2"].reason or "")


def test_replaced_level_is_a_caution() -> None:
    rows = reading({**T1, "fractured": "L1"})
    row = rows["hu2024-oi-osteoporosis"]
    # L1 fractured, replaced by T12: (330 + 310 + 320 + 400) / 400 = 3.40.
    assert row.value == pytest.approx(3.40)
    assert any("The case used T12, L2, L3, L4" in c for c in row.cautions)


def test_field_strength_match_mismatch_unknown() -> None:
    at3 = reading(protocol=Protocol(field_strength_t=3.0, manufacturer="Siemens"))
    row = at3["huang2026-vbq-t1"]
    assert row.applicable and row.field_match is FieldMatch.MISMATCH
    assert any("Scan at 3 T, threshold derived at 1.5 T" in c for c in row.cautions)
    assert any("vendor Siemens differs" in c for c in row.cautions)
    assert at3["hu2024-oi-osteoporosis"].field_match is FieldMatch.UNKNOWN
    assert reading()["huang2026-vbq-t1"].field_match is FieldMatch.UNKNOWN
    strict = reading(protocol=Protocol(field_strength_t=3.0), strict_field_strength=True)
    assert not strict["huang2026-vbq-t1"].applicable
    assert "derived at 1.5 T, the scan is at 3 T" in (strict["huang2026-vbq-t1"].reason or "")
    assert strict["hu2024-oi-osteoporosis"].applicable  # unknown field strength: kept


def test_interval_makes_a_borderline_zone() -> None:
    rows = reading(intervals={ScoreName.VBQ_T1: (3.0, 3.4)})
    hu = rows["hu2024-oi-osteoporosis"]  # 3.02 lies in [3.0, 3.4]
    assert (hu.low, hu.high, hu.zone) == (3.0, 3.4, Zone.BORDERLINE)
    assert hu.likelihood_ratio is None and "borderline to the 3.02 cut-off" in hu.sentence
    # A recomputed or single-level score is not the case's own: compared as a single value.
    t12 = rows["t12vbq2024-osteoporosis"]
    assert t12.low == t12.high == pytest.approx(3.30)
    with pytest.raises(CutoffError, match="does not contain the score"):
        reading(intervals={ScoreName.VBQ_T1: (3.5, 3.6)})


def test_grouping_default_target_and_report() -> None:
    result = compute_vbq(CaseMeasurements.from_flat({**T1, **T2}))
    out = read_literature(result, target_group=TargetGroup.SURGICAL_PLANNING)
    groups = out.by_target()
    assert next(iter(groups)) is Target.SCREW_LOOSENING
    assert Target.OVCF in groups and Target.OSTEOPOROSIS in groups
    folded = out.by_target(applicable=False)
    assert Target.CAGE_SUBSIDENCE in folded
    assert "Default target: surgical planning" in out.summary
    assert f"{len(out.applicable)} of {len(out.comparisons)} published thresholds" in out.summary
    lines = out.report_lines()
    assert lines[0] == out.summary and "Pedicle screw loosening (default target):" in lines
    assert "Not applicable to this case:" in lines
    payload = out.to_dict()
    assert payload["target_group"] == "surgical-planning"
    assert len(payload["comparisons"]) == len(load_library())
    json.dumps(payload)  # JSON-safe


def test_screenshot_sequences_are_not_compared() -> None:
    # T2 from a screenshot: every T2 threshold is refused with the reason; T1 ones still apply.
    rows = reading(screenshot_sequences=[Sequence.T2])
    t2 = rows["huang2026-vbq-t2"]
    assert not t2.applicable and t2.zone is None
    assert "T2 SIs come from screenshots" in (t2.reason or "")
    assert rows["huang2026-vbq-t1"].applicable
    assert all(
        not c.applicable for c in rows.values() if c.entry.score.sequence in ("T2", "T2-STIR")
    )
