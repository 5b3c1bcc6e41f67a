"""One click on a real slice in Chromium: draw one ROI in L1, press "Propose L1–L4 and CSF",
and get the ROIs and score that ``suggest`` + ``measure`` give for the same seed."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.case_steps import (
    canvas_box,
    download,
    drag_box,
    open_case_page,
    snapshot_on_failure,
    upload_images,
)
from tests.browser.conftest import ARTIFACTS
from tests.roi.real_images import DATA
from vbqcore.imaging.reading import read_slice
from vbqcore.roi.measure import measure_rois
from vbqcore.roi.shapes import roi_from_dict, roi_mask
from vbqcore.roi.suggest import Seed, suggest_rois

pytestmark = pytest.mark.browser

IMAGE = DATA / "tptbox_T2_sag_T9-S1.png"  # 400 x 700 px
L1_BOX = (182, 228, 222, 260)  # the reader's L1 box (tests/data/real/reference_rois.json)


def test_one_drawn_roi_then_propose_matches_suggest_and_measure(  # type: ignore[no-untyped-def]
    page, app_url: str, tmp_path: Path
) -> None:
    with snapshot_on_failure(page, ARTIFACTS / "one_click_failure.png"):
        open_case_page(page, app_url)
        upload_images(page, [IMAGE])
        scale = canvas_box(page)["width"] / 400
        drag_box(page, L1_BOX, scale=scale)
        heading = page.get_by_text(re.compile(r"^(T1|T2|STIR): 1 ROI \(L1\)"))
        heading.wait_for()
        sequence = heading.inner_text().split(":")[0]
        page.get_by_role("button", name="Propose L1–L4 and CSF from L1").click()
        page.get_by_text(f"{sequence}: 5 ROIs (L1, L2, L3, L4, CSF)").wait_for()
        case = json.loads(download(page, "Case JSON", tmp_path / "case.json").read_text())
    stored = [roi_from_dict(r) for r in case["sequences"][sequence]["rois"]]
    drawn = stored[0]
    assert drawn.label == "L1"
    # The same seed on the command-line engine: the centre of the drawn ROI.
    x0, y0, x1, y1 = (drawn.x, drawn.y, drawn.x + drawn.width, drawn.y + drawn.height)
    seed = Seed("L1", math.floor((y0 + y1) / 2), math.floor((x0 + x1) / 2))
    image = read_slice(IMAGE)
    expected = {s.roi.label: s.roi for s in suggest_rois(image, [seed], follow=True)}
    # The canvas hands rotated rectangles back as their corner polygons: compare the pixels.
    for roi in stored[1:]:
        mine, engine = roi_mask(roi, image.shape), roi_mask(expected[roi.label], image.shape)
        assert (mine ^ engine).sum() <= 0.01 * engine.sum(), roi.label

    def vbq(rois: list) -> float:  # type: ignore[type-arg]
        means = {s.label: s.mean for s in measure_rois(image, rois)}
        return sum(means[k] for k in ("L1", "L2", "L3", "L4")) / 4 / means["CSF"]

    key = {"T1": "vbq_t1", "T2": "vbq_t2", "STIR": "vbq_stir"}[sequence]
    assert case["scores"][key] == pytest.approx(vbq(stored), rel=1e-9)
    engine_rois = [drawn, *(r for label, r in expected.items() if label != "L1")]
    assert case["scores"][key] == pytest.approx(vbq(engine_rois), rel=5e-3)


def test_scores_stay_in_sight_beside_the_canvas_at_1280x720(  # type: ignore[no-untyped-def]
    page, app_url: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    with snapshot_on_failure(page, ARTIFACTS / "one_click_failure_720.png"):
        open_case_page(page, app_url)
        upload_images(page, [IMAGE])
        scale = canvas_box(page)["width"] / 400
        drag_box(page, L1_BOX, scale=scale)
        heading = page.get_by_text(re.compile(r"^(T1|T2|STIR): 1 ROI \(L1\)"))
        heading.wait_for()
        sequence = heading.inner_text().split(":")[0]
        page.get_by_role("button", name="Propose L1–L4 and CSF from L1").click()
        page.get_by_text(f"{sequence}: 5 ROIs (L1, L2, L3, L4, CSF)").wait_for()
        summary = page.get_by_text(re.compile(rf"VBQ-{sequence} \d\.\d{{3}}")).first
        summary.wait_for()
        summary.scroll_into_view_if_needed()
        box = canvas_box(page)
        shown = summary.bounding_box()
        assert shown is not None
        # The summary and the whole canvas fit in one 720 px high view (same page coordinates).
        assert box["y"] + box["height"] - shown["y"] <= 720
        page.mouse.wheel(0, shown["y"] - 10)  # scroll so the summary is at the top
        expect(summary).to_be_in_viewport(ratio=1.0, timeout=30_000)
        expect(page.locator("canvas.upper-canvas").first).to_be_in_viewport(
            ratio=1.0, timeout=30_000
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "one_click_1280x720.png"))
