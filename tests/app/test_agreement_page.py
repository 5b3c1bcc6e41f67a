"""AppTest: the observer-agreement page on the example, on uploads and on bad uploads."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqapp.studies.agreement_inputs import UPLOAD_KEY

APP = str(ROOT / "app.py")
PAGE = "pages/agreement.py"
EXAMPLE = ROOT / "data" / "examples" / "observer_measurements.csv"


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    uploader = at.file_uploader(key=UPLOAD_KEY)
    uploader.set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _csv(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue().encode()


def _downloads(at: AppTest) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def test_example_loads_with_verdicts_tables_and_downloads() -> None:
    at = _open()
    assert at.title[0].value == "Observer agreement"
    assert any("Synthetic example" in m.value for m in at.markdown)
    summary = [m.value for m in at.markdown if "group(s) agree within" in m.value]
    assert summary and summary[0].startswith("**5 of 6 group(s) agree within ±10%")
    assert len(at.success) == 5 and len(at.error) == 1
    assert at.error[0].value.startswith("**T1 · CSF** (n = 20): Not acceptable")
    assert len(at.get("plotly_chart")) == 2  # % and absolute grids
    labels = _downloads(at)
    for table in ("bland–altman results", "icc", "verdicts", "paired readings"):
        assert f"Download {table} (CSV)" in labels
    icc = at.dataframe[1].value
    assert list(icc["ICC type"].unique()) == ["ICC(2,1)", "ICC(3,1)"]
    results = at.dataframe[0].value  # readable headings, no machine keys (issue 12)
    assert {"Bias, 95% CI low", "Pairs with a missing reading"} <= set(results.columns)
    assert not {"bias_ci_low", "loa_low_ci_high", "n_incomplete"} & set(results.columns)


def test_long_format_upload_is_guessed_and_analysed() -> None:
    df = pd.read_csv(EXAMPLE)
    keys = ["patient", "sequence", "structure"]
    long = pd.concat(
        [
            df[keys].assign(session="first", si=df["observer_a"]),
            df[keys].assign(session="second", si=df["observer_b"]),
        ]
    )
    at = _upload(_open(), ("sessions.csv", _csv(long)))
    assert not any("Synthetic example" in m.value for m in at.markdown)
    assert any(m.value.startswith("**5 of 6 group(s)") for m in at.markdown)
    assert "between first and second" in at.success[0].value


def test_two_files_one_per_observer() -> None:
    df = pd.read_csv(EXAMPLE)
    keys = ["patient", "sequence", "structure"]
    obs_a = df[keys].assign(si=df["observer_a"])
    obs_b = df[keys].assign(si=df["observer_b"])
    at = _upload(_open(), ("anna.csv", _csv(obs_a)), ("ben.csv", _csv(obs_b)))
    assert any(m.value.startswith("**5 of 6 group(s)") for m in at.markdown)
    assert "between anna.csv and ben.csv" in at.success[0].value


def test_missing_column_shows_an_error_naming_it_and_keeps_the_options() -> None:
    at = _open()
    at.number_input(key="agree_acceptance").set_value(12.0).run()
    bad = pd.read_csv(EXAMPLE).drop(columns="structure")
    _upload(at, ("bad.csv", _csv(bad)))
    messages = [e.value for e in at.error]
    assert messages == [
        "bad.csv: no structure (level or CSF) column was given or recognised by its name; "
        "choose one of 'patient', 'sequence', 'observer_a', 'observer_b', 'source'."
    ]
    assert at.number_input(key="agree_acceptance").value == 12.0


def test_non_numeric_reading_names_the_row() -> None:
    bad = pd.read_csv(EXAMPLE).astype({"observer_b": object})
    bad.loc[9, "observer_b"] = "n.a."
    at = _upload(_open(), ("bad.csv", _csv(bad)))
    assert len(at.error) == 1
    assert "'observer_b' must be numeric" in at.error[0].value
    assert "row 11" in at.error[0].value


def test_a_small_group_gets_a_message_not_a_crash() -> None:
    df = pd.read_csv(EXAMPLE)
    small = df[(df.structure != "CSF") | (df.patient.isin(["synth-01", "synth-02"]))]
    at = _upload(_open(), ("small.csv", _csv(small)))
    infos = [i.value for i in at.info]
    assert len([i for i in infos if "Cannot be judged: only 2 complete pair(s)" in i]) == 3
    assert any("3 group(s) cannot be judged" in m.value for m in at.markdown)


def test_not_a_table_is_an_error() -> None:
    at = _upload(_open(), ("empty.csv", b""))
    assert "empty" in at.error[0].value


@pytest.mark.parametrize("split", [True])
def test_one_group_per_level(split: bool) -> None:
    at = _open()
    at.toggle(key="agree_split").set_value(split).run()
    assert not at.exception
    assert any("· L3" in s.value for s in at.success)


def test_options_survive_an_unreadable_file() -> None:
    at = _open()
    at.number_input(key="agree_acceptance").set_value(15.0).run()
    _upload(at, ("broken.xlsx", b"PK\x03\x04 not really a workbook"))
    assert len(at.error) == 1 and "not a readable .xlsx workbook" in at.error[0].value
    at.file_uploader(key=UPLOAD_KEY).set_value(None).run()
    assert not at.error
    assert at.number_input(key="agree_acceptance").value == 15.0
    assert any(m.value.startswith("**6 of 6 group(s) agree within ±15%") for m in at.markdown)


@pytest.mark.slow
def test_plot_png_downloads() -> None:
    # Both Bland–Altman grids (% and absolute) render through kaleido into PNG download buttons.
    at = _open()
    at.toggle(key="agree_png").set_value(True).run()
    assert not at.exception
    # The example's T1 CSF verdict is an st.error by design; no other error may appear.
    assert [e.value for e in at.error if "T1 · CSF" not in e.value] == []
    pngs = [label for label in _downloads(at) if label.endswith(".png")]
    assert len(pngs) == 2, pngs
