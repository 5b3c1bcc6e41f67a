"""Levels by anatomy on a case (vbqcore.case.levels): the anchor fixes every body's level in
the cranio-caudal order whatever the drawing order, a relabel shifts the rest when asked, and a
skipped body is counted from the spacing. Expected levels are worked by hand in the comments."""

from __future__ import annotations

import pytest

from vbqcore.anatomy import CSF, Sequence
from vbqcore.case.levels import anchor_levels, gap_notes, set_level
from vbqcore.case.model import Case, new_case, set_rois
from vbqcore.errors import RoiError
from vbqcore.roi.shapes import RectRoi

T2 = Sequence.T2


def _body(cy: float, label: str | None = None) -> RectRoi:
    return RectRoi(100, cy - 10, 40, 20, label=label)


def _case(*rois: RectRoi) -> Case:
    return set_rois(new_case(), T2, rois)


def _labels(case: Case) -> list[str | None]:
    return [r.label for r in case[T2].rois]


# Drawn out of order: centres at rows 130, 50, 210, 90 plus a CSF strip. From the top: 50, 90,
# 130, 210 -> spacings 40, 40, 80; the usual spacing is 40, so 80 = 2 x: one body skipped
# between rows 130 and 210.
DRAWN = (
    _body(130, "L1"),
    _body(50),
    _body(210),
    _body(90, "L3"),
    RectRoi(160, 110, 8, 40, label=CSF),
)


def test_anchor_gives_levels_by_position_counting_the_skipped_body() -> None:
    # ROI #4 (row 90) is L1 -> row 50 is T12, row 130 L2, (row 170 skipped: L3), row 210 L4.
    update = anchor_levels(_case(*DRAWN), T2, 3, "L1")
    assert _labels(update.case) == ["L2", "T12", "L4", "L1", CSF]
    text = " ".join(update.warnings)
    assert "ROI #1 L1 -> L2" in text and "ROI #2 ? -> T12" in text
    assert "1 body(ies) skipped between ROI #1 and ROI #3" in text


def test_bodies_pushed_past_l5_are_left_unlabelled_with_a_note() -> None:
    # Row 50 is L4 -> row 90 L5, row 130 would be S1: not a level here.
    update = anchor_levels(_case(*DRAWN), T2, 1, "L4")
    assert _labels(update.case) == [None, "L4", None, "L5", CSF]
    assert any("falls outside T12-L5" in w for w in update.warnings)


def test_relabel_with_shift_moves_the_whole_column() -> None:
    case = _case(_body(50, "L1"), _body(90, "L2"), _body(130, "L3"), _body(170, "L4"))
    # The reader sees the top body is really L2: every body moves one level down.
    update = set_level(case, T2, 0, "L2", shift_rest=True)
    assert _labels(update.case) == ["L2", "L3", "L4", "L5"]


def test_relabel_without_shift_changes_one_roi_and_clears_the_duplicate() -> None:
    case = _case(_body(50, "L1"), _body(90, "L2"), _body(130, "L3"), _body(170, "L4"))
    update = set_level(case, T2, 0, "L2", shift_rest=False)
    assert _labels(update.case) == ["L2", None, "L3", "L4"]
    assert update.warnings and "ROI #2 was L2 too" in update.warnings[0]


def test_csf_and_clearing_are_plain_label_edits() -> None:
    case = _case(_body(50, "L1"), _body(90, "L2"))
    assert _labels(set_level(case, T2, 1, CSF, shift_rest=True).case) == ["L1", CSF]
    assert _labels(set_level(case, T2, 1, None, shift_rest=True).case) == ["L1", None]


def test_the_csf_roi_cannot_anchor_and_a_bad_index_is_named() -> None:
    case = _case(*DRAWN)
    with pytest.raises(RoiError, match="ROI #5 is the CSF ROI"):
        anchor_levels(case, T2, 4, "L3")
    with pytest.raises(RoiError, match="no ROI #9"):
        anchor_levels(case, T2, 8, "L3")


def test_gap_notes_name_the_levels_either_side() -> None:
    notes = gap_notes(_case(*DRAWN), T2)
    assert len(notes) == 1
    assert notes[0].startswith("T2: L1 and ROI #3 are 2.0 x the usual spacing apart: 1 body")
    assert gap_notes(_case(_body(50), _body(90), _body(130)), T2) == ()
