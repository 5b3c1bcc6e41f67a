"""Levels of body ROIs from anatomy: vertical order, one anchor, skipped bodies, relabelling."""

from __future__ import annotations

import random

import pytest

from tests.roi.real_images import load_cases
from vbqcore.errors import RoiError
from vbqcore.roi.levels import find_gaps, levels_from_anchor, relabel, vertical_order
from vbqcore.roi.shapes import RectRoi, Roi


def _column(centres_y: list[float], *, csf_at: float | None = None) -> list[Roi]:
    rois: list[Roi] = [RectRoi(100, y - 10, 40, 20) for y in centres_y]
    if csf_at is not None:
        rois.append(RectRoi(160, csf_at - 15, 8, 30, label="CSF"))
    return rois


def test_labels_follow_vertical_order_not_drawing_order() -> None:
    # Four bodies 58 px apart, drawn in the order L3, L1, L4, L2, plus the CSF.
    rois = _column([216.0, 100.0, 274.0, 158.0], csf_at=216.0)
    plan = levels_from_anchor(rois, 1, "L1")  # the reader says the top one is L1
    assert plan.labels == ("L3", "L1", "L4", "L2", "CSF")
    assert plan.gaps == () and plan.notes == ()
    assert vertical_order(rois) == [1, 3, 0, 2]


def test_a_skipped_body_is_detected_from_the_spacing() -> None:
    # L1, L2, (L3 skipped), L4, L5: the L2-L4 distance is twice the usual.
    rois = _column([100.0, 158.0, 274.0, 332.0])
    gaps = find_gaps(rois)
    assert [(g.above, g.below, g.missing) for g in gaps] == [(1, 2, 1)]
    assert gaps[0].ratio == pytest.approx(116 / 58)
    plan = levels_from_anchor(rois, 0, "L1")
    assert plan.labels == ("L1", "L2", "L4", "L5")
    assert "1 body(ies) skipped between ROI 1 and ROI 2" in plan.notes[0]


def test_two_bodies_tell_no_gap() -> None:
    assert find_gaps(_column([100.0, 300.0])) == ()


def test_bodies_beyond_t12_or_l5_are_left_unlabelled_with_a_note() -> None:
    rois = _column([100.0, 158.0, 216.0])
    plan = levels_from_anchor(rois, 1, "T12")
    assert plan.labels == (None, "T12", "L1")
    assert "falls outside T12-L5" in plan.notes[0]


def test_relabel_one_or_shift_the_rest() -> None:
    rois = _column([100.0, 158.0, 216.0, 274.0])
    labels = levels_from_anchor(rois, 0, "L1").labels
    assert labels == ("L1", "L2", "L3", "L4")
    shifted = relabel(rois, labels, 0, "T12", shift_rest=True)
    assert shifted.labels == ("T12", "L1", "L2", "L3")
    single = relabel(rois, labels, 0, "L2", shift_rest=False)
    assert single.labels == ("L2", None, "L3", "L4")
    assert "ROI 1 was L2 too" in single.notes[0]


def test_bad_anchor_is_refused() -> None:
    rois = _column([100.0, 158.0], csf_at=130.0)
    with pytest.raises(RoiError, match="pick a vertebral-body ROI"):
        levels_from_anchor(rois, 2, "L1")
    with pytest.raises(RoiError, match="not one of T12, L1-L5"):
        levels_from_anchor(rois, 0, "S1")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_real_reader_boxes_get_their_levels_in_any_drawing_order(seed: int) -> None:
    for case in load_cases():
        items = list(case.reference.items())
        random.Random(seed).shuffle(items)
        rois = [RectRoi(r.x, r.y, r.width, r.height, label="CSF" if k == "CSF" else None)
                for k, r in items]  # fmt: skip
        anchor = next(i for i, (k, _) in enumerate(items) if k == "L3")
        plan = levels_from_anchor(rois, anchor, "L3")
        assert list(plan.labels) == [k for k, _ in items]
        # Without L2, the gap between L1 and L3 is found and L3, L4 keep their levels.
        kept = [(k, r) for k, r in items if k != "L2"]
        rois = [RectRoi(r.x, r.y, r.width, r.height, label="CSF" if k == "CSF" else None)
                for k, r in kept]  # fmt: skip
        first = next(i for i, (k, _) in enumerate(kept) if k == "L1")
        plan = levels_from_anchor(rois, first, "L1")
        assert list(plan.labels) == [k for k, _ in kept]
        assert len(plan.gaps) == 1 and plan.gaps[0].missing == 1
