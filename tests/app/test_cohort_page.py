"""AppTest: the cohort explorer page's logic (data, mapping, filters, URL, views, downloads)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.cohort_fixture import make_table
from tests.conftest import ROOT
from vbqapp.state import CASE_LATEST_RESULT, COHORT_INCOMING_DATASET, IncomingDataset
from vbqcore.cohort.analysis import roc_panel
from vbqcore.cohort.table import default_mapping, prepare_cohort
from vbqcore.paper.demo_cohort import load_demo_cohort
from vbqcore.stats import roc_analysis

APP = str(ROOT / "app.py")
PAGE = "pages/cohort.py"
VIEWS = ["Overview", "Distributions", "ROC", "Regression", "Subgroups"]


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_demo_cohort()


def _open(
    query: dict[str, str | list[str]] | None = None, state: dict[str, object] | None = None
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(PAGE)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _counts(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.sidebar.metric}  # the counts per group


def _expected(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["group"].value_counts()
    return {"fracture": int(counts.get("fracture", 0)), "control": int(counts.get("control", 0))}


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def test_opens_on_the_demo_cohort(demo: pd.DataFrame) -> None:
    at = _open()
    assert at.title[0].value == "Cohort explorer"
    assert any("Synthetic data" in m.value for m in at.markdown)  # the badge
    assert any(m.value == "**Data:** Demo cohort" for m in at.markdown)
    assert _counts(at) == _expected(demo)
    assert not at.error


@pytest.mark.parametrize("sex", ["Women", "Men"])
def test_sex_filter_changes_n(demo: pd.DataFrame, sex: str) -> None:
    at = _open()
    at.radio(key="cohort_sex").set_value(sex).run()  # AppTest sets radios by their label
    code = {"Women": "F", "Men": "M"}[sex]
    assert _counts(at) == _expected(demo[demo["sex"] == code])


def test_filters_are_restored_from_the_url(demo: pd.DataFrame) -> None:
    # What a shared link holds: ?cohort_sex=Women&cohort_age=60&cohort_age=80&cohort_view=ROC
    at = _open({"cohort_sex": "Women", "cohort_age": ["60", "80"], "cohort_view": "ROC"})
    assert at.radio(key="cohort_sex").value == "F"
    assert at.slider(key="cohort_age").value == (60, 80)
    assert at.segmented_control(key="cohort_view").value == "ROC"
    kept = demo[(demo["sex"] == "F") & demo["age"].between(60, 80)]
    assert _counts(at) == _expected(kept)
    assert any("women, age 60–80" in m.value for m in at.markdown)


def test_age_filter_changes_n(demo: pd.DataFrame) -> None:
    at = _open()
    at.slider(key="cohort_age").set_value((70, 75)).run()
    assert _counts(at) == _expected(demo[demo["age"].between(70, 75)])


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_runs_and_offers_downloads(view: str) -> None:
    at = _open({"cohort_view": view})
    assert not at.error, [e.value for e in at.error]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Filtered rows (CSV)" in labels
    assert "CSV" in labels  # every view has at least one table
    if view != "Overview":
        assert "PNG" in labels  # and at least one figure


def test_one_group_left_gives_a_message_not_a_plot() -> None:
    at = _open({"cohort_view": "ROC"})
    at.multiselect(key="cohort_cat_cols").set_value(["fractured"]).run()
    at.multiselect(key="cohort_cat_fractured").set_value(["(blank)"]).run()
    assert any("Only one group is left" in w.value for w in at.warning)
    assert not at.get("plotly_chart")


def test_too_few_patients_gives_a_message() -> None:
    small = make_table(20, seed=1).iloc[list(range(2)) + list(range(20, 40))]
    incoming = IncomingDataset("Small set", small.reset_index(drop=True), None)
    at = _open(state={COHORT_INCOMING_DATASET: incoming})
    assert any("Too few patients" in w.value for w in at.warning)


def test_upload_without_a_group_column_keeps_the_demo(demo: pd.DataFrame) -> None:
    at = _open()
    bad = demo.drop(columns=["group"])
    at.file_uploader(key="cohort_upload").upload("no_group.csv", _csv(bad), "text/csv").run()
    errors = [e.value for e in at.error]
    assert errors and "no_group.csv: no group column" in errors[0]
    assert "Still showing: **Demo cohort**" in errors[0]
    assert _counts(at) == _expected(demo)  # nothing lost: the demo is still analysed


def test_upload_with_bad_cells_names_column_and_rows(demo: pd.DataFrame) -> None:
    at = _open()
    at.radio(key="cohort_sex").set_value("Women").run()
    bad = demo.copy()
    bad.loc[[3, 4], "sex"] = "X"
    at.file_uploader(key="cohort_upload").upload("bad_sex.csv", _csv(bad), "text/csv").run()
    message = at.error[0].value
    assert "column 'sex' (sex)" in message and "rows 5, 6" in message
    assert at.radio(key="cohort_sex").value == "F"  # the filter the user set is kept
    assert _counts(at) == _expected(demo[demo["sex"] == "F"])


def test_good_upload_replaces_the_demo() -> None:
    table = make_table(25, seed=3)
    at = _open()
    at.file_uploader(key="cohort_upload").upload("mine.csv", _csv(table), "text/csv").run()
    assert not at.error, [e.value for e in at.error]
    assert any(m.value == "**Data:** mine.csv" for m in at.markdown)
    assert not any("Synthetic data" in m.value for m in at.markdown)
    assert _counts(at) == {"fracture": 25, "control": 25}


def test_mapping_error_names_the_column_and_keeps_the_choices() -> None:
    table = make_table(25, seed=3)
    incoming = IncomingDataset("Matched set", table, {"group": "group"})
    at = _open(state={COHORT_INCOMING_DATASET: incoming})
    assert any(m.value == "**Data:** Matched set" for m in at.markdown)
    age = next(s for s in at.selectbox if s.label == "Age (years)")
    age.set_value("site").run()  # a text column as age
    next(b for b in at.button if b.label == "Apply mapping").click().run()
    message = at.error[0].value
    assert "column 'site' must be numeric" in message and "rows 2, 3" in message
    assert next(s for s in at.selectbox if s.label == "Age (years)").value == "site"
    assert _counts(at) == {"fracture": 25, "control": 25}  # still analysed as before


def test_incoming_dataset_from_the_matching_page() -> None:
    table = make_table(15, seed=2).rename(columns={"group": "status"})
    mapping = {"group": "status", "positive": "fracture", "sex": "sex", "age": "age"}
    incoming = IncomingDataset("Matched set from c.csv (15 pairs)", table, mapping)
    at = _open(state={COHORT_INCOMING_DATASET: incoming})
    assert any("Matched set from c.csv" in m.value for m in at.markdown)
    assert _counts(at) == {"fracture": 15, "control": 15}
    assert COHORT_INCOMING_DATASET not in at.session_state


def test_this_patient_is_marked() -> None:
    latest = {"vbq_t1": 4.4, "vbq_t2": 0.61, "vbq_stir": None, "vbq_t2_stir": 0.8}
    at = _open({"cohort_view": "ROC"}, {CASE_LATEST_RESULT: latest})
    roc = next(c for c in at.get("plotly_chart") if "cohort_roc_chart" in c.proto.id)
    assert "this patient" not in roc.proto.spec  # only when the user asks (issue 12)
    at.toggle(key="cohort_show_patient").set_value(True).run()
    assert any(m.value.startswith("**This patient**") for m in at.markdown)
    roc = next(c for c in at.get("plotly_chart") if "cohort_roc_chart" in c.proto.id)
    assert '"name":"this patient"' in roc.proto.spec
    at.segmented_control(key="cohort_view").set_value("Distributions").run()
    dist = next(c for c in at.get("plotly_chart") if "cohort_dist_chart" in c.proto.id)
    assert "this patient 0.610" in dist.proto.spec


def _cut_off(at: AppTest) -> float:
    return float(next(s for s in at.slider if s.label.startswith("Cut-off")).value)


def test_cut_off_follows_youden_until_one_is_chosen(demo: pd.DataFrame) -> None:
    def youden(frame: pd.DataFrame) -> float:
        return roc_analysis(frame["group"] == "fracture", frame["vbq_t2"]).cutoff

    at = _open({"cohort_view": "ROC"})
    assert _cut_off(at) == pytest.approx(youden(demo))
    at.radio(key="cohort_sex").set_value("Women").run()
    assert _cut_off(at) == pytest.approx(youden(demo[demo["sex"] == "F"]))
    next(b for b in at.button if b.label.startswith("Published")).click().run()
    assert _cut_off(at) == 0.555  # Huang et al. 2026 Table 3, VBQ-T2
    at.radio(key="cohort_sex").set_value("All").run()
    assert _cut_off(at) == 0.555  # a chosen cut-off stays when the filters change


def test_upload_of_per_level_sis_computes_the_scores() -> None:
    table = make_table(20, seed=4)
    only_si = table.drop(columns=["vbq_t1", "vbq_t2", "vbq_stir", "vbq_t2_stir"])
    at = _open({"cohort_view": "Distributions"})
    at.file_uploader(key="cohort_upload").upload("sis.csv", _csv(only_si), "text/csv").run()
    assert not at.error, [e.value for e in at.error]
    assert any("scores: VBQ-T1, VBQ-T2, VBQ-STIR, VBQ-T2-STIR" in c.value for c in at.caption)
    source = next(r for r in at.radio if r.label == "Scores")
    assert source.value == "si"
    rows = next(d for d in at.dataframe if "median" in d.value.columns).value
    fracture_t2 = rows[(rows["Score"] == "VBQ-T2") & (rows["Group"] == "fracture")]
    expected = table.loc[(table["group"] == "fracture") & (table["sex"] == "F"), "vbq_t2"]
    assert fracture_t2["median"].iloc[0] == pytest.approx(expected.median())


def test_bootstrap_ci_on_demand(demo: pd.DataFrame) -> None:
    at = _open({"cohort_view": "ROC"})
    next(b for b in at.button if b.label.startswith("Bootstrap 95% CIs")).click().run()
    assert not at.exception and not at.error
    assert any("stratified bootstrap, 2,000 replicates, seed 2026" in c.value for c in at.caption)
    shown = next(d for d in at.dataframe if "CI method" in d.value.columns).value
    assert set(shown["CI method"]) == {"bootstrap"}
    # The same resampling as `python -m vbqcore roc --bootstrap 2000 --seed 2026` on these rows.
    cohort = prepare_cohort(demo, default_mapping(demo, name="demo"), name="demo")
    direct = roc_panel(
        cohort.frame,
        cohort,
        ["vbq_t1", "vbq_t2", "vbq_t2_stir"],
        ci_method="bootstrap",
        n_bootstrap=2000,
        seed=2026,
    )
    assert shown["CI low"].tolist() == pytest.approx(direct.to_frame()["CI low"].tolist())
    next(b for b in at.button if b.label == "Back to DeLong CIs").click().run()
    shown = next(d for d in at.dataframe if "CI method" in d.value.columns).value
    assert set(shown["CI method"]) == {"delong"}


def test_subgroup_table_one_by_sex(demo: pd.DataFrame) -> None:
    at = _open({"cohort_view": "Subgroups"})
    at.segmented_control(key="cohort_sub_pick").set_value("Men").run()
    men = _expected(demo[demo["sex"] == "M"])
    headers = [list(d.value.columns) for d in at.dataframe]
    assert any(f"fracture (n = {men['fracture']})" in h for h in headers)
