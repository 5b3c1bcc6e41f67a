"""AppTest: the cohort explorer's "Plan a study" panel (power and sample size, issue 12)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqcore.stats import auc_power

APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    app.switch_page("pages/cohort.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _metrics(at: AppTest) -> dict[str, str]:
    """The metrics of the "One AUC vs chance" tab."""
    tab = next(t for t in at.tabs if t.label == "One AUC vs chance")
    return {m.label: str(m.value) for m in tab.metric}


def test_sample_size_by_default(at: AppTest) -> None:
    ref = auc_power(auc=0.75, power=0.8, alpha=0.05, ratio=1.0)  # tested against pROC
    shown = _metrics(at)
    assert shown["Cases"] == str(ref.n_cases_needed)
    assert shown["Controls"] == str(ref.n_controls_needed)


def test_solving_for_power(at: AppTest) -> None:
    at.radio(key="cohort_plan_solve").set_value("Power").run()
    at.number_input(key="cohort_plan_cases").set_value(41).run()
    at.number_input(key="cohort_plan_ratio").set_value(1.75).run()
    at.number_input(key="cohort_plan_auc").set_value(0.73).run()
    ref = auc_power(auc=0.73, n_cases=41, n_controls=41 * 1.75)
    assert _metrics(at)["Power"] == f"{ref.power:.3f}"
    assert not at.exception


def test_two_scores_use_the_patients_shown(at: AppTest) -> None:
    assert any("the power to tell AUC" in m.value for m in at.markdown)
