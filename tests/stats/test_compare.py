"""compare_groups: the paper's Table 1 rule, checked against R outputs and direct scipy calls."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from vbqcore.errors import CohortError, StatsInputError
from vbqcore.stats import _group_tests
from vbqcore.stats._group_tests import freeman_halton, table_test
from vbqcore.stats.compare import GroupTest, VariableKind, compare_groups, format_p

# R's built-in `sleep` data: extra hours of sleep, groups 1 and 2 (10 patients each).
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

# R's built-in `ToothGrowth`: tooth length by supplement (doses 0.5, 1, 2 mg in blocks of ten).
TOOTH_VC = [4.2, 11.5, 7.3, 5.8, 6.4, 10, 11.2, 11.2, 5.2, 7, 16.5, 16.5, 15.2, 17.3, 22.5]
TOOTH_VC += [17.3, 13.6, 14.5, 18.8, 15.5, 23.6, 18.5, 33.9, 25.5, 26.4, 32.5, 26.7, 21.5]
TOOTH_VC += [23.3, 29.5]
TOOTH_OJ = [15.2, 21.5, 17.6, 9.7, 14.5, 10, 8.2, 9.4, 16.5, 9.7, 19.7, 23.3, 23.6, 26.4, 20]
TOOTH_OJ += [25.2, 25.8, 21.2, 14.5, 27.3, 25.5, 26.4, 22.4, 24.5, 24.8, 30.9, 26.4, 27.3]
TOOTH_OJ += [29.4, 23]

# NAG Library example program G08AHF (Mann-Whitney U test), groups of 16 and 23 with ties.
NAG_1 = [13, 6, 12, 7, 12, 7, 10, 7, 10, 7, 16, 7, 10, 8, 9, 8]
NAG_2 = [17, 6, 10, 8, 15, 8, 15, 10, 15, 10, 14, 10, 14, 11, 14, 11, 13, 12, 13, 12, 13, 12, 12]


def _two_groups(
    a: list[float], b: list[float], name_a: str = "A", name_b: str = "B"
) -> pd.DataFrame:
    return pd.DataFrame({"x": [*a, *b], "group": [name_a] * len(a) + [name_b] * len(b)})


def test_sleep_matches_r_shapiro_and_student_t() -> None:
    df = _two_groups(SLEEP_1, SLEEP_2, "1", "2")
    row = compare_groups(df, "group", ["x"]).rows[0]
    # shapiro.test(sleep$extra[1:10]): W = 0.92581, p-value = 0.4079
    # shapiro.test(sleep$extra[11:20]): W = 0.9193, p-value = 0.3511
    assert row.normality is not None
    assert row.normality[0].w == pytest.approx(0.92581, abs=5e-6)
    assert row.normality[0].p == pytest.approx(0.4079, abs=5e-5)
    assert row.normality[1].w == pytest.approx(0.9193, abs=5e-5)
    assert row.normality[1].p == pytest.approx(0.3511, abs=5e-5)
    # t.test(extra ~ group, data = sleep, var.equal = TRUE): t = -1.8608, df = 18, p = 0.07919
    assert row.test is GroupTest.T_TEST
    assert row.statistic == pytest.approx(-1.8608, abs=5e-5)
    assert row.df == 18
    assert row.p == pytest.approx(0.07919, abs=5e-6)
    # mean (sd) by group, R: 0.75 (1.79) and 2.33 (2.00)
    assert row.summary == ("0.75 ± 1.79", "2.33 ± 2.00")
    assert row.summary_kind == "mean ± SD"


def test_toothgrowth_matches_r_shapiro_and_wilcoxon() -> None:
    df = _two_groups(TOOTH_OJ, TOOTH_VC, "OJ", "VC")
    row = compare_groups(df, "group", ["x"]).rows[0]
    # shapiro.test(ToothGrowth$len[ToothGrowth$supp == "OJ"]): W = 0.91784, p-value = 0.02359
    assert row.normality is not None
    assert row.normality[0].w == pytest.approx(0.91784, abs=5e-6)
    assert row.normality[0].p == pytest.approx(0.02359, abs=5e-6)
    assert not row.normality[0].normal
    # shapiro.test(... supp == "VC"): W = 0.96567, p-value = 0.4284
    assert row.normality[1].p == pytest.approx(0.4284, abs=5e-5)
    # OJ is not normal, so the rule takes Mann-Whitney U.
    # wilcox.test(len ~ supp, data = ToothGrowth): W = 575.5, p-value = 0.06449 (continuity corr.)
    assert row.test is GroupTest.MANN_WHITNEY
    assert row.statistic == 575.5
    assert row.p == pytest.approx(0.06449, abs=5e-6)
    assert "normal approximation, tie and continuity corrected" in row.method


def test_mann_whitney_matches_nag_g08ahf() -> None:
    # NAG G08AHF example results: U = 86.0, normal statistic -2.8039, approx. tail p = 0.0025.
    df = _two_groups(NAG_1, NAG_2)
    row = compare_groups(df, "group", ["x"], force={"x": "mwu"}).rows[0]
    assert row.statistic == 86.0
    assert row.p / 2 == pytest.approx(0.0025, abs=5e-5)
    assert stats.norm.isf(row.p / 2) == pytest.approx(2.8039, abs=5e-5)
    assert row.forced and row.reason.startswith("forced to Mann-Whitney U")


def test_levene_is_mean_centred_as_spss() -> None:
    df = _two_groups(TOOTH_OJ, TOOTH_VC)
    row = compare_groups(df, "group", ["x"]).rows[0]
    a, b = np.array(TOOTH_OJ), np.array(TOOTH_VC)
    # Levene (1960) by hand: one-way ANOVA F on absolute deviations from each group's mean.
    by_hand = stats.f_oneway(np.abs(a - a.mean()), np.abs(b - b.mean()))
    assert row.levene_statistic == pytest.approx(by_hand.statistic, rel=1e-12)
    assert row.levene_p == pytest.approx(by_hand.pvalue, rel=1e-12)
    median_centred = stats.levene(a, b, center="median").pvalue
    assert row.levene_p != pytest.approx(median_centred, rel=1e-3)


def test_quartiles_are_spss_weighted_average() -> None:
    # Hand computation, SPSS HAVERAGE: position p(n + 1) = 2.75 and 8.25 in 1..10 → 2.75, 8.25.
    df = _two_groups(list(range(1, 11)), [3, 5, 7, 9, 11, 13, 15])
    row = compare_groups(df, "group", ["x"], force={"x": "mwu"}).rows[0]
    assert row.summary[0] == "5.50 (2.75, 8.25)"
    # n = 7: positions 2 and 6 fall on data points 5 and 13.
    assert row.summary[1] == "9.00 (5.00, 13.00)"


def _weighted_average(x: np.ndarray, p: float) -> float:
    """SPSS HAVERAGE written out: position p(n + 1), clamped to the data, linear in between."""
    s = np.sort(x)
    pos = min(max(p * (len(s) + 1), 1.0), float(len(s)))
    lower = int(math.floor(pos))
    if lower == len(s):
        return float(s[-1])
    return float(s[lower - 1] + (pos - lower) * (s[lower] - s[lower - 1]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=3, max_size=40))
def test_weibull_percentile_equals_hand_haverage(values: list[int]) -> None:
    x = np.array(values, dtype=float)
    desc = _group_tests.describe(x)
    assert desc["q1"] == pytest.approx(_weighted_average(x, 0.25), abs=1e-9)
    assert desc["q3"] == pytest.approx(_weighted_average(x, 0.75), abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_every_result_equals_a_direct_scipy_call(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(10, 2, 25) if seed % 2 else rng.lognormal(1, 0.8, 25)
    b = rng.normal(11, 2 + seed % 3, 30)
    row = compare_groups(_two_groups(list(a), list(b)), "group", ["x"]).rows[0]
    sw_a, sw_b = stats.shapiro(a), stats.shapiro(b)
    lev = stats.levene(a, b, center="mean")
    assert row.normality is not None
    assert (row.normality[0].w, row.normality[0].p) == (sw_a.statistic, sw_a.pvalue)
    assert (row.normality[1].w, row.normality[1].p) == (sw_b.statistic, sw_b.pvalue)
    assert (row.levene_statistic, row.levene_p) == (lev.statistic, lev.pvalue)
    rule_t = sw_a.pvalue >= 0.05 and sw_b.pvalue >= 0.05 and lev.pvalue >= 0.05
    if rule_t:
        ref = stats.ttest_ind(a, b, equal_var=True)
        assert row.test is GroupTest.T_TEST
    else:
        ref = stats.mannwhitneyu(a, b, alternative="two-sided")
        assert row.test is GroupTest.MANN_WHITNEY
    assert row.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert row.p == pytest.approx(ref.pvalue, rel=1e-12)


@pytest.mark.parametrize(
    ("a", "b"),
    [([1.1, 2.3, 3.7, 4.2], [5.5, 6.1, 7.9, 8.4, 9.6]), ([1, 2, 2, 3, 9], [4, 5, 6, 7, 8, 10])],
)
def test_mann_whitney_method_choice_is_scipys_auto(a: list[float], b: list[float]) -> None:
    row = compare_groups(_two_groups(a, b), "group", ["x"], force={"x": "mwu"}).rows[0]
    auto = stats.mannwhitneyu(a, b, alternative="two-sided", method="auto")
    assert row.p == pytest.approx(auto.pvalue, rel=1e-12)
    ties = len(set(a + b)) < len(a + b)
    assert ("exact" in row.method) is (not ties)


def test_fisher_matches_r_tea_tasting() -> None:
    # fisher.test(matrix(c(3, 1, 1, 3), nrow = 2)): p-value = 0.4857 (R's TeaTasting example)
    df = pd.DataFrame(
        {
            "truth": ["Milk"] * 4 + ["Tea"] * 4,
            "guess": ["Milk"] * 3 + ["Tea"] + ["Milk"] + ["Tea"] * 3,
        }
    )
    row = compare_groups(df, "truth", ["guess"]).rows[0]
    assert row.kind is VariableKind.CATEGORICAL
    assert row.test is GroupTest.FISHER
    assert row.p == pytest.approx(0.4857, abs=5e-5)
    # By hand: with all margins 4, x = 0..4 Milk guesses have weights 1, 16, 36, 16, 1 (of 70);
    # the observed x = 3 has 16, and tables no more probable sum to (1 + 16 + 16 + 1) / 70.
    assert row.p == pytest.approx(34 / 70, rel=1e-12)
    assert row.levels[0].text == ("3 (75.0%)", "1 (25.0%)")


def test_chi_square_matches_r_agresti_party_by_gender() -> None:
    # Agresti (2007) p. 39, R ?chisq.test: M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477)))
    # chisq.test(M): X-squared = 30.07, df = 2, p-value = 2.954e-07
    counts = {"F": (762, 327, 468), "M": (484, 239, 477)}
    parties = ("Democrat", "Independent", "Republican")
    rows = [
        (sex, party)
        for sex, c in counts.items()
        for party, k in zip(parties, c, strict=True)
        for _ in range(k)
    ]
    df = pd.DataFrame(rows, columns=["gender", "party"])
    row = compare_groups(df, "gender", ["party"]).rows[0]
    assert row.test is GroupTest.CHI_SQUARE
    assert row.statistic == pytest.approx(30.07, abs=5e-3)
    assert row.df == 2
    assert row.p == pytest.approx(2.954e-07, rel=2e-4)
    assert "no continuity correction" in row.method


@pytest.mark.parametrize(
    "table", [[[20, 15], [10, 25]], [[12, 30], [40, 18]], [[50, 51], [49, 50]]]
)
def test_two_by_two_chi_square_is_pearson_without_yates(table: list[list[int]]) -> None:
    arr = np.array(table)
    result = table_test(arr)
    ref = stats.chi2_contingency(arr, correction=False)
    assert result.test is GroupTest.CHI_SQUARE
    assert (result.statistic, result.p) == pytest.approx((ref.statistic, ref.pvalue), rel=1e-12)


def test_fisher_when_an_expected_count_is_below_five() -> None:
    arr = np.array([[8, 2], [30, 40]])
    # Expected counts by hand: row 0 total 10 × column totals 38 and 42 / 80 → 4.75 and 5.25.
    assert stats.contingency.expected_freq(arr)[0, 0] == pytest.approx(4.75)
    result = table_test(arr)
    assert result.test is GroupTest.FISHER
    assert result.p == pytest.approx(stats.fisher_exact(arr).pvalue, rel=1e-12)


def test_freeman_halton_hand_computed_three_by_two() -> None:
    # Margins rows (3, 3, 2), columns (4, 4): 10 tables, weights C(3,x1)C(3,x2)C(2,x3) summing to
    # C(8, 4) = 70. The observed (3, 0, 1) has weight 2; the tables with weight ≤ 2 are (3, 0, 1)
    # and (0, 3, 1), so p = 4 / 70.
    p, method = freeman_halton(np.array([[3, 0], [0, 3], [1, 1]]))
    assert p == pytest.approx(4 / 70, rel=1e-12)
    assert method == "Fisher-Freeman-Halton exact test"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=4, max_size=4))
def test_freeman_halton_equals_scipy_fisher_on_two_by_two(cells: list[int]) -> None:
    table = np.array(cells).reshape(2, 2)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return
    p, _ = freeman_halton(table)
    assert p == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9, abs=1e-12)


def test_freeman_halton_agrees_with_scipy_monte_carlo_and_falls_back(monkeypatch) -> None:
    table = np.array([[3, 1], [1, 4], [2, 5], [0, 3]])
    exact, _ = freeman_halton(table)
    mc = stats.MonteCarloMethod(n_resamples=200_000, rng=1)
    reference = stats.fisher_exact(table, method=mc).pvalue
    assert exact == pytest.approx(reference, abs=0.005)  # Monte Carlo SE ≈ 0.001
    monkeypatch.setattr(_group_tests, "MAX_EXACT_TABLES", 1)
    fallback, method = freeman_halton(table)
    assert "Monte Carlo" in method
    assert fallback == pytest.approx(exact, abs=0.01)
    assert freeman_halton(table) == (fallback, method)  # seeded: deterministic


def test_missing_values_give_n_per_group_in_the_table() -> None:
    rng = np.random.default_rng(3)
    bmd = rng.normal(0.7, 0.1, 20)
    bmd[[0, 1, 2, 15]] = np.nan
    df = pd.DataFrame({"group": ["fracture"] * 10 + ["control"] * 10, "bmd": bmd})
    result = compare_groups(df, "group", ["bmd"], groups=["fracture", "control"])
    row = result.rows[0]
    assert result.groups == ("fracture", "control")
    assert row.n == (7, 9) and row.missing == (3, 1)
    frame = result.to_frame()
    assert frame.loc[0, "Variable"] == "bmd (n = 7 vs 9)"
    assert list(frame.columns[2:4]) == ["fracture (n = 10)", "control (n = 10)"]


def test_categorical_detection_and_table_layout() -> None:
    df = pd.DataFrame(
        {
            "group": ["a"] * 6 + ["b"] * 6,
            "sex": list("FFFFMM") + list("FFFMMM"),
            "diabetes": [0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0],
            "age": [70, 71, 68, 75, 80, 66, 72, 69, 74, 77, 70, 73],
        }
    )
    result = compare_groups(df, "group", ["sex", "diabetes", "age"])
    kinds = [row.kind for row in result.rows]
    assert kinds == [VariableKind.CATEGORICAL, VariableKind.CATEGORICAL, VariableKind.CONTINUOUS]
    frame = result.to_frame()
    assert list(frame["Variable"][:3]) == ["sex", "  F", "  M"]
    assert frame.loc[1, "a (n = 6)"] == "4 (66.7%)"
    forced = compare_groups(df, "group", ["diabetes"], categorical=[])
    assert forced.rows[0].kind is VariableKind.CONTINUOUS


def test_to_dict_is_strict_json_with_the_documented_shape() -> None:
    df = _two_groups(SLEEP_1, SLEEP_2, "1", "2").assign(sex=list("FM") * 10)
    payload = compare_groups(df, "group", ["x", "sex"]).to_dict()
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text)["groups"] == ["1", "2"]
    row = payload["rows"][0]
    for key in (
        "variable",
        "kind",
        "test",
        "summary",
        "n",
        "statistic",
        "p",
        "normality",
        "levene_p",
    ):
        assert key in row
    assert row["summary"] == {"1": "0.75 ± 1.79", "2": "2.33 ± 2.00"}
    # Sex alternates F/M, so 5 of each per group: every expected count is 5 → χ² = 0.
    assert payload["rows"][1]["test"] == "chi-square"
    assert payload["rows"][1]["statistic"] == 0.0 and payload["rows"][1]["p"] == 1.0


def test_decimals_option() -> None:
    df = _two_groups(SLEEP_1, SLEEP_2)
    assert compare_groups(df, "group", ["x"], decimals=3).rows[0].summary[0] == "0.750 ± 1.789"
    assert compare_groups(df, "group", ["x"], decimals={"x": 1}).rows[0].summary[0] == "0.8 ± 1.8"


def test_auto_decimals_follow_the_paper() -> None:
    # VBQ-T2 in Table 1 is printed with three decimals (0.601 ± 0.076), BMI with two.
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "g": ["a"] * 40 + ["b"] * 40,
            "vbq": rng.normal(0.6, 0.07, 80),
            "bmi": rng.normal(25, 4, 80),
        }
    )
    rows = compare_groups(df, "g", ["vbq", "bmi"], force={"vbq": "t", "bmi": "t"}).rows
    assert len(rows[0].summary[0].split(" ± ")[0].split(".")[1]) == 3
    assert len(rows[1].summary[0].split(" ± ")[0].split(".")[1]) == 2


@pytest.mark.parametrize(
    ("p", "text"), [(0.0004, "< 0.001"), (0.001, "0.001"), (0.30849, "0.308"), (math.nan, "n/a")]
)
def test_format_p(p: float, text: str) -> None:
    assert format_p(p) == text


def test_unknown_column_lists_the_available_ones() -> None:
    with pytest.raises(CohortError, match=r"no column 'vbq'.*available columns: 'x', 'group'"):
        compare_groups(_two_groups([1, 2, 3], [4, 5, 6]), "group", ["vbq"])


def test_group_column_must_have_two_groups() -> None:
    df = pd.DataFrame({"g": ["a", "b", "c", "a"], "x": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(StatsInputError, match=r"exactly two groups but has 3: 'a' \(n = 2\)"):
        compare_groups(df, "g", ["x"])
    with pytest.raises(StatsInputError, match="'z' does not occur"):
        compare_groups(df[df.g != "c"], "g", ["x"], groups=["a", "z"])


def test_too_few_values_in_a_group() -> None:
    df = _two_groups([1.0, 2.0, math.nan, math.nan], [3.0, 4.0, 5.0], "fracture", "control")
    with pytest.raises(StatsInputError, match=r"'x' has 2 value\(s\) in group 'fracture'"):
        compare_groups(df, "group", ["x"])


def test_text_in_a_continuous_column_names_the_rows() -> None:
    df = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"], "x": ["1", "2", "0,5", "4", "5", "x"]})
    with pytest.raises(StatsInputError, match=r"rows 4, 7 \(the header is row 1\).*decimal comma"):
        compare_groups(df, "g", ["x"], categorical=[])


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"g": list("aaabbb"), "x": [2.0] * 6}), "one value in every row"),
        (pd.DataFrame({"g": list("aaabbb"), "x": list("FFFFFF")}), "single category"),
    ],
)
def test_nothing_to_compare(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(StatsInputError, match=match):
        compare_groups(frame, "g", ["x"])


@pytest.mark.parametrize(
    ("force", "match"),
    [
        ({"x": "anova"}, "unknown test 'anova'"),
        ({"y": "t"}, "not compared"),
        ({"x": "fisher"}, "is continuous"),
    ],
)
def test_bad_force(force: dict[str, str], match: str) -> None:
    with pytest.raises(StatsInputError, match=match):
        compare_groups(_two_groups([1, 2, 3], [4, 5, 6]), "group", ["x"], force=force)


def test_constant_group_is_not_normal_and_goes_to_mann_whitney() -> None:
    row = compare_groups(_two_groups([5, 5, 5, 5], [4, 6, 7, 8]), "group", ["x"]).rows[0]
    assert row.normality is not None and math.isnan(row.normality[0].p)
    assert row.test is GroupTest.MANN_WHITNEY
    assert "constant values" in row.reason


def test_t_tested_rows_carry_the_difference_and_its_ci() -> None:
    # R: t.test(extra ~ group, data = sleep, var.equal = TRUE)
    # t = -1.8608, df = 18, 95% CI -3.363874 0.203874 (group 1 minus group 2)
    sleep_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    sleep_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    df = pd.DataFrame({"g": ["one"] * 10 + ["two"] * 10, "extra": sleep_1 + sleep_2})
    row = compare_groups(df, "g", ["extra"], groups=["one", "two"], force={"extra": "t-test"}).rows[
        0
    ]
    assert row.diff == pytest.approx(-1.58)
    assert row.diff_ci == pytest.approx((-3.363874, 0.203874), abs=1e-6)
    out = row.to_dict()
    assert (out["diff_ci_low"], out["diff_ci_high"]) == pytest.approx(
        (-3.363874, 0.203874), abs=1e-6
    )
    mwu = compare_groups(df, "g", ["extra"], groups=["one", "two"], force={"extra": "mwu"}).rows[0]
    assert mwu.diff is None and mwu.to_dict()["diff_ci_low"] is None
