"""Categorical comparisons: too many categories are refused; the Monte Carlo Fisher fallback
returns a plain float (scipy 1.17 gives a 1-element array) close to the chi-square p."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from vbqcore.errors import StatsInputError
from vbqcore.stats import compare_groups
from vbqcore.stats._group_tests import MAX_CATEGORIES, freeman_halton


def test_too_many_categories_is_a_clear_refusal() -> None:
    n = 2 * (MAX_CATEGORIES + 1)
    frame = pd.DataFrame(
        {"group": ["a", "b"] * (n // 2), "date": [f"2024-01-{i:02d}" for i in range(n)]}
    )
    with pytest.raises(StatsInputError, match=f"'date' has {n} distinct text values"):
        compare_groups(frame, "group", ["date"])


def test_monte_carlo_fallback_is_a_float_near_chi_square() -> None:
    rng = np.random.default_rng(3)
    table = rng.integers(20, 40, size=(12, 2))  # far too many tables to enumerate
    p, method = freeman_halton(table)
    assert isinstance(p, float) and "Monte Carlo" in method
    # With every expected count above 20, Pearson's chi-square p approximates Fisher's.
    chi2_p = stats.chi2_contingency(table, correction=False).pvalue
    assert p == pytest.approx(chi2_p, abs=0.03)
