"""Regression predictors: sex offered (1 = male), identifiers and raw SI hidden (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from tests.cohort_fixture import make_table
from vbqcore.cohort.analysis import regression
from vbqcore.cohort.predictors import (
    MALE_SEX_LABEL,
    default_predictors,
    hidden_predictors,
    is_identifier,
    male_indicator,
    offered_predictors,
)
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    table = make_table(40, seed=5)
    table["case_row"] = np.arange(1, len(table) + 1)  # a row number a user left in the table
    table["record"] = np.arange(1000, 1000 + len(table))
    return prepare_cohort(table, default_mapping(table, name="fixture"), name="fixture")


def test_sex_offered_identifiers_and_raw_si_hidden(cohort: Cohort) -> None:
    offered = offered_predictors(cohort)
    assert offered[0] == "sex" and {"age", "bmi", "vbq_t1", "vbq_t2"} <= set(offered)
    assert not {"case_row", "record", "T2_L1", "T1_CSF"} & set(offered)
    assert {"case_row", "record", "T2_L1"} <= set(hidden_predictors(cohort))
    assert {"case_row", "T2_L1"} <= set(offered_predictors(cohort, include_hidden=True))
    assert default_predictors(cohort) == tuple(s.value for s in cohort.scores)


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("patient_id", [7, 3, 9], True),
        ("MRN", [1.5, 2.5, 3.5], True),
        ("serial", [1, 2, 3, 4], True),  # consecutive whole numbers: a row number
        ("age", [70, 71, 72, 74], False),
        ("bmi", [21.5, 22.0, 23.1], False),
    ],
)
def test_is_identifier(name: str, values: list[float], expected: bool) -> None:
    assert is_identifier(name, pd.Series(values)) is expected


def test_sex_enters_as_male_indicator_matching_statsmodels(cohort: Cohort) -> None:
    frame = cohort.frame
    result = regression(frame, cohort, ["sex", "vbq_t2"], multivariable="all", per_tenth=True)
    row = result.univariable_for(MALE_SEX_LABEL).terms[0]
    # Independent fit: statsmodels Logit of fracture on the 0/1 male column.
    y = (frame["group"] == cohort.positive).astype(float)
    x = sm.add_constant(male_indicator(frame).to_numpy())
    fit = sm.Logit(y.to_numpy(), x).fit(disp=0)
    assert row.odds_ratio == pytest.approx(math.exp(fit.params[1]), rel=1e-6)
    assert male_indicator(frame).sum() == (frame["sex"] == "M").sum()
    # OR per 0.1 of VBQ-T2 = exp(0.1·β).
    t2 = result.univariable_for("VBQ-T2").terms[0]
    assert t2.per_unit is not None and t2.per_unit.unit == 0.1
    assert t2.per_unit.odds_ratio == pytest.approx(math.exp(0.1 * math.log(t2.odds_ratio)))
