"""The case viewer's zoom/pan, Click to place and Window/level tools in Chromium, on the real
T2 slice (400 x 700 px, a 265 x 464 canvas).

The rect tool puts a box's outline one canvas pixel (half the 2 px stroke) right of and below
where the drag starts, and its size is the drag's extent (checked on this canvas: a drag from
canvas (100, 200.297) by (40, 30) gave x = 101 / 0.6625, width = 40 / 0.6625). Mouse positions
are whole viewport pixels, so each edge's image coordinate is known exactly beforehand.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.case_steps import (
    canvas_box,
    download,
    open_case_page,
    pick_tool,
    snapshot_on_failure,
    upload_images,
    wait_idle,
)
from tests.browser.conftest import ARTIFACTS
from tests.conftest import ROOT
from tests.roi.real_images import DATA
from vbqcore.imaging.reading import read_slice
from vbqcore.imaging.window_drag import drag_window
from vbqcore.imaging.windowing import display_window
from vbqcore.roi.measure import measure_roi
from vbqcore.roi.shapes import roi_from_dict

pytestmark = pytest.mark.browser

IMAGE = DATA / "tptbox_T2_sag_T9-S1.png"
CANVAS = (265, 464)  # at zoom 1 (zoomed in, the canvas grows to at most 480 x 464)
_VIEW = re.compile(r"Zoom [\d.]+×: columns (\d+)–(\d+) and rows (\d+)–(\d+) of 400 × 700")


def _window(page) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    """(left, top, width, height) of the shown window, from the caption under the zoom row."""
    text = page.get_by_text(_VIEW).inner_text()
    match = _VIEW.search(text)
    assert match is not None, text
    c0, c1, r0, r1 = (int(v) for v in match.groups())
    return c0, r0, c1 - c0 + 1, r1 - r0 + 1


def _zoom_to(page, name: str, caption: str) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name=name, exact=True).click()
    page.get_by_text(caption).wait_for()
    wait_idle(page)
    return _window(page)


def _edge(bb, window, target: float, axis: int, *, same_gap: bool):  # type: ignore[no-untyped-def]
    """The whole viewport pixel putting a box edge nearest ``target`` (image px) while at least
    0.05 px from every pixel centre (so the pixels it takes are not a rounding matter) and, with
    ``same_gap``, between the same two pixel centres as ``target``; returns (viewport px, image
    edge)."""
    left, top, width, height = window
    origin, canvas = (bb["x"], bb["width"]) if axis == 0 else (bb["y"], bb["height"])
    start, size = (left, width) if axis == 0 else (top, height)
    scale = canvas / size
    guess = origin + (target - start) * scale
    best: tuple[float, int, float] | None = None
    for p in range(math.floor(guess) - 3, math.ceil(guess) + 4):
        edge = start + (p - origin + 1) / scale  # the outline is 1 canvas px inside
        off_centre = abs((edge - 0.5) - round(edge - 0.5))
        if same_gap and math.floor(edge - 0.5) != math.floor(target - 0.5):
            continue
        if off_centre >= 0.05 and (best is None or abs(edge - target) < best[0]):
            best = (abs(edge - target), p, edge)
    assert best is not None, target
    return best[1], best[2]


def _drag(page, window, box, *, same_gap: bool = False) -> list[float]:  # type: ignore[no-untyped-def]
    """Drag the rect tool over ``box`` (image x0, y0, x1, y1) at ``window``; the image edges."""
    bb = canvas_box(page)
    # The far edge is the near one plus the drag's extent, so it is 1 canvas px inside too.
    (px0, x0), (py0, y0), (px1, x1), (py1, y1) = (
        _edge(bb, window, value, axis, same_gap=same_gap)
        for value, axis in zip(box, (0, 1, 0, 1), strict=True)
    )
    page.mouse.move(px0, py0)
    page.mouse.down()
    page.mouse.move(px1, py1, steps=8)
    page.mouse.up()
    return [x0, y0, x1, y1]


def _rois(page, tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    """(sequence, ROIs, case JSON) of the case file downloaded now."""
    case = json.loads(download(page, "Case JSON", tmp_path / name).read_text())
    ((seq, data),) = [(k, v) for k, v in case["sequences"].items() if v.get("rois")]
    return seq, [roi_from_dict(r) for r in data["rois"]], case


def test_a_box_drawn_at_two_zooms_measures_the_same_pixels(  # type: ignore[no-untyped-def]
    page, app_url: str, tmp_path: Path
) -> None:
    image = read_slice(IMAGE)
    target = (168.0, 372.0, 204.0, 402.0)  # inside L3 (reference box 160-212 x 367-400)
    with snapshot_on_failure(page, ARTIFACTS / "viewer_zoom_failure.png"):
        open_case_page(page, app_url)
        upload_images(page, [IMAGE])
        whole = _window(page)
        assert whole == (0, 0, 400, 700)
        first = _drag(page, whole, target)
        page.get_by_text(re.compile(r"^(T1|T2|STIR): 1 ROI \(")).wait_for()
        _zoom_to(page, "+", "Zoom 1.5×")
        window = _zoom_to(page, "+", "Zoom 2.0×")
        second = _drag(page, window, tuple(first), same_gap=True)  # the same box at zoom 2
        page.get_by_text(re.compile(r"^(T1|T2|STIR): 2 ROIs \(")).wait_for()
        _, zoomed, _ = _rois(page, tmp_path, "zoomed.json")
        _zoom_to(page, "Fit", "Zoom 1.0×")  # zoom out: the canvas is remounted from the case
        _drag(page, whole, (60.0, 60.0, 90.0, 90.0))  # a change, so the canvas sends it all
        page.get_by_text(re.compile(r"^(T1|T2|STIR): 3 ROIs \(")).wait_for()
        _, after, _ = _rois(page, tmp_path, "after.json")
    stats = [measure_roi(image, roi) for roi in zoomed]
    # Each box covers the pixels whose centres lie inside its edges (worked out beforehand).
    for edges, roi, s in zip((first, second), zoomed, stats, strict=True):
        assert (roi.x, roi.y, roi.x + roi.width, roi.y + roi.height) == pytest.approx(edges)
        cols = np.arange(400) + 0.5
        rows = np.arange(700) + 0.5
        inside = image.pixels[
            np.ix_((rows > edges[1]) & (rows < edges[3]), (cols > edges[0]) & (cols < edges[2]))
        ]
        assert s.n_pixels == inside.size and s.mean == pytest.approx(inside.mean(), rel=1e-12)
    assert stats[0].n_pixels == stats[1].n_pixels
    assert stats[0].mean == stats[1].mean
    # Drawn at zoom 2, read back after zooming out: the same ROIs, to 1e-6 px.
    for roi, later in zip(zoomed, after[:2], strict=True):
        assert (later.x, later.y, later.width, later.height) == pytest.approx(
            (roi.x, roi.y, roi.width, roi.height), abs=1e-6
        )


def _cli(*args: str) -> dict:  # type: ignore[type-arg]
    done = subprocess.run(
        [sys.executable, "-m", "vbqcore", *args], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_click_to_place_gives_the_scores_of_suggest_and_measure(  # type: ignore[no-untyped-def]
    page, app_url: str, tmp_path: Path
) -> None:
    # Clicks in L1-L4 and the CSF behind L3 (tests/data/real/reference_rois.json seeds).
    seeds = {"L1": (244, 203), "L2": (310, 196), "L3": (383, 186), "L4": (449, 180)}
    seeds["CSF"] = (383, 234)
    placed: dict[str, tuple[int, int]] = {}
    with snapshot_on_failure(page, ARTIFACTS / "viewer_click_failure.png"):
        open_case_page(page, app_url)
        upload_images(page, [IMAGE])
        left, top, width, height = _zoom_to(page, "+", "Zoom 1.5×")
        pick_tool(page, "Click")
        for n, (label, (row, col)) in enumerate(seeds.items(), start=1):  # "next" label each time
            bb = canvas_box(page)
            x = bb["x"] + (col + 0.5 - left) * bb["width"] / width
            y = bb["y"] + (row + 0.5 - top) * bb["height"] / height
            page.mouse.click(x, y)
            note = page.get_by_text(re.compile(rf"^(T1|T2|STIR) {label}: placed at row \d+"))
            note.wait_for()
            found = re.search(r"row (\d+), col (\d+)", note.inner_text())
            assert found is not None
            placed[label] = (int(found.group(1)), int(found.group(2)))
            assert abs(placed[label][0] - row) <= 1 and abs(placed[label][1] - col) <= 1
            page.get_by_text(re.compile(rf"^(T1|T2|STIR): {n} ROIs? \(")).wait_for()
            wait_idle(page)
        seq, rois, case = _rois(page, tmp_path, "clicked.json")
    args = [a for label, (r, c) in placed.items() for a in ("--seed", f"{label}={r},{c}")]
    suggested = _cli("suggest", str(IMAGE), *args)["rois"]
    rois_file = tmp_path / "rois.json"
    rois_file.write_text(json.dumps(suggested))
    measured = {
        r["label"]: r["mean"] for r in _cli("measure", str(IMAGE), "--rois", str(rois_file))["rois"]
    }
    vbq = np.mean([measured[k] for k in ("L1", "L2", "L3", "L4")]) / measured["CSF"]
    key = {"T1": "vbq_t1", "T2": "vbq_t2", "STIR": "vbq_stir"}[seq]
    assert case["scores"][key] == pytest.approx(vbq, rel=1e-9)
    assert sorted(r.label for r in rois) == sorted(seeds)


def test_a_window_level_drag_changes_the_window_shown(  # type: ignore[no-untyped-def]
    page, app_url: str
) -> None:
    image = read_slice(IMAGE)
    with snapshot_on_failure(page, ARTIFACTS / "viewer_window_failure.png"):
        open_case_page(page, app_url)
        upload_images(page, [IMAGE])
        canvas_box(page)
        wait_idle(page)
        background = page.locator("canvas.lower-canvas").first
        before = background.screenshot()
        pick_tool(page, "W/L")
        bb = canvas_box(page)
        x0, y0 = round(bb["x"] + 60), round(bb["y"] + 300)
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + 80, y0 - 60, steps=8)  # right: wider; up: lower level
        page.mouse.up()
        note = page.get_by_text(re.compile(r"^Window/level: centre"))
        note.wait_for()
        expected = drag_window(
            display_window(image),
            80,
            -60,
            canvas=CANVAS,
            si_range=(float(image.pixels.min()), float(image.pixels.max())),
        ).after
        assert note.inner_text() == (
            f"Window/level: centre {expected[0]:.4g}, width {expected[1]:.4g} (Custom)."
        )
        expect(page.get_by_text("SI range shown (low, high)")).to_be_visible()
        wait_idle(page)
        after = page.locator("canvas.lower-canvas").first.screenshot()
    assert before != after
