"""Chromium: the agreement and matching pages work on small uploaded files, end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.case_steps import wait_idle
from tests.browser.conftest import ARTIFACTS, wait_for_app
from tests.conftest import ROOT
from vbqcore.stats import match_pairs

pytestmark = pytest.mark.browser

EXAMPLES = ROOT / "data" / "examples"
UPLOAD = "[data-testid=stFileUploaderDropzoneInput]"


def _screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The whole page: Streamlit scrolls inside its own container, so make the window tall."""
    wait_for_app(page)
    height = page.evaluate(
        "() => document.querySelector('[data-testid=stMain]')?.scrollHeight ?? 1600"
    )
    page.set_viewport_size({"width": 1280, "height": max(1600, int(height) + 100)})
    page.wait_for_timeout(500)  # let plotly redraw at the new size
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size({"width": 1280, "height": 1600})


def _open(page, app_url: str, path: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    page.get_by_role("heading", name=heading).first.wait_for()


def test_agreement_page_upload_verdicts_and_download(page, app_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The example as two sessions in long form, so the verdicts name the uploaded readers.
    df = pd.read_csv(EXAMPLES / "observer_measurements.csv")
    keys = ["patient", "sequence", "structure"]
    long = pd.concat(
        [
            df[keys].assign(session="first", si=df["observer_a"]),
            df[keys].assign(session="second", si=df["observer_b"]),
        ]
    )
    upload = tmp_path / "sessions.csv"
    long.to_csv(upload, index=False)

    _open(page, app_url, "agreement", "Observer agreement")
    expect(page.get_by_text("Synthetic example")).to_be_visible()
    page.locator(UPLOAD).set_input_files(str(upload))
    # Wait for the upload's own result first: the example gives the same summary and limits,
    # so those alone would pass on the page as it was before the upload.
    expect(page.get_by_text("Synthetic example")).to_have_count(0)
    expect(page.locator("[data-testid=stAlertContentSuccess]").first).to_contain_text(
        "between first and second"
    )
    summary = page.get_by_text("group(s) agree within", exact=False)
    expect(summary).to_have_text(
        "5 of 6 group(s) agree within ±10%; the 95% limits of agreement range from "
        "-11.07% to 9.83%."
    )
    failing = page.locator("[data-testid=stAlertContentError]")
    expect(failing).to_contain_text("T1 · CSF (n = 20): Not acceptable")
    grid = page.locator(".js-plotly-plot").first
    expect(grid).to_contain_text("T1 · CSF: n = 20, LoA -11.07% to 9.83%")
    assert page.locator("[data-testid=stException]").count() == 0
    _screenshot(page, "agreement.png")

    # Until the run ends, the previous run's button may still be on the page beside the new one.
    wait_idle(page)
    button = page.get_by_role("button", name="Download bland–altman results (CSV)")
    expect(button).to_have_count(1)
    with page.expect_download() as info:
        button.click()
    saved = tmp_path / "ba.csv"
    info.value.save_as(saved)
    table = pd.read_csv(saved)
    assert len(table) == 12
    row = table[(table["Sequence"] == "T1") & (table["Structure"] == "CSF")].iloc[0]
    assert row["Lower limit of agreement"] == pytest.approx(-11.07, abs=0.005)
    assert not bool(row["Within the acceptance limits"])


def test_matching_page_upload_run_flow_download_and_handoff(page, app_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    df = pd.read_csv(EXAMPLES / "matching_candidates.csv")
    upload = tmp_path / "candidates.csv"
    df.to_csv(upload, index=False)
    # Reference: the library on the same file (the page must show these counts).
    ref = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date")

    _open(page, app_url, "matching", "Case–control matching")
    page.locator(UPLOAD).set_input_files(str(upload))
    expect(page.get_by_text("Synthetic example")).to_have_count(0)
    page.get_by_role("button", name="Run matching").click()
    matched = page.locator("[data-testid=stMetric]").filter(has_text="Matched pairs")
    expect(matched.locator("[data-testid=stMetricValue]")).to_have_text(str(ref.flow.matched_pairs))
    eligible = page.locator("[data-testid=stMetric]").filter(has_text="Eligible cases")
    expect(eligible.locator("[data-testid=stMetricValue]")).to_have_text(
        str(ref.flow.eligible_cases)
    )
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_contain_text(f"n = {ref.flow.matched_pairs} pairs")
    expect(chart).to_contain_text("missing age: 1")
    assert page.locator("[data-testid=stException]").count() == 0
    _screenshot(page, "matching.png")

    # Until the run ends, the previous run's button may still be on the page beside the new one.
    wait_idle(page)
    button = page.get_by_role("button", name="Matched set (CSV)")
    expect(button).to_have_count(1)
    with page.expect_download() as info:
        button.click()
    saved = tmp_path / "matched.csv"
    info.value.save_as(saved)
    matched_set = pd.read_csv(saved)
    assert len(matched_set) == 2 * ref.flow.matched_pairs
    assert matched_set["pair_id"].tolist() == ref.matched["pair_id"].tolist()
    assert matched_set.groupby("pair_id")["group"].apply(sorted).map(tuple).unique().tolist() == [
        ("control", "fracture")
    ]

    page.get_by_role("button", name="Open in cohort explorer").click()
    expect(page.get_by_text("Matched set from candidates.csv (25 pairs)")).to_be_visible()
    assert page.locator("[data-testid=stException]").count() == 0
