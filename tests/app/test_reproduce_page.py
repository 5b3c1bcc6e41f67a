"""AppTest: the "Reproduce the paper" page shows the side-by-side table of Tables 1–4."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqcore.paper.demo_cohort import read_demo_cohort
from vbqcore.paper.reproduction import reproduce

APP = str(ROOT / "app.py")
PAGE = "pages/reproduce.py"


def test_reproduce_page_shows_the_table_and_the_synthetic_notice() -> None:
    report = reproduce(read_demo_cohort(ROOT / "data" / "demo_cohort.csv"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Reproduce the paper"
    assert any("Synthetic data, not patients" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert len(table) == len(report.rows)
    assert {"published_text", "computed", "difference", "target", "passed"} <= set(table.columns)
    targets = {m.label: m.value for m in at.metric}["Targets met"]
    assert targets == f"{report.n_targets} of {report.n_targets}"


def test_filters_narrow_the_table() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    at.multiselect(key="repro_tables").set_value(["3"]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["table"]) == {"3"}
    at.toggle(key="repro_only_missed").set_value(True).run()
    assert len(at.dataframe[0].value) == 0  # the demo cohort misses no target
