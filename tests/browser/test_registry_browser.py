"""The registry in Chromium: measure the phantom exam, save it to the registry, reload the page
(a new session), re-open the case from the Registry page, upload the images again and read the
same scores; then open the registry in the cohort explorer.

The app server and this test share the throw-away registry that tests/conftest.py points
``VBQ_DATABASE_URL`` at, so the test can seed it and read it back through vbqcore.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.case_steps import (
    canvas_box,
    draw_phantom_rois,
    metric,
    open_case_page,
    snapshot_on_failure,
    upload_images,
    wait_idle,
    write_exam,
)
from tests.browser.conftest import ARTIFACTS, wait_for_app
from tests.browser.test_case_browser import SHOWN
from tests.phantoms import PHANTOM_SIZE
from vbqcore.registry.database import open_registry
from vbqcore.registry.store import get_case
from vbqcore.registry.tables import import_csv

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


def _fill(page, label: str, value: str) -> None:  # type: ignore[no-untyped-def]
    field = page.get_by_role("textbox", name=label, exact=True)
    field.fill(value)
    field.press("Enter")
    wait_idle(page)


def _seed_cohort(case_id: str) -> None:
    """Twelve imported cases (six per group), so the registry is a usable cohort."""
    rows = ["case_id,group,sex,age,T2_L1,T2_L2,T2_L3,T2_L4,T2_CSF"]
    for i in range(12):
        group = "fracture" if i % 2 else "control"
        rows.append(f"{case_id}-T{i},{group},{'FM'[i % 2]},{60 + i},{300 + 9 * i},330,315,330,600")
    registry = open_registry()
    try:
        report = import_csv(registry, "\n".join(rows) + "\n", actor="browser test")
    finally:
        registry.dispose()
    assert len(report.imported) == 12, report.to_dict()


def test_save_reload_reopen_same_scores_and_cohort(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with snapshot_on_failure(page, ARTIFACTS / "registry_failure.png"):
        _flow(page, app_url, tmp_path)


def _flow(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = f"BROWSER-{secrets.token_hex(3).upper()}"
    exam = write_exam(tmp_path / "exam")

    # 1. Measure the phantom exam on the Case page.
    open_case_page(page, app_url)
    upload_images(page, exam)
    scale = canvas_box(page)["width"] / PHANTOM_SIZE
    assert draw_phantom_rois(page, scale=scale) == "T1: 5 ROIs (L1, L2, L3, L4, CSF)"
    page.get_by_role("button", name="Copy to T2, STIR", exact=True).click()
    for label, value in SHOWN.items():
        expect(metric(page, label)).to_contain_text(value, timeout=TIMEOUT)

    # 2. Save it to the registry.
    _fill(page, "Case ID (pseudonym)", case_id)
    _fill(page, "Reader", "Dr Browser")
    page.get_by_role("button", name="Save to registry", exact=True).click()
    page.get_by_text(f"Saved case {case_id} (version 1).").wait_for(timeout=TIMEOUT)
    registry = open_registry()
    try:
        stored = get_case(registry, case_id)
    finally:
        registry.dispose()
    assert stored.updated_by == "Dr Browser" and len(stored.record.rois) == 15
    assert f"{stored.record.scores['vbq_t2']:.3f}" == SHOWN["VBQ-T2"]  # type: ignore[index]

    # 3. Reload: a new session, the case is gone from the page but not from the registry.
    page.reload()
    wait_for_app(page)
    page.goto(f"{app_url}/registry")
    page.get_by_role("heading", name="Registry").first.wait_for(timeout=TIMEOUT)
    _fill(page, "Search", case_id)
    page.get_by_text("1 case(s)").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Open on the Case page", exact=True).click()

    # 4. Re-opened on the Case page with its ROIs; the same images give the same scores.
    page.get_by_role("heading", name="Case").first.wait_for(timeout=TIMEOUT)
    page.get_by_text(f"Registry case {case_id}, version 1").wait_for(timeout=TIMEOUT)
    upload_images(page, exam)
    for label, value in SHOWN.items():
        expect(metric(page, label)).to_contain_text(value, timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Update", exact=True)).to_be_visible(timeout=TIMEOUT)
    assert page.locator("[data-testid=stException]").count() == 0

    # 5. The registry as the cohort explorer's data.
    _seed_cohort(case_id)
    page.goto(f"{app_url}/cohort")
    page.get_by_role("heading", name="Cohort explorer").first.wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Use the registry", exact=True).click()
    page.get_by_text("Data: Registry (").first.wait_for(timeout=TIMEOUT)
    assert page.locator("[data-testid=stException]").count() == 0
