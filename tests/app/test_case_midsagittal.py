"""AppTest: the case page proposes the mid-sagittal slice from the images and goes there only
when the reader asks; T1/T2 proposals that disagree are pointed out."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.case.test_case_midsagittal import series_with_midline
from tests.conftest import ROOT
from vbqapp.state import CASE_MODEL
from vbqcore.anatomy import Sequence
from vbqcore.case.model import load_series, new_case

APP = str(ROOT / "app.py")


def _page(**series) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/case.py").run()
    case = new_case()
    for name, s in series.items():
        case = load_series(case, Sequence(name), s).case
    at.session_state[CASE_MODEL] = case
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_proposed_slice_is_shown_and_applied_on_confirmation() -> None:
    at = _page(T1=series_with_midline(5, t1=True))
    assert at.session_state[CASE_MODEL][Sequence.T1].slice_index == 7  # the middle one
    info = [i.value for i in at.info if "most symmetric" in i.value]
    assert info and info[0].startswith("Slice 6 at 20.0 mm is the most symmetric"), info
    go = next(b for b in at.button if b.label == "Go to slice 6")
    go.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[CASE_MODEL][Sequence.T1].slice_index == 5
    assert next(s for s in at.slider if s.label == "Slice").value == 6
    assert any(c.value.startswith("Mid-sagittal: Slice 6") for c in at.caption)
    assert not any(b.label.startswith("Go to slice") for b in at.button)


def test_disagreeing_sequences_are_pointed_out() -> None:
    at = _page(T1=series_with_midline(5, t1=True, seed=1), T2=series_with_midline(7, seed=2))
    assert any("are 8.0 mm apart" in w.value for w in at.warning)
