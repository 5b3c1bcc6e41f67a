"""In Chromium: a measured case lists the published thresholds that apply; the default target
chosen on the case page reorders them and is kept on the Cut-offs page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.case_steps import (
    canvas_box,
    draw_phantom_rois,
    metric,
    open_case_page,
    snapshot_on_failure,
    upload_images,
    write_exam,
)
from tests.browser.conftest import ARTIFACTS, wait_for_app
from tests.phantoms import PHANTOM_SIZE

pytestmark = pytest.mark.browser

_WAIT = 30_000


def _expander(page, title: str):  # type: ignore[no-untyped-def]
    """The target group's expander (it comes before "Not applicable", which names it too)."""
    return page.locator("[data-testid=stExpander]").filter(has_text=f"{title} — ").first


def _choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` in the select box ``label`` (a react-aria combobox in Streamlit 1.67).

    A rerun still on its way (a loaded machine) re-renders the box and closes its list: wait for
    the script to finish, open the list, and open it again if it closed before the option showed.
    """
    box = page.get_by_role("combobox", name=label, exact=True)
    choice = page.get_by_role("option", name=option, exact=True)
    deadline = time.monotonic() + 90
    while True:
        wait_for_app(page)
        box.click()
        try:
            choice.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if time.monotonic() > deadline:
                raise
    choice.click()
    expect(box).to_have_value(option, timeout=_WAIT)


def test_case_thresholds_and_default_target(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with snapshot_on_failure(page, ARTIFACTS / "literature_failure.png"):
        open_case_page(page, app_url)
        upload_images(page, write_exam(tmp_path / "exam"))
        draw_phantom_rois(page, scale=canvas_box(page)["width"] / PHANTOM_SIZE)
        # Phantom T1: L1-L4 mean 400, CSF 100 -> VBQ-T1 4.000 (tests/phantoms.py).
        expect(metric(page, "VBQ-T1")).to_contain_text("4.000", timeout=_WAIT)

        page.get_by_text("Published thresholds for this case").wait_for(timeout=_WAIT)
        ovcf = _expander(page, "Osteoporotic vertebral compression fracture")
        expect(ovcf).to_contain_text("4.000 is below the 4.285 cut-off", timeout=_WAIT)
        expect(ovcf).to_contain_text("field strength matches", timeout=_WAIT)  # 1.5 T GE

        _choose(page, "Default target (question)", "Surgical planning")
        # The first threshold group (other panels, e.g. "Open from PACS", have expanders too).
        first = page.locator("[data-testid=stExpander]").filter(has_text="threshold(s)").first
        expect(first).to_contain_text("Pedicle screw loosening", timeout=_WAIT)
        expect(first).to_contain_text("4.000 is above the 3.585 cut-off", timeout=_WAIT)
        assert page.locator("[data-testid=stException]").count() == 0

        page.get_by_role("link", name="Cut-offs").click()
        page.get_by_role("heading", name="Cut-offs").first.wait_for(timeout=_WAIT)
        wait_for_app(page)
        box = page.get_by_role("combobox", name="Default target", exact=True)
        expect(box).to_have_value("Surgical planning", timeout=_WAIT)
        assert page.locator("[data-testid=stException]").count() == 0
