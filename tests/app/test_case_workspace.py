"""AppTest: the case page's ROI fragment (vbqapp.case.workspace) measures a sequence again only
when its series, slice or ROIs changed, and the scores still follow every change (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_case_page import draw, files_of, metrics, open_case_page, upload
from tests.case_helpers import phantom_rois
from vbqcore.anatomy import Sequence
from vbqcore.case import evaluation
from vbqcore.roi.shapes import RectRoi

T1, T2, STIR = Sequence.T1, Sequence.T2, Sequence.STIR


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Sequence]:
    """The sequences measure_sequence runs for (the real function still runs)."""
    seen: list[Sequence] = []
    real = evaluation.measure_sequence

    def counted(state):  # type: ignore[no-untyped-def]
        seen.append(state.sequence)
        return real(state)

    monkeypatch.setattr(evaluation, "measure_sequence", counted)
    return seen


@pytest.fixture
def measured(tmp_path: Path) -> AppTest:
    at = open_case_page()
    upload(at, [f for s in (STIR, T1, T2) for f in files_of(tmp_path, s)])
    draw(at, T1, phantom_rois())
    next(b for b in at.button if b.label.startswith("Copy to")).click().run()
    return at


def test_an_option_measures_nothing_again_and_still_rescores(
    measured: AppTest, calls: list[Sequence]
) -> None:
    assert metrics(measured)["VBQ-T1"] == "4.000"  # (420+400+380+400)/4/100, tests/phantoms.py
    measured.multiselect[0].set_value(["L1"]).run()  # L1 fractured: left out, no T12/L5
    assert not measured.exception, [e.value for e in measured.exception]
    assert calls == []
    assert metrics(measured)["VBQ-T1"] == "3.933"  # (400+380+400)/3/100 by hand


def test_a_drawing_on_t1_measures_t1_only(measured: AppTest, calls: list[Sequence]) -> None:
    rois = list(phantom_rois())
    first = rois[0]
    assert isinstance(first, RectRoi)
    rois[0] = RectRoi(first.x + 1, first.y, first.width, first.height, label=first.label)
    draw(measured, T1, rois)
    assert set(calls) == {T1}
    assert metrics(measured)["VBQ-T1"] == "4.000"  # a constant-SI body moved by a pixel
