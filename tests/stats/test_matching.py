"""1:1 sex- and age-matching: optimal pairs checked by hand and by brute force, flow counts."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbqcore.errors import CohortError, StatsInputError
from vbqcore.stats import match_pairs
from vbqcore.stats._assignment import lexicographic_assignment


def cohort(
    rows: list[tuple[str, str | None, str | None, float | None, str | None]],
) -> pd.DataFrame:
    """Rows of (id, group, sex, age, MR date)."""
    return pd.DataFrame(rows, columns=["pid", "group", "sex", "age", "mr_date"])


def pairs_by_id(result: object) -> list[tuple[str, str]]:
    frame = result.pairs  # type: ignore[attr-defined]
    return list(zip(frame["case_id"], frame["control_id"], strict=True))


def test_optimal_assignment_beats_greedy_on_date_gaps() -> None:
    # Same sex and age for all. Greedy in case order: A takes X (5 days), B is left with Y
    # (19 days): 24 days in total. The optimal matching is A-Y (9) + B-X (5) = 14 days.
    df = cohort(
        [
            ("A", "fracture", "F", 70, "2023-01-10"),
            ("B", "fracture", "F", 70, "2023-01-20"),
            ("X", "control", "F", 70, "2023-01-15"),
            ("Y", "control", "F", 70, "2023-01-01"),
        ]
    )
    r = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date",
                    id_col="pid")  # fmt: skip
    assert pairs_by_id(r) == [("A", "Y"), ("B", "X")]
    assert r.pairs["date_gap_days"].tolist() == [9, 5]
    assert r.pairs["pair_id"].tolist() == [1, 2]


def test_closest_date_wins_and_sex_and_age_must_agree() -> None:
    df = cohort(
        [
            ("A", "fracture", "F", 70, "2023-03-01"),
            ("far", "control", "F", 70, "2022-03-01"),
            ("near", "control", "F", 70, "2023-02-20"),
            ("man", "control", "M", 70, "2023-03-01"),
            ("older", "control", "F", 71, "2023-03-01"),
        ]
    )
    r = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date",
                    id_col="pid")  # fmt: skip
    assert pairs_by_id(r) == [("A", "near")]
    assert r.pairs.loc[0, "date_gap_days"] == 9
    assert sorted(r.unused_controls["pid"]) == ["far", "man", "older"]


def test_without_dates_ties_follow_input_order() -> None:
    df = cohort(
        [
            ("c1", "case", "F", 60, None),
            ("k1", "ctrl", "F", 60, None),
            ("c2", "case", "F", 60, None),
            ("k2", "ctrl", "F", 60, None),
            ("k3", "ctrl", "F", 60, None),
        ]
    )
    r = match_pairs(df, group="group", case="case", sex="sex", age="age", id_col="pid")
    assert pairs_by_id(r) == [("c1", "k1"), ("c2", "k2")]
    assert "date_gap_days" not in r.pairs.columns


def test_caliper_matches_near_ages_and_maximises_pairs() -> None:
    # Exact age: only B (71) has a control of its age (X, 71). With a 1-year caliper both
    # cases can be matched (A-X, B-Y) although pairing B with X would be an exact match.
    df = cohort(
        [
            ("A", "fracture", "F", 70, "2023-01-01"),
            ("B", "fracture", "F", 71, "2023-01-01"),
            ("X", "control", "F", 71, "2023-01-01"),
            ("Y", "control", "F", 72, "2023-01-01"),
        ]
    )
    exact = match_pairs(df, group="group", case="fracture", sex="sex", age="age", id_col="pid")
    assert pairs_by_id(exact) == [("B", "X")]
    assert exact.flow.unmatched_cases == {"no control of the same sex and age": 1}
    near = match_pairs(df, group="group", case="fracture", sex="sex", age="age", id_col="pid",
                       caliper=1)  # fmt: skip
    assert pairs_by_id(near) == [("A", "X"), ("B", "Y")]
    assert near.pairs["age_gap"].tolist() == [1.0, 1.0]


def test_caliper_prefers_age_gap_over_date_gap() -> None:
    df = cohort(
        [
            ("A", "fracture", "M", 70, "2023-01-01"),
            ("same_age_late", "control", "M", 70, "2024-01-01"),
            ("older_same_day", "control", "M", 71, "2023-01-01"),
        ]
    )
    r = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date",
                    id_col="pid", caliper=2)  # fmt: skip
    assert pairs_by_id(r) == [("A", "same_age_late")]


def test_all_candidates_used_and_no_candidate_reasons() -> None:
    df = cohort(
        [
            ("A", "fracture", "F", 70, None),
            ("B", "fracture", "F", 70, None),
            ("C", "fracture", "M", 80, None),
            ("X", "control", "F", 70, None),
        ]
    )
    r = match_pairs(df, group="group", case="fracture", sex="sex", age="age", id_col="pid")
    assert pairs_by_id(r) == [("A", "X")]
    reasons = dict(
        zip(r.unmatched_cases["pid"], r.unmatched_cases["unmatched_reason"], strict=True)
    )
    assert reasons == {
        "B": "all candidates already used",
        "C": "no control of the same sex and age",
    }


def test_no_match_at_all_is_a_result_not_an_error() -> None:
    df = cohort([("A", "fracture", "F", 70, None), ("X", "control", "M", 50, None)])
    r = match_pairs(df, group="group", case="fracture", sex="sex", age="age")
    assert r.pairs.empty and r.matched.empty
    assert r.flow.matched_pairs == 0 and r.flow.unused_controls == 1
    assert list(r.pairs.columns)[:3] == ["pair_id", "case_row", "control_row"]


def test_exclusions_and_flow_counts_add_up() -> None:
    df = cohort(
        [
            ("A", "fracture", "F", 70, "2023-01-01"),
            ("B", "fracture", None, 70, "2023-01-01"),
            ("C", "fracture", "F", None, "2023-01-01"),
            ("D", "fracture", "F", 70, None),
            ("X", "control", "female", 70, "2023-01-02"),
            ("Y", "control", "F", 70, None),
            ("Z", None, "F", 70, "2023-01-01"),
        ]
    )
    r = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date")
    f = r.flow
    assert (f.n_rows, f.n_cases, f.n_controls, f.n_other) == (7, 4, 2, 1)
    assert f.excluded_cases == {"missing sex": 1, "missing age": 1, "missing MR date": 1}
    assert f.excluded_controls == {"missing MR date": 1}
    assert (f.eligible_cases, f.eligible_controls, f.matched_pairs) == (1, 1, 1)
    assert f.eligible_cases == f.matched_pairs + sum(f.unmatched_cases.values())
    assert f.unused_controls == f.eligible_controls - f.matched_pairs
    assert r.excluded["excluded_reason"].tolist() == [
        "missing sex", "missing age", "missing MR date", "missing MR date"
    ]  # fmt: skip
    assert "matched pairs: 1" in f.summary()


def test_matched_frame_is_ready_for_the_cohort_explorer() -> None:
    df = cohort([("A", "1", "F", 70, None), ("X", "0", "F", 70, None), ("Y", "0", "M", 70, None)])
    r = match_pairs(df, group="group", case=1, sex="sex", age="age")
    assert list(r.matched.columns) == ["pair_id", *df.columns]
    assert r.matched["pid"].tolist() == ["A", "X"]
    assert r.matched["pair_id"].tolist() == [1, 1]
    assert r.matched.index.tolist() == [0, 1]  # input index labels are kept


@pytest.mark.parametrize("case_value", [1, "1", "1.0", 1.0])
def test_case_value_is_compared_as_typed(case_value: object) -> None:
    df = pd.DataFrame({"g": [1.0, 0.0, np.nan], "sex": ["F", "F", "F"], "age": [70, 70, 70]})
    r = match_pairs(df, group="g", case=case_value, sex="sex", age="age")  # type: ignore[arg-type]
    assert r.flow.n_cases == 1 and r.flow.n_controls == 1 and r.flow.matched_pairs == 1


def test_control_value_restricts_the_pool() -> None:
    df = pd.DataFrame(
        {"g": ["OVCF", "other", "LDD"], "sex": ["F"] * 3, "age": [70] * 3, "pid": ["a", "b", "c"]}
    )
    r = match_pairs(df, group="g", case="ovcf", control="LDD", sex="sex", age="age", id_col="pid")
    assert pairs_by_id(r) == [("a", "c")] and r.flow.n_other == 1


@pytest.mark.parametrize(
    "dates",
    [
        ["2023-01-10", "2023-01-15", "2023-01-01"],
        ["2023/01/10", "2023/01/15", "2023/01/01"],
        [20230110, 20230115, 20230101],  # DICOM StudyDate written as a number
        pd.to_datetime(["2023-01-10 08:00", "2023-01-15 23:00", "2023-01-01 00:00"]).tolist(),
    ],
)
def test_date_formats(dates: list[object]) -> None:
    df = pd.DataFrame({"g": ["c", "k", "k"], "sex": ["M"] * 3, "age": [66] * 3, "d": dates})
    r = match_pairs(df, group="g", case="c", sex="sex", age="age", date="d")
    assert r.pairs.loc[0, "control_row"] == 1 and r.pairs.loc[0, "date_gap_days"] == 5


def test_errors_name_columns_and_rows() -> None:
    df = cohort([("A", "fracture", "F", 70, "2023-01-01"), ("X", "control", "F", 70, "1/2/23")])
    with pytest.raises(CohortError, match=r"no column 'birth'.*available columns"):
        match_pairs(df, group="group", case="fracture", sex="sex", age="birth")
    with pytest.raises(
        CohortError, match=r"not dates \('1/2/23'\) in row 3 \(the header is row 1\)"
    ):
        match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date")
    with pytest.raises(CohortError, match=r"case value 'OVCF'; values present: 'control', 'fr"):
        match_pairs(df, group="group", case="OVCF", sex="sex", age="age")
    bad_sex = df.assign(sex=["F", "X"])
    with pytest.raises(CohortError, match=r"F or M .* 'X' in row 3"):
        match_pairs(bad_sex, group="group", case="fracture", sex="sex", age="age")
    with pytest.raises(StatsInputError, match=r"'age' must be numeric .* row 2"):
        match_pairs(df.assign(age=["seventy", 70]), group="group", case="fracture", sex="sex",
                    age="age")  # fmt: skip
    with pytest.raises(CohortError, match="caliper"):
        match_pairs(df, group="group", case="fracture", sex="sex", age="age", caliper=-1)


def test_deterministic_and_independent_of_row_order() -> None:
    rng = np.random.default_rng(7)
    n = 60
    days = rng.permutation(400)[:n]
    df = pd.DataFrame(
        {
            "pid": [f"p{i}" for i in range(n)],
            "group": np.where(np.arange(n) < 20, "case", "ctrl"),
            "sex": rng.choice(["F", "M"], n),
            "age": rng.integers(60, 64, n),
            "mr_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D"),
        }
    )
    kwargs = dict(group="group", case="case", sex="sex", age="age", date="mr_date", id_col="pid")
    first = match_pairs(df, **kwargs)  # type: ignore[arg-type]
    again = match_pairs(df, **kwargs)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(first.pairs, again.pairs)
    # Reordering rows may pick another of several equally good matchings (1-D date gaps tie
    # often), but never a worse one: same number of pairs, same total age and date gap.
    shuffled = match_pairs(df.sample(frac=1.0, random_state=3), **kwargs)  # type: ignore[arg-type]
    for col in ("age_gap", "date_gap_days"):
        assert shuffled.pairs[col].sum() == first.pairs[col].sum()
    assert len(shuffled.pairs) == len(first.pairs) > 0


def _brute_force(tiers: list[np.ndarray], feasible: np.ndarray) -> tuple[int, ...]:
    """Best (-pairs, tier-1 total, tier-2 total) over every injective case -> control map."""
    n_case, n_ctrl = feasible.shape
    best: tuple[int, ...] = (0,) + (0,) * len(tiers)
    for size in range(1, min(n_case, n_ctrl) + 1):
        for rows in itertools.combinations(range(n_case), size):
            for cols in itertools.permutations(range(n_ctrl), size):
                pairs = list(zip(rows, cols, strict=True))
                if all(feasible[r, c] for r, c in pairs):
                    key = (-size, *(sum(int(t[r, c]) for r, c in pairs) for t in tiers))
                    best = min(best, key)
    return best


def _tier_problem(n_case: int, n_ctrl: int) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    cells = n_case * n_ctrl
    return st.tuples(
        st.lists(st.integers(0, 3), min_size=cells, max_size=cells),  # e.g. age gap
        st.lists(st.integers(0, 400), min_size=cells, max_size=cells),  # e.g. date gap
        st.lists(st.booleans(), min_size=cells, max_size=cells),
    ).map(lambda t: tuple(np.array(v).reshape(n_case, n_ctrl) for v in t))


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 4).flatmap(lambda a: st.integers(1, 5).flatmap(lambda b: _tier_problem(a, b)))
)
def test_assignment_matches_brute_force(problem: tuple[np.ndarray, ...]) -> None:
    # Lexicographic optimum (most pairs, then least tier-1 total, then least tier-2 total)
    # found by trying every matching, against one linear_sum_assignment call.
    age, date, feasible = problem
    feasible = feasible.astype(bool)
    pairs = lexicographic_assignment([age, date], feasible=feasible)
    got = (-len(pairs), *(sum(int(t[r, c]) for r, c in pairs) for t in (age, date)))
    assert got == _brute_force([age, date], feasible)
    assert all(feasible[r, c] for r, c in pairs)
    assert len({r for r, _ in pairs}) == len({c for _, c in pairs}) == len(pairs)


def test_to_dict_is_plain_json() -> None:
    df = cohort([("A", "fracture", "F", 70, "2023-01-01"), ("X", "control", "F", 70, "2023-01-03")])
    d = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date",
                    id_col="pid").to_dict()  # fmt: skip
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert d["pairs"][0]["control_date"] == "2023-01-03" and d["flow"]["matched_pairs"] == 1
