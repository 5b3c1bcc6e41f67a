"""Steps on the case page in a real browser, shared by the browser tests and the benchmark.

Every wait is on the text of the element read next (Streamlit updates elements one at a time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.phantoms import phantom_regions, write_phantom_series
from vbqcore.anatomy import CSF, Sequence

__all__ = [
    "PHANTOM_BOXES",
    "write_exam",
    "open_case_page",
    "upload_images",
    "canvas",
    "canvas_box",
    "drag_box",
    "draw_phantom_rois",
    "metric",
    "wait_for_rois",
    "download",
    "pick_tool",
    "click_polygon",
    "drag_path",
    "wait_idle",
    "snapshot_on_failure",
]

_REGIONS = phantom_regions(Sequence.T1)


def _inside(name: str, *, margin_x: float, margin_y: float) -> tuple[float, float, float, float]:
    r = _REGIONS[name]
    return r.col0 + margin_x, r.row0 + margin_y, r.col1 - margin_x, r.row1 - margin_y


#: Boxes (x0, y0, x1, y1) in image pixels of the 256² phantom, well inside L1-L4 and, for the
#: CSF, a narrow tall strip inside the canal at the level of L3.
PHANTOM_BOXES: dict[str, tuple[float, float, float, float]] = {
    **{lv: _inside(lv, margin_x=6, margin_y=4) for lv in ("L1", "L2", "L3", "L4")},
    CSF: (
        _REGIONS[CSF].col0 + 2.5,
        _REGIONS["L3"].row0 - 10,
        _REGIONS[CSF].col1 - 2.5,
        _REGIONS["L3"].row1 + 10,
    ),
}


def write_exam(folder: Path, *, n_slices: int = 5) -> list[Path]:
    """T1, T2 and STIR phantom series (with patient identifiers in their headers)."""
    return [
        path
        for seq in (Sequence.T1, Sequence.T2, Sequence.STIR)
        for path in write_phantom_series(
            folder / seq.value, sequence=seq, n_slices=n_slices, series_seed=f"browser-{seq.value}"
        )
    ]


def open_case_page(page: Any, app_url: str) -> None:
    """Open the case page. The home page is loaded first: Streamlit runs a ``pages/`` folder as
    a legacy multipage app until the entry script has called ``st.navigation`` once."""
    page.goto(app_url)
    page.get_by_role("heading", name="VBQ Dashboard").first.wait_for()
    page.goto(f"{app_url}/case")
    page.get_by_role("heading", name="Case").first.wait_for()


#: The case page's image uploader: the one that takes several files (the case-file restore and
#: the registry's CSV import take one), so the selector does not depend on what renders first.
IMAGE_UPLOADER = "[data-testid=stFileUploaderDropzoneInput][multiple]"
#: The case page's restore uploader (one case JSON file).
RESTORE_UPLOADER = "[data-testid=stFileUploaderDropzoneInput][accept*='.json']:not([multiple])"


def upload_images(page: Any, paths: list[Path]) -> None:
    page.locator(IMAGE_UPLOADER).first.set_input_files([str(p) for p in paths])


def canvas(page: Any) -> Any:
    """The canvas element that takes the mouse, once it is shown."""
    upper = page.locator("canvas.upper-canvas").first
    upper.wait_for(state="visible")
    return upper


def canvas_box(page: Any) -> dict[str, float]:
    """The canvas's bounding box in the viewport, scrolled into view. Streamlit may re-render
    the element just after it appears (e.g. when the background's size is reported), so the
    box is polled until the element is attached and laid out."""
    upper = canvas(page)
    for _ in range(100):
        try:
            upper.scroll_into_view_if_needed(timeout=2_000)
            box = upper.bounding_box(timeout=2_000)
        except Exception:  # noqa: BLE001 - detached while re-rendered: try again
            box = None
        if box and box["width"] > 0:
            return dict(box)
        page.wait_for_timeout(100)
    raise AssertionError("the canvas never settled on the page")


def drag_box(page: Any, box: tuple[float, float, float, float], *, scale: float) -> None:
    """Drag the mouse over ``box`` (image pixels) on the canvas shown at ``scale``."""
    bb = canvas_box(page)
    x0, y0, x1, y1 = (v * scale for v in box)
    page.mouse.move(bb["x"] + x0, bb["y"] + y0)
    page.mouse.down()
    page.mouse.move(bb["x"] + x1, bb["y"] + y1, steps=8)
    page.mouse.up()


def wait_for_rois(page: Any, sequence: str, count: int) -> str:
    """Wait until the table heading says ``count`` ROIs; return its text (the labels)."""
    heading = page.get_by_text(re.compile(rf"^{sequence}: {count} ROIs? \("))
    heading.wait_for()
    return str(heading.inner_text())


def draw_phantom_rois(page: Any, *, scale: float) -> str:
    """Draw L1-L4 and the CSF on the shown sequence (T1), one drag each."""
    text = ""
    for n, box in enumerate(PHANTOM_BOXES.values(), start=1):
        drag_box(page, box, scale=scale)
        text = wait_for_rois(page, "T1", n)
    return text


def metric(page: Any, label: str) -> Any:
    """The st.metric whose label is exactly ``label``."""
    return page.locator("[data-testid=stMetric]").filter(has=page.get_by_text(label, exact=True))


_IDLE = (
    "() => document.querySelector('[data-testid=stApp]')"
    "?.getAttribute('data-test-script-state') === 'notRunning'"
)


def wait_idle(page: Any, *, settle_ms: int = 400) -> None:
    """Wait until no script run is going on and none starts within ``settle_ms`` (the canvas
    reports its size, and a drawing, a moment after it changes: each of those is a rerun)."""
    for _ in range(50):
        page.wait_for_function(_IDLE)
        page.wait_for_timeout(settle_ms)
        if page.evaluate(_IDLE):
            return
    raise AssertionError("the app never settled")


def download(page: Any, button: str, target: Path) -> Path:
    """Click the download button ``button`` and save the file. The page is let settle first:
    a button of an earlier run would deliver that run's file. A lost click is retried."""
    for attempt in range(3):
        wait_idle(page)
        try:
            with page.expect_download(timeout=30_000) as info:
                page.get_by_role("button", name=button).click()
        except Exception:  # noqa: BLE001 - no download started: the click was lost
            if attempt == 2:
                raise
            continue
        info.value.save_as(target)
        return target
    raise AssertionError("unreachable")


@contextmanager
def snapshot_on_failure(page: Any, path: Path) -> Iterator[None]:
    """Save a full screenshot of ``page`` at ``path`` if the block fails (for the CI log)."""
    try:
        yield
    except BaseException:
        path.parent.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1280, "height": 3300})
        page.screenshot(path=str(path), full_page=True)
        raise


def pick_tool(page: Any, tool: str) -> None:
    """Choose a drawing tool (Rectangle, Ellipse, Polygon, Freehand) and let the page settle."""
    tools = page.get_by_test_id("stButtonGroup").filter(has_text="Rectangle")
    tools.get_by_text(tool, exact=True).click()
    wait_idle(page)


def click_polygon(page: Any, points: list[tuple[float, float]], *, scale: float) -> None:
    """Click the vertices (image pixels), then the first one again to close the polygon."""
    bb = canvas_box(page)
    for x, y in [*points, points[0]]:
        page.mouse.click(bb["x"] + x * scale, bb["y"] + y * scale)
        page.wait_for_timeout(150)  # Fabric tells a click on the first vertex from a new one


def drag_path(page: Any, points: list[tuple[float, float]], *, scale: float) -> None:
    """Draw a freehand path through ``points`` (image pixels) with the mouse held down."""
    bb = canvas_box(page)
    (x0, y0), rest = points[0], points[1:]
    page.mouse.move(bb["x"] + x0 * scale, bb["y"] + y0 * scale)
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(bb["x"] + x * scale, bb["y"] + y * scale, steps=5)
    page.mouse.up()
