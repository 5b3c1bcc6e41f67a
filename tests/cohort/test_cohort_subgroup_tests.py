"""Unpaired DeLong tests between subgroups: women vs men and age bands (issue 12)."""

from __future__ import annotations

import math

import pytest

from tests.cohort_fixture import make_table
from vbqcore.cohort.subgroup_tests import differences_frame, subgroup_differences
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.stats import roc_analysis


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    table = make_table(40, seed=2)
    return prepare_cohort(table, default_mapping(table, name="fixture"), name="fixture")


def test_women_vs_men_is_the_unpaired_delong_of_the_two_curves(cohort: Cohort) -> None:
    rows = subgroup_differences(cohort.frame, cohort, ["vbq_t2"], age_edges=(70,))
    pairs = [(r.first, r.second) for r in rows]
    assert pairs == [("Women", "Men"), ("age < 70", "age ≥ 70")]
    sex = rows[0].result
    assert sex is not None
    frame = cohort.frame
    women, men = frame[frame["sex"] == "F"], frame[frame["sex"] == "M"]
    rw = roc_analysis(women["group"] == "fracture", women["vbq_t2"])
    rm = roc_analysis(men["group"] == "fracture", men["vbq_t2"])
    # pROC's D = (AUC1 − AUC2) / sqrt(V1 + V2), each V the curve's own DeLong variance.
    assert sex.d == pytest.approx((rw.auc - rm.auc) / math.hypot(rw.se, rm.se), rel=1e-10)
    table = differences_frame(rows)
    assert list(table["Comparison"]) == ["Women vs Men", "age < 70 vs age ≥ 70"]
    assert table["Difference (95% CI)"].iloc[0].startswith(f"{rw.auc - rm.auc:.3f} (")


def test_filtered_to_women_only_age_bands_are_compared(cohort: Cohort) -> None:
    women = cohort.frame[cohort.frame["sex"] == "F"]
    rows = subgroup_differences(women, cohort, ["vbq_t2"], age_edges=(70,))
    assert [(r.first, r.second) for r in rows] == [("age < 70", "age ≥ 70")]


def test_too_small_subgroups_get_a_note_not_a_test(cohort: Cohort) -> None:
    small = cohort.frame.iloc[list(range(3)) + list(range(40, 43))]
    rows = subgroup_differences(small, cohort, ["vbq_t2"], age_edges=None)
    assert all(r.result is None and "needs ≥ 2" in r.note for r in rows)
    assert differences_frame(rows)["P value"].tolist() == [""] * len(rows)
