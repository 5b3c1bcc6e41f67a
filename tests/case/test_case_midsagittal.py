"""Mid-sagittal proposals of a case's series (vbqcore.case.midsagittal): one per multi-slice
series, and T1/T2 proposals of one exam compared in position."""

from __future__ import annotations

import pytest

from tests.imaging.test_midsagittal import _stack
from vbqcore.anatomy import Sequence
from vbqcore.case.midsagittal import case_midsagittal, position_disagreements
from vbqcore.case.model import Case, load_series, new_case
from vbqcore.imaging.reading import Series


def series_with_midline(midline: int, *, t1: bool = False, seed: int = 0) -> Series:
    """15 slices 4 mm apart, symmetric about slice ``midline``; the middle one (7) shown."""
    slices = tuple(_stack(midline, t1=t1, seed=seed))
    return Series(slices=slices, default_index=len(slices) // 2)


def _case(**series: Series) -> Case:
    case = new_case()
    for name, s in series.items():
        case = load_series(case, Sequence(name), s).case
    return case


def test_t1_and_t2_of_one_exam_agree() -> None:
    case = _case(T1=series_with_midline(5, t1=True, seed=1), T2=series_with_midline(5, seed=2))
    proposals = case_midsagittal(case)
    # Midline slice 5 (0-based) at 4 mm spacing: 20 mm in both series.
    assert proposals[Sequence.T1].position_mm == pytest.approx(20.0)
    assert proposals[Sequence.T2].position_mm == pytest.approx(20.0)
    assert position_disagreements(case, proposals) == ()


def test_proposals_two_slices_apart_are_pointed_out() -> None:
    case = _case(T1=series_with_midline(5, t1=True, seed=1), T2=series_with_midline(7, seed=2))
    notes = position_disagreements(case, case_midsagittal(case))
    # 20 mm against 28 mm: 8 mm apart, over half a 4 mm slice spacing.
    assert len(notes) == 1
    assert "T1 (20.0 mm) and T2 (28.0 mm) are 8.0 mm apart" in notes[0]


def test_single_slice_series_get_no_proposal() -> None:
    one = _stack(0, n=1)
    case = _case(T2=Series(slices=tuple(one), default_index=0))
    assert case_midsagittal(case) == {}
