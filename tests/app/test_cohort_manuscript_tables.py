"""AppTest: Table 1, the AUC table and the regression table as a paper prints them, with Word
and Excel downloads beside the CSV (issue 12)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def _open(view: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/cohort.py")
    at.query_params["cohort_view"] = view
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("view", "first_column"),
    [("Overview", "Characteristic"), ("ROC", "Score"), ("Regression", "Variable")],
)
def test_manuscript_table_and_documents(view: str, first_column: str) -> None:
    at = _open(view)
    tables = [
        d.value for d in at.dataframe if len(d.value.columns) and d.value.columns[0] == first_column
    ]
    assert tables, [list(d.value.columns) for d in at.dataframe]
    shown = tables[0]
    machine = {"bias_ci_low", "loa_low_ci_high", "n_incomplete", "case_row", "ci_low"}
    assert not machine & set(shown.columns)
    assert "None" not in shown.to_csv()
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    for label in ("Word", "Excel", "CSV"):
        assert label in buttons


def test_table_one_layout_on_screen() -> None:
    at = _open("Overview")
    table = at.dataframe[0].value
    labels = table["Characteristic"].tolist()
    assert "Sex, n (%)" in labels and "   Women" in labels
    assert any(label.endswith("mean ± SD") or label.endswith("median (IQR)") for label in labels)
    assert all(p == "" or p[-1] in "ᵃᵇᶜᵈ" for p in table["P value"])
    notes = [c.value for c in at.caption]
    assert any(n.startswith("ᵃ Student's t-test") or n.startswith("ᵇ") for n in notes)
