"""vbqcore.cohort.table and vbqcore.cohort.mapping: mapping, validation, the prepared frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.cohort_fixture import make_table, si_columns
from vbqcore.cohort.table import (
    AGE,
    GROUP,
    ROW,
    SEX,
    ColumnMapping,
    ScoreSource,
    default_mapping,
    guess_mapping,
    prepare_cohort,
)
from vbqcore.errors import CohortError, ScoreError, StatsInputError
from vbqcore.vbq import ScoreName

SCORES = tuple((s.value, s.value) for s in ScoreName)


@pytest.fixture
def table() -> pd.DataFrame:
    return make_table(20, seed=11)


def _mapping(**changes: object) -> ColumnMapping:
    base: dict[str, object] = {
        "group": "group",
        "positive": "fracture",
        "sex": "sex",
        "age": "age",
        "bmi": "bmi",
        "dexa": ("fn_bmd",),
        "scores": SCORES,
    }
    return ColumnMapping(**(base | changes))  # type: ignore[arg-type]


def test_guess_reads_the_usual_names(table: pd.DataFrame) -> None:
    guess = guess_mapping(table)
    assert guess["group"] == "group" and guess["positive"] == "fracture"
    assert (guess["sex"], guess["age"], guess["bmi"]) == ("sex", "age", "bmi")
    assert guess["dexa"] == ["fn_bmd"]
    assert guess["scores"] == {s.value: s.value for s in ScoreName}
    assert guess["score_source"] == "columns"


def test_guess_prefers_si_when_there_are_no_score_columns(table: pd.DataFrame) -> None:
    only_si = table.drop(columns=[s.value for s in ScoreName])
    assert guess_mapping(only_si)["score_source"] == "si"


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["VBQ-T2", "Gender", "AGE"], {"vbq_t2": "VBQ-T2"}),
        (["vbq t1", "sex"], {"vbq_t1": "vbq t1"}),
    ],
)
def test_guess_tolerates_spelling(columns: list[str], expected: dict[str, str]) -> None:
    df = pd.DataFrame({c: [1.0] for c in columns} | {"outcome": ["1"]})
    assert guess_mapping(df)["scores"] == expected


def test_prepared_frame_has_fixed_columns(table: pd.DataFrame) -> None:
    cohort = prepare_cohort(table, _mapping(), name="fixture.csv")
    frame = cohort.frame
    assert list(frame.columns[:5]) == [ROW, GROUP, SEX, AGE, "bmi"]
    assert cohort.groups == ("fracture", "control")
    assert frame[ROW].tolist() == list(range(2, len(table) + 2))  # header is row 1
    assert cohort.scores == tuple(ScoreName)
    assert "site" in cohort.extra and "id" in cohort.extra
    np.testing.assert_array_equal(frame["vbq_t2"], table["vbq_t2"])
    assert frame[SEX].tolist() == table["sex"].tolist()
    assert "site" not in cohort.numeric_columns()


def test_si_mode_computes_the_same_scores(table: pd.DataFrame) -> None:
    mapping = _mapping(scores=(), score_source=ScoreSource.SI)
    cohort = prepare_cohort(table.drop(columns=[s.value for s in ScoreName]), mapping)
    for s in ScoreName:  # the fixture's scores come from compute_vbq row by row
        np.testing.assert_array_equal(cohort.frame[s.value], table[s.value])
    assert not any(c in cohort.extra for c in si_columns())


def test_sex_spellings_are_read(table: pd.DataFrame) -> None:
    table = table.copy()
    table["sex"] = ["female", "Male", " f ", "M"] * (len(table) // 4)
    cohort = prepare_cohort(table, _mapping())
    assert cohort.frame[SEX].tolist()[:4] == ["F", "M", "F", "M"]


def test_blank_group_rows_are_left_out_with_a_note(table: pd.DataFrame) -> None:
    table = table.copy()
    table.loc[[3, 8], "group"] = np.nan
    cohort = prepare_cohort(table, _mapping())
    assert len(cohort.frame) == len(table) - 2
    assert cohort.notes and "rows 5, 10" in cohort.notes[0]


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"age": "age_years"}, CohortError, r"no column 'age_years'.*available columns"),
        ({"scores": (("vbq_t2", "VBQ2"),)}, CohortError, r"no column 'VBQ2'"),
        ({"scores": ()}, CohortError, "no score column mapped"),
        ({"positive": "ovcf"}, StatsInputError, "positive value 'ovcf' does not occur"),
    ],
)
def test_mapping_errors_name_the_column(
    table: pd.DataFrame, change: dict[str, object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        prepare_cohort(table, _mapping(**change), name="fixture.csv")


@pytest.mark.parametrize(
    ("column", "cells", "error", "match"),
    [
        ("sex", {4: "X", 6: "unknown"}, CohortError, r"'sex' \(sex\).*rows 6, 8"),
        ("age", {0: 350.0}, CohortError, r"'age' \(age in years\).*0-120.*row 2 "),
        ("bmi", {2: "n.a."}, StatsInputError, r"'bmi' must be numeric.*row 4 "),
        ("vbq_t1", {1: -0.5}, CohortError, r"VBQ-T1\) is negative in row 3 "),
        ("group", {0: "other"}, StatsInputError, "exactly two values"),
    ],
)
def test_bad_cells_are_named_by_row(
    table: pd.DataFrame, column: str, cells: dict[int, object], error: type[Exception], match: str
) -> None:
    table = table.astype({column: object})
    for index, value in cells.items():
        table.loc[index, column] = value
    with pytest.raises(error, match=match):
        prepare_cohort(table, _mapping(), name="fixture.csv")


def test_si_mode_without_si_columns(table: pd.DataFrame) -> None:
    mapping = _mapping(scores=(), score_source=ScoreSource.SI)
    with pytest.raises(ScoreError, match="no SI columns"):
        prepare_cohort(table[["group", "sex", "age", "bmi", "fn_bmd"]], mapping)


def test_si_rows_that_fail_are_reported(table: pd.DataFrame) -> None:
    table = table.drop(columns=[s.value for s in ScoreName]).copy()
    table.loc[1, "T2_CSF"] = -1.0
    cohort = prepare_cohort(table, _mapping(scores=(), score_source=ScoreSource.SI))
    assert cohort.si_errors[0].startswith("row 3: T2 CSF")
    assert np.isnan(cohort.frame.loc[1, "vbq_t2"])
    assert any("could not be scored" in note for note in cohort.notes)


def test_mapping_round_trips_through_a_dict() -> None:
    mapping = _mapping()
    assert ColumnMapping.from_dict(mapping.to_dict()) == mapping
    assert hash(mapping) == hash(ColumnMapping.from_dict(mapping.to_dict()))


def test_unknown_score_name_in_a_mapping() -> None:
    with pytest.raises(CohortError, match="unknown score 'vbq_t3'"):
        _mapping(scores=(("vbq_t3", "x"),))


def test_default_mapping_keeps_the_preferred_columns(table: pd.DataFrame) -> None:
    renamed = table.rename(columns={"group": "status", "age": "years"})
    preferred = {"group": "status", "positive": "fracture", "age": "years", "id": "id"}
    mapping = default_mapping(renamed, name="matched", preferred=preferred)
    assert (mapping.group, mapping.positive, mapping.age, mapping.sex) == (
        "status",
        "fracture",
        "years",
        "sex",
    )


@pytest.mark.parametrize(
    ("drop", "match"),
    [
        (["group"], r"no group column .*'group'.*Available columns: 'id'"),
        ([s.value for s in ScoreName] + si_columns(), "no score column"),
    ],
)
def test_default_mapping_says_what_is_missing(
    table: pd.DataFrame, drop: list[str], match: str
) -> None:
    with pytest.raises(CohortError, match=match):
        default_mapping(table.drop(columns=drop), name="upload.csv")


def test_default_mapping_needs_the_positive_value() -> None:
    df = pd.DataFrame({"group": ["a", "b"], "vbq_t2": [0.5, 0.6]})
    with pytest.raises(CohortError, match=r"which value of column 'group' marks a case \(a, b\)"):
        default_mapping(df, name="t.csv")


def test_default_mapping_drops_preferred_scores_the_table_lacks(table: pd.DataFrame) -> None:
    only_si = table.drop(columns=[s.value for s in ScoreName])
    demo_like = _mapping().to_dict()  # the score columns of the table shown before
    mapping = default_mapping(only_si, name="sis.csv", preferred=demo_like)
    assert mapping.score_source is ScoreSource.SI and mapping.scores == ()


def test_default_mapping_keeps_si_when_preferred(table: pd.DataFrame) -> None:
    preferred = _mapping(scores=(), score_source=ScoreSource.SI, method="median").to_dict()
    mapping = default_mapping(table, name="t.csv", preferred=preferred)
    assert mapping.score_source is ScoreSource.SI and mapping.method.value == "median"


def test_default_mapping_ignores_a_positive_the_table_lacks(table: pd.DataFrame) -> None:
    recoded = table.assign(group=table["group"].map({"fracture": "case", "control": "ctrl"}))
    mapping = default_mapping(recoded, name="t.csv", preferred=_mapping().to_dict())
    assert (mapping.group, mapping.positive) == ("group", "case")
