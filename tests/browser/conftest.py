"""Real-browser fixtures: the app under ``streamlit run`` on a free loopback port, driven by
Python Playwright in Debian's ``/usr/bin/chromium`` (never ``playwright install``).

Without Chromium the browser tests skip on a developer machine and fail when ``CI`` is set,
so a CI run can never pass by silently testing nothing in the browser.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import server
from tests.browser.server import ROOT

CHROMIUM = os.environ.get("VBQ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
#: One timeout for every wait of the suite: page actions and ``expect`` alike. Playwright's
#: ``expect`` keeps its own 5 s default unless told, which a loaded 2-core machine exceeds.
TIMEOUT_MS = 30_000

with contextlib.suppress(ImportError):  # Playwright absent: the tests skip (or fail in CI)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + ": browser tests are required in CI", pytrace=False)
    pytest.skip(message)


@contextlib.contextmanager
def serve_app(log_name: str = "streamlit.log") -> Iterator[str]:
    """The app under ``streamlit run`` (see tests/browser/server.py); a failed start fails the
    test rather than erroring it. Under pytest-xdist each worker writes its own log
    (``streamlit-gw0.log``), so two workers' servers never share a file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        log_name = f"{Path(log_name).stem}-{worker}{Path(log_name).suffix}"
    try:
        with server.serve_app(ARTIFACTS / log_name) as url:
            yield url
    except server.AppStartError as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The app served once per test process: once for a plain run, once per pytest-xdist
    worker (``--dist loadfile`` keeps each module on one worker and its one server)."""
    _require_chromium()
    with serve_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: object, app_url: str) -> Iterator[object]:
    """A fresh browser page (own session) at the app's home; fails the test on a JS error box."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1280, "height": 1600}, accept_downloads=True
    )
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    try:
        yield pg
    finally:
        context.close()


def wait_for_app(page: object) -> None:
    """Wait until Streamlit has finished running the script (no 'running' status widget)."""
    pg = page
    pg.wait_for_selector("[data-testid=stApp]")  # type: ignore[attr-defined]
    pg.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=30_000
    )
