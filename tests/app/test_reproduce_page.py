"""AppTest: the "Reproduce the paper" page lays Tables 1–4 out as the paper does, with the full
checklist of every published figure in an expander (and as a download)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqcore.paper.demo_cohort import read_demo_cohort
from vbqcore.paper.reproduction import reproduce

APP = str(ROOT / "app.py")
PAGE = "pages/reproduce.py"


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _checklist(at: AppTest):  # type: ignore[no-untyped-def]
    return next(d.value for d in at.dataframe if "Statistic" in d.value.columns)


def test_reproduce_page_shows_the_tables_and_the_synthetic_notice() -> None:
    report = reproduce(read_demo_cohort(ROOT / "data" / "demo_cohort.csv"))
    at = _open()
    assert at.title[0].value == "Reproduce the paper"
    assert any("Synthetic data, not patients" in w.value for w in at.warning)
    table1 = at.dataframe[0].value
    assert list(table1.columns[:4]) == [
        "Variable",
        "Subgroup",
        "Fracture · published",
        "Fracture · reproduced",
    ]
    assert len(table1) < 60  # one line per variable, not one per figure
    bmi = table1[(table1["Variable"] == "BMI") & (table1["Subgroup"] == "all")].iloc[0]
    assert bmi["Fracture · published"] == "24.39 ± 4.31"  # Huang et al. 2026 Table 1
    assert bmi["Fracture · reproduced"] == "24.39 ± 4.31"
    checklist = _checklist(at)
    assert len(checklist) == len(report.rows)
    assert {"Published", "Computed", "Difference", "Target", "Met"} <= set(checklist.columns)
    assert not {"published_text", "passed"} & set(checklist.columns)
    targets = {m.label: m.value for m in at.metric}["Targets met"]
    assert targets == f"{report.n_targets} of {report.n_targets}"


def test_filters_narrow_the_checklist() -> None:
    at = _open()
    at.multiselect(key="repro_tables").set_value(["3"]).run()
    assert not at.exception
    assert set(_checklist(at)["Table"]) == {"3"}
    at.toggle(key="repro_only_missed").set_value(True).run()
    assert len(_checklist(at)) == 0  # the demo cohort misses no target
