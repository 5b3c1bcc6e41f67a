"""Real-browser fixtures: the app under ``streamlit run`` on a free loopback port, driven by
Python Playwright in Debian's ``/usr/bin/chromium`` (never ``playwright install``).

Without Chromium the browser tests skip on a developer machine and fail when ``CI`` is set,
so a CI run can never pass by silently testing nothing in the browser.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + ": browser tests are required in CI", pytrace=False)
    pytest.skip(message)


@contextlib.contextmanager
def serve_app(log_name: str = "streamlit.log") -> Iterator[str]:
    """Run ``streamlit run app.py`` on 127.0.0.1:<free port>; yield its URL; stop it after."""
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / log_name
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log, "w") as log_fh:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log_fh, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        try:
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited early; see {log}", pytrace=False)
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not answer within 60 s; see {log}", pytrace=False)
                time.sleep(0.25)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The app served once for the whole browser-test session."""
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
    pg.set_default_timeout(30_000)
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
