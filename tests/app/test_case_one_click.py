"""AppTest: the case page's "Propose L1–L4 and CSF" button and ROI quality flags.

The real T2 slice is loaded in the first (T1) slot, the one the page shows first.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.roi.real_images import DATA
from vbqapp.state import CASE_MODEL
from vbqcore.anatomy import Sequence
from vbqcore.case.model import load_series, new_case, set_rois
from vbqcore.imaging.reading import read_series
from vbqcore.roi.shapes import RectRoi

APP = str(ROOT / "app.py")
NAME = "tptbox_T2_sag_T9-S1.png"


def _page_with(rois) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/case.py").run()
    case = load_series(new_case(), Sequence.T1, read_series(DATA / NAME)).case
    at.session_state[CASE_MODEL] = set_rois(case, Sequence.T1, rois)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _propose_button(at: AppTest):
    return next(b for b in at.button if b.label.startswith("Propose L1–L4 and CSF"))


def test_propose_adds_the_missing_levels_and_csf_as_rois() -> None:
    at = _page_with([RectRoi(160, 367, 52, 33, label="L3")])
    button = _propose_button(at)
    assert button.label == "Propose L1–L4 and CSF from L3" and not button.disabled
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    rois = at.session_state[CASE_MODEL][Sequence.T1].rois
    assert sorted(r.label or "" for r in rois) == ["CSF", "L1", "L2", "L3", "L4"]
    assert any("L1: proposed" in i.value for i in at.info)


def test_without_a_labelled_body_the_button_is_off_and_says_how() -> None:
    at = _page_with([])
    assert _propose_button(at).disabled
    assert any("draw one ROI inside a body and label it" in c.value for c in at.caption)


def test_an_roi_across_a_disc_is_flagged_in_plain_words() -> None:
    # L1 body rows ~221-268 and L2 ~287-338 (tests/data/real/reference_rois.json): straddle it.
    at = _page_with([RectRoi(185, 255, 35, 45, label="L1")])
    texts = [w.value for w in at.warning]
    assert any("crosses a disc or an endplate" in t or "heterogeneous" in t for t in texts), texts


def test_window_presets_fit_the_image_and_the_custom_range_is_a_two_handle_slider() -> None:
    at = _page_with([RectRoi(160, 367, 52, 33, label="L3")])
    window = next(s for s in at.selectbox if s.label == "Window")
    assert "Auto (DICOM)" not in window.options  # a PNG has no DICOM window
    assert window.options[0] == "Auto (0.5–99.5 %)"
    assert "Auto from L1–L4 ROIs" in window.options
    window.set_value("Auto from L1–L4 ROIs").run()
    assert not at.exception, [e.value for e in at.exception]
    window = next(s for s in at.selectbox if s.label == "Window")
    window.set_value("Custom").run()
    slider = next(s for s in at.slider if s.label == "SI range shown (low, high)")
    slider.set_value((40.0, 120.0)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["case_windows"]["T1"].center == 80.0
    assert at.session_state["case_windows"]["T1"].width == 80.0
