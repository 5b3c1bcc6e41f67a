"""Interpretation against Huang et al. 2026 Table 3: LRs, post-test probability, wording, warnings.

LR+ = sens / (1 - spec), LR- = (1 - sens) / spec (Deeks & Altman, BMJ 2004;329:168-169). The
decimals below were worked by hand from Table 3, e.g. VBQ-T2: 0.762 / 0.407 = 1.8722359...
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbqcore.cutoffs import load_cutoffs
from vbqcore.errors import CutoffError
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.interpretation import (
    interpret,
    likelihood_ratios,
    posttest_probability,
    scanner_warnings,
)
from vbqcore.measurements import CaseMeasurements
from vbqcore.uncertainty import ScoreInterval, Zone
from vbqcore.vbq import ScoreName, VbqResult, compute_vbq

GE_15 = Protocol(manufacturer="GE MEDICAL SYSTEMS", model="Signa HDxt", field_strength_t=1.5)


def t2_result(si: float, csf: float = 1000.0, *, method: str = "mean", **extra: Any) -> VbqResult:
    """VBQ-T2 = si / csf exactly (all four levels share the SI)."""
    row: dict[str, Any] = {f"T2_L{i}": si for i in range(1, 5)} | {"T2_CSF": csf} | extra
    return compute_vbq(CaseMeasurements.from_flat(row), method=method)


def tight(result: VbqResult, half: float = 0.001) -> dict[ScoreName, ScoreInterval]:
    """Intervals of +/- ``half`` around each score: tests of the above/below wording use these so
    that no score is borderline."""
    out = {}
    for s in result.computed:
        value = result.score(s)
        assert value is not None
        out[s] = ScoreInterval(value - half, value + half, "test")
    return out


def huang(score: ScoreName) -> Any:
    return next(c for c in load_cutoffs() if c.score is score and c.id.startswith("huang"))


@pytest.mark.parametrize(
    ("score", "lr_pos", "lr_neg"),
    [
        # VBQ-T1: 0.619 / 0.381 = 1.6246719...; 0.381 / 0.619 = 0.6155089...
        (ScoreName.VBQ_T1, 1.6246719, 0.6155089),
        # VBQ-T2: 0.762 / 0.407 = 1.8722359...; 0.238 / 0.593 = 0.4013491...
        (ScoreName.VBQ_T2, 1.8722359, 0.4013491),
        # VBQ-T2-STIR: 0.738 / 0.464 = 1.5905172...; 0.262 / 0.536 = 0.4888060...
        (ScoreName.VBQ_T2_STIR, 1.5905172, 0.4888060),
    ],
)
def test_likelihood_ratios_table_3(score: ScoreName, lr_pos: float, lr_neg: float) -> None:
    c = huang(score)
    pos, neg = likelihood_ratios(c.sensitivity, c.specificity)
    assert pos == pytest.approx(lr_pos, rel=1e-6)
    assert neg == pytest.approx(lr_neg, rel=1e-6)


def test_likelihood_ratio_degenerate() -> None:
    pos, neg = likelihood_ratios(0.9, 1.0)  # spec 1: LR+ = 0.9 / 0 undefined
    assert pos is None and neg == pytest.approx(0.1)
    pos, neg = likelihood_ratios(0.9, 0.0)  # spec 0: LR- = 0.1 / 0 undefined
    assert pos == pytest.approx(0.9) and neg is None
    with pytest.raises(CutoffError, match="sensitivity 76.2 must be a proportion"):
        likelihood_ratios(76.2, 0.593)


def test_posttest_probability_by_hand() -> None:
    # Pre-test 0.2 -> odds 0.25; x 1.8722359 = 0.4680590; p = 0.4680590 / 1.4680590 = 0.318828.
    # Bayes directly: 0.762*0.2 / (0.762*0.2 + 0.407*0.8) = 0.1524 / 0.4780 = 0.318828...
    assert posttest_probability(0.2, 0.762 / 0.407) == pytest.approx(0.318828, rel=1e-5)
    # At the derivation cohort's own prevalence (84 / 168 = 0.5) the post-test probability after a
    # positive result is the PPV: 0.762 / (0.762 + 0.407) = 0.651839...
    assert posttest_probability(0.5, 0.762 / 0.407) == pytest.approx(0.651839, rel=1e-5)


@given(
    sens=st.floats(0.01, 0.99),
    spec=st.floats(0.01, 0.99),
    pre=st.floats(0.001, 0.999),
    positive=st.booleans(),
)
def test_posttest_odds_form_equals_bayes(
    sens: float, spec: float, pre: float, positive: bool
) -> None:
    lr_pos, lr_neg = likelihood_ratios(sens, spec)
    lr = lr_pos if positive else lr_neg
    assert lr is not None
    p_result_d = sens if positive else 1 - sens  # P(result | outcome)
    p_result_nd = 1 - spec if positive else spec  # P(result | no outcome)
    bayes = p_result_d * pre / (p_result_d * pre + p_result_nd * (1 - pre))
    assert posttest_probability(pre, lr) == pytest.approx(bayes, rel=1e-9)


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.1, float("nan"), 20])
def test_pretest_out_of_range(bad: float) -> None:
    with pytest.raises(CutoffError, match="strictly between 0 and 1"):
        interpret(t2_result(580), pretest_probability=bad)


def test_above_sentence_matches_issue_example() -> None:
    # 580 / 1000 = 0.58 >= 0.555: 76.2% of fracture patients and 100 - 59.3 = 40.7 -> 41% of
    # controls scored this high.
    result = t2_result(580)
    meaning = interpret(result, protocol=GE_15, intervals=tight(result))
    (cmp,) = [c for c in meaning.comparisons if c.score is ScoreName.VBQ_T2]
    assert cmp.at_or_above and cmp.to_dict()["position"] == "above"
    assert cmp.zone is Zone.ABOVE and cmp.to_dict()["zone"] == "above"
    assert cmp.sentence == (
        "VBQ-T2 0.580 (0.579–0.581) is above the 0.555 cut-off: in the derivation cohort "
        "76% of fracture patients and 41% of controls scored this high."
    )
    assert cmp.likelihood_ratio == pytest.approx(1.8722359, rel=1e-6)
    assert cmp.posttest_probability is None  # none shown until a pre-test probability is given
    assert cmp.warnings == ()


def test_below_sentence() -> None:
    # 0.5 < 0.555: 100 - 76.2 = 23.8 -> 24% of fracture patients, 59.3 -> 59% of controls.
    (cmp,) = interpret(t2_result(500), protocol=GE_15).comparisons
    assert not cmp.at_or_above and cmp.zone is Zone.BELOW
    # Observer-agreement interval: 0.5 x (1 -/+ 1.959964 x 3.13503%) = 0.469–0.531 (see
    # tests/test_score_uncertainty.py for the hand computation).
    assert cmp.sentence == (
        "VBQ-T2 0.500 (0.469–0.531) is below the 0.555 cut-off: in the derivation cohort "
        "24% of fracture patients and 59% of controls scored this low."
    )
    assert cmp.likelihood_ratio == pytest.approx(0.4013491, rel=1e-6)


def test_at_cutoff_counts_as_positive() -> None:
    # 555 / 1000 == 0.555: SPSS counts ">= cut-off" as positive.
    result = t2_result(555)
    assert result.vbq_t2 == 0.555
    (cmp,) = interpret(result, protocol=GE_15, intervals=tight(result, 0.0)).comparisons
    assert cmp.at_or_above and cmp.to_dict()["position"] == "at"
    # A zero-width interval on the cut-off contains it: borderline, never a confident side.
    assert cmp.zone is Zone.BORDERLINE and "is borderline" in cmp.sentence


def test_posttest_in_comparison() -> None:
    result = t2_result(580)
    (cmp,) = interpret(
        result, protocol=GE_15, pretest_probability=0.2, intervals=tight(result)
    ).comparisons
    assert cmp.posttest_probability == pytest.approx(0.318828, rel=1e-5)
    assert "post-test probability of OVCF is 31.9% (likelihood ratio 1.87)" in cmp.sentence
    data = cmp.to_dict()
    assert data["pretest_probability"] == 0.2 and data["lr_positive"] == pytest.approx(1.8722359)


def test_every_table_3_score_is_compared() -> None:
    row = (
        {f"T1_L{i}": 450 for i in range(1, 5)}
        | {f"T2_L{i}": 580 for i in range(1, 5)}
        | {f"STIR_L{i}": 150 for i in range(1, 5)}
        | {"T1_CSF": 100, "T2_CSF": 1000, "STIR_CSF": 500}
    )
    # VBQ-T1 = 4.5; VBQ-T2 = 0.58; VBQ-STIR = 0.3; VBQ-T2-STIR = (580-150) / (1000-500) = 0.86
    result = compute_vbq(CaseMeasurements.from_flat(row))
    meaning = interpret(result, protocol=GE_15, intervals=tight(result))
    assert [c.cutoff.id for c in meaning.comparisons] == [
        "huang2026-vbq-t1",
        "huang2026-vbq-t2",
        "huang2026-vbq-t2-stir",
    ]
    assert all(c.at_or_above for c in meaning.comparisons)
    assert [c.zone for c in meaning.comparisons] == [Zone.ABOVE] * 3
    assert meaning.comparisons[2].value == pytest.approx(0.86)
    assert any(n.startswith("Ehresman et al. 2020: VBQ-T1 (median)") for n in meaning.notes)
    assert "No published cut-off in the table for VBQ-STIR." in meaning.notes
    assert meaning.warnings == ()


@pytest.mark.parametrize(
    ("protocol", "expected"),
    [
        (None, ["Scanner unknown: the cut-offs of Huang et al. 2026 were derived on GE Signa HDx"]),
        (Protocol(), ["Scanner unknown"]),
        (GE_15, []),
        (Protocol(manufacturer="GE Healthcare", field_strength_t=1.494), []),
        (Protocol(manufacturer="GE MEDICAL SYSTEMS", field_strength_t=3.0), ["Scan at 3 T"]),
        (
            Protocol(manufacturer="SIEMENS", field_strength_t=1.5),
            ["Scanner vendor SIEMENS is not GE"],
        ),
        (Protocol(manufacturer="Philips", field_strength_t=3.0), ["Scan at 3 T", "is not GE"]),
        (Protocol(field_strength_t=1.5), ["Scanner vendor unknown"]),
        (Protocol(manufacturer="GE"), ["Field strength unknown"]),
        (Protocol(manufacturer="Toshiba (GEneric)", field_strength_t=1.5), ["is not GE"]),
    ],
)
def test_scanner_warnings(protocol: Protocol | None, expected: list[str]) -> None:
    found = scanner_warnings(huang(ScoreName.VBQ_T2), protocol)
    assert len(found) == len(expected), found
    for text, want in zip(found, expected, strict=True):
        assert want in text


def test_scanner_warning_shared_once_across_cutoffs() -> None:
    row = {f"T1_L{i}": 450 for i in range(1, 5)} | {f"T2_L{i}": 580 for i in range(1, 5)}
    result = compute_vbq(CaseMeasurements.from_flat(row | {"T1_CSF": 100, "T2_CSF": 1000}))
    meaning = interpret(result, protocol=Protocol(manufacturer="SIEMENS", field_strength_t=3.0))
    assert len(meaning.comparisons) == 2
    assert len(meaning.warnings) == 2  # field strength + vendor, not repeated per cut-off


def test_method_mismatch_warns() -> None:
    result = t2_result(580, method="median")
    (cmp,) = interpret(result, protocol=GE_15).comparisons
    assert any(
        "computed with the median" in w and "derived with the mean" in w for w in cmp.warnings
    )


def test_substitution_warns() -> None:
    result = t2_result(580, T2_T12=580, fractured="L1")
    meaning = interpret(result, protocol=GE_15)
    assert any("fractured level(s) replaced (L1->T12)" in w for w in meaning.warnings)


def test_screenshot_warns() -> None:
    meaning = interpret(t2_result(580), protocol=GE_15, sources=[SliceSource.SCREENSHOT])
    assert any("screenshots" in w for w in meaning.warnings)
    dicom = interpret(t2_result(580), protocol=GE_15, sources=[SliceSource.DICOM])
    assert dicom.warnings == ()


def test_custom_cutoff_table_and_reference_only() -> None:
    t2 = huang(ScoreName.VBQ_T2)
    mine = replace(t2, id="local-3t", value=0.45, field_strength_t=3.0)
    meaning = interpret(
        t2_result(500), cutoffs=[mine], protocol=Protocol(manufacturer="GE", field_strength_t=3.0)
    )
    (cmp,) = meaning.comparisons
    assert cmp.cutoff.id == "local-3t" and cmp.at_or_above and cmp.warnings == ()
    blank = replace(t2, id="unconfirmed", value=None, auc=None)
    only = interpret(t2_result(500), cutoffs=[blank])
    assert only.comparisons == ()
    assert only.notes[0].endswith("no threshold could be confirmed, so none is applied.")


def test_to_dict_is_json_safe() -> None:
    meaning = interpret(t2_result(580), pretest_probability=0.1)
    data = json.loads(json.dumps(meaning.to_dict(), allow_nan=False))
    assert data["pretest_probability"] == 0.1
    assert data["comparisons"][0]["citation"].startswith("Huang X")


def test_borderline_has_no_single_posttest_probability() -> None:
    # 0.58 with the observer interval 0.544–0.616 (contains 0.555): borderline. Pre-test 0.2:
    # if below, LR- 0.4013491 -> odds 0.25 x 0.4013491 = 0.1003373 -> 0.0911877; if above,
    # LR+ 1.8722359 -> 0.318828 (as in test_posttest_probability_by_hand).
    (cmp,) = interpret(t2_result(580), protocol=GE_15, pretest_probability=0.2).comparisons
    assert cmp.zone is Zone.BORDERLINE and cmp.posttest_probability is None
    assert cmp.posttest_range == pytest.approx((0.0911877, 0.318828), rel=1e-5)
    assert "lies between 9.1% (if below) and 31.9% (if above)" in cmp.sentence
    data = cmp.to_dict()
    assert data["position"] == "above" and data["at_or_above"] is True  # existing keys kept
    assert data["interval_method"] == "observer_agreement" and data["interval_level"] == 0.95


def test_missing_interval_falls_back_to_observer_model() -> None:
    row = {f"T1_L{i}": 450 for i in range(1, 5)} | {f"T2_L{i}": 580 for i in range(1, 5)}
    result = compute_vbq(CaseMeasurements.from_flat(row | {"T1_CSF": 100, "T2_CSF": 1000}))
    only_t2 = {ScoreName.VBQ_T2: tight(result)[ScoreName.VBQ_T2]}
    meaning = interpret(result, intervals=only_t2)
    assert meaning.intervals[ScoreName.VBQ_T2].method == "test"
    assert meaning.intervals[ScoreName.VBQ_T1].method == "observer_agreement"
