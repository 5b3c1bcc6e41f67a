"""logistic_regression: the paper's Table 4 procedure, checked against R and scikit-learn."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from vbqcore.columns import binary_outcome
from vbqcore.errors import CohortError, StatsInputError
from vbqcore.stats.logistic import logistic_regression

# R's built-in `mtcars` (Henderson & Velleman 1981), the columns used here: am (0 automatic,
# 1 manual), wt (1000 lb), hp (gross horsepower), in R's row order.
# fmt: off
AM = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
      1, 1]
WT = [2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190, 3.150, 3.440, 3.440, 4.070, 3.730,
      3.780, 5.250, 5.424, 5.345, 2.200, 1.615, 1.835, 2.465, 3.520, 3.435, 3.840, 3.845, 1.935,
      2.140, 1.513, 3.170, 2.770, 3.570, 2.780]
HP = [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215, 230, 66, 52, 65,
      97, 150, 150, 245, 175, 66, 91, 113, 264, 175, 335, 109]
# fmt: on
MTCARS = pd.DataFrame({"am": AM, "wt": WT, "hp": HP})


def test_mtcars_table_is_rs() -> None:
    # summary(mtcars): mean wt 3.217, mean hp 146.7; table(mtcars$am): 19 automatic, 13 manual
    assert MTCARS.wt.mean() == pytest.approx(3.21725)
    assert MTCARS.hp.mean() == pytest.approx(146.6875)
    assert MTCARS.am.sum() == 13


def test_univariable_matches_r_glm() -> None:
    result = logistic_regression(MTCARS, "am", ["wt"])
    model = result.univariable_for("wt")
    wt = model.terms[0]
    # summary(glm(am ~ wt, family = binomial, data = mtcars)):
    #   (Intercept)  12.040   4.510   2.670  0.00759
    #   wt           -4.024   1.436  -2.801  0.00509
    #   Null deviance: 43.230 on 31 df; Residual deviance: 19.176 on 30 df; AIC: 23.176
    # (printed with 4 decimals elsewhere: 12.0404 and -4.0240). R's glm() reports SEs from the
    # weights of its last IRLS step, one iterate short of the MLE, so SEs agree to ~1e-4 only;
    # the exact inverse information at the MLE is checked below.
    assert model.intercept_beta == pytest.approx(12.0404, abs=5e-5)
    assert wt.beta == pytest.approx(-4.0240, abs=5e-5)
    assert model.intercept_se == pytest.approx(4.510, rel=1e-3)
    assert wt.se == pytest.approx(1.436, rel=1e-3)
    assert wt.z == pytest.approx(-2.801, abs=1e-3)
    assert wt.p == pytest.approx(0.00509, rel=2e-3)
    assert -2 * model.null_log_likelihood == pytest.approx(43.230, abs=5e-4)
    assert -2 * model.log_likelihood == pytest.approx(19.176, abs=5e-4)
    assert model.aic == pytest.approx(23.176, abs=5e-4)
    assert (model.n, model.events, model.non_events) == (32, 13, 19)


def test_multivariable_matches_r_glm() -> None:
    result = logistic_regression(MTCARS, "am", ["wt", "hp"], multivariable="all")
    model = result.multivariable
    assert model is not None
    # summary(glm(am ~ wt + hp, family = binomial, data = mtcars)):
    #   (Intercept) 18.86630  7.44356  2.535 0.01126
    #   wt          -8.08348  3.06868 -2.634 0.00843
    #   hp           0.03626  0.01773  2.044 0.04091
    #   Residual deviance: 10.059 on 29 df
    assert model.intercept_beta == pytest.approx(18.86630, abs=5e-5)
    assert model.intercept_se == pytest.approx(7.44356, rel=1e-4)
    wt, hp = model.term("wt"), model.term("hp")
    assert (wt.beta, wt.se, wt.p) == pytest.approx((-8.08348, 3.06868, 0.00843), rel=1e-4, abs=5e-6)
    assert (hp.beta, hp.se, hp.p) == pytest.approx((0.03626, 0.01773, 0.04091), abs=5e-6)
    assert -2 * model.log_likelihood == pytest.approx(10.059, abs=5e-4)


@pytest.mark.parametrize("predictors", [["wt"], ["hp"], ["wt", "hp"]])
def test_coefficients_equal_scikit_learn(predictors: list[str]) -> None:
    result = logistic_regression(MTCARS, "am", predictors, multivariable="all")
    model = result.multivariable if len(predictors) > 1 else result.univariable[0]
    assert model is not None
    # C=inf is scikit-learn's unpenalised fit (penalty=None is deprecated since 1.8).
    ref = LogisticRegression(C=np.inf, solver="newton-cg", tol=1e-12, max_iter=10_000)
    ref.fit(MTCARS[predictors].to_numpy(), MTCARS.am.to_numpy())
    assert model.intercept_beta == pytest.approx(ref.intercept_[0], rel=1e-5)
    for name, coef in zip(predictors, ref.coef_[0], strict=True):
        assert model.term(name).beta == pytest.approx(coef, rel=1e-5)
        assert model.term(name).odds_ratio == pytest.approx(math.exp(coef), rel=1e-5)


def test_standard_errors_are_the_inverse_information_at_the_mle() -> None:
    model = logistic_regression(MTCARS, "am", ["wt", "hp"], multivariable="all").multivariable
    assert model is not None
    x = np.column_stack([np.ones(32), MTCARS.wt, MTCARS.hp])
    beta = np.array([model.intercept_beta, model.term("wt").beta, model.term("hp").beta])
    p = 1.0 / (1.0 + np.exp(-x @ beta))
    cov = np.linalg.inv(x.T @ (x * (p * (1 - p))[:, None]))  # Fisher information, by hand
    se = np.sqrt(np.diag(cov))
    assert [model.intercept_se, model.term("wt").se, model.term("hp").se] == pytest.approx(
        se, rel=1e-6
    )


def test_odds_ratio_and_wald_interval_by_hand() -> None:
    wt = logistic_regression(MTCARS, "am", ["wt"], units={"wt": 0.1}).univariable[0].terms[0]
    z = 1.959963984540054  # qnorm(0.975)
    assert wt.odds_ratio == pytest.approx(math.exp(wt.beta))
    assert wt.ci_low == pytest.approx(math.exp(wt.beta - z * wt.se))
    assert wt.ci_high == pytest.approx(math.exp(wt.beta + z * wt.se))
    assert wt.per_unit is not None
    assert wt.per_unit.odds_ratio == pytest.approx(wt.odds_ratio**0.1)
    assert wt.per_unit.ci_low == pytest.approx(wt.ci_low**0.1)
    assert wt.per_unit.ci_high == pytest.approx(wt.ci_high**0.1)


def test_per_unit_reproduces_the_papers_scale() -> None:
    # Huang et al. 2026 Table 4: VBQ-T2 OR 20570.791 per 1.0; per 0.1 that is 20570.791**0.1.
    rng = np.random.default_rng(7)
    vbq = np.concatenate([rng.normal(0.60, 0.076, 84), rng.normal(0.548, 0.075, 84)])
    df = pd.DataFrame({"fractured": [1] * 84 + [0] * 84, "vbq_t2": vbq})
    term = logistic_regression(df, "fractured", ["vbq_t2"], units={"vbq_t2": 0.1}).univariable[0]
    item = term.terms[0]
    assert item.per_unit is not None
    assert item.per_unit.odds_ratio**10 == pytest.approx(item.odds_ratio, rel=1e-9)
    assert 20570.791**0.1 == pytest.approx(2.70, abs=0.005)


@settings(max_examples=25, deadline=None)
@given(st.floats(-5, 5).filter(lambda u: abs(u) > 1e-3))
def test_per_unit_interval_is_ordered_for_any_unit(unit: float) -> None:
    term = logistic_regression(MTCARS, "am", ["wt"], units={"wt": unit}).univariable[0].terms[0]
    assert term.per_unit is not None
    assert term.per_unit.ci_low <= term.per_unit.odds_ratio <= term.per_unit.ci_high
    assert term.per_unit.odds_ratio == pytest.approx(math.exp(term.beta * unit))


def test_significant_selection_with_one_survivor_has_no_multivariable_model() -> None:
    # glm(am ~ hp): p = 0.181, so only wt (p = 0.005) is significant.
    result = logistic_regression(MTCARS, "am", ["wt", "hp"])
    assert result.univariable_for("hp").terms[0].p == pytest.approx(0.181, abs=5e-4)
    assert result.multivariable is None
    assert "1 of predictors with univariable p < 0.05 (wt)" in result.multivariable_note
    assert result.to_dict()["multivariable"] == {}


def test_chosen_set_and_table_layout() -> None:
    result = logistic_regression(
        MTCARS, "am", ["wt", "hp"], multivariable=["wt", "hp"], units={"wt": 0.1}
    )
    frame = result.to_frame()
    assert list(frame["Variable"]) == ["wt", "wt (per 0.1)", "hp"]
    assert frame.loc[2, "Multivariable P"] == "0.041"
    alone = logistic_regression(MTCARS, "am", ["wt", "hp"]).to_frame()
    assert alone.loc[1, "Multivariable OR (95% CI)"] == "-"


def test_to_dict_has_the_cli_keys_and_is_strict_json() -> None:
    payload = logistic_regression(MTCARS, "am", ["wt", "hp"], multivariable="all").to_dict()
    json.dumps(payload, allow_nan=False)
    for section in ("univariate", "multivariable"):
        for col in ("wt", "hp"):
            assert {"or", "ci_low", "ci_high", "p"} <= set(payload[section][col])
    assert payload["univariate"]["wt"]["n"] == 32
    assert payload["multivariable_model"]["predictors"] == ["wt", "hp"]


def test_missing_values_are_dropped_per_model() -> None:
    df = MTCARS.astype({"hp": float}).copy()
    df.loc[[0, 5, 9], "hp"] = np.nan
    df.loc[12, "am"] = np.nan
    result = logistic_regression(df, "am", ["wt", "hp"], multivariable="all", positive="1")
    assert result.univariable_for("wt").n == 31
    assert result.univariable_for("hp").n == 28
    assert result.univariable_for("hp").dropped == 4
    assert result.multivariable is not None and result.multivariable.n == 28


def test_text_outcome_with_positive_value() -> None:
    df = MTCARS.assign(trans=np.where(MTCARS.am == 1, "manual", "automatic"))
    result = logistic_regression(df, "trans", ["wt"], positive="Manual")
    assert (result.positive, result.negative) == ("manual", "automatic")
    reference = logistic_regression(MTCARS, "am", ["wt"])
    assert result.univariable[0].terms[0].beta == pytest.approx(
        reference.univariable[0].terms[0].beta
    )
    flipped = logistic_regression(df, "trans", ["wt"], positive="automatic")
    assert flipped.univariable[0].terms[0].beta == pytest.approx(
        -reference.univariable[0].terms[0].beta
    )


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 1, 1, 1, 1]),  # complete separation
        ([1, 2, 3, 4, 4, 6, 7, 8], [0, 0, 0, 0, 1, 1, 1, 1]),  # quasi-complete (tie at 4)
    ],
)
def test_separation_is_refused_before_fitting(x: list[float], y: list[int]) -> None:
    df = pd.DataFrame({"x": x, "y": y})
    match = "predictor 'x' separates the outcome.*odds ratio is infinite"
    with pytest.raises(StatsInputError, match=match):
        logistic_regression(df, "y", ["x"])


def test_joint_separation_in_the_multivariable_model() -> None:
    # Neither a nor b separates alone, but y = 1 exactly where a + b > 0.
    a = np.array([-2.0, -1, 0, 1, 2, -2, -1, 0, 1, 2, 0.5, -0.5])
    b = np.array([1.5, 0.5, 0.5, -0.5, -1.5, 3, 2, 1, 0.5, -1, 0.2, -0.2])
    y = (a + b > 0).astype(int)
    df = pd.DataFrame({"a": a, "b": b, "y": y})
    with pytest.raises(StatsInputError, match="predictors a \\+ b together separate"):
        logistic_regression(df, "y", ["a", "b"], multivariable="all")


@pytest.mark.parametrize("seed", range(5))
def test_overlapping_data_is_not_called_separated(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=60)
    y = (rng.random(60) < 1 / (1 + np.exp(-x))).astype(int)
    result = logistic_regression(pd.DataFrame({"x": x, "y": y}), "y", ["x"])
    assert math.isfinite(result.univariable[0].terms[0].se)


def test_too_few_events_and_low_events_per_variable() -> None:
    df = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6], "y": [0, 0, 1, 0, 0, 0]})
    with pytest.raises(StatsInputError, match="1 events and 5 non-events.*at least 2"):
        logistic_regression(df, "y", ["x"])
    # 13 manual cars for one predictor: 13 events per variable, no warning.
    assert logistic_regression(MTCARS, "am", ["wt"]).warnings == ()
    two = logistic_regression(MTCARS, "am", ["wt", "hp"], multivariable="all")
    assert any("6.5 per variable (< 10)" in w for w in two.warnings)


@pytest.mark.parametrize(
    ("frame", "kwargs", "error", "match"),
    [
        (MTCARS, {"predictors": ["mpg"]}, CohortError, "no column 'mpg'.*'am', 'wt', 'hp'"),
        (MTCARS.assign(c=1.0), {"predictors": ["c"]}, StatsInputError, "'c' has one value"),
        (
            MTCARS.assign(w2=MTCARS.wt * 2),
            {"predictors": ["wt", "w2"], "multivariable": "all"},
            StatsInputError,
            "collinear",
        ),
        (
            MTCARS.assign(s=["x"] + ["1.0"] * 31),
            {"predictors": ["s"]},
            StatsInputError,
            "must be numeric.*row 2 ",
        ),
        (
            MTCARS.assign(am=[0, 1, 2] * 10 + [0, 1]),
            {"predictors": ["wt"]},
            StatsInputError,
            "exactly two values.*but has 3 values",
        ),
        (MTCARS.assign(am=0), {"predictors": ["wt"]}, StatsInputError, "one value only"),
        (
            MTCARS,
            {"predictors": ["wt"], "positive": "yes"},
            StatsInputError,
            "'yes' does not occur",
        ),
        (MTCARS, {"predictors": ["wt"], "units": {"hp": 10}}, StatsInputError, "not a predictor"),
        (MTCARS, {"predictors": ["wt"], "units": {"wt": 0}}, StatsInputError, "non-zero"),
        (
            MTCARS,
            {"predictors": ["wt"], "multivariable": "some"},
            StatsInputError,
            "'significant', 'all'",
        ),
        (
            MTCARS,
            {"predictors": ["wt"], "multivariable": ["hp"]},
            StatsInputError,
            "not among the predictors",
        ),
        (MTCARS, {"predictors": ["am"]}, StatsInputError, "is the outcome"),
    ],
)
def test_bad_input(frame: pd.DataFrame, kwargs: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        logistic_regression(frame, "am", **kwargs)


def test_text_outcome_needs_a_positive_value() -> None:
    df = MTCARS.assign(trans=np.where(MTCARS.am == 1, "manual", "automatic"))
    with pytest.raises(StatsInputError, match="say which value of 'trans' is the positive"):
        logistic_regression(df, "trans", ["wt"])


@pytest.mark.parametrize(
    ("values", "positive", "expected"),
    [
        ([0, 1, 1, np.nan], "1", [0.0, 1.0, 1.0, np.nan]),  # pandas reads this column as floats
        ([0.0, 1.0, 1.0], 1, [0.0, 1.0, 1.0]),
        (["no", "yes", "yes"], "YES", [0.0, 1.0, 1.0]),
        ([False, True, True], None, [0.0, 1.0, 1.0]),
        ([2, 1, 1], "2", [1.0, 0.0, 0.0]),
    ],
)
def test_binary_outcome_matches_positive_as_text(
    values: list, positive: object, expected: list
) -> None:
    out = binary_outcome(pd.DataFrame({"y": values}), "y", positive=positive, source="test")  # type: ignore[arg-type]
    np.testing.assert_array_equal(out.y.to_numpy(), np.array(expected))


def test_an_odds_ratio_beyond_float_range_needs_a_unit() -> None:
    # A predictor in tiny units (β ≈ 2000 per 1.0) overflows exp(β): the OR is inf, JSON null,
    # and the per-unit OR is what a reader can use.
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, 200)
    y = (rng.random(200) < 1 / (1 + np.exp(-2 * x))).astype(int)
    df = pd.DataFrame({"x": x * 1e-3, "y": y})
    result = logistic_regression(df, "y", ["x"], units={"x": 1e-3})
    term = result.univariable[0].terms[0]
    assert math.isinf(term.odds_ratio)
    assert term.per_unit is not None
    assert term.per_unit.odds_ratio == pytest.approx(math.exp(term.beta * 1e-3))
    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert payload["univariate"]["x"]["or"] is None
    assert payload["univariate"]["x"]["per_unit"]["or"] == pytest.approx(term.per_unit.odds_ratio)
