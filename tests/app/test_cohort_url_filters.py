"""AppTest: filter values from a link or an earlier data set are read, fitted or named (issue 12).

Streamlit drops a query parameter it cannot use without a word, and raises when a slider's value
lies outside the data; the cohort explorer accepts the obvious spellings and says what it changed.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqapp.cohort.filter_inputs import clamp_range, parse_range, sex_option
from vbqapp.state import COHORT_INCOMING_DATASET, IncomingDataset
from vbqcore.paper.demo_cohort import load_demo_cohort

APP = str(ROOT / "app.py")
PAGE = "pages/cohort.py"
LABELS = {"all": "All", "F": "Women", "M": "Men"}


def _open(query: dict[str, str | list[str]], state: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(PAGE)
    for key, value in query.items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _notices(at: AppTest) -> list[str]:
    return [w.value for w in at.sidebar.warning]


@pytest.mark.parametrize(
    ("raw", "option"),
    [("M", "M"), ("men", "M"), ("Male", "M"), ("F", "F"), ("women", "F"), ("w", "F"),
     ("Women", "F"), ("all", "all"), ("both", "all"), ("x", None), ("", None)],
)  # fmt: skip
def test_sex_option_reads_the_obvious_spellings(raw: str, option: str | None) -> None:
    assert sex_option(raw, LABELS) == option


def test_clamp_and_parse_range() -> None:
    assert clamp_range((56, 90), (58, 93)) == (58, 90)
    assert clamp_range((90, 56), (58, 93)) == (58, 90)  # reversed input is read low→high
    assert clamp_range((40, 57), (58, 93)) is None
    assert parse_range(["60", "80"]) == (60.0, 80.0)
    assert parse_range(["80", "60"]) == (60.0, 80.0)
    assert parse_range(["60"]) is None and parse_range(["a", "b"]) is None
    assert parse_range(["nan", "80"]) is None


@pytest.mark.parametrize("raw", ["M", "men", "male"])
def test_sex_aliases_in_the_url_filter_the_men(raw: str) -> None:
    demo = load_demo_cohort()
    at = _open({"cohort_sex": raw})
    assert at.radio(key="cohort_sex").value == "M"
    men = demo[demo["sex"] == "M"]["group"].value_counts()
    assert {m.label: int(m.value) for m in at.sidebar.metric} == {
        "fracture": int(men["fracture"]),
        "control": int(men["control"]),
    }
    assert not _notices(at)


def test_an_unknown_sex_in_the_url_is_named_not_silently_dropped() -> None:
    at = _open({"cohort_sex": "xyz"})
    assert at.radio(key="cohort_sex").value == "all"
    assert any("'xyz' in the link is not recognised" in n for n in _notices(at))


def test_an_age_range_beyond_the_data_is_fitted_with_a_notice() -> None:
    # The demo cohort spans 56–90 years; the link asks 40–80.
    at = _open({"cohort_age": ["40", "80"]})
    assert at.slider(key="cohort_age").value == (56, 80)
    assert any("(40–80) narrowed to 56–80" in n for n in _notices(at))


def test_an_age_range_wholly_outside_is_dropped_with_a_notice() -> None:
    at = _open({"cohort_age": ["20", "30"]})
    assert at.slider(key="cohort_age").value == (56, 90)
    assert any("lies outside this data set (56–90)" in n for n in _notices(at))


def test_a_session_range_from_another_data_set_does_not_crash() -> None:
    # The crash of issue 12: a range kept in the session (56–90, from "Reset filters" on the
    # demo) reaching a table whose ages start at 58 raised StreamlitValueBelowMinError.
    demo = load_demo_cohort()
    older = demo[demo["age"] >= 58].reset_index(drop=True)
    incoming = IncomingDataset("Older patients", older, None)
    at = _open({}, state={COHORT_INCOMING_DATASET: incoming, "cohort_age": (50, 80)})
    assert at.slider(key="cohort_age").value == (58, 80)
    assert any("(50–80) narrowed to 58–80" in n for n in _notices(at))
    shown = older[older["age"].between(58, 80)]["group"].value_counts()
    assert {m.label: int(m.value) for m in at.sidebar.metric} == {
        "fracture": int(shown["fracture"]),
        "control": int(shown["control"]),
    }


def test_an_unknown_column_filter_in_the_url_is_named() -> None:
    at = _open({"cohort_cat_cols": ["no_such_column"]})
    assert any("'no_such_column' in the link ignored" in n for n in _notices(at))
