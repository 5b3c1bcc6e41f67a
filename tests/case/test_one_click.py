"""One click on a case: L1-L4 and the CSF proposed from one labelled body ROI (real T2 slice)."""

from __future__ import annotations

import pytest

from tests.roi.real_images import DATA, coverage, load_cases
from vbqcore.anatomy import Sequence
from vbqcore.case.model import load_series, new_case, set_rois
from vbqcore.case.one_click import anchor_roi, propose_from_anchor
from vbqcore.errors import RoiError
from vbqcore.imaging.reading import read_series
from vbqcore.roi.shapes import RectRoi
from vbqcore.roi.suggest import Suggestion

NAME = "tptbox_T2_sag_T9-S1.png"
CASE = next(c for c in load_cases() if c.name == NAME)


def _case_with(rois):
    case = load_series(new_case(), Sequence.T2, read_series(DATA / NAME)).case
    return set_rois(case, Sequence.T2, rois)


def test_one_labelled_roi_brings_the_other_levels_and_the_csf() -> None:
    mine = CASE.reference["L3"]
    update = propose_from_anchor(_case_with([mine]), Sequence.T2)
    rois = update.case[Sequence.T2].rois
    assert rois[0] == mine  # the reader's ROI is kept as drawn
    assert sorted(r.label or "" for r in rois) == ["CSF", "L1", "L2", "L3", "L4"]
    for roi in rois[1:]:
        assert coverage(CASE, Suggestion(roi, 1.0, ())) >= 0.9, roi.label
    assert any("L1: proposed" in n for n in update.warnings)


def test_existing_levels_are_never_replaced() -> None:
    mine = [CASE.reference["L3"], CASE.reference["CSF"]]
    rois = propose_from_anchor(_case_with(mine), Sequence.T2).case[Sequence.T2].rois
    assert rois[:2] == tuple(mine)
    assert [r.label for r in rois].count("CSF") == 1


def test_without_a_labelled_body_roi_the_reader_is_told_what_to_do() -> None:
    with pytest.raises(RoiError, match="draw one ROI inside a vertebral body and label it"):
        propose_from_anchor(_case_with([RectRoi(10, 10, 5, 5)]), Sequence.T2)
    with pytest.raises(RoiError, match="load a series"):
        propose_from_anchor(new_case(), Sequence.T1)


def test_anchor_prefers_l3() -> None:
    rois = (RectRoi(0, 0, 5, 5, label="L1"), RectRoi(0, 10, 5, 5, label="L3"))
    assert anchor_roi(rois) is rois[1]
    assert anchor_roi((RectRoi(0, 0, 5, 5, label="CSF"),)) is None
