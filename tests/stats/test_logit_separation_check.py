"""The separation linear program runs only when a logistic fit misbehaves (issue 17), and every
separated data set is still refused with the separation message.

Separated sets: hand-made (complete, quasi-complete, joint) as in test_logistic.py, plus random
ones built to be separated by construction (y = 1 exactly where a random linear score is > 0,
ties at 0 allowed), so that the check cannot pass by luck on a few examples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbqcore.errors import StatsInputError
from vbqcore.stats import _logit_fit
from vbqcore.stats.logistic import logistic_regression


@pytest.fixture
def lp_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of the separation linear program (still running it)."""
    calls: list[int] = []
    real = _logit_fit._separated

    def counted(design: np.ndarray, y: np.ndarray) -> bool:
        calls.append(len(y))
        return real(design, y)

    monkeypatch.setattr(_logit_fit, "_separated", counted)
    return calls


def test_a_well_behaved_fit_skips_the_linear_program(lp_calls: list[int]) -> None:
    rng = np.random.default_rng(17)
    x = rng.normal(size=5000)
    y = (rng.random(5000) < 1 / (1 + np.exp(-x))).astype(int)
    result = logistic_regression(pd.DataFrame({"x": x, "y": y}), "y", ["x"])
    assert np.isfinite(result.univariable[0].terms[0].se)
    assert lp_calls == []


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 1, 1, 1, 1]),  # complete
        ([1, 2, 3, 4, 4, 6, 7, 8], [0, 0, 0, 0, 1, 1, 1, 1]),  # quasi-complete (tie at 4)
        ([1, 2, 3, 4, 4, 4, 7, 8, 9], [0, 0, 0, 0, 1, 0, 1, 1, 1]),  # quasi, ties on both sides
    ],
)
def test_separated_data_still_gets_the_separation_message(
    x: list[float], y: list[int], lp_calls: list[int]
) -> None:
    with pytest.raises(StatsInputError, match="separates the outcome.*odds ratio is infinite"):
        logistic_regression(pd.DataFrame({"x": x, "y": y}), "y", ["x"])
    assert lp_calls  # the program decided the message


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(12, 200),
    k=st.integers(1, 3),
    ties=st.booleans(),
)
def test_every_constructed_separation_is_refused(seed: int, n: int, k: int, ties: bool) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k))
    w = rng.normal(size=k)
    w[0] = 1.0 if abs(w[0]) < 0.1 else w[0]
    score = x @ w
    if ties:  # put a few rows exactly on the hyperplane, with either outcome (quasi-complete)
        on = rng.choice(n, size=max(2, n // 10), replace=False)
        x[on, 0] = -(x[on, 1:] @ w[1:]) / w[0] if k > 1 else 0.0
        score = x @ w
    y = (score > 0).astype(int)
    if ties:
        y[np.isclose(score, 0.0, atol=1e-12)] = rng.integers(0, 2, np.isclose(score, 0.0).sum())
    if min(y.sum(), n - y.sum()) < 2:
        return  # too few events: refused for that reason, not this test's subject
    names = [f"x{j}" for j in range(k)]
    df = pd.DataFrame(x, columns=names).assign(y=y)
    with pytest.raises(StatsInputError, match="separate"):
        logistic_regression(df, "y", names, multivariable="all")


@pytest.mark.parametrize("seed", range(4))
def test_closed_form_null_model_matches_statsmodels(seed: int) -> None:
    # statsmodels' own llnull (a Nelder-Mead refit of the intercept-only model) and prsquared
    # (McFadden) are the reference for the closed form the fit now uses.
    from statsmodels.discrete.discrete_model import Logit

    rng = np.random.default_rng(seed)
    n = 300 + 50 * seed
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.4 * seed - 0.5 + x)))).astype(float)
    design = np.column_stack([np.ones(n), x])
    reference = Logit(y, design).fit(disp=False)
    model = _logit_fit.fit_logit(pd.Series(y), pd.DataFrame({"x": x}), {})
    assert model.null_log_likelihood == pytest.approx(reference.llnull, rel=1e-9)
    assert model.pseudo_r2 == pytest.approx(reference.prsquared, rel=1e-7)
    assert model.log_likelihood == pytest.approx(reference.llf, rel=1e-12)
