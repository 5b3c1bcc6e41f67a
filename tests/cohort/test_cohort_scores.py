"""Tests of vbqcore.cohort.scores: table scoring equals compute_vbq row by row, bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cohort_fixture import make_table, si_columns
from vbqcore.cohort.scores import MAX_WORDED_ERRORS, scores_from_si, si_columns_of
from vbqcore.errors import ScoreError, StatsInputError
from vbqcore.measurements import CaseMeasurements
from vbqcore.vbq import ScoreName, compute_vbq


def _row_by_row(df: pd.DataFrame, method: str) -> tuple[np.ndarray, dict[int, str]]:
    """The reference: compute_vbq on each row, as `python -m vbqcore score` does."""
    out = np.full((len(df), len(ScoreName)), np.nan)
    errors = {}
    for i, record in enumerate(df.to_dict("records")):
        try:
            result = compute_vbq(CaseMeasurements.from_flat(record), method=method)
        except ScoreError as err:
            errors[i + 2] = str(err)
            continue
        out[i] = [math.nan if result.score(s) is None else result.score(s) for s in ScoreName]
    return out, errors


def test_hand_computed_row() -> None:
    # VBQ-T2 = mean(L1..L4) / CSF = (100 + 200 + 300 + 400) / 4 / 500 = 0.5; with L2 fractured
    # it is replaced by T12 (nearest free substitute, Huang et al.): (100 + 50 + 300 + 400) / 4
    # / 500 = 0.425.
    row = {"T2_T12": 50.0, "T2_L1": 100.0, "T2_L2": 200.0, "T2_L3": 300.0, "T2_L4": 400.0}
    df = pd.DataFrame(
        [row | {"T2_CSF": 500.0, "fractured": ""}, row | {"T2_CSF": 500.0, "fractured": "L2"}]
    )
    result = scores_from_si(df)
    assert result.scores["vbq_t2"].tolist() == [0.5, 0.425]
    assert result.scores["vbq_t1"].isna().all()
    assert not result.errors


@pytest.mark.parametrize("method", ["mean", "median"])
def test_fixture_equals_row_by_row(method: str) -> None:
    df = make_table(30, seed=3)[[*si_columns(), "fractured"]]
    expected, errors = _row_by_row(df, method)
    result = scores_from_si(df, method=method)
    np.testing.assert_array_equal(result.scores.to_numpy(), expected)
    assert not errors and not result.errors


def test_bad_rows_get_compute_vbqs_message() -> None:
    df = make_table(10, seed=1)[[*si_columns(), "fractured"]].copy()
    df.loc[2, "T2_CSF"] = 0.0  # CSF <= 0: the whole row is refused
    df.loc[5, "T1_L3"] = -4.0  # negative SI
    df.loc[7, ["STIR_CSF"]] = 2000.0  # T2 CSF - STIR CSF < 0: VBQ-T2-STIR undefined
    # T1 with a CSF SI but no body: T1 counts as measured and has no usable level.
    df.loc[9, [c for c in si_columns() if c.startswith("T1_") and c != "T1_CSF"]] = np.nan
    expected, errors = _row_by_row(df, "mean")
    result = scores_from_si(df)
    np.testing.assert_array_equal(result.scores.to_numpy(), expected)
    assert {e.row: e.message for e in result.errors} == errors
    assert sorted(errors) == [4, 7, 9, 11]  # spreadsheet rows: the header is row 1


def test_many_bad_rows_keep_a_generic_message() -> None:
    df = pd.DataFrame({"T2_L1": [1.0] * (MAX_WORDED_ERRORS + 5), "T2_CSF": 0.0})
    result = scores_from_si(df)
    assert len(result.errors) == MAX_WORDED_ERRORS + 5
    assert "must be > 0" in result.errors[0].message
    assert result.errors[-1].message.startswith("not scored")


_si = st.one_of(st.none(), st.floats(0.0, 2000.0, allow_nan=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.lists(_si, min_size=21, max_size=21),
            st.sampled_from(["", "L1", "L2;L3", "T12", "L1;L2;L3;L4", "L5", "T12;L5"]),
        ),
        min_size=1,
        max_size=12,
    ),
    method=st.sampled_from(["mean", "median"]),
)
def test_any_table_equals_row_by_row(
    rows: list[tuple[list[float | None], str]], method: str
) -> None:
    columns = si_columns()
    records = [dict(zip(columns, values, strict=True)) | {"fractured": f} for values, f in rows]
    df = pd.DataFrame(records, columns=[*columns, "fractured"]).astype({c: float for c in columns})
    expected, errors = _row_by_row(df, method)
    result = scores_from_si(df, method=method)
    np.testing.assert_array_equal(result.scores.to_numpy(), expected)
    assert {e.row: e.message for e in result.errors} == errors


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"age": [70]}), "no SI columns"),
        (pd.DataFrame({"T2_L6": [1.0], "T2_CSF": [2.0]}), "unknown level 'L6'"),
        (pd.DataFrame({"T2_L1": [1.0], "t2_l1": [1.0], "T2_CSF": [2.0]}), "both hold the T2 L1"),
        (pd.DataFrame({"T2_L1": [1.0], "T2_CSF": [2.0], "fractured": ["L9"]}), "row 2"),
    ],
)
def test_table_errors(frame: pd.DataFrame, match: str) -> None:
    with pytest.raises(ScoreError, match=match):
        scores_from_si(frame)


def test_text_in_an_si_column_names_the_rows() -> None:
    df = pd.DataFrame({"T2_L1": ["1", "x", "3"], "T2_CSF": [2.0, 2.0, 2.0]})
    with pytest.raises(StatsInputError, match=r"'T2_L1'.*row 3"):
        scores_from_si(df, source="upload.csv")


def test_si_columns_of_reads_any_case() -> None:
    df = pd.DataFrame(columns=["t2_l1", "STIR_csf", "age", "T1_notes"])
    assert set(si_columns_of(df)) == {"t2_l1", "STIR_csf"}


def test_bad_cells_row_refuses_only_that_row_with_compute_vbqs_message() -> None:
    # The score command's mode: text or inf in an SI cell refuses that row, the others score.
    df = pd.DataFrame(
        {
            "T2_L1": ["500", "x", "500", " 510 "],
            "T2_L2": ["600", "600", "inf", ""],
            "T2_CSF": ["1000", "1000", "1000", "1000"],
        }
    )
    with pytest.raises(StatsInputError, match=r"'T2_L1'.*row 3"):
        scores_from_si(df)
    result = scores_from_si(df, bad_cells="row", max_worded=None)
    # (500 + 600) / 2 / 1000 = 0.55; row 4: 510 / 1000 with L2-L4 left out
    assert result.scores["vbq_t2"].tolist()[0] == 0.55
    assert result.scores["vbq_t2"].tolist()[3] == 0.51
    assert [e.row for e in result.errors] == [3, 4]
    assert "'x' is not a number" in result.errors[0].message
    assert result.levels_used.tolist() == ["L1;L2", "", "", "L1"]
    assert "only 2 level(s)" in result.warnings.iloc[0]
    assert "only 1 level(s)" in result.warnings.iloc[3]
