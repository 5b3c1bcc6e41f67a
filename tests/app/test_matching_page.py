"""AppTest: the matching page on the example, on bad uploads, and the cohort-explorer hand-off."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqapp.navigation import PAGES
from vbqapp.state import COHORT_INCOMING_DATASET, MATCH_RESULT
from vbqapp.studies.matching_inputs import RUN_KEY, UPLOAD_KEY, MatchSettings
from vbqapp.studies.matching_results import COHORT_PAGE, cohort_payload
from vbqcore.stats import match_pairs

APP = str(ROOT / "app.py")
PAGE = "pages/matching.py"
EXAMPLE = ROOT / "data" / "examples" / "matching_candidates.csv"


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at: AppTest) -> AppTest:
    at.button(key=RUN_KEY).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at: AppTest, name: str, df: pd.DataFrame) -> AppTest:
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    at.file_uploader(key=UPLOAD_KEY).upload(name, buf.getvalue().encode(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_example_guesses_columns_runs_and_shows_the_flow() -> None:
    at = _open()
    assert at.title[0].value == "Case–control matching"
    assert at.selectbox(key="match_group").value == "group"
    assert at.selectbox(key="match_case").value == "fracture"
    assert at.selectbox(key="match_date").value == "mr_date"
    assert any("press **Run matching**" in i.value for i in at.info)
    _run(at)
    # Reference: the library on the same file and settings (the page adds no logic).
    df = pd.read_csv(EXAMPLE)
    ref = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date")
    m = _metrics(at)
    assert m["Matched pairs"] == str(ref.flow.matched_pairs) == "25"
    assert m["Eligible cases"] == str(ref.flow.eligible_cases)
    assert m["Cases not matched"] == "2"
    assert len(at.get("plotly_chart")) == 1
    pairs = at.dataframe[1].value
    assert len(pairs) == 25
    assert list(pairs.columns[:3]) == ["Pair", "Case row in file", "Control row in file"]
    # Rows as a spreadsheet numbers them (header = row 1): the library's 0-based index + 2.
    assert pairs["Case row in file"].tolist() == (ref.pairs["case_row"] + 2).tolist()
    labels = [d.proto.label for d in at.get("download_button")]
    assert labels[:4] == [
        "Matched set (CSV)",
        "Pairs (CSV)",
        "Flow counts (CSV)",
        "Left out (CSV)",
    ]


def test_changing_a_setting_marks_the_result_stale() -> None:
    at = _run(_open())
    at.number_input(key="match_caliper").set_value(1.0).run()
    assert not at.metric
    assert any("settings changed" in i.value for i in at.info)
    _run(at)
    assert int(_metrics(at)["Matched pairs"]) >= 25  # a caliper can only add pairs here


def test_bad_age_shows_the_rows_and_keeps_the_settings() -> None:
    at = _open()
    at.number_input(key="match_caliper").set_value(2.0).run()
    df = pd.read_csv(EXAMPLE).astype({"age": object})
    df.loc[4, "age"] = "sixty"
    _upload(at, "candidates.csv", df)
    _run(at)
    assert len(at.error) == 1
    assert "'age' must be numeric" in at.error[0].value and "row 6" in at.error[0].value
    assert at.number_input(key="match_caliper").value == 2.0
    assert at.selectbox(key="match_group").value == "group"
    assert MATCH_RESULT not in at.session_state


def test_unrecognised_columns_ask_to_choose() -> None:
    df = pd.read_csv(EXAMPLE).rename(columns={"sex": "geschlecht", "age": "alter"})
    at = _upload(_open(), "renamed.csv", df)
    assert any("Choose the sex, age above" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == RUN_KEY]  # the page stops before the button
    at.selectbox(key="match_sex").set_value("geschlecht").run()
    at.selectbox(key="match_age").set_value("alter").run()
    _run(at)
    assert _metrics(at)["Matched pairs"] == "25"


def test_another_case_word_is_recognised() -> None:
    df = pd.read_csv(EXAMPLE)
    df["group"] = df["group"].replace({"fracture": "ovcf"})
    at = _upload(_open(), "c.csv", df)
    assert at.selectbox(key="match_case").value == "ovcf"  # recognised as the case value
    _run(at)
    assert _metrics(at)["Matched pairs"] == "25"


def test_cohort_payload_carries_the_matched_rows_and_mapping() -> None:
    df = pd.read_csv(EXAMPLE)
    settings = MatchSettings("group", "fracture", None, "sex", "age", "mr_date", "id", 0.0)
    result = match_pairs(
        df, group="group", case="fracture", sex="sex", age="age", date="mr_date", id_col="id"
    )
    payload = cohort_payload(result, settings, "c.csv")
    assert payload.name == "Matched set from c.csv (25 pairs)"
    frame = payload.frame
    assert frame is not result.matched and frame.equals(result.matched)
    assert list(frame.columns[:2]) == ["pair_id", "id"]
    assert payload.mapping == {
        "group": "group",
        "positive": "fracture",
        "sex": "sex",
        "age": "age",
    }


@pytest.mark.skipif(
    not any(p.path == COHORT_PAGE for p in PAGES), reason="the cohort explorer page is not built"
)
def test_open_in_cohort_explorer_hands_the_matched_set_over() -> None:
    at = _run(_open())
    at.button(key="match_open_cohort").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # The button stored the matched set and switched page; the cohort explorer took it over
    # (it pops the hand-off key) and now analyses it.
    assert COHORT_INCOMING_DATASET not in at.session_state
    shown = " ".join(m.value for m in at.markdown)
    assert "Matched set from matching_candidates.csv (25 pairs)" in shown, shown[:500]
    assert "**25** fracture and **25** control patients" in shown
    assert not at.error


def test_an_unreadable_file_shows_an_error_and_the_settings_survive_it() -> None:
    at = _open()
    at.number_input(key="match_caliper").set_value(3.0).run()
    at.file_uploader(key=UPLOAD_KEY).upload("empty.csv", b"", "text/csv").run()
    assert not at.exception
    assert len(at.error) == 1 and "empty" in at.error[0].value
    at.file_uploader(key=UPLOAD_KEY).set_value(None).run()  # remove the bad file
    assert not at.error
    assert at.number_input(key="match_caliper").value == 3.0


@pytest.mark.slow
def test_flow_chart_png_download() -> None:
    at = _run(_open())
    at.toggle(key="match_png").set_value(True).run()
    assert not at.exception and not at.error
    png = [d for d in at.get("download_button") if d.proto.label == "matching_flow.png"]
    assert len(png) == 1
