"""Case files (vbqcore.case.io): de-identified JSON that restores ROIs, and CSV measurements."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.case_helpers import loaded_case, measured_case, phantom_series
from tests.phantoms import DEFAULT_IDENTIFIERS, PHANTOM_VALUES
from vbqcore.anatomy import Level, Sequence
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.io import (
    case_row_csv,
    case_to_dict,
    case_to_json,
    read_case_json,
    restore_case,
    roi_stats_csv,
)
from vbqcore.case.model import load_series, new_case, set_options
from vbqcore.errors import VbqInputError
from vbqcore.measurements import CaseMeasurements
from vbqcore.roi.limits import MAX_POINTS_PER_ROI, MAX_ROIS_PER_IMAGE
from vbqcore.vbq import compute_vbq

T1, T2, STIR = Sequence.T1, Sequence.T2, Sequence.STIR
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def case_and_json(tmp_path: Path) -> tuple[object, str]:
    case = set_options(
        measured_case(tmp_path),
        fractured=["L4"],
        csf_level="L2",
        method="median",
        pretest_probability=0.25,
    )
    return case, case_to_json(case, evaluate_case(case), exported_at=WHEN)


def test_json_holds_rois_options_and_scores(case_and_json: tuple[object, str]) -> None:
    _, text = case_and_json
    data = json.loads(text)
    assert data["format"] == "vbq-dashboard-case" and data["exported_at"] == "2026-01-02T03:04:05Z"
    assert data["options"] == {
        "method": "median",
        "csf_level": "L2",
        "fractured": ["L4"],
        "pretest_probability": 0.25,
    }
    t1 = data["sequences"]["T1"]
    assert [r["label"] for r in t1["rois"]] == ["L1", "L2", "L3", "L4", "CSF"]
    assert t1["grid"] == {"rows": 256, "columns": 256, "pixel_spacing_mm": [1.09375, 1.09375]}
    assert t1["protocol"]["manufacturer"] == "GE MEDICAL SYSTEMS"
    # L4 fractured, no T12/L5 measured: median of L1-L3 = L2 (400) / CSF 100 (by hand).
    assert data["scores"]["vbq_t1"] == pytest.approx(4.0)


def test_json_and_csv_carry_no_patient_identifier(
    tmp_path: Path, case_and_json: tuple[object, str]
) -> None:
    case, text = case_and_json
    evaluation = evaluate_case(case)  # type: ignore[arg-type]
    exported = text + roi_stats_csv(case, evaluation) + case_row_csv(evaluation)  # type: ignore[arg-type]
    for value in (*DEFAULT_IDENTIFIERS.values(), "Phantom", "IM0001", str(tmp_path)):
        assert value not in exported


def test_restore_into_the_same_images_gives_the_same_case(
    tmp_path: Path, case_and_json: tuple[object, str]
) -> None:
    case, text = case_and_json
    fresh = loaded_case(tmp_path / "again")
    update = restore_case(fresh, read_case_json(text))
    assert update.warnings == ()
    restored = update.case
    for seq in (T1, T2, STIR):
        assert restored[seq].rois == case[seq].rois  # type: ignore[index]
    assert restored.fractured == {Level.L4} and restored.csf_level is Level.L2
    assert restored.pretest_probability == 0.25
    again = json.loads(case_to_json(restored, evaluate_case(restored), exported_at=WHEN))
    assert again["scores"] == json.loads(text)["scores"]


def test_restore_before_the_images_then_upload(
    tmp_path: Path, case_and_json: tuple[object, str]
) -> None:
    _, text = case_and_json
    waiting = restore_case(new_case(), read_case_json(text)).case
    assert waiting[T1].rois and not waiting[T1].loaded
    # The T1 series arrives at 512 x 512, same field of view: ROIs follow, rescaled x2.
    big = phantom_series(tmp_path, T1, rows=512, cols=512, pixel_spacing=(0.546875, 0.546875))
    update = load_series(waiting, T1, big, keep_rois=True)
    assert "rescaled" in update.warnings[0]
    stats = evaluate_case(update.case).sequences[T1].stats
    assert [s.mean for s in stats if s is not None] == [
        PHANTOM_VALUES[T1][k] for k in ("L1", "L2", "L3", "L4", "CSF")
    ]


def test_restore_on_another_slice_count_warns(tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    text = case_to_json(case, evaluate_case(case))
    other = loaded_case(tmp_path / "other", n_slices=9)
    update = restore_case(other, read_case_json(text))
    assert any("slice 3 of 5" in w and "9 slices" in w for w in update.warnings)
    assert update.case[T1].slice_index == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"format": "other"}', "not a VBQ Dashboard case file"),
        ('{"format": "vbq-dashboard-case", "format_version": 9}', "format_version 9"),
        (
            '{"format": "vbq-dashboard-case", "format_version": 1, "sequences": {"T3": {}}}',
            "expected T1, T2 or STIR",
        ),
        (
            '{"format": "vbq-dashboard-case", "format_version": 1, "sequences": {"T1": {"rois": '
            '[{"shape": "rect", "x": 1}]}}}',
            "missing key 'y'",
        ),
        (
            '{"format": "vbq-dashboard-case", "format_version": 1, "sequences": {"T1": {"rois": '
            '[{"shape": "rect", "x": 1, "y": 1, "width": 2, "height": 2, "label": "S1"}]}}}',
            "label 'S1'",
        ),
        (
            '{"format": "vbq-dashboard-case", "format_version": 1, "sequences": {"T1": {"grid": '
            '{"rows": 0, "columns": 5, "pixel_spacing_mm": null}}}}',
            "non-positive",
        ),
    ],
)
def test_bad_case_files_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(VbqInputError, match=message):
        read_case_json(text, name="mine.json")


def test_roi_stats_csv_parses_back_exactly(tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    rows = list(csv.DictReader(io.StringIO(roi_stats_csv(case, evaluate_case(case)))))
    assert len(rows) == 15
    t2 = [r for r in rows if r["sequence"] == "T2"]
    assert [r["label"] for r in t2] == ["L1", "L2", "L3", "L4", "CSF"]
    assert [float(r["mean"]) for r in t2] == [345, 330, 315, 330, 600]
    assert t2[0]["slice"] == "3" and t2[0]["n_pixels"] == str(int(float(t2[0]["n_pixels"])))
    assert float(t2[0]["area_mm2"]) == pytest.approx(int(t2[0]["n_pixels"]) * 1.09375**2)


def test_case_row_rescores_to_the_same_values(tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    evaluation = evaluate_case(case)
    row = next(csv.DictReader(io.StringIO(case_row_csv(evaluation))))
    # Cross-check: the cohort reader + compute_vbq give the page's scores from this row.
    again = compute_vbq(CaseMeasurements.from_flat(row))
    assert evaluation.result is not None
    for name in ("vbq_t1", "vbq_t2", "vbq_stir", "vbq_t2_stir"):
        assert float(row[name]) == again.score(name) == evaluation.result.score(name)


def test_nothing_measured_gives_a_header_only_row() -> None:
    text = case_row_csv(evaluate_case(new_case()))
    assert text.count("\n") == 1 and text.startswith("vbq_t1,")
    assert case_to_dict(new_case(), evaluate_case(new_case()))["scores"] is None


def _case_with(rois: list[dict[str, object]]) -> str:
    return json.dumps(
        {"format": "vbq-dashboard-case", "format_version": 1, "sequences": {"T2": {"rois": rois}}}
    )


def test_runaway_case_files_are_refused_quickly() -> None:
    rect = {"shape": "rect", "x": 1, "y": 1, "width": 2, "height": 2}
    # At the limit the file is read; one more ROI, or 50 000 (63 s a rerun before), is refused.
    assert len(read_case_json(_case_with([rect] * MAX_ROIS_PER_IMAGE)).sequences) == 1
    for n in (MAX_ROIS_PER_IMAGE + 1, 50_000):
        with pytest.raises(VbqInputError, match=f"{n} ROIs; at most {MAX_ROIS_PER_IMAGE}"):
            read_case_json(_case_with([rect] * n), name="mine.json")
    polygon = {
        "shape": "polygon",
        "points": [[i % 7, i % 5] for i in range(MAX_POINTS_PER_ROI + 1)],
    }
    with pytest.raises(VbqInputError, match="ROI #1 has 10001 points"):
        read_case_json(_case_with([polygon]))
    with pytest.raises(VbqInputError, match="nested more than"):
        read_case_json("[" * 100_000 + "]" * 100_000, name="deep.json")
    with pytest.raises(VbqInputError, match="binary data"):
        read_case_json(bytes(range(256)), name="x.json")
