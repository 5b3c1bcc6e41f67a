"""Label suggestions by position (vbqcore.roi.labels) on the phantom's sagittal layout."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.phantoms import phantom_regions
from vbqcore.anatomy import Level, Sequence
from vbqcore.errors import RoiError
from vbqcore.roi.labels import NARROW_RATIO, csf_candidates, suggest_labels
from vbqcore.roi.shapes import EllipseRoi, PolygonRoi, RectRoi, Roi

REGIONS = phantom_regions(Sequence.T1)  # bodies at columns 80-136, CSF strip at 148-160


def body(level: str, label: str | None = None) -> RectRoi:
    """A 40 x 18 px box inside the phantom body ``level`` (what a user draws)."""
    r = REGIONS[level]
    return RectRoi(r.col0 + 8, r.row0 + 5, 40, 18, label=label)


def csf(label: str | None = None, *, top: float = 120, height: float = 40) -> RectRoi:
    """A 7 px wide box in the phantom's CSF strip (columns 148-160), behind the bodies."""
    return RectRoi(REGIONS["CSF"].col0 + 2.5, top, 7, height, label=label)


def test_phantom_layout_gets_l1_to_l4_and_csf() -> None:
    rois = [body("L1"), body("L2"), body("L3"), body("L4"), csf()]
    assert suggest_labels(rois) == ("L1", "L2", "L3", "L4", "CSF")


@pytest.mark.parametrize("order", list(itertools.permutations(range(5)))[::7])
def test_drawing_order_does_not_matter(order: tuple[int, ...]) -> None:
    rois = [body("L1"), body("L2"), body("L3"), body("L4"), csf()]
    expected = ("L1", "L2", "L3", "L4", "CSF")
    shuffled = [rois[i] for i in order]
    assert suggest_labels(shuffled) == tuple(expected[i] for i in order)


def test_body_above_labelled_l1_is_t12_and_below_l4_is_l5() -> None:
    rois = [
        body("L1", "L1"),
        body("L2", "L2"),
        body("L3", "L3"),
        body("L4", "L4"),
        body("T12"),
        body("L5"),
    ]
    assert suggest_labels(rois)[4:] == ("T12", "L5")


def test_gap_between_labelled_levels_gets_the_missing_level() -> None:
    rois = [body("L1", "L1"), body("L3", "L3"), body("L2")]
    assert suggest_labels(rois)[2] == "L2"


def test_levels_go_down_from_the_reader_label() -> None:
    # The reader labelled the top body L2 (their count): the bodies below follow it.
    rois = [body("L1", "L2"), body("L2"), body("L3")]
    assert suggest_labels(rois) == ("L2", "L3", "L4")


def test_a_skipped_body_skips_its_level() -> None:
    # Bodies on the phantom's L1, L2 and L4 (L3 skipped: that spacing is twice the others).
    # Before gaps were counted this gave L1, L2, L3 -- a plausible wrong score.
    assert suggest_labels([body("L1", "L1"), body("L2"), body("L4")]) == ("L1", "L2", "L4")
    # Labelled L2 on the phantom's L1, then L3 and L4 (one body skipped): L4 and L5.
    assert suggest_labels([body("L1", "L2"), body("L3"), body("L4")]) == ("L2", "L4", "L5")


def test_six_unlabelled_bodies_start_at_t12() -> None:
    levels = [lv.value for lv in Level]
    rois = [body(lv) for lv in levels]
    assert suggest_labels(rois) == tuple(levels)


def test_single_roi_tall_is_csf_square_is_l1() -> None:
    assert suggest_labels([csf(height=40)]) == ("CSF",)
    assert suggest_labels([body("L3")]) == ("L1",)


def test_narrow_roi_inside_the_body_column_is_not_csf() -> None:
    # 7 px wide (narrow) but centred at column 108, inside the bodies: a body, not the CSF.
    inside = RectRoi(104.5, REGIONS["L3"].row0 + 2, 7, 20)
    rois = [body("L1"), body("L2"), inside]
    assert suggest_labels(rois) == ("L1", "L2", "L3")
    assert csf_candidates(rois) == []


def test_wide_roi_behind_the_bodies_is_not_csf() -> None:
    # Behind the bodies but as wide as a body (40 px > 0.6 x 40): not the thecal sac.
    wide = RectRoi(150, 120, 40, 30)
    assert csf_candidates([body("L1"), body("L2"), wide]) == []
    assert NARROW_RATIO * 40 < 40


def test_csf_already_labelled_leaves_a_second_candidate_unlabelled() -> None:
    rois = [body("L1", "L1"), csf("CSF"), csf(top=170)]
    assert suggest_labels(rois) == ("L1", "CSF", None)


def test_mirrored_image_with_posterior_left() -> None:
    # The same layout flipped left-right (canal at small x): found with posterior=-1 only.
    def mirror(roi: RectRoi) -> RectRoi:
        return replace(roi, x=256 - roi.x - roi.width)

    rois = [mirror(body(lv)) for lv in ("L1", "L2", "L3")] + [mirror(csf())]
    assert suggest_labels(rois, posterior=-1) == ("L1", "L2", "L3", "CSF")
    assert suggest_labels(rois)[3] != "CSF"


def test_only_limits_suggestions_and_keeps_other_labels() -> None:
    rois = [body("L1"), body("L2"), csf()]
    assert suggest_labels(rois, only=[2]) == (None, None, "CSF")


def test_other_shapes_are_judged_by_their_bounds() -> None:
    r = REGIONS["L2"]
    ellipse = EllipseRoi(r.col0 + 5, r.row0 + 4, 44, 20)
    poly = PolygonRoi(((152.0, 100.0), (156.0, 100.0), (156.0, 150.0), (152.0, 150.0)))
    assert suggest_labels([body("L1"), ellipse, poly]) == ("L1", "L2", "CSF")


def test_bad_posterior_raises() -> None:
    with pytest.raises(RoiError, match="posterior must be"):
        csf_candidates([body("L1")], posterior=0)


@given(
    picks=st.lists(
        st.sampled_from([lv.value for lv in Level]), min_size=1, max_size=6, unique=True
    ),
    labelled=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_suggestions_never_repeat_a_level_and_keep_given_labels(
    picks: list[str], labelled: list[bool]
) -> None:
    rois: list[Roi] = [
        body(lv, lv if keep else None) for lv, keep in zip(picks, labelled, strict=False)
    ]
    out = suggest_labels(rois)
    given_labels = [r.label for r in rois]
    assert all(o == g for o, g in zip(out, given_labels, strict=True) if g is not None)
    assigned = [o for o in out if o is not None]
    assert len(assigned) == len(set(assigned))
    # Levels increase going down wherever every ROI got a label.
    if None not in out:
        orders = [Level(o).order for o in out]
        rows = [r.y for r in rois]
        by_row = [o for _, o in sorted(zip(rows, orders, strict=True))]
        if all(g is None for g in given_labels):
            assert by_row == sorted(by_row)
