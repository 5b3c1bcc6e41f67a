"""Two-reader SI tables (paired, long, SI-column layouts) and the per-group agreement study."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from vbqcore.errors import CohortError, StatsInputError
from vbqcore.stats import IccKind
from vbqcore.studies.agreement import VERTEBRAE, Verdict, analyse_agreement
from vbqcore.studies.agreement_input import (
    FILE_COLUMN,
    Layout,
    ObserverColumns,
    guess_columns,
    read_observer_table,
    stack_observer_files,
)
from vbqcore.tabular import read_table

EXAMPLE = ROOT / "data" / "examples" / "observer_measurements.csv"
PAIRED = ObserverColumns(
    Layout.PAIRED,
    patient="patient",
    sequence="sequence",
    structure="structure",
    a="observer_a",
    b="observer_b",
)
Z = 1.959963984540054  # scipy.stats.norm.ppf(0.975)


@pytest.fixture(scope="module")
def example() -> pd.DataFrame:
    return read_table(EXAMPLE)


def _study(df: pd.DataFrame, cols: ObserverColumns = PAIRED, **kw: object):  # type: ignore[no-untyped-def]
    return analyse_agreement(read_observer_table(df, cols, source="t.csv"), **kw)  # type: ignore[arg-type]


def _long(example: pd.DataFrame) -> pd.DataFrame:
    """The example melted by hand to one row per reading (reader "A"/"B")."""
    keep = ["patient", "sequence", "structure"]
    a = example[keep].assign(reader="A", si=example["observer_a"])
    b = example[keep].assign(reader="B", si=example["observer_b"])
    return pd.concat([a, b], ignore_index=True)


# --- reading --------------------------------------------------------------------------------


def test_guess_columns_on_the_example(example: pd.DataFrame) -> None:
    assert guess_columns(example) == PAIRED
    long = _long(example)
    assert guess_columns(long) == ObserverColumns(
        Layout.LONG,
        patient="patient",
        sequence="sequence",
        structure="structure",
        reader="reader",
        value="si",
    )


def test_paired_reading_keeps_every_row(example: pd.DataFrame) -> None:
    m = read_observer_table(example, PAIRED, source="x")
    assert len(m.frame) == 300  # 20 patients x 3 sequences x 5 structures
    assert (m.frame["a"].to_numpy() == example["observer_a"].to_numpy()).all()
    assert m.frame["row"].tolist() == list(range(2, 302))  # spreadsheet rows, header = 1
    assert (m.label_a, m.label_b) == ("observer_a", "observer_b")


@pytest.mark.parametrize("sequence", ["t2", "T2WI", "t2-weighted", " T2 "])
def test_sequence_spellings_are_accepted(sequence: str) -> None:
    df = pd.DataFrame(
        {
            "sequence": [sequence] * 3,
            "structure": ["l1", "L2", "csf"],
            "a": [1, 2, 3],
            "b": [1, 2, 3],
        }
    )
    cols = ObserverColumns(Layout.PAIRED, sequence="sequence", structure="structure", a="a", b="b")
    m = read_observer_table(df, cols)
    assert m.frame["sequence"].tolist() == ["T2"] * 3
    assert m.frame["structure"].tolist() == ["L1", "L2", "CSF"]


def test_long_layout_gives_the_same_study_as_paired(example: pd.DataFrame) -> None:
    long = _long(example)
    cols = guess_columns(long)
    paired, melted = _study(example), _study(long, cols)
    assert (melted.label_a, melted.label_b) == ("A", "B")
    for g, h in zip(paired.groups, melted.groups, strict=True):
        assert (g.sequence, g.structure, g.n_pairs) == (h.sequence, h.structure, h.n_pairs)
        assert g.percent is not None and h.percent is not None
        assert h.percent.bias == pytest.approx(g.percent.bias, rel=1e-12)
        assert h.percent.sd == pytest.approx(g.percent.sd, rel=1e-12)


def test_si_column_layout_and_two_files_give_the_same_study(example: pd.DataFrame) -> None:
    # One row per patient and reader with columns T1_L1 ... STIR_CSF, built by hand.
    long = _long(example)
    long["key"] = long["sequence"] + "_" + long["structure"]
    wide = long.pivot(index=["patient", "reader"], columns="key", values="si").reset_index()
    wide.columns.name = None
    cols = guess_columns(wide)
    assert cols.layout is Layout.SI_COLUMNS and cols.patient == "patient"
    reference = _study(example)
    by_si = _study(wide, cols)
    files = stack_observer_files(
        [
            ("obs_a.csv", wide[wide.reader == "A"].drop(columns="reader")),
            ("obs_b.csv", wide[wide.reader == "B"].drop(columns="reader")),
        ]
    )
    stacked_cols = ObserverColumns(Layout.SI_COLUMNS, patient="patient", reader=FILE_COLUMN)
    by_files = _study(files, stacked_cols)
    assert (by_files.label_a, by_files.label_b) == ("obs_a.csv", "obs_b.csv")
    for study in (by_si, by_files):
        for g in reference.groups:
            h = study.group(g.sequence, g.structure)
            assert h.n_pairs == g.n_pairs and h.n_incomplete == g.n_incomplete
            assert h.absolute is not None and g.absolute is not None
            assert h.absolute.bias == pytest.approx(g.absolute.bias, rel=1e-12)


# --- reference values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sequence", "structures"),
    [
        ("T1", ["L1", "L2", "L3", "L4"]),
        ("T1", ["CSF"]),
        ("T2", ["CSF"]),
        ("STIR", ["L1", "L2", "L3", "L4"]),
    ],
)
def test_group_statistics_equal_numpy_on_the_raw_subset(
    example: pd.DataFrame, sequence: str, structures: list[str]
) -> None:
    # Independent: the subset is cut from the raw CSV with pandas, differences by numpy.
    sub = example[(example.sequence == sequence) & example.structure.isin(structures)]
    sub = sub.dropna(subset=["observer_a", "observer_b"])
    a, b = sub.observer_a.to_numpy(float), sub.observer_b.to_numpy(float)
    pct = 100 * (a - b) / ((a + b) / 2)
    g = _study(example).group(sequence, "CSF" if structures == ["CSF"] else VERTEBRAE)
    assert g.percent is not None and g.absolute is not None
    assert g.n_pairs == len(sub)
    assert g.percent.bias == pytest.approx(pct.mean(), rel=1e-12)
    assert g.percent.sd == pytest.approx(pct.std(ddof=1), rel=1e-12)
    assert g.percent.loa_low == pytest.approx(pct.mean() - Z * pct.std(ddof=1), rel=1e-12)
    assert g.absolute.bias == pytest.approx((a - b).mean(), rel=1e-12)
    assert g.absolute.loa_high == pytest.approx((a - b).mean() + Z * (a - b).std(ddof=1))
    assert g.percent.within_acceptance == bool(
        -10 <= pct.mean() - Z * pct.std(ddof=1) and pct.mean() + Z * pct.std(ddof=1) <= 10
    )


def test_percent_differences_by_hand() -> None:
    # a = 110, 100, 95 and b = 100, 100, 105: pair means 105, 100, 100, so the % differences
    # are 100*10/105 = 9.5238, 0 and 100*(-10)/100 = -10. By hand: bias = -0.47619/3 = -0.15873;
    # deviations 9.68254, 0.15873, -9.84127; squares 93.7516 + 0.0252 + 96.8506 = 190.6274;
    # SD = sqrt(190.6274/2) = 9.76287; limits = -0.15873 -+ 1.96 * 9.76287 = -19.294 / 18.976.
    df = pd.DataFrame(
        {
            "sequence": "T1",
            "structure": ["L1", "L2", "L3"],
            "a": [110, 100, 95],
            "b": [100, 100, 105],
        }
    )
    cols = ObserverColumns(Layout.PAIRED, sequence="sequence", structure="structure", a="a", b="b")
    g = _study(df, cols).groups[0]
    assert g.percent is not None
    assert list(g.percent.differences) == pytest.approx([9.523810, 0.0, -10.0], abs=1e-6)
    assert g.percent.bias == pytest.approx(-0.15873, abs=1e-5)
    assert g.percent.sd == pytest.approx(9.76287, abs=1e-5)
    assert (g.percent.loa_low, g.percent.loa_high) == pytest.approx((-19.294, 18.976), abs=1e-3)
    assert g.verdict is Verdict.NOT_ACCEPTABLE
    assert "lower limit (-19.3%) lies beyond -10%" in g.explanation
    assert "upper limit (+19.0%) lies beyond +10%" in g.explanation


def test_icc_of_each_group_matches_the_two_way_anova_by_hand(example: pd.DataFrame) -> None:
    # McGraw & Wong 1996 with k = 2 raters, mean squares from numpy sums of squares:
    # ICC(3,1) = (MSR - MSE)/(MSR + MSE); ICC(2,1) = (MSR - MSE)/(MSR + MSE + 2(MSC - MSE)/n).
    sub = example[(example.sequence == "T1") & (example.structure == "CSF")]
    x = sub[["observer_a", "observer_b"]].to_numpy(float)
    n, k = x.shape
    grand = x.mean()
    msr = k * ((x.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    msc = n * ((x.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    resid = x - x.mean(axis=1, keepdims=True) - x.mean(axis=0, keepdims=True) + grand
    mse = (resid**2).sum() / ((n - 1) * (k - 1))
    table = _study(example).icc_table().set_index(["sequence", "structure", "icc_type"])
    icc3 = table.loc[("T1", "CSF", IccKind.ICC3.label), "icc"]
    icc2 = table.loc[("T1", "CSF", IccKind.ICC2.label), "icc"]
    assert icc3 == pytest.approx((msr - mse) / (msr + mse), rel=1e-10)
    assert icc2 == pytest.approx((msr - mse) / (msr + mse + 2 * (msc - mse) / n), rel=1e-10)
    assert table.loc[("T1", "CSF", "ICC(3,1)"), "f"] == pytest.approx(msr / mse, rel=1e-10)


# --- the study ------------------------------------------------------------------------------


def test_example_groups_order_verdicts_and_tables(example: pd.DataFrame) -> None:
    study = _study(example)
    assert [(g.sequence.value, g.structure) for g in study.groups] == [
        (s, t) for s in ("T1", "T2", "STIR") for t in (VERTEBRAE, "CSF")
    ]
    t2_csf = study.group("T2", "CSF")
    assert (t2_csf.n_pairs, t2_csf.n_incomplete, t2_csf.n_patients) == (19, 1, 19)
    assert any("only one reading" in n for n in t2_csf.notes)
    assert study.group("T1", VERTEBRAE).n_patients == 20
    verdicts = {g.label: g.verdict for g in study.groups}
    assert verdicts["T1 · CSF"] is Verdict.NOT_ACCEPTABLE  # the example mimics the paper
    assert sum(v is Verdict.ACCEPTABLE for v in verdicts.values()) == 5
    assert study.summary().startswith("5 of 6 group(s) agree within ±10%")
    low, high = study.limits_range()  # type: ignore[misc]
    assert low == min(g.percent.loa_low for g in study.groups if g.percent)
    results = study.results_table()
    assert len(results) == 12 and set(results["difference"]) == {"% of mean", "absolute (SI units)"}
    assert results["within_acceptance"].isna().sum() == 6  # no acceptance on the absolute scale
    assert len(study.icc_table()) == 12  # ICC(2,1) and ICC(3,1) per group
    assert len(study.verdict_table()) == 6
    json.dumps(study.to_dict())  # JSON-safe


def test_split_levels_gives_one_group_per_level(example: pd.DataFrame) -> None:
    study = _study(example, split_levels=True)
    assert study.structures == ["L1", "L2", "L3", "L4", "CSF"]
    assert study.group("STIR", "L3").n_pairs == 20


def test_a_group_with_fewer_than_three_pairs_is_reported_not_raised() -> None:
    df = pd.DataFrame(
        {
            "sequence": ["T1"] * 5 + ["T2"] * 2,
            "structure": ["L1", "L2", "L3", "L4", "CSF", "L1", "CSF"],
            "a": [400, 410, 420, 430, 120, 600, 1200],
            "b": [402, 405, 425, 428, 118, 610, None],
        }
    )
    cols = ObserverColumns(Layout.PAIRED, sequence="sequence", structure="structure", a="a", b="b")
    study = _study(df, cols)
    t1_csf = study.group("T1", "CSF")
    assert t1_csf.verdict is Verdict.INSUFFICIENT and t1_csf.percent is None
    assert "only 1 complete pair(s); at least 3" in t1_csf.explanation
    assert study.group("T2", "CSF").n_pairs == 0
    assert study.group("T1", VERTEBRAE).verdict is Verdict.ACCEPTABLE
    assert "cannot be judged" in study.summary()
    assert study.results_table().loc[2, "bias"] != study.results_table().loc[2, "bias"]  # NaN


def test_verdict_mentions_a_systematic_difference() -> None:
    # a reads 3% above b on every level, +-0.5%: % bias = 100*0.03/1.015 ~ 2.96%, CI far from 0.
    rng = np.random.default_rng(1)
    b = rng.uniform(300, 600, 30)
    a = b * (1.03 + rng.normal(0, 0.005, 30))
    df = pd.DataFrame({"sequence": "T2", "structure": "L2", "a": a, "b": b})
    cols = ObserverColumns(Layout.PAIRED, sequence="sequence", structure="structure", a="a", b="b")
    g = _study(df, cols).groups[0]
    assert g.verdict is Verdict.ACCEPTABLE
    expected = np.mean(100 * (a - b) / ((a + b) / 2))
    assert f"a reads higher on average by {expected:.1f}%" in g.explanation
    assert 2.8 < expected < 3.1


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(50, 900), st.floats(-0.08, 0.08)), min_size=3, max_size=25))
def test_swapping_the_observers_mirrors_bias_and_limits(pairs: list[tuple[float, float]]) -> None:
    b = np.array([p[0] for p in pairs])
    a = b * (1 + np.array([p[1] for p in pairs]))
    df = pd.DataFrame({"structure": "CSF", "a": a, "b": b})
    ab = ObserverColumns(Layout.PAIRED, structure="structure", a="a", b="b")
    ba = ObserverColumns(Layout.PAIRED, structure="structure", a="b", b="a")
    g, h = _study(df, ab).groups[0], _study(df, ba).groups[0]
    if g.percent is None or h.percent is None:
        assert g.verdict is h.verdict is Verdict.INSUFFICIENT
        return
    assert h.percent.bias == pytest.approx(-g.percent.bias, abs=1e-9)
    assert h.percent.loa_low == pytest.approx(-g.percent.loa_high, abs=1e-9)
    assert g.verdict is h.verdict
    assert g.sequence.value == "unknown"  # no sequence column


# --- bad input ------------------------------------------------------------------------------


def test_missing_column_is_named(example: pd.DataFrame) -> None:
    with pytest.raises(CohortError, match=r"t\.csv: no column 'observer_b'; available columns"):
        read_observer_table(example.drop(columns="observer_b"), PAIRED, source="t.csv")


def test_non_numeric_reading_names_the_row(example: pd.DataFrame) -> None:
    bad = example.astype({"observer_a": object})
    bad.loc[3, "observer_a"] = "4l2.0"
    with pytest.raises(StatsInputError, match=r"'observer_a' must be numeric .*'4l2\.0'.* row 5"):
        read_observer_table(bad, PAIRED, source="t.csv")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("structure", "L6", r"'structure' must hold T12, L1–L5 or CSF but holds 'L6' in row 7"),
        ("sequence", "PD", r"'sequence' must hold T1, T2 or STIR but holds 'PD' in row 7"),
        ("observer_b", -5.0, r"negative SI in row 7"),
    ],
)
def test_bad_values_name_the_rows(
    example: pd.DataFrame, column: str, value: object, message: str
) -> None:
    bad = example.astype({column: object})
    bad.loc[5, column] = value
    with pytest.raises(CohortError, match=message):
        read_observer_table(bad, PAIRED, source="t.csv")


def test_duplicate_reading_is_refused(example: pd.DataFrame) -> None:
    dup = pd.concat([example, example.iloc[[0]]], ignore_index=True)
    with pytest.raises(CohortError, match=r"appears more than once in rows 2, 302"):
        read_observer_table(dup, PAIRED, source="t.csv")


def test_long_layout_needs_two_readers_or_a_choice(example: pd.DataFrame) -> None:
    long = _long(example)
    third = long[long.reader == "A"].assign(reader="C", si=lambda d: d.si * 1.01)
    three = pd.concat([long, third], ignore_index=True)
    cols = guess_columns(three)
    with pytest.raises(CohortError, match=r"exactly two readers .* holds 3: 'A', 'B', 'C'"):
        read_observer_table(three, cols)
    chosen = ObserverColumns(**{**cols.__dict__, "reader_a": "A", "reader_b": "C"})
    study = _study(three, chosen)
    g = study.group("T1", "CSF")
    assert g.percent is not None
    # C = 1.01 A exactly (before rounding of nothing): 100*(A - C)/mean = -100*0.01/1.005
    assert g.percent.bias == pytest.approx(-100 * 0.01 / 1.005, rel=1e-9)


def test_stacking_files_with_different_columns_is_refused(example: pd.DataFrame) -> None:
    with pytest.raises(CohortError, match=r"same columns: only in a\.csv: \['source'\]"):
        stack_observer_files([("a.csv", example), ("b.csv", example.drop(columns="source"))])


@pytest.mark.parametrize("acceptance", [0.0, -1.0, math.nan])
def test_bad_acceptance_is_refused(example: pd.DataFrame, acceptance: float) -> None:
    with pytest.raises(StatsInputError, match="acceptance must be a positive"):
        _study(example, acceptance=acceptance)
