"""Chromium: filters kept from another data set never crash the cohort explorer.

Regression (issue 12): cohort explorer with a filter set → Matching → Run → "Open in cohort
explorer" raised ``StreamlitValueBelowMinError: The value 56 is less than the min_value 58``: the
session and the URL kept the demo cohort's ``cohort_age`` (56–90) while the matched set starts at
58 years. The filter is now fitted to the new data set, with a notice in the sidebar.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

EXAMPLES = ROOT / "data" / "examples"
UPLOAD = "[data-testid=stFileUploaderDropzoneInput]"
TIMEOUT = 30_000  # ms: a loaded 2-core machine, never Playwright's 5 s default


def _no_exception(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("[data-testid=stException]").count() == 0


def test_matching_handoff_with_a_filter_set(page, app_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    df = pd.read_csv(EXAMPLES / "matching_candidates.csv")
    assert (df["age"].min(), df["age"].max()) == (58, 93)  # the demo cohort spans 56–90
    upload = tmp_path / "candidates.csv"
    df.to_csv(upload, index=False)

    # A filtered demo view, then "Reset filters": what left cohort_age=56&cohort_age=90 behind.
    page.goto(f"{app_url}/cohort?cohort_sex=Women&cohort_age=60&cohort_age=80")
    wait_for_app(page)
    expect(page.get_by_text("women, age 60–80").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Reset filters").click()
    expect(page.get_by_text("women, age 60–80")).to_have_count(0, timeout=TIMEOUT)
    wait_for_app(page)

    page.get_by_role("link", name="Case–control matching").first.click()
    page.get_by_role("heading", name="Case–control matching").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.locator(UPLOAD).set_input_files(str(upload))
    expect(page.get_by_text("Synthetic example")).to_have_count(0, timeout=TIMEOUT)
    page.get_by_role("button", name="Run matching").click()
    handoff = page.get_by_role("button", name="Open in cohort explorer")
    expect(handoff).to_be_visible(timeout=TIMEOUT)
    handoff.click()

    expect(page.get_by_text("Matched set from candidates.csv (25 pairs)")).to_be_visible(
        timeout=TIMEOUT
    )
    # The matched set spans 58–91: the demo's full range 56–90 cannot stand, so it is fitted.
    notice = page.get_by_text("(56–90) narrowed to 58–90, the range of this data set (58–91)")
    expect(notice).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("age 58–90").first).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    _no_exception(page)
