"""One reading of a sex cell (vbqcore.anatomy.Sex.parse), shared by the cohort and matching."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from vbqcore.anatomy import Sex
from vbqcore.cohort.mapping import default_mapping
from vbqcore.cohort.table import prepare_cohort
from vbqcore.stats.matching import parse_sex

SPELLINGS = [
    ("F", Sex.F), ("f", Sex.F), (" Female ", Sex.F), ("woman", Sex.F), ("WOMEN", Sex.F),
    ("w", Sex.F), ("女", Sex.F),
    ("M", Sex.M), ("male", Sex.M), ("Man", Sex.M), ("men", Sex.M), ("男", Sex.M),
]  # fmt: skip


@pytest.mark.parametrize(("text", "sex"), SPELLINGS)
def test_every_spelling_reads_the_same_in_cohort_and_matching(text: str, sex: Sex) -> None:
    assert Sex.parse(text) is sex
    assert parse_sex(text) is sex


@pytest.mark.parametrize("blank", [None, math.nan, pd.NA, "", "  ", "x", "unknown", 3])
def test_blank_or_unknown_is_none(blank: object) -> None:
    assert Sex.parse(blank) is None
    assert parse_sex(blank) is None


def test_cohort_table_accepts_chinese_and_w() -> None:
    df = pd.DataFrame(
        {
            "group": ["fracture", "control", "fracture", "control"],
            "sex": ["女", "男", "w", "M"],
            "age": [70, 71, 72, 73],
            "vbq_t2": [0.6, 0.5, 0.61, 0.52],
        }
    )
    cohort = prepare_cohort(df, default_mapping(df, name="t"), name="t")
    assert cohort.frame["sex"].astype(str).tolist() == ["F", "M", "F", "M"]
