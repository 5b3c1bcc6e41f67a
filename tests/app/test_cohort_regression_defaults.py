"""AppTest: the Regression view's defaults (issue 12): OR per 0.1 of the VBQ scores, sex offered,
identifiers and raw SI columns hidden unless asked for."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/cohort.py")
    at.query_params["cohort_view"] = "Regression"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_regression_defaults() -> None:
    at = _open()
    assert at.toggle(key="cohort_reg_tenth").value is True
    predictors = at.multiselect(key="cohort_reg_pred")
    assert predictors.options[0] == "Male sex (vs female)"  # options show their labels
    assert predictors.value == ["vbq_t1", "vbq_t2", "vbq_stir", "vbq_t2_stir"]
    # The demo cohort holds pair_id and the raw SI columns: hidden, named in the toggle's help.
    assert not [o for o in predictors.options if o == "pair_id" or o.startswith("T2_")]
    assert "pair_id" in at.toggle(key="cohort_reg_all").help
    variables = at.dataframe[0].value["Variable"].tolist()
    assert "VBQ-T2 (per 0.1)" in variables
    at.toggle(key="cohort_reg_all").set_value(True).run()
    assert {"pair_id", "T2_L1"} <= set(at.multiselect(key="cohort_reg_pred").options)


def test_sex_as_a_predictor_runs() -> None:
    at = _open()
    at.multiselect(key="cohort_reg_pred").set_value(["sex", "vbq_t2"]).run()
    assert not at.exception
    assert "Male sex (vs female)" in at.dataframe[0].value.to_csv()
