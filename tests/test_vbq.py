"""VBQ scores: hand-computed cases, every substitution path, the median method, bad input.

Reference values are worked by hand in the comments (the arithmetic of Huang et al., Global
Spine J 2026;16(1):162-170, "Measuring VBQ Scores", and Ehresman et al., Spine J 2020).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbqcore.anatomy import Level, Sequence
from vbqcore.errors import ScoreError
from vbqcore.measurements import CaseMeasurements, SequenceMeasurement, parse_fractured
from vbqcore.vbq import Aggregate, ScoreName, compute_vbq, select_levels

T12, L1, L2, L3, L4, L5 = Level.T12, Level.L1, Level.L2, Level.L3, Level.L4, Level.L5


def t1_case(**extra: Any) -> dict[str, Any]:
    """T1 SIs L1..L4 = 400, 410, 420, 430 and CSF 100."""
    row: dict[str, Any] = {"T1_L1": 400, "T1_L2": 410, "T1_L3": 420, "T1_L4": 430, "T1_CSF": 100}
    row.update(extra)
    return row


def score(row: dict[str, Any], **kw: Any) -> Any:
    return compute_vbq(CaseMeasurements.from_flat(row), **kw)


# --- hand-computed scores ---------------------------------------------------------------------


def test_vbq_t1_mean_by_hand() -> None:
    # (400 + 410 + 420 + 430) / 4 = 1660 / 4 = 415; 415 / 100 = 4.15
    result = score(t1_case())
    assert result.vbq_t1 == pytest.approx(4.15, rel=1e-12)
    assert result.levels_used[ScoreName.VBQ_T1] == (L1, L2, L3, L4)
    assert result.method is Aggregate.MEAN
    assert result.vbq_t2 is None and result.vbq_stir is None and result.vbq_t2_stir is None
    assert result.not_computed[ScoreName.VBQ_T2] == "T2 not measured"
    assert result.not_computed[ScoreName.VBQ_T2_STIR] == "T2 and STIR not measured"
    assert result.warnings == ()


def test_median_method_even_count_is_mean_of_middle_two() -> None:
    # Ehresman et al. 2020 use the median. SIs 300, 500, 340, 360 sort to 300, 340, 360, 500:
    # median = (340 + 360) / 2 = 350 -> 350 / 100 = 3.5. The mean would be 1500 / 4 = 375 -> 3.75.
    row = {"T1_L1": 300, "T1_L2": 500, "T1_L3": 340, "T1_L4": 360, "T1_CSF": 100}
    assert score(row, method="median").vbq_t1 == pytest.approx(3.5, rel=1e-12)
    assert score(row, method=Aggregate.MEAN).vbq_t1 == pytest.approx(3.75, rel=1e-12)
    assert score(row, method="median").method is Aggregate.MEDIAN


def test_median_method_odd_count() -> None:
    # L4 fractured, nothing to substitute: L1..L3 = 300, 500, 340 -> median 340 -> 3.4
    row = {"T1_L1": 300, "T1_L2": 500, "T1_L3": 340, "T1_L4": 360, "T1_CSF": 100, "fractured": "L4"}
    assert score(row, method="median").vbq_t1 == pytest.approx(3.4, rel=1e-12)


def test_t2_stir_by_hand() -> None:
    # T2 L1..L4 = 300, 310, 320, 330, CSF 500; STIR L1..L4 = 100, 110, 120, 90, CSF 300.
    # Differences 200, 200, 200, 240 -> mean 210; CSF difference 500 - 300 = 200 -> 1.05.
    # Median of differences = (200 + 200) / 2 = 200 -> 1.0.
    row = {
        **{f"T2_L{i}": v for i, v in zip(range(1, 5), (300, 310, 320, 330), strict=True)},
        **{f"STIR_L{i}": v for i, v in zip(range(1, 5), (100, 110, 120, 90), strict=True)},
        "T2_CSF": 500,
        "STIR_CSF": 300,
    }
    mean = score(row)
    assert mean.vbq_t2_stir == pytest.approx(1.05, rel=1e-12)
    # VBQ-T2 = 315 / 500 = 0.63; VBQ-STIR = 105 / 300 = 0.35
    assert mean.vbq_t2 == pytest.approx(0.63, rel=1e-12)
    assert mean.vbq_stir == pytest.approx(0.35, rel=1e-12)
    assert score(row, method="median").vbq_t2_stir == pytest.approx(1.0, rel=1e-12)


def test_t2_stir_uses_levels_measured_on_both_sequences() -> None:
    # STIR lacks L4, so T2-STIR uses L1..L3: differences 200, 200, 200 -> 200 / 200 = 1.0,
    # while VBQ-T2 still uses L1..L4 (315 / 500 = 0.63).
    row = {
        "T2_L1": 300, "T2_L2": 310, "T2_L3": 320, "T2_L4": 330, "T2_CSF": 500,
        "STIR_L1": 100, "STIR_L2": 110, "STIR_L3": 120, "STIR_CSF": 300,
    }  # fmt: skip
    result = score(row)
    assert result.vbq_t2_stir == pytest.approx(1.0, rel=1e-12)
    assert result.levels_used[ScoreName.VBQ_T2_STIR] == (L1, L2, L3)
    assert result.levels_used[ScoreName.VBQ_T2] == (L1, L2, L3, L4)
    assert result.common_levels is None
    assert result.levels_used_text() == (
        "vbq_t2: L1;L2;L3;L4 | vbq_stir: L1;L2;L3 | vbq_t2_stir: L1;L2;L3"
    )
    # The L4 warning applies to STIR and T2-STIR only, so it names them.
    assert "VBQ-STIR: L4 not measured: left out." in result.warnings
    assert "VBQ-T2-STIR: L4 not measured: left out." in result.warnings


def test_negative_t2_stir_warns() -> None:
    # Differences -100 each -> -100 / (500 - 300) = -0.5: legal but suspicious (swapped series?)
    row = {
        **{f"T2_L{i}": 100 for i in range(1, 5)},
        **{f"STIR_L{i}": 200 for i in range(1, 5)},
        "T2_CSF": 500,
        "STIR_CSF": 300,
    }
    result = score(row)
    assert result.vbq_t2_stir == pytest.approx(-0.5)
    assert any("negative" in w for w in result.warnings)


# --- level selection: every substitution path ---------------------------------------------------


@pytest.mark.parametrize(
    ("measured", "fractured", "used", "subs", "n_warnings"),
    [
        # no fracture: T12 and L5 measured but not used
        ({T12, L1, L2, L3, L4, L5}, set(), (L1, L2, L3, L4), {}, 0),
        # L1 fractured -> T12 (nearest)
        ({T12, L1, L2, L3, L4, L5}, {L1}, (T12, L2, L3, L4), {L1: T12}, 0),
        # L4 fractured -> L5 (nearest)
        ({T12, L1, L2, L3, L4, L5}, {L4}, (L1, L2, L3, L5), {L4: L5}, 0),
        # L2 prefers T12 (2 away) over L5 (3 away); L3 prefers L5
        ({T12, L1, L2, L3, L4, L5}, {L2}, (T12, L1, L3, L4), {L2: T12}, 0),
        ({T12, L1, L2, L3, L4, L5}, {L3}, (L1, L2, L4, L5), {L3: L5}, 0),
        # L2 + L3 -> T12 + L5
        ({T12, L1, L2, L3, L4, L5}, {L2, L3}, (T12, L1, L4, L5), {L2: T12, L3: L5}, 0),
        # L1 + L2 both prefer T12: L1 is nearer, so L2 falls back to L5
        ({T12, L1, L2, L3, L4, L5}, {L1, L2}, (T12, L3, L4, L5), {L1: T12, L2: L5}, 0),
        # L1 fractured, T12 not measured -> falls back to L5
        ({L1, L2, L3, L4, L5}, {L1}, (L2, L3, L4, L5), {L1: L5}, 0),
        # L3 fractured, only T12 measured -> falls back to T12
        ({T12, L1, L2, L3, L4}, {L3}, (T12, L1, L2, L4), {L3: T12}, 0),
        # L1 fractured, neither T12 nor L5 measured -> 3 levels and a warning
        ({L1, L2, L3, L4}, {L1}, (L2, L3, L4), {}, 1),
        # a fractured T12 is never used: L1 goes to L5 instead ...
        ({T12, L1, L2, L3, L4, L5}, {T12, L1}, (L2, L3, L4, L5), {L1: L5}, 0),
        # ... or is left out when L5 is absent
        ({T12, L1, L2, L3, L4}, {T12, L1}, (L2, L3, L4), {}, 1),
        # a fractured L5 is never used either
        ({T12, L1, L2, L3, L4, L5}, {L4, L5}, (T12, L1, L2, L3), {L4: T12}, 0),
        # L1 + L2 fractured, only T12: L1 (nearer) takes it, L2 is left out
        ({T12, L1, L2, L3, L4}, {L1, L2}, (T12, L3, L4), {L1: T12}, 1),
        # three fractured, one substitute -> 2 levels: left-out warnings + the "< 3" warning
        ({T12, L1, L2, L3, L4}, {L1, L2, L3}, (T12, L4), {L1: T12}, 3),
        # an unfractured level that was not measured is left out with a warning
        ({L1, L2, L4}, set(), (L1, L2, L4), {}, 1),
    ],
)
def test_select_levels(
    measured: set[Level],
    fractured: set[Level],
    used: tuple[Level, ...],
    subs: dict[Level, Level],
    n_warnings: int,
) -> None:
    sel = select_levels(measured, fractured)
    assert sel.levels_used == used
    assert dict(sel.substitutions) == subs
    assert len(sel.warnings) == n_warnings, sel.warnings


def test_select_levels_warns_below_three() -> None:
    sel = select_levels({L3, L4}, set())
    assert sel.levels_used == (L3, L4)
    assert any("only 2 level(s) used (L3, L4)" in w for w in sel.warnings)


def test_select_levels_none_usable() -> None:
    with pytest.raises(ScoreError, match="no usable level"):
        select_levels({L1, L2, L3, L4}, {L1, L2, L3, L4})


def test_substitution_in_scores() -> None:
    # L1 fractured, T12 = 380: (380 + 410 + 420 + 430) / 4 = 1640 / 4 = 410 -> 4.10
    result = score(t1_case(T1_T12=380, fractured="L1"))
    assert result.vbq_t1 == pytest.approx(4.10, rel=1e-12)
    assert result.substitutions[ScoreName.VBQ_T1] == {L1: T12}
    assert result.levels_used_text() == "T12;L2;L3;L4"
    # L2 + L3 fractured, T12 = 380, L5 = 440: (380 + 400 + 430 + 440) / 4 = 1650 / 4 -> 4.125
    both = score(t1_case(T1_T12=380, T1_L5=440, fractured="L2;L3"))
    assert both.vbq_t1 == pytest.approx(4.125, rel=1e-12)
    assert both.to_dict()["substitutions"] == {"vbq_t1": {"L2": "T12", "L3": "L5"}}
    # L4 fractured, L5 = 440: (400 + 410 + 420 + 440) / 4 = 1670 / 4 = 417.5 -> 4.175
    assert score(t1_case(T1_L5=440, fractured=["L4"])).vbq_t1 == pytest.approx(4.175, rel=1e-12)


def test_shared_warning_given_once() -> None:
    # L1 fractured with nothing to substitute on both sequences: one unprefixed warning.
    row = t1_case(fractured="L1", **{f"T2_L{i}": 300 for i in range(1, 5)}, T2_CSF=500)
    result = score(row)
    assert result.warnings == (
        "L1 fractured and no unfractured T12/L5 measured to replace it: left out.",
    )
    assert result.common_levels == (L2, L3, L4)
    assert result.levels_used_text() == "L2;L3;L4"


# --- inputs ----------------------------------------------------------------------------------


def test_from_flat_case_insensitive_and_missing_values() -> None:
    row = {
        **{" t1_l1 ": "400", "T1_l2": 410.0, "t1_L3": 420, "T1_L4": 430, "t1_csf": "100"},
        **{"T2_L1": float("nan"), "T2_CSF": "", "STIR_L1": "NA", "age": 71, "T1_notes": "x"},
    }
    case = CaseMeasurements.from_flat(row)
    assert list(case.sequences) == [Sequence.T1]  # NaN, "" and "NA" mean "not measured"
    assert compute_vbq(case).vbq_t1 == pytest.approx(4.15)


def test_nested_equals_flat_and_round_trip() -> None:
    nested = {"T1": {"L1": 400, "L2": 410, "L3": 420, "L4": 430, "CSF": 100}, "fractured": ["L2"]}
    flat = t1_case(fractured="L2")
    assert CaseMeasurements.from_nested(nested) == CaseMeasurements.from_flat(flat)
    case = CaseMeasurements.from_flat(flat)
    assert CaseMeasurements.from_flat(case.to_flat()) == case
    assert case.to_flat()["fractured"] == "L2"


def test_csf_level_alternatives() -> None:
    assert CaseMeasurements.from_flat(t1_case(csf_level="l2")).csf_level is L2
    assert CaseMeasurements.from_flat(t1_case()).csf_level is L3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("L2;L3", {L2, L3}), ("l2, L3", {L2, L3}), ("L2 L3", {L2, L3}), (["L1"], {L1}),
     ("", set()), (None, set()), (float("nan"), set())],
)  # fmt: skip
def test_parse_fractured(raw: Any, expected: set[Level]) -> None:
    assert parse_fractured(raw) == expected


def test_result_to_dict_is_json_and_shows_working() -> None:
    result = score(t1_case(T1_T12=380, fractured="L1"))
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["vbq_t1"] == result.vbq_t1
    assert data["levels_used"] == {"vbq_t1": ["T12", "L2", "L3", "L4"]}
    assert data["levels_used_common"] == ["T12", "L2", "L3", "L4"]
    assert data["inputs"]["T1"] == {"T12": 380.0, "L1": 400.0, "L2": 410.0, "L3": 420.0,
                                    "L4": 430.0, "CSF": 100.0}  # fmt: skip
    assert data["inputs"]["fractured"] == ["L1"] and data["inputs"]["csf_level"] == "L3"
    assert data["method"] == "mean"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"T1_L1": 400, "T1_L2": 410}, r"T1: no CSF SI"),
        (t1_case(T1_CSF=0), r"T1 CSF: SI 0 must be > 0"),
        (t1_case(T1_CSF=-5), r"T1 CSF: SI -5 must be > 0"),
        (t1_case(T1_L2=-1), r"T1 L2: SI -1 is negative"),
        (t1_case(T1_L2="inf"), r"column 'T1_L2': SI is inf; enter a finite number"),
        (t1_case(T1_L2=float("-inf")), r"SI is -inf"),
        (t1_case(T1_L2="abc"), r"column 'T1_L2': 'abc' is not a number"),
        (t1_case(T1_L2=True), r"is not a number"),
        ({"T1_T12": 380, "T1_CSF": 100}, r"VBQ-T1: no usable level"),
        (t1_case(fractured="L1;L2;L3;L4"), r"VBQ-T1: no usable level"),
        (t1_case(T2_L6=100), r"Column 'T2_L6': unknown level 'L6'"),
        (t1_case(t1_s1=100), r"Column 't1_s1': unknown level 's1'"),
        (t1_case(fractured="L2;L7"), r"fractured: unknown level 'L7'"),
        (t1_case(fractured=5), r"fractured: 5 is not a list of levels"),
        (t1_case(csf_level="L1"), r"csf_level L1: .* use L2, L3 or L4"),
        (t1_case(csf_level="S1"), r"csf_level: unknown level 'S1'"),
        ({"age": 70}, r"No sequence measured"),
        ({**t1_case(), "t1_l1": 1}, r"Column 't1_l1' given twice"),
        (
            {
                **{f"T2_L{i}": 300 for i in range(1, 5)},
                **{f"STIR_L{i}": 100 for i in range(1, 5)},
                "T2_CSF": 300,
                "STIR_CSF": 300,
            },
            r"VBQ-T2-STIR: CSF T2 SI \(300\) minus CSF STIR SI \(300\) is 0, but must be > 0",
        ),  # fmt: skip
    ],
)
def test_bad_input(row: dict[str, Any], message: str) -> None:
    with pytest.raises(ScoreError, match=message):
        score(row)


def test_t2_stir_asked_without_both_sequences() -> None:
    case = CaseMeasurements.from_flat({**{f"T2_L{i}": 300 for i in range(1, 5)}, "T2_CSF": 500})
    assert compute_vbq(case).vbq_t2_stir is None  # not asked: just not computed
    with pytest.raises(ScoreError, match=r"VBQ-T2-STIR was asked for, but STIR not measured"):
        compute_vbq(case, scores=[ScoreName.VBQ_T2_STIR])
    with pytest.raises(ScoreError, match=r"VBQ-T1 was asked for, but T1 not measured"):
        compute_vbq(case, scores=["vbq_t1"])


def test_direct_constructor_checks() -> None:
    with pytest.raises(ScoreError, match=r"T2 L1: SI is nan"):
        SequenceMeasurement(Sequence.T2, {L1: math.nan}, 500.0)
    with pytest.raises(ScoreError, match=r"Sequence 'unknown' cannot be scored"):
        SequenceMeasurement(Sequence.UNKNOWN, {L1: 1.0}, 500.0)
    with pytest.raises(ScoreError, match=r"Sequence 'T9': use T1, T2 or STIR"):
        SequenceMeasurement("T9", {L1: 1.0}, 500.0)  # type: ignore[arg-type]
    with pytest.raises(ScoreError, match=r"T1 SIs: unknown level 'L9'"):
        SequenceMeasurement(Sequence.T1, {"L9": 1.0}, 500.0)  # type: ignore[dict-item]
    with pytest.raises(ScoreError, match=r"T2 CSF: SI is nan; enter a finite number"):
        SequenceMeasurement(Sequence.T2, {L1: 1.0}, math.nan)
    with pytest.raises(ScoreError, match=r"use 'mean' or 'median'"):
        compute_vbq(CaseMeasurements.from_flat(t1_case()), method="mode")


# --- invariants -------------------------------------------------------------------------------

_si = st.floats(min_value=1.0, max_value=5000.0, allow_nan=False)


@given(
    levels=st.lists(_si, min_size=4, max_size=4),
    csf=_si,
    k=st.floats(min_value=1e-3, max_value=1e3),
    method=st.sampled_from(list(Aggregate)),
)
def test_scaling_a_sequence_leaves_vbq_unchanged(
    levels: list[float], csf: float, k: float, method: Aggregate
) -> None:
    # VBQ is a ratio of SIs of one sequence: a receiver-gain change (all SIs x k) cancels.
    row = {f"T2_L{i}": v for i, v in enumerate(levels, start=1)} | {"T2_CSF": csf}
    scaled = {key: v * k for key, v in row.items()}
    a, b = score(row, method=method).vbq_t2, score(scaled, method=method).vbq_t2
    assert a == pytest.approx(b, rel=1e-9)


@given(
    levels=st.lists(_si, min_size=4, max_size=4), csf=_si, method=st.sampled_from(list(Aggregate))
)
def test_aggregate_lies_between_level_ratios(
    levels: list[float], csf: float, method: Aggregate
) -> None:
    row = {f"T1_L{i}": v for i, v in enumerate(levels, start=1)} | {"T1_CSF": csf}
    value = score(row, method=method).vbq_t1
    ratios = [v / csf for v in levels]
    assert min(ratios) * (1 - 1e-12) <= value <= max(ratios) * (1 + 1e-12)


@given(
    t2=st.lists(_si, min_size=4, max_size=4),
    stir=st.lists(_si, min_size=4, max_size=4),
    csf_stir=_si,
    gap=st.floats(min_value=1.0, max_value=5000.0),
)
def test_t2_stir_mean_equals_difference_of_means(
    t2: list[float], stir: list[float], csf_stir: float, gap: float
) -> None:
    # With the mean, mean(T2 - STIR) = mean(T2) - mean(STIR): a second route to the numerator.
    row = {f"T2_L{i}": v for i, v in enumerate(t2, start=1)}
    row |= {f"STIR_L{i}": v for i, v in enumerate(stir, start=1)}
    row |= {"T2_CSF": csf_stir + gap, "STIR_CSF": csf_stir}
    expected = (sum(t2) / 4 - sum(stir) / 4) / gap
    assert score(row).vbq_t2_stir == pytest.approx(expected, rel=1e-9, abs=1e-9)
