"""AppTest: the case page labels body ROIs by anatomy (anchor, shift on relabel, gaps) and shows
every ROI's quality flags in the table and under it. The real T2 slice sits in the T1 slot."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.roi.real_images import DATA, load_cases
from vbqapp.state import CASE_MODEL
from vbqcore.anatomy import CSF, Sequence
from vbqcore.case.model import load_series, new_case, set_rois
from vbqcore.imaging.reading import read_series
from vbqcore.roi.shapes import RectRoi

APP = str(ROOT / "app.py")
NAME = "tptbox_T2_sag_T9-S1.png"
T1 = Sequence.T1
# The reader's boxes (tests/data/real/reference_rois.json).
REF = next(c for c in load_cases() if c.name == NAME).reference


def _unlabelled(name: str) -> RectRoi:
    roi = REF[name]
    assert isinstance(roi, RectRoi)
    return dataclasses.replace(roi, label=None)


def _page_with(rois, name: str = NAME) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("pages/case.py").run()
    case = load_series(new_case(), T1, read_series(DATA / name)).case
    at.session_state[CASE_MODEL] = set_rois(case, T1, rois)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _labels(at: AppTest) -> tuple[str | None, ...]:
    return at.session_state[CASE_MODEL][T1].labels


def test_anchor_control_labels_the_column_whatever_the_drawing_order() -> None:
    # Drawn L3, L1, L4, L2 (unlabelled) and the CSF; the reader says ROI #1 is L3.
    at = _page_with(
        [_unlabelled("L3"), _unlabelled("L1"), _unlabelled("L4"), _unlabelled("L2"), REF["CSF"]]
    )
    roi = next(s for s in at.selectbox if s.label == "Anchor ROI")
    assert roi.options == ["#2 (?)", "#4 (?)", "#1 (?)", "#3 (?)"]  # head to feet
    roi.set_value(0)  # ROI #1, the third from the top
    next(s for s in at.selectbox if s.label == "is level").set_value("L3")
    next(b for b in at.button if b.label == "Set every level from this anchor").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _labels(at) == ("L3", "L1", "L4", "L2", CSF)
    assert any("ROI #1 is L3; the other bodies follow it" in s.value for s in at.success)
    assert list(at.data_editor[0].value["Label"]) == ["L3", "L1", "L4", "L2", CSF]


def test_relabelling_with_shift_moves_every_body() -> None:
    at = _page_with([REF["L1"], REF["L2"], REF["L3"], REF["L4"], REF["CSF"]])
    shift = next(c for c in at.checkbox if c.label.startswith("Relabelling a body"))
    shift.check().run()
    key = at.data_editor[0].key
    # The reader finds the top body is T12 (e.g. a count from the sacrum): the column follows.
    at.session_state[key] = {
        "edited_rows": {0: {"Label": "T12"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _labels(at) == ("T12", "L1", "L2", "L3", CSF)
    assert any("Levels follow the anchor" in w.value for w in at.warning)


def test_relabelling_without_shift_clears_the_duplicate_with_a_warning() -> None:
    at = _page_with([REF["L1"], REF["L2"], REF["L3"], REF["L4"], REF["CSF"]])
    key = at.data_editor[0].key
    at.session_state[key] = {
        "edited_rows": {0: {"Label": "L2"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert _labels(at) == ("L2", None, "L3", "L4", CSF)
    assert any("ROI #2 was L2 too" in w.value for w in at.warning)


def test_a_skipped_body_is_pointed_out() -> None:
    # L1, L2 and L4 drawn: L2 -> L4 is twice the L1 -> L2 spacing.
    at = _page_with([REF["L1"], REF["L2"], REF["L4"], REF["CSF"]])
    assert any("L2 and L4 are" in w.value and "1 body(ies) skipped" in w.value for w in at.warning)


def test_quality_flags_show_in_the_table_and_as_sentences() -> None:
    at = _page_with([REF["L1"], REF["L2"], RectRoi(185, 255, 35, 45, label="L3"), REF["CSF"]])
    quality = list(at.data_editor[0].value["Quality"])
    assert quality[0] == "" and quality[1] == "" and quality[3] == ""
    assert "intensity_step" in quality[2] and "off_body" in quality[2]
    texts = [w.value for w in at.warning]
    assert any(t.startswith("T1 L3: the signal jumps by") for t in texts), texts
    assert any(e.label == "ROI quality: 3 flag(s)" for e in at.expander)


def _button(at: AppTest, start: str):
    return next(b for b in at.button if b.label.startswith(start))


def test_sacrum_proposal_is_shown_and_applied_only_when_the_reader_confirms() -> None:
    # The reader miscounted by one: L2 and L3 labelled L3 and L4.
    rois = [dataclasses.replace(REF["L2"], label="L3"), dataclasses.replace(REF["L3"], label="L4")]
    at = _page_with([*rois, REF["CSF"]])
    _button(at, "Propose the levels from the sacrum").click().run()
    assert not at.exception, [e.value for e in at.exception]
    info = [i.value for i in at.info if "the sacrum is seen" in i.value]
    assert info and "ROI #2 (now L4) is L3" in info[0], info
    assert _labels(at) == ("L3", "L4", CSF)  # nothing changed yet
    _button(at, "Use these levels (ROI #2 = L3)").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _labels(at) == ("L2", "L3", CSF)
    assert any("(from the sacrum)" in s.value for s in at.success)
    assert not any("the sacrum is seen" in i.value for i in at.info)


def test_sacrum_proposal_can_be_dismissed() -> None:
    at = _page_with([dataclasses.replace(REF["L3"], label="L4"), REF["CSF"]])
    _button(at, "Propose the levels from the sacrum").click().run()
    _button(at, "Dismiss").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _labels(at) == ("L4", CSF)
    assert not any("the sacrum is seen" in i.value for i in at.info)


def test_no_sacrum_found_says_so_and_changes_nothing() -> None:
    # The overview slice: the walk finds no disc-then-body below L5 (tests/roi/test_sacrum.py).
    overview = "tptbox_T2_sag_T12-S1_overview.png"
    ref = next(c for c in load_cases() if c.name == overview).reference
    at = _page_with([ref["L3"], ref["CSF"]], overview)
    _button(at, "Propose the levels from the sacrum").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no sacrum found below the lowest body ROI" in i.value for i in at.info)
    assert _labels(at) == ("L3", CSF)


def test_copying_onto_a_slice_that_moved_warns_per_roi(tmp_path: Path) -> None:
    # T2 "moved": the same slice shifted 40 px down, so every copied body box straddles a disc.
    pixels = np.asarray(Image.open(DATA / NAME).convert("L"))
    moved = tmp_path / "moved_T2.png"
    Image.fromarray(np.roll(pixels, 40, axis=0)).save(moved)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/case.py").run()
    case = load_series(new_case(), T1, read_series(DATA / NAME)).case
    case = load_series(case, Sequence.T2, read_series(moved)).case
    at.session_state[CASE_MODEL] = set_rois(case, T1, [REF["L2"], REF["L3"], REF["CSF"]])
    at.run()
    _button(at, "Copy to T2").click().run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [w.value for w in at.warning]
    assert any(t.startswith("T2 (copied) L2: only") for t in texts), texts
    assert any(t.startswith("T2 (copied) L3: only") for t in texts), texts
