"""The sacrum as a level anchor (vbqcore.roi.sacrum) on synthetic spines with and without a
sacrum (straight, lordotic, tilted, noisy, T1) and on the real T2 slices."""

from __future__ import annotations

import math

import pytest

from tests.roi.real_images import load_cases
from tests.roi.spine_phantom import make_spine
from vbqcore.anatomy import Level
from vbqcore.errors import RoiError
from vbqcore.imaging.reading import slice_from_array
from vbqcore.roi.sacrum import find_sacrum, propose_anchor_from_sacrum
from vbqcore.roi.shapes import RectRoi

SPACING = (0.6, 0.6)
WITH_SACRUM = {
    "straight-T2": {"sacrum_turn": 30.0},
    "lordotic-T2": {"lordosis": 20.0, "sacrum_turn": 30.0},
    "lordotic-noisy-T1": {"lordosis": 20.0, "noise": 8.0, "contrast": "T1", "sacrum_turn": 25.0},
    "tilted-lordotic-noisy-T2": {
        "lordosis": 15.0,
        "tilt": 10.0,
        "noise": 10.0,
        "sacrum_turn": 35.0,
    },
}
WITHOUT_SACRUM = {"straight-T2": {}, "lordotic-T2": {"lordosis": 40.0}}


def _box(center: tuple[float, float], label: str | None = None) -> RectRoi:
    x, y = center
    return RectRoi(x - 12, y - 8, 24, 16, label=label)


@pytest.mark.parametrize("kwargs", WITH_SACRUM.values(), ids=list(WITH_SACRUM))
def test_l5_is_found_above_the_sacrum_from_any_lumbar_body(kwargs: dict) -> None:
    p = make_spine(size=640, **kwargs)
    image = slice_from_array(p.pixels, pixel_spacing_mm=SPACING)
    found = find_sacrum(image, p.seed("L2"))
    assert found is not None
    # L2 -> L3 -> L4 -> L5 -> S1: four steps; L5 found within a fifth of a body height.
    assert found.steps == 4
    assert math.dist(found.l5_center, p.centers["L5"]) < 0.2 * 44
    assert math.dist(found.s1_center, p.centers["S1"]) < 0.3 * 44
    assert found.turn_deg >= 15 and found.width_ratio <= 0.85
    # The anchor: the lowest body ROI (drawn on L3, unlabelled; L1 above it) is L3.
    rois = [_box(p.centers["L3"]), _box(p.centers["L1"], "L4")]
    index, level, _ = propose_anchor_from_sacrum(image, rois) or (None, None, None)
    assert (index, level) == (0, Level.L3)


@pytest.mark.parametrize("kwargs", WITHOUT_SACRUM.values(), ids=list(WITHOUT_SACRUM))
def test_no_sacrum_no_proposal(kwargs: dict) -> None:
    p = make_spine(size=640, **kwargs)
    image = slice_from_array(p.pixels, pixel_spacing_mm=SPACING)
    assert find_sacrum(image, p.seed("L2")) is None
    assert propose_anchor_from_sacrum(image, [_box(p.centers["L2"])]) is None


def test_no_body_roi_or_no_body_under_it_says_what_to_do() -> None:
    p = make_spine(size=640, sacrum_turn=30.0)
    image = slice_from_array(p.pixels, pixel_spacing_mm=SPACING)
    with pytest.raises(RoiError, match="Draw at least one vertebral-body ROI"):
        propose_anchor_from_sacrum(image, [])
    with pytest.raises(RoiError, match="under ROI #1, the lowest body ROI"):
        propose_anchor_from_sacrum(image, [_box((20.0, 600.0))])  # soft tissue, no body


CASES = {c.name: c for c in load_cases()}


@pytest.mark.parametrize("level", ["L1", "L2", "L3", "L4"])
def test_real_t2_slice_with_sacrum_gives_the_reader_levels(level: str) -> None:
    case = CASES["tptbox_T2_sag_T9-S1.png"]
    found = propose_anchor_from_sacrum(case.image, [case.reference[level]])
    assert found is not None
    index, anchor, proposal = found
    assert (index, anchor.value) == (0, level)
    # L5 lies one vertebral period below L4 on the reader's boxes (tests/data/real/
    # reference_rois.json: L3 centre y 383.5, L4 449.0 -> period 65.5, L5 expected ~514.5).
    l3, l4 = case.reference["L3"], case.reference["L4"]
    assert isinstance(l3, RectRoi) and isinstance(l4, RectRoi)
    period = (l4.y + l4.height / 2) - (l3.y + l3.height / 2)
    assert abs(proposal.l5_center[1] - (l4.y + l4.height / 2 + period)) < 0.2 * period


def test_real_overview_slice_where_the_walk_stops_gives_no_proposal() -> None:
    # The small overview slice: the engine finds no disc-then-body below L5, so it proposes
    # nothing rather than a guess (the reader anchors by hand).
    case = CASES["tptbox_T2_sag_T12-S1_overview.png"]
    assert propose_anchor_from_sacrum(case.image, [case.reference["L3"]]) is None
