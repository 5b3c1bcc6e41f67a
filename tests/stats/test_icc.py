"""ICCs against R psych::ICC on two published tables, and ANOVA mean squares against statsmodels."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from statsmodels.formula.api import ols

from vbqcore.errors import DegenerateInputWarning, StatsInputError
from vbqcore.stats import IccKind, icc, icc_wide

# Shrout PE, Fleiss JL. Intraclass correlations: uses in assessing rater reliability.
# Psychol Bull 1979;86:420-428, Table 2: 6 targets rated by 4 judges. The paper reports
# ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
SHROUT_FLEISS: list[list[float]] = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
# R: psych::ICC(cbind(rtr1, rtr2, rtr3, rtr4)) on that table (printed in dwoll/RExRepos,
# interRaterICC.md): kind -> (ICC, F, df1, df2, p, lower bound, upper bound), with the printed
# precision of each column (ICC and upper bound 2 decimals, lower bound 3, p 5).
PSYCH_SF = {
    IccKind.ICC1: (0.17, 1.8, 5, 18, 0.16477, -0.133, 0.72),
    IccKind.ICC2: (0.29, 11.0, 5, 15, 0.00013, 0.019, 0.76),
    IccKind.ICC3: (0.71, 11.0, 5, 15, 0.00013, 0.342, 0.95),
    IccKind.ICC1K: (0.44, 1.8, 5, 18, 0.16477, -0.884, 0.91),
    IccKind.ICC2K: (0.62, 11.0, 5, 15, 0.00013, 0.071, 0.93),
    IccKind.ICC3K: (0.91, 11.0, 5, 15, 0.00013, 0.676, 0.99),
}

# McGraw KO, Wong SP. Forming inferences about some intraclass correlation coefficients.
# Psychol Methods 1996;1:30-46, Table 6: 10 targets, 2 raters - the two-observer design of the
# paper. R output (3 decimals) quoted in robertpetermatthew/f_ICC (f_ICC.m, "Verification from R").
MCGRAW_WONG: list[list[float]] = [
    [103, 119], [82, 65], [116, 106], [102, 102], [99, 105],
    [98, 100], [104, 107], [62, 85], [97, 101], [107, 110],
]  # fmt: skip
R_MW = {
    IccKind.ICC1: (0.722, 6.18, 9, 10, 0.00437, 0.241, 0.922),
    IccKind.ICC2: (0.720, 6.00, 9, 9, 0.00677, 0.228, 0.922),
    IccKind.ICC3: (0.714, 6.00, 9, 9, 0.00677, 0.197, 0.920),
    IccKind.ICC1K: (0.838, 6.18, 9, 10, 0.00437, 0.389, 0.959),
    IccKind.ICC2K: (0.837, 6.00, 9, 9, 0.00677, 0.371, 0.959),
    IccKind.ICC3K: (0.833, 6.00, 9, 9, 0.00677, 0.329, 0.959),
}


@pytest.mark.parametrize("kind", list(IccKind))
def test_shrout_fleiss_table_matches_psych(kind: IccKind) -> None:
    value, f, df1, df2, p, low, high = PSYCH_SF[kind]
    est = icc_wide(SHROUT_FLEISS)[kind]
    assert est.icc == pytest.approx(value, abs=0.005)
    assert est.f == pytest.approx(f, abs=0.05)
    assert (est.df1, est.df2) == (df1, df2)
    assert est.p == pytest.approx(p, abs=5e-6)
    assert est.ci_low == pytest.approx(low, abs=5e-4)
    assert est.ci_high == pytest.approx(high, abs=5e-3)


@pytest.mark.parametrize("kind", list(IccKind))
def test_mcgraw_wong_two_raters_match_r(kind: IccKind) -> None:
    value, f, df1, df2, p, low, high = R_MW[kind]
    est = icc_wide(MCGRAW_WONG)[kind]
    assert est.icc == pytest.approx(value, abs=5e-4)
    assert est.f == pytest.approx(f, abs=5e-3)
    assert (est.df1, est.df2) == (df1, df2)
    assert est.p == pytest.approx(p, abs=5e-6)
    assert (est.ci_low, est.ci_high) == pytest.approx((low, high), abs=5e-4)


def _long(table: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(f"p{t}", f"obs{j}", v) for t, row in enumerate(table) for j, v in enumerate(row)],
        columns=["patient", "observer", "si"],
    )


def test_mean_squares_match_statsmodels_anova() -> None:
    long = _long(SHROUT_FLEISS)
    two_way = sm.stats.anova_lm(ols("si ~ C(patient) + C(observer)", data=long).fit())
    one_way = sm.stats.anova_lm(ols("si ~ C(patient)", data=long).fit())
    r = icc_wide(SHROUT_FLEISS)
    assert r.ms_rows == pytest.approx(two_way.loc["C(patient)", "mean_sq"], rel=1e-12)
    assert r.ms_columns == pytest.approx(two_way.loc["C(observer)", "mean_sq"], rel=1e-12)
    assert r.ms_error == pytest.approx(two_way.loc["Residual", "mean_sq"], rel=1e-12)
    assert r.ms_within == pytest.approx(one_way.loc["Residual", "mean_sq"], rel=1e-12)
    assert r[IccKind.ICC3].p == pytest.approx(two_way.loc["C(patient)", "PR(>F)"], rel=1e-9)
    assert r[IccKind.ICC1].p == pytest.approx(one_way.loc["C(patient)", "PR(>F)"], rel=1e-9)


def test_long_format_equals_wide_in_any_row_order() -> None:
    long = _long(SHROUT_FLEISS).sample(frac=1.0, random_state=0)
    a, b = icc(long, targets="patient", raters="observer", ratings="si"), icc_wide(SHROUT_FLEISS)
    for kind in IccKind:
        assert a[kind].icc == pytest.approx(b[kind].icc, rel=1e-12)
        assert a[kind].ci_low == pytest.approx(b[kind].ci_low, rel=1e-12)


def test_incomplete_targets_are_dropped_or_refused() -> None:
    table: list[list[float]] = [*MCGRAW_WONG, [100, math.nan]]
    r = icc_wide(table)
    assert (r.n_targets, r.n_raters, r.n_dropped) == (10, 2, 1)
    assert r.estimates == icc_wide(MCGRAW_WONG).estimates
    with pytest.raises(StatsInputError, match="1 target"):
        icc_wide(table, nan_policy="raise")
    long = _long(MCGRAW_WONG).iloc[1:]  # p0 lacks observer 0
    assert icc(long, targets="patient", raters="observer", ratings="si").n_dropped == 1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([[1], [2], [3]], "at least 2 raters"),
        ([[1, 2], [2, 3]], "at least 3 targets"),
        ([1, 2, 3], "targets × raters table"),
        ([[1, 2], [2, math.inf], [3, 4]], "infinite"),
        ([[1, "a"], [2, 3], [3, 4]], "must all be numbers"),
    ],
)
def test_bad_tables_raise(table: object, message: str) -> None:
    with pytest.raises(StatsInputError, match=message):
        icc_wide(table)  # type: ignore[arg-type]


def test_long_format_errors() -> None:
    long = _long(MCGRAW_WONG)
    with pytest.raises(StatsInputError, match="'score' not found"):
        icc(long, targets="patient", raters="observer", ratings="score")
    with pytest.raises(StatsInputError, match="rated more than once"):
        icc(pd.concat([long, long.iloc[:1]]), targets="patient", raters="observer", ratings="si")
    bad = long.astype({"si": object})
    bad.loc[3, "si"] = "n/a"
    with pytest.raises(StatsInputError, match="non-numeric values in row"):
        icc(bad, targets="patient", raters="observer", ratings="si")


def test_perfect_agreement_is_one_and_warns() -> None:
    with pytest.warns(DegenerateInputWarning, match="mean square is zero"):
        r = icc_wide([[1, 1], [2, 2], [3, 3], [5, 5]])
    for kind in IccKind:
        assert r[kind].icc == pytest.approx(1.0)


def test_to_dict_keys_and_json() -> None:
    d = icc_wide(SHROUT_FLEISS).to_dict()
    assert {k.value for k in IccKind} <= set(d)
    assert d["ICC2"]["label"] == "ICC(2,1)" and "absolute agreement" in d["ICC2"]["model"]
    assert json.loads(json.dumps(d, allow_nan=False)) == d


ratings = arrays(
    np.float64, st.tuples(st.integers(3, 12), st.integers(2, 4)), elements=st.integers(0, 50)
)


@pytest.mark.filterwarnings("ignore::vbqcore.errors.DegenerateInputWarning")
@settings(max_examples=40, deadline=None)
@given(ratings, st.floats(0.5, 20), st.floats(-100, 100))
def test_affine_invariance_and_consistency_ignores_rater_offset(
    x: np.ndarray, scale: float, offset: float
) -> None:
    base = icc_wide(x)
    moved = icc_wide(scale * x + offset)
    for kind in IccKind:
        a, b = base[kind].icc, moved[kind].icc
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-7)
    shifted = x.copy()
    shifted[:, 0] += offset  # one observer reads higher by a constant
    a, b = base[IccKind.ICC3].icc, icc_wide(shifted)[IccKind.ICC3].icc
    assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-7)
