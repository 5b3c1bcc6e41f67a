"""remeasure / evaluate_case(measured=...): a change on one sequence measures that sequence only
(issue 17: the case page's fragment must not recompute unchanged sequences), and the reused
results give exactly the scores of a full evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.case_helpers import measured_case
from vbqcore.anatomy import Sequence
from vbqcore.case import evaluation
from vbqcore.case.evaluation import evaluate_case, remeasure
from vbqcore.case.model import set_options, set_rois, set_slice
from vbqcore.roi.shapes import RectRoi

T1, T2, STIR = Sequence.T1, Sequence.T2, Sequence.STIR


@pytest.fixture
def measured_sequences(monkeypatch: pytest.MonkeyPatch) -> list[Sequence]:
    """Which sequences measure_sequence is called for (the real function still runs)."""
    calls: list[Sequence] = []
    real = evaluation.measure_sequence

    def counted(state):  # type: ignore[no-untyped-def]
        calls.append(state.sequence)
        return real(state)

    monkeypatch.setattr(evaluation, "measure_sequence", counted)
    return calls


def test_only_the_changed_sequence_is_measured_again(
    tmp_path: Path, measured_sequences: list[Sequence]
) -> None:
    case = measured_case(tmp_path)
    first = remeasure(case)
    assert measured_sequences == [T1, T2, STIR]
    measured_sequences.clear()

    assert remeasure(case, first) == first  # nothing changed: nothing measured
    assert measured_sequences == []

    # One ROI of T1 moved by a pixel: T1 only.
    rois = list(case[T1].rois)
    moved = rois[0]
    assert isinstance(moved, RectRoi)
    rois[0] = RectRoi(moved.x + 1, moved.y, moved.width, moved.height, label=moved.label)
    edited = set_rois(case, T1, rois)
    second = remeasure(edited, first)
    assert measured_sequences == [T1]
    assert second[T2] is first[T2] and second[STIR] is first[STIR]

    # Another slice of STIR: STIR only. Case options (fractured levels) measure nothing.
    measured_sequences.clear()
    remeasure(set_slice(edited, STIR, 1).case, second)
    assert measured_sequences == [STIR]
    measured_sequences.clear()
    remeasure(set_options(edited, fractured=["L2"]), second)
    assert measured_sequences == []


def test_reused_measurements_give_the_full_evaluation(tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    stale = remeasure(case)
    rois = list(case[T2].rois)[:-1]  # the CSF ROI of T2 removed: no VBQ-T2 any more
    edited = set_rois(case, T2, rois)
    reused = evaluate_case(edited, measured=stale)  # T2's stale entry must not be used
    fresh = evaluate_case(edited)
    assert reused.to_dict() == fresh.to_dict()
    assert fresh.result is not None and fresh.result.vbq_t2 is None
    assert fresh.result.vbq_t1 == pytest.approx(4.0, abs=1e-12)  # (420+400+380+400)/4/100
