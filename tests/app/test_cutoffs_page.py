"""AppTest: the Cut-offs page — table, filters, evidence plot, provenance, default target."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqapp.state import DEFAULT_TARGET
from vbqcore.literature import TargetGroup, load_library

APP = str(ROOT / "app.py")


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/cutoffs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest):  # type: ignore[no-untyped-def]
    return at.dataframe[0].value


def test_table_lists_the_whole_library() -> None:
    at = open_page()
    assert at.title[0].value == "Cut-offs"
    frame = table(at)
    lib = load_library()
    assert len(frame) == len(lib)
    assert {"target", "score", "threshold", "auc", "lr_positive", "doi"} <= set(frame.columns)
    hu = frame[frame["doi"] == "10.1007/s00198-024-07190-6"].iloc[0]
    assert (hu["threshold"], hu["auc"]) == (3.02, 0.81)
    assert at.metric[0].value == f"{len(lib)} of {len(lib)}"
    assert len(at.get("plotly_chart")) == 1


def test_filters() -> None:
    at = open_page()
    at.multiselect(key="cutoffs_groups").set_value([TargetGroup.SURGICAL_PLANNING]).run()
    frame = table(at)
    assert len(frame) and set(frame["target_group"]) == {"Surgical planning"}
    at.radio(key="cutoffs_field").set_value("3 T").run()
    at.multiselect(key="cutoffs_groups").set_value(list(TargetGroup)).run()
    frame = table(at)
    # Huang et al.'s thresholds were derived at 1.5 T: not shown at 3 T.
    assert not frame["doi"].eq("10.1177/21925682251339995").any()
    at.toggle(key="cutoffs_with_threshold").set_value(True).run()
    assert table(at)["threshold"].notna().all()
    at.multiselect(key="cutoffs_groups").set_value([]).run()
    assert not at.exception
    assert any("No entry matches" in i.value for i in at.info)


def test_provenance_and_downloads() -> None:
    at = open_page()
    at.selectbox(key="cutoffs_entry").set_value("hu2024-oi-osteoporosis").run()
    assert any("Osteoporos Int. 2024" in m.value for m in at.markdown)
    read = at.table[0].value
    assert "threshold" in list(read["number"])
    assert not at.exception


def test_default_target_is_stored_for_the_case_page() -> None:
    at = open_page()
    at.selectbox(key="cutoffs_default_target").set_value("osteoporosis-screening").run()
    assert at.session_state[DEFAULT_TARGET] == "osteoporosis-screening"
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/cutoffs.py").run()
    assert at.selectbox(key="cutoffs_default_target").value == "osteoporosis-screening"
    at.selectbox(key="cutoffs_default_target").set_value("all").run()
    assert at.session_state[DEFAULT_TARGET] is None
    json.dumps([e.to_dict() for e in load_library()])
