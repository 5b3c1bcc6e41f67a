"""The score strip: one row per computed score, the cut-off where the interpretation puts it."""

from __future__ import annotations

from pathlib import Path

from tests.case_helpers import measured_case
from vbqcore.case.evaluation import evaluate_case
from vbqcore.imaging.slices import SliceSource
from vbqcore.interpretation import interpret
from vbqcore.plots.score_strip import score_strip


def test_one_strip_per_score_with_its_value_and_cut_off(tmp_path: Path) -> None:
    evaluation = evaluate_case(measured_case(tmp_path))
    assert evaluation.result is not None
    fig = score_strip(evaluation.result, evaluation.interpretation)
    values = {trace.name: trace.x[0] for trace in fig.data}
    assert values == {
        "VBQ-T1": evaluation.result.vbq_t1,
        "VBQ-T2": evaluation.result.vbq_t2,
        "VBQ-STIR": evaluation.result.vbq_stir,
        "VBQ-T2-STIR": evaluation.result.vbq_t2_stir,
    }
    lines = sorted(s.x0 for s in fig.layout.shapes if s.type == "line")
    assert lines == [0.555, 0.805, 4.285]  # Huang et al. 2026 cut-offs; none for VBQ-STIR
    texts = {a.text for a in fig.layout.annotations}
    assert {"cut-off 4.285", "cut-off 0.555", "cut-off 0.805"} <= texts


def test_without_interpretation_only_the_values_are_drawn(tmp_path: Path) -> None:
    evaluation = evaluate_case(measured_case(tmp_path))
    assert evaluation.result is not None
    fig = score_strip(evaluation.result, None)
    assert len(fig.data) == 4 and not [s for s in fig.layout.shapes if s.type == "line"]


def test_interval_bar_and_zones_only_when_interpretable(tmp_path: Path) -> None:
    evaluation = evaluate_case(measured_case(tmp_path), interval_method="observer_agreement")
    result, meaning = evaluation.result, evaluation.interpretation
    assert result is not None and meaning is not None
    fig = score_strip(result, meaning)
    t2 = next(t for t in fig.data if t.name == "VBQ-T2")
    iv = meaning.intervals["vbq_t2"]
    assert t2.error_x.array[0] == iv.high - result.vbq_t2
    assert t2.error_x.arrayminus[0] == result.vbq_t2 - iv.low
    filled = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(filled) == 6  # below + above for each of the three cut-offs
    # The colours the browser test of the screenshot path looks for (and must not find).
    assert {s.fillcolor for s in filled} == {"rgba(46, 160, 67, 0.18)", "rgba(220, 53, 69, 0.18)"}
    shot = score_strip(result, interpret(result, sources=[SliceSource.SCREENSHOT]))
    # Not interpretable: no coloured zone, and no cut-off line to read the value against.
    assert not shot.layout.shapes
    assert len(shot.data) == 4  # the values (ratios within the image) are still drawn
