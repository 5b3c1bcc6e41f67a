"""From labelled ROIs to VBQ scores (vbqcore.case.evaluation), against hand-computed values."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.case_helpers import loaded_case, measured_case, phantom_rois, roi_in
from tests.phantoms import PHANTOM_VALUES, SCREENSHOT_VALUES, phantom_png
from vbqcore.anatomy import Level, Sequence
from vbqcore.case.evaluation import evaluate_case, measure_sequence
from vbqcore.case.model import copy_rois, load_series, new_case, set_options, set_rois
from vbqcore.imaging.reading import read_series
from vbqcore.roi.shapes import RectRoi
from vbqcore.vbq import ScoreName

T1, T2, STIR = Sequence.T1, Sequence.T2, Sequence.STIR


def test_phantom_scores_equal_the_closed_form(tmp_path: Path) -> None:
    evaluation = evaluate_case(measured_case(tmp_path))
    result = evaluation.result
    assert result is not None and evaluation.problems == ()
    # By hand from PHANTOM_VALUES (L1-L4 means over the CSF; Huang et al. 2026 definitions):
    assert result.vbq_t1 == pytest.approx((420 + 400 + 380 + 400) / 4 / 100, abs=1e-12)  # 4.0
    assert result.vbq_t2 == pytest.approx((345 + 330 + 315 + 330) / 4 / 600, abs=1e-12)  # 0.55
    assert result.vbq_stir == pytest.approx((120 + 116 + 112 + 116) / 4 / 362.5, abs=1e-12)
    t2_stir = ((345 - 120) + (330 - 116) + (315 - 112) + (330 - 116)) / 4 / (600 - 362.5)
    assert result.vbq_t2_stir == pytest.approx(t2_stir, abs=1e-12)  # 214 / 237.5
    assert evaluation.measurements is not None
    assert evaluation.measurements.sequences[T2].csf == 600
    assert evaluation.interpretation is not None
    assert {c.score for c in evaluation.interpretation.comparisons} == {
        ScoreName.VBQ_T1,
        ScoreName.VBQ_T2,
        ScoreName.VBQ_T2_STIR,
    }
    assert evaluation.warnings == ()  # GE 1.5 T phantom: the cut-offs' own scanner


def test_per_roi_stats_are_exact(tmp_path: Path) -> None:
    stats = measure_sequence(measured_case(tmp_path)[T1])
    assert [s.mean for s in stats.stats if s is not None] == [420, 400, 380, 400, 100]
    assert stats.levels == {Level.L1: 420, Level.L2: 400, Level.L3: 380, Level.L4: 400}
    assert stats.csf == 100 and stats.usable


def test_fractured_level_is_replaced_by_the_nearest_substitute(tmp_path: Path) -> None:
    case = loaded_case(tmp_path, (T1,))
    case = set_rois(case, T1, phantom_rois(("T12", "L1", "L2", "L3", "L4", "L5")))
    case = set_options(case, fractured=["L2"])
    result = evaluate_case(case).result
    assert result is not None
    # L2 -> T12 (distance 2 beats L5's 3): (T12 410 + L1 420 + L3 380 + L4 400) / 4 / 100.
    assert result.vbq_t1 == pytest.approx((410 + 420 + 380 + 400) / 4 / 100, abs=1e-12)
    assert result.substitutions[ScoreName.VBQ_T1] == {Level.L2: Level.T12}
    median = evaluate_case(set_options(case, method="median")).result
    assert median is not None and median.vbq_t1 == pytest.approx((400 + 410) / 2 / 100)


def test_missing_pieces_become_problems_not_errors(tmp_path: Path) -> None:
    case = loaded_case(tmp_path, (T1, T2))
    rois = phantom_rois()
    case = set_rois(case, T1, rois[:4])  # no CSF on T1
    dup = [*rois[:4], RectRoi(90, 100, 30, 10, label="L2"), rois[4]]
    case = set_rois(case, T2, dup)  # L2 twice on T2
    evaluation = evaluate_case(case)
    assert evaluation.result is None
    text = " ".join(evaluation.problems)
    assert "T1: no ROI is labelled CSF" in text
    assert "T2: L2 is the label of ROIs #2, #5" in text


def test_roi_off_the_image_is_named_and_the_rest_still_scores(tmp_path: Path) -> None:
    case = loaded_case(tmp_path, (T1,))
    case = set_rois(case, T1, [*phantom_rois(), RectRoi(400, 400, 10, 10)])
    evaluation = evaluate_case(case)
    assert evaluation.result is not None and evaluation.result.vbq_t1 == pytest.approx(4.0)
    assert any("ROI #6" in p and "outside" in p for p in evaluation.problems)
    assert evaluation.sequences[T1].stats[5] is None


def test_t2_stir_failure_keeps_the_other_scores(tmp_path: Path) -> None:
    case = copy_rois(set_rois(loaded_case(tmp_path), T1, phantom_rois()), T1).case
    stir_csf = RectRoi(3, 3, 5, 5, label="CSF")  # the marker box: SI >= 1000 > T2 CSF 600
    rois = [*case[STIR].rois[:4], stir_csf]
    evaluation = evaluate_case(set_rois(case, STIR, rois))
    result = evaluation.result
    assert result is not None and result.vbq_t2_stir is None
    assert result.vbq_t1 == pytest.approx(4.0) and result.vbq_t2 == pytest.approx(0.55)
    assert any("must be > 0" in p for p in evaluation.problems)


def test_3t_siemens_scan_is_warned(tmp_path: Path) -> None:
    case = measured_case(tmp_path, field_strength=3.0, manufacturer="SIEMENS", model="Skyra")
    warnings = " ".join(evaluate_case(case).warnings)
    assert "Scan at 3 T" in warnings and "GE Signa HDx 1.5 T" in warnings
    assert "SIEMENS is not GE" in warnings


def test_screenshots_give_display_value_warning() -> None:
    case = new_case()
    for seq in (T1, T2):
        series = read_series([(f"{seq.value}.png", phantom_png(sequence=seq))])
        case = set_rois(load_series(case, seq, series).case, seq, phantom_rois())
    evaluation = evaluate_case(case)
    result = evaluation.result
    assert result is not None
    values = SCREENSHOT_VALUES[T1]
    assert result.vbq_t1 == pytest.approx(
        (values["L1"] + values["L2"] + values["L3"] + values["L4"]) / 4 / values["CSF"]
    )
    assert any("screenshots" in w and "display values" in w for w in evaluation.warnings)


def test_unloaded_sequence_with_restored_rois_waits(tmp_path: Path) -> None:
    case = set_rois(loaded_case(tmp_path, (T1,)), T2, phantom_rois())
    stats = measure_sequence(case[T2])
    assert stats.problems == ("T2: 5 ROI(s) waiting for the T2 images: upload them.",)


def test_values_of_phantom_regions_match_table(tmp_path: Path) -> None:
    # The helper's ROIs sit wholly inside their regions, on every grid the tests use.
    case = loaded_case(tmp_path, (T2,), rows=512, cols=384, pixel_spacing=(0.5, 0.5))
    roi = roi_in("L3", rows=512, cols=384, label="L3")
    stats = measure_sequence(set_rois(case, T2, [roi])[T2]).stats[0]
    assert stats is not None and stats.mean == PHANTOM_VALUES[T2]["L3"] and stats.sd == 0
