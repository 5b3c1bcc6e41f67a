"""The cohort explorer in Chromium: demo cohort, sex filter, ROC labels against the CLI, upload.

Streamlit updates one element at a time, so every step waits on the text of the element it reads
next (canvas-and-browser notes).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.case_steps import wait_idle
from tests.browser.conftest import ARTIFACTS, wait_for_app
from vbqcore.paper.demo_cohort import load_demo_cohort

pytestmark = pytest.mark.browser

THREE = ("vbq_t1", "vbq_t2", "vbq_t2_stir")
LABELS = {"vbq_t1": "VBQ-T1", "vbq_t2": "VBQ-T2", "vbq_t2_stir": "VBQ-T2-STIR"}


def _expected_counts(frame: pd.DataFrame) -> list[str]:
    counts = frame["group"].value_counts()
    return [str(int(counts.get("fracture", 0))), str(int(counts.get("control", 0)))]


def _metrics(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("[data-testid=stSidebar] [data-testid=stMetricValue]").all_inner_texts()


def _wait_counts(page, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        """(want) => {
            const cells = document.querySelectorAll(
                '[data-testid=stSidebar] [data-testid=stMetricValue]');
            const got = [...cells].map(e => e.innerText.trim());
            return JSON.stringify(got) === JSON.stringify(want);
        }""",
        arg=expected,
    )


def _legend(page) -> list[str]:  # type: ignore[no-untyped-def]
    # SVG text has no innerText: read textContent.
    texts = page.locator(".st-key-cohort_roc_chart .legendtext").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    return [str(t) for t in texts]


def _wait_legend(page, predicate_js: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "() => { const t = [...document.querySelectorAll('.st-key-cohort_roc_chart .legendtext')]"
        f".map(e => e.textContent); return {predicate_js}; }}"
    )
    return _legend(page)


def _cli_labels(csv_path: Path) -> list[str]:
    """The legend the page should show, from `python -m vbqcore roc` on the same rows."""
    args = [sys.executable, "-m", "vbqcore", "roc", str(csv_path), "--outcome", "group"]
    args += ["--positive", "fracture"]
    for score in THREE:
        args += ["--score", score]
    out = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    labels = []
    for score in THREE:
        r = out["scores"][score]
        labels.append(f"{LABELS[score]} AUC {r['auc']:.2f} ({r['ci_low']:.2f}–{r['ci_high']:.2f})")
    return labels


def _open_cohort(page, app_url: str, query: str = "") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{app_url}/cohort{query}")
    wait_for_app(page)
    page.get_by_role("heading", name="Cohort explorer").first.wait_for()


def test_demo_sex_filter_and_roc_match_the_cli(page, app_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    demo = load_demo_cohort()
    _open_cohort(page, app_url)
    page.get_by_text("Synthetic data, not patients").first.wait_for()
    _wait_counts(page, _expected_counts(demo))

    page.locator("[data-testid=stButtonGroup] button", has_text="ROC").first.click()
    before = _wait_legend(page, "t.length >= 3")
    assert len(before) == 4 and before[3].startswith("cut-off")  # 3 curves + the cut-off star
    page.screenshot(path=str(ARTIFACTS / "cohort_roc_all.png"))

    page.locator("[data-testid=stSidebar] label", has_text="Women").first.click()
    women = demo[demo["sex"] == "F"]
    _wait_counts(page, _expected_counts(women))
    after = _wait_legend(page, f"t.length >= 3 && t[1] !== {json.dumps(before[1])}")
    assert after[:3] != before[:3]  # the AUCs shown changed with the filter
    assert "cohort_sex=Women" in page.url and "cohort_view=ROC" in page.url

    # Until the run ends, the previous run's button (all rows) may still be on the page.
    wait_idle(page)
    button = page.get_by_role("button", name="Filtered rows (CSV)")
    expect(button).to_have_count(1)
    with page.expect_download() as info:
        button.click()
    rows = tmp_path / "filtered.csv"
    info.value.save_as(rows)
    assert len(pd.read_csv(rows)) == len(women)
    assert after[:3] == _cli_labels(rows)
    page.screenshot(path=str(ARTIFACTS / "cohort_roc_women.png"))
    assert page.locator("[data-testid=stException]").count() == 0


def test_shared_link_restores_the_view(page, app_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    demo = load_demo_cohort()
    _open_cohort(page, app_url, "?cohort_sex=Men&cohort_view=ROC")
    _wait_counts(page, _expected_counts(demo[demo["sex"] == "M"]))
    legend = _wait_legend(page, "t.length >= 3")
    assert [label.split(" AUC")[0] for label in legend[:3]] == list(LABELS.values())
    page.locator("[data-testid=stButtonGroup] button", has_text="Distributions").first.click()
    page.locator(".st-key-cohort_dist_chart .main-svg").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "cohort_distributions_men.png"))
    # The figure as PNG: rendered by kaleido when the button is clicked (a few seconds).
    wait_for_app(page)
    # Up to two kaleido attempts of 120 s each (vbqcore.plots.render) on a loaded machine.
    with page.expect_download(timeout=300_000) as info:
        page.locator(".st-key-cohort_dist_png").get_by_role("button", name="PNG").first.click()
    png = tmp_path / "distributions.png"
    info.value.save_as(png)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_upload_with_a_missing_column_shows_the_error(page, app_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    demo = load_demo_cohort()
    bad = tmp_path / "no_group.csv"
    demo.drop(columns=["group"]).to_csv(bad, index=False)
    _open_cohort(page, app_url)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(bad))
    alert = page.locator("[data-testid=stAlertContentError]").filter(has_text="no group column")
    alert.first.wait_for()
    text = alert.first.inner_text()
    assert "no_group.csv" in text and "'group'" in text and "Still showing: Demo cohort" in text
    _wait_counts(page, _expected_counts(demo))  # the demo stays analysed
    page.screenshot(path=str(ARTIFACTS / "cohort_upload_error.png"))
