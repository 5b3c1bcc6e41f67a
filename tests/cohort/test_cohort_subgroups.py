"""Tests of vbqcore.cohort.subgroups: subgroup AUCs against scikit-learn, Table 1 per subgroup."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from tests.cohort_fixture import make_table
from vbqcore.cohort.analysis import readiness_message
from vbqcore.cohort.filters import group_counts
from vbqcore.cohort.subgroups import subgroup_analysis, subgroup_table_one
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.errors import StatsInputError


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    table = make_table(40, seed=2)
    return prepare_cohort(table, default_mapping(table, name="fixture"), name="fixture")


def _y(frame: pd.DataFrame, cohort: Cohort) -> np.ndarray:
    return (frame["group"] == cohort.positive).to_numpy()


def test_subgroup_aucs_match_sklearn(cohort: Cohort) -> None:
    analysis = subgroup_analysis(
        cohort.frame, cohort, ["vbq_t2"], age_edges=(70,), variables=["age", "sex", "vbq_t2"]
    )
    labels = [(row.subgroup, row.score.value) for row in analysis.aucs]
    assert labels[0] == ("All", "vbq_t2") and ("Women", "vbq_t2") in labels
    women = cohort.frame[cohort.frame["sex"] == "F"]
    row = next(r for r in analysis.aucs if r.subgroup == "Women")
    assert row.auc == pytest.approx(roc_auc_score(_y(women, cohort), women["vbq_t2"]), abs=1e-12)
    assert (row.n_pos, row.n_neg) == tuple(group_counts(women, cohort).values())
    women_table = dict(analysis.tables)["Women"]
    assert women_table.comparison is not None
    assert [r.variable for r in women_table.comparison.rows] == ["Age (years)", "VBQ-T2"]


def test_subgroup_with_one_group_has_no_auc(cohort: Cohort) -> None:
    frame = cohort.frame[~((cohort.frame["sex"] == "M") & (cohort.frame["group"] == "control"))]
    analysis = subgroup_analysis(frame, cohort, ["vbq_t2"], age_edges=None, variables=["age"])
    men = next(r for r in analysis.aucs if r.subgroup == "Men")
    assert math.isnan(men.auc) and men.note.startswith("not estimable")
    assert ("Men", readiness_message(group_counts(frame[frame["sex"] == "M"], cohort), cohort)) in (
        analysis.notes
    )


def test_one_subgroup_table_equals_the_full_analysis(cohort: Cohort) -> None:
    variables = ["age", "sex", "vbq_t2"]
    full = dict(
        subgroup_analysis(
            cohort.frame, cohort, ["vbq_t2"], age_edges=(70,), variables=variables
        ).tables
    )
    one = subgroup_table_one(cohort.frame, cohort, "age ≥ 70", variables, age_edges=(70,))
    assert one.to_frame().equals(full["age ≥ 70"].to_frame())


def test_unknown_or_small_subgroup_table(cohort: Cohort) -> None:
    with pytest.raises(StatsInputError, match="no subgroup 'Children'"):
        subgroup_table_one(cohort.frame, cohort, "Children", ["age"])
    few = cohort.frame[~((cohort.frame["sex"] == "M") & (cohort.frame["group"] == "control"))]
    with pytest.raises(StatsInputError, match="Men: Only one group is left"):
        subgroup_table_one(few, cohort, "Men", ["age"])


def test_a_filtered_sex_leaves_no_empty_or_duplicate_subgroup(cohort: Cohort) -> None:
    # Issue 12: with women filtered, "Men (0/0)" and a "Women" row equal to "All" were shown.
    women = cohort.frame[cohort.frame["sex"] == "F"]
    analysis = subgroup_analysis(women, cohort, ["vbq_t2"], age_edges=(70,))
    labels = [row.subgroup for row in analysis.aucs]
    assert "Men" not in labels and "Women" not in labels
    assert labels[0] == "All" and {"age < 70", "age ≥ 70"} <= set(labels)
    assert dict(analysis.notes) == {
        "Men": "no patients under the current filters",
        "Women": "every patient shown; see the 'All' row",
    }
    with pytest.raises(StatsInputError, match="no subgroup 'Men'"):
        subgroup_table_one(women, cohort, "Men", ["age"], age_edges=(70,))
