"""Sequence guess from SeriesDescription, ScanningSequence, TI and TR/TE."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbqcore.anatomy import Sequence
from vbqcore.imaging.sequence_guess import guess_sequence


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("SAG STIR", Sequence.STIR),
        ("Sag T2 TIRM", Sequence.STIR),  # Siemens name for STIR; STIR wins over the T2 token
        ("T2_STIR_SAG", Sequence.STIR),
        ("sag t1 tse", Sequence.T1),  # case-insensitive
        ("T1W_TSE", Sequence.T1),
        ("SAG T2 FSE", Sequence.T2),
        ("T2W_TSE SAG T12-S1", Sequence.T2),  # "T12" is a vertebra, not T1
        ("SAG T1 T2 COMBO", Sequence.UNKNOWN),  # both tokens and no timing: cannot tell
        ("LOCALIZER", Sequence.UNKNOWN),
    ],
)
def test_description_keywords(description: str, expected: Sequence) -> None:
    assert guess_sequence(series_description=description) is expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # Textbook weighting: T1 = short TR (< 1000 ms) and short TE (< 30 ms).
        ({"scanning_sequence": "SE", "tr_ms": 500, "te_ms": 10}, Sequence.T1),
        ({"scanning_sequence": "SE", "tr_ms": 350, "te_ms": 27}, Sequence.T1),  # MR2_* files
        # T2 = long TR and long TE (> 60 ms).
        ({"scanning_sequence": "SE", "tr_ms": 3000, "te_ms": 100}, Sequence.T2),
        ({"scanning_sequence": "SE", "tr_ms": 4000, "te_ms": 240}, Sequence.T2),  # MR_small
        # Proton density (long TR, short TE) is neither.
        ({"scanning_sequence": "SE", "tr_ms": 2500, "te_ms": 20}, Sequence.UNKNOWN),
        # STIR: inversion recovery with TI = ln 2 x T1(fat) ~ 150 ms at 1.5 T, ~230 ms at 3 T.
        ({"scanning_sequence": "SE\\IR", "tr_ms": 4000, "te_ms": 40, "ti_ms": 150}, Sequence.STIR),
        ({"scanning_sequence": "IR", "ti_ms": 230, "field_strength_t": 3.0}, Sequence.STIR),
        ({"ti_ms": 160}, Sequence.STIR),  # TI present, scanning sequence unknown
        # 230 ms at 1.5 T is past the fat null: not STIR; TR/TE then say T2.
        (
            {
                "scanning_sequence": "IR",
                "ti_ms": 230,
                "field_strength_t": 1.5,
                "tr_ms": 4000,
                "te_ms": 80,
            },
            Sequence.T2,
        ),  # fmt: skip
        # T1-FLAIR: IR with TI ~ 800 ms and a short TE.
        ({"scanning_sequence": "IR", "tr_ms": 2200, "te_ms": 12, "ti_ms": 860}, Sequence.T1),
        # T2-FLAIR: long TI, long TR/TE -> T2 weighting.
        ({"scanning_sequence": "IR", "tr_ms": 9000, "te_ms": 120, "ti_ms": 2500}, Sequence.T2),
        # A TI on a sequence that is not IR is ignored.
        ({"scanning_sequence": "SE", "tr_ms": 500, "te_ms": 10, "ti_ms": 150}, Sequence.T1),
        ({}, Sequence.UNKNOWN),
        ({"tr_ms": 500}, Sequence.UNKNOWN),
    ],
)
def test_timing_rules(facts: dict[str, float | str], expected: Sequence) -> None:
    assert guess_sequence(**facts) is expected  # type: ignore[arg-type]


@given(
    description=st.sampled_from(["SAG STIR", "T2 TIRM", "sag t1", "SAG T2 FSE"]),
    tr_ms=st.floats(1, 20000) | st.none(),
    te_ms=st.floats(1, 500) | st.none(),
    ti_ms=st.floats(1, 3000) | st.none(),
)
def test_description_wins_over_timing(
    description: str, tr_ms: float | None, te_ms: float | None, ti_ms: float | None
) -> None:
    expected = {"SAG STIR": Sequence.STIR, "T2 TIRM": Sequence.STIR, "sag t1": Sequence.T1,
                "SAG T2 FSE": Sequence.T2}[description]  # fmt: skip
    guess = guess_sequence(
        series_description=description, scanning_sequence="IR", tr_ms=tr_ms, te_ms=te_ms,
        ti_ms=ti_ms,
    )  # fmt: skip
    assert guess is expected
