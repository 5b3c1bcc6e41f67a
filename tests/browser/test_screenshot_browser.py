"""The screenshot path in Chromium: a PNG is loaded with a warning (never a green box), its
scores are "not interpretable against the published cut-offs" with no coloured zone, and the
PDF says so on page 1 with the case label the user typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.case_steps import (
    canvas_box,
    download,
    draw_phantom_rois,
    metric,
    open_case_page,
    snapshot_on_failure,
    upload_images,
    wait_idle,
)
from tests.browser.conftest import ARTIFACTS
from tests.phantoms import PHANTOM_SIZE, phantom_png
from vbqcore.anatomy import Sequence

pytestmark = pytest.mark.browser

_TIMEOUT = 30_000
# Colours of the strip plot's zones (vbqcore/plots/score_strip.py): none may be drawn.
_ZONE_FILLS = ("rgba(46, 160, 67, 0.18)", "rgba(220, 53, 69, 0.18)")
_SHAPES = (
    "() => Array.from(document.querySelectorAll('.js-plotly-plot')).filter(gd => gd.layout)"
    ".map(gd => (gd.layout.shapes || []).map(s => s.fillcolor || ''))"
)


def test_screenshot_scores_show_no_coloured_zone(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with snapshot_on_failure(page, ARTIFACTS / "case_failure_screenshot.png"):
        _check(page, app_url, tmp_path)


def _check(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / "t1.png"  # the file name tells the sequence of a screenshot
    shot.write_bytes(phantom_png(sequence=Sequence.T1))
    open_case_page(page, app_url)
    upload_images(page, [shot])
    loaded = page.get_by_text("A screenshot holds display values, not scanner SIs")
    expect(loaded).to_be_visible(timeout=_TIMEOUT)
    assert page.locator("[data-testid=stAlertContentSuccess]").count() == 0

    scale = canvas_box(page)["width"] / PHANTOM_SIZE
    assert draw_phantom_rois(page, scale=scale) == "T1: 5 ROIs (L1, L2, L3, L4, CSF)"
    # SCREENSHOT_VALUES: (210 + 200 + 190 + 200) / 4 / 50 = 4.000
    expect(metric(page, "VBQ-T1")).to_contain_text("4.000", timeout=_TIMEOUT)
    bottom = page.locator("[data-testid=stAlert]").filter(has_text="Bottom line.")
    expect(bottom).to_contain_text(
        "Not interpretable against the published cut-offs", timeout=_TIMEOUT
    )
    reason = page.get_by_text("VBQ-T1 4.000 is not interpretable against the published cut-offs")
    expect(reason).to_be_visible(timeout=_TIMEOUT)
    wait_idle(page)
    figure = page.locator(".js-plotly-plot").first  # the score strip, drawn by plotly.js
    figure.scroll_into_view_if_needed(timeout=_TIMEOUT)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).some(gd => gd.layout)",
        timeout=_TIMEOUT,
    )
    plots = page.evaluate(_SHAPES)  # one list of shape fills per drawn plotly figure
    assert plots, "no plotly figure with a layout was found on the page"
    fills = [f for shapes in plots for f in shapes]
    assert not any(f in _ZONE_FILLS for f in fills), fills
    assert page.get_by_text("Green: below the cut-off").count() == 0
    assert page.get_by_text("Post-test probability").count() == 0

    page.get_by_text("PDF report: case label, exam date, reader").click()
    label = page.get_by_role("textbox", name="Case label or pseudonym")
    label.fill("Pseudo-7")
    label.press("Enter")
    wait_idle(page)
    pdf = PdfReader(download(page, "PDF report", tmp_path / "report.pdf"))
    one = " ".join(pdf.pages[0].extract_text().split())
    assert "Pseudo-7" in one
    assert "Not interpretable against the published cut-offs" in one
    assert "not interpretable (screenshot)" in one
    assert "Some SIs come from screenshots" in one  # the warning, on page 1
