"""Chromium: hostile uploads as a browser renders them. Markdown in file names, column names and
group values shows as text (no outside image is fetched, no link appears), and a file over the
upload cap is refused before it reaches the app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, wait_for_app
from tests.hostile_corpus import markdown_table

pytestmark = pytest.mark.browser

UPLOAD = "[data-testid=stFileUploaderDropzoneInput]"
MAX_UPLOAD_MB = 256  # .streamlit/config.toml server.maxUploadSize


def _open_cohort(page, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app_url}/cohort")
    wait_for_app(page)
    expect(page.get_by_text("Synthetic data, not patients")).to_be_visible()


def test_markdown_in_uploaded_names_renders_as_text(page, app_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "evil.example" in r.url else None)
    upload = tmp_path / "evil_names.csv"
    upload.write_bytes(markdown_table())
    _open_cohort(page, app_url)
    page.locator(UPLOAD).set_input_files(str(upload))
    # The header has no "group" column: the error quotes the markdown column name as text.
    alert = page.locator("[data-testid=stAlertContentError]").filter(has_text="Click to re-login")
    expect(alert.first).to_be_visible()
    expect(alert.first).to_contain_text("[Click to re-login](https")  # the brackets, as text
    wait_for_app(page)
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator("img[src*='evil.example']").count() == 0
    assert fetched == []  # no beacon left the browser
    page.screenshot(path=str(ARTIFACTS / "hostile_markdown.png"))


def test_a_file_over_the_upload_cap_is_refused(page, app_url, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "too_big.csv"
    with open(big, "wb") as fh:  # sparse: no disk or memory is spent on it
        fh.truncate(MAX_UPLOAD_MB * 1024 * 1024 + 1)
    assert os.path.getsize(big) > MAX_UPLOAD_MB * 1024 * 1024
    _open_cohort(page, app_url)
    page.locator(UPLOAD).set_input_files(str(big))
    expect(page.get_by_text(f"{MAX_UPLOAD_MB:.1f}MB or smaller", exact=False)).to_be_visible()
    wait_for_app(page)
    assert page.locator("[data-testid=stException]").count() == 0
    expect(page.get_by_text("Synthetic data, not patients")).to_be_visible()  # demo kept
