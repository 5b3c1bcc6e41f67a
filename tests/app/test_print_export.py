"""AppTest: every cohort figure offers a print export (300 dpi PNG, SVG, PDF) with a file name
that says what the figure is; the matching and agreement figures too (issue 12)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.test_case_page import T1, draw, files_of, open_case_page, upload
from tests.case_helpers import phantom_rois
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def _files(at: AppTest) -> list[str]:
    return [c.value.removeprefix("File: ") for c in at.caption if c.value.startswith("File: ")]


def test_cohort_figure_print_options_name_the_file() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/cohort.py")
    at.query_params["cohort_view"] = "Distributions"
    at.run()
    assert not at.exception
    files = _files(at)
    assert files and files[0].startswith("cohort_distributions_")
    assert files[0].endswith("_print_double.png")
    fmt = next(r for r in at.radio if r.key and r.key.endswith("_fmt"))
    fmt.set_value("svg").run()
    width = next(r for r in at.radio if r.key and r.key.endswith("_width"))
    width.set_value("single").run()
    assert _files(at)[0].endswith("_print_single.svg")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download for print" in labels and "PNG" in labels


def test_matching_flow_chart_has_a_print_export() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/matching.py").run()
    at.button(key="match_run").click().run()
    assert not at.exception
    assert "matching_flow_print_double.png" in _files(at)


def test_case_score_plot_has_a_print_export(tmp_path: Path) -> None:
    # Every figure in the app, the case page's scores-against-cut-offs plot included.
    at = open_case_page()
    upload(at, files_of(tmp_path, T1))
    draw(at, T1, phantom_rois())
    assert not at.exception
    assert "case_vbq_scores_vs_cutoffs_print_double.png" in _files(at)
