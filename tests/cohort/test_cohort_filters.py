"""Tests of vbqcore.cohort.filters: which rows each filter keeps, subgroups, age bands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cohort_fixture import make_table
from vbqcore.anatomy import Sex
from vbqcore.cohort.filters import (
    BLANK,
    CohortFilters,
    DexaFilter,
    age_band_labels,
    apply_filters,
    column_values,
    filter_columns,
    filter_mask,
    group_counts,
    parse_age_edges,
    split_subgroups,
)
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.errors import CohortError


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return make_table(30, seed=5)


@pytest.fixture(scope="module")
def cohort(table: pd.DataFrame) -> Cohort:
    return prepare_cohort(table, default_mapping(table, name="fixture"), name="fixture")


def test_no_filter_keeps_everyone(cohort: Cohort) -> None:
    assert not CohortFilters().active
    assert apply_filters(cohort, CohortFilters()) is cohort.frame
    assert group_counts(cohort.frame, cohort) == {"fracture": 30, "control": 30}


def test_each_filter_against_a_direct_pandas_query(table: pd.DataFrame, cohort: Cohort) -> None:
    filters = CohortFilters(
        sex=Sex.F,
        age=(60, 80),
        bmi=(20, 30),
        dexa=DexaFilter.WITH,
        categories=(("site", ("north", "east")),),
    )
    expected = table[
        (table["sex"] == "F")
        & table["age"].between(60, 80)
        & table["bmi"].between(20, 30)
        & table["fn_bmd"].notna()
        & table["site"].isin(["north", "east"])
    ]
    kept = apply_filters(cohort, filters)
    assert kept["id"].tolist() == expected["id"].tolist()
    counts = group_counts(kept, cohort)
    assert counts == expected["group"].value_counts().reindex(["fracture", "control"]).to_dict()


def test_without_dexa_is_the_complement(cohort: Cohort) -> None:
    with_ = filter_mask(cohort, CohortFilters(dexa=DexaFilter.WITH))
    without = filter_mask(cohort, CohortFilters(dexa=DexaFilter.WITHOUT))
    assert (with_ ^ without).all()


def test_a_blank_category_can_be_kept(cohort: Cohort) -> None:
    assert column_values(cohort, "fractured") == ("L1", "L2;L3", "L4", "T12", BLANK)
    kept = apply_filters(cohort, CohortFilters(categories=(("fractured", (BLANK,)),)))
    assert set(kept["group"]) == {"control"} and len(kept) == 30


def test_filter_columns_offers_categories_not_identifiers(cohort: Cohort) -> None:
    offered = filter_columns(cohort)
    assert "site" in offered and "fractured" in offered
    assert "id" not in offered


def test_filters_are_hashable_and_normalised() -> None:
    a = CohortFilters(sex="F", age=(60, 80))  # type: ignore[arg-type]
    b = CohortFilters(sex=Sex.F, age=(60.0, 80.0))
    assert a == b and hash(a) == hash(b)
    assert a.describe() == "women, age 60–80"


@pytest.mark.parametrize(
    ("filters", "match"),
    [
        (CohortFilters(categories=(("ward", ("A",)),)), "no column 'ward'"),
    ],
)
def test_filter_on_a_missing_column(cohort: Cohort, filters: CohortFilters, match: str) -> None:
    with pytest.raises(CohortError, match=match):
        filter_mask(cohort, filters)


def test_sex_filter_without_a_sex_column(table: pd.DataFrame) -> None:
    mapping = default_mapping(table.drop(columns=["sex"]), name="t")
    cohort = prepare_cohort(table.drop(columns=["sex"]), mapping, name="t")
    with pytest.raises(CohortError, match="no sex column is mapped"):
        filter_mask(cohort, CohortFilters(sex=Sex.M))


def test_reversed_range_is_refused() -> None:
    with pytest.raises(CohortError, match="low <= high"):
        CohortFilters(age=(80, 60))


@settings(max_examples=50, deadline=None)
@given(low=st.integers(50, 95), width=st.integers(0, 40))
def test_age_filter_keeps_exactly_the_closed_range(cohort: Cohort, low: int, width: int) -> None:
    kept = apply_filters(cohort, CohortFilters(age=(low, low + width)))
    ages = cohort.frame["age"]
    assert len(kept) == int(((ages >= low) & (ages <= low + width)).sum())


def test_subgroups_split_by_sex_and_age(cohort: Cohort) -> None:
    subgroups = split_subgroups(cohort.frame, age_edges=(65, 75))
    labels = [s.label for s in subgroups]
    assert labels == ["Women", "Men", "age < 65", "age 65 to < 75", "age ≥ 75"]
    sexes, ages = subgroups[:2], subgroups[2:]
    assert sum(s.n for s in sexes) == len(cohort.frame)
    assert sum(s.n for s in ages) == len(cohort.frame)
    age = cohort.frame["age"].to_numpy()
    assert ages[1].n == int(((age >= 65) & (age < 75)).sum())
    assert not np.any(ages[0].mask & ages[1].mask)


@pytest.mark.parametrize(
    ("text", "edges"),
    [("65, 75", (65.0, 75.0)), ("70", (70.0,)), ("60;70; 80", (60.0, 70.0, 80.0))],
)
def test_parse_age_edges(text: str, edges: tuple[float, ...]) -> None:
    assert parse_age_edges(text) == edges
    assert len(age_band_labels(edges)) == len(edges) + 1


@pytest.mark.parametrize("text", ["", "75, 65", "sixty", "65, 65"])
def test_bad_age_edges(text: str) -> None:
    with pytest.raises(CohortError, match="increasing ages"):
        parse_age_edges(text)
