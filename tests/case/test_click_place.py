"""Click to place: a click gives the engine's ROI for that pixel, labels are explicit."""

from __future__ import annotations

import pytest

from tests.roi.real_images import DATA
from vbqcore.anatomy import Sequence
from vbqcore.case.click_place import NEXT, click_label, place_at_click
from vbqcore.case.model import load_series, new_case, set_rois
from vbqcore.errors import RoiError
from vbqcore.imaging.reading import read_series
from vbqcore.roi.shapes import RectRoi
from vbqcore.roi.suggest import Seed, suggest_rois

NAME = "tptbox_T2_sag_T9-S1.png"


@pytest.fixture(scope="module")
def case():
    return load_series(new_case(), Sequence.T2, read_series(DATA / NAME)).case


def test_a_click_adds_what_suggest_gives_for_the_same_seed(case) -> None:
    update = place_at_click(case, Sequence.T2, "L3", 186.7, 383.2)  # pixel row 383, col 186
    (roi,) = update.case[Sequence.T2].rois
    (expected,) = suggest_rois(case[Sequence.T2].slice, [Seed("L3", 383, 186)])
    assert roi == expected.roi
    assert update.warnings[0].startswith("T2 L3: placed at row 383, col 186")


def test_next_fills_l1_to_l4_then_the_csf(case) -> None:
    assert click_label(case, Sequence.T2, NEXT) == "L1"
    some = set_rois(case, Sequence.T2, (RectRoi(1, 1, 5, 5, label="L1"),))
    assert click_label(some, Sequence.T2, NEXT) == "L2"
    full = set_rois(
        case,
        Sequence.T2,
        tuple(RectRoi(1, 1, 5, 5, label=x) for x in ("L1", "L2", "L3", "L4", "CSF")),
    )
    assert click_label(full, Sequence.T2, "T12") == "T12"
    with pytest.raises(RoiError, match="all have ROIs; pick a label"):
        click_label(full, Sequence.T2, NEXT)


def test_refusals_say_what_to_do(case) -> None:
    drawn = set_rois(case, Sequence.T2, (RectRoi(160, 367, 52, 33, label="L3"),))
    with pytest.raises(RoiError, match="already has an L3 ROI: delete it in the table"):
        place_at_click(drawn, Sequence.T2, "L3", 186, 383)
    with pytest.raises(RoiError, match="load a series"):
        place_at_click(new_case(), Sequence.T1, "L3", 1, 1)
    with pytest.raises(RoiError, match="outside"):
        place_at_click(case, Sequence.T2, "L3", 5000, 5000)
