"""Browser sessions for the benchmarks: first render of a page on a fresh server, and a burst of
N sessions opening one page at once, all in Debian's ``/usr/bin/chromium`` on loopback.

A page counts as rendered when its last element is shown (``PageReady.text``) and Streamlit's
script state is back to ``notRunning``. Times are wall-clock seconds from ``page.goto`` on a new
browser context (no shared cache or cookies), so they include what a user waits for: the HTML
and JavaScript, the WebSocket, the script run and the drawing.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.server import serve_app  # noqa: E402

__all__ = [
    "PageReady",
    "HOME",
    "COHORT",
    "MAX_SESSIONS",
    "first_render",
    "fresh_server_first_render",
    "burst",
    "ratio_line",
]

#: The most sessions a burst may open (each is a Chromium context: ~60 MB and some CPU).
MAX_SESSIONS = 20
_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


@dataclass(frozen=True)
class PageReady:
    """A page's address (after the app's URL) and the text of the last element it draws."""

    name: str
    path: str
    text: str


#: Home: its last element is the privacy caption.
HOME = PageReady("Home", "/", "Uploaded images stay on this computer")
#: Cohort explorer: the first view's Table 1 (the demo cohort's default analysis).
COHORT = PageReady("Cohort explorer", "/cohort", "Table 1: fracture vs control")


async def first_render(browser: Any, url: str, ready: PageReady, *, timeout_s: float) -> float:
    """Seconds from opening ``ready.path`` in a new context until it is drawn and idle."""
    context = await browser.new_context(viewport={"width": 1280, "height": 1600})
    try:
        page = await context.new_page()
        page.set_default_timeout(timeout_s * 1000)
        start = time.perf_counter()
        await page.goto(url + ready.path)
        await page.get_by_text(ready.text).first.wait_for()
        await page.wait_for_selector(_IDLE)
        elapsed = time.perf_counter() - start
        if await page.locator("[data-testid=stException]").count():
            raise RuntimeError(f"{ready.name}: the page shows an exception")
        return elapsed
    finally:
        await context.close()


async def _launch(p: Any) -> Any:
    return await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


async def _fresh(ready: PageReady, log: Path, timeout_s: float) -> float:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await _launch(p)
        try:
            with serve_app(log) as url:
                return await first_render(browser, url, ready, timeout_s=timeout_s)
        finally:
            await browser.close()


def fresh_server_first_render(ready: PageReady, log: Path, *, timeout_s: float = 120) -> float:
    """First render of ``ready`` by the first visitor of a freshly started server."""
    return asyncio.run(_fresh(ready, log, timeout_s))


async def _burst(url: str, ready: PageReady, n: int, timeout_s: float) -> list[float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await _launch(p)
        try:
            jobs = [first_render(browser, url, ready, timeout_s=timeout_s) for _ in range(n)]
            return list(await asyncio.wait_for(asyncio.gather(*jobs), timeout=timeout_s * 2))
        finally:
            await browser.close()


def burst(url: str, ready: PageReady, n: int, *, timeout_s: float = 180) -> list[float]:
    """First render seen by each of ``n`` sessions opening ``ready`` at the same moment."""
    if not 1 <= n <= MAX_SESSIONS:
        raise SystemExit(f"sessions must be between 1 and {MAX_SESSIONS}, not {n}")
    return asyncio.run(_burst(url, ready, n, timeout_s))


def ratio_line(
    label: str, value: Sequence[float], base: Sequence[float], target: float, *, unit: str = "s"
) -> str:
    """``label  value / base = ratio x   target <= t x: met`` on medians."""
    v, b = statistics.median(value), statistics.median(base)
    ratio = v / b
    verdict = "met" if ratio <= target else "NOT met"
    digits = 0 if unit == "ms" else 2
    return (
        f"{label:<46} {v:8.{digits}f} {unit} / {b:7.{digits}f} {unit} = {ratio:5.2f}x   "
        f"target <= {target:g}x: {verdict}"
    )
