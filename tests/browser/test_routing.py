"""A deep link opened on a fresh server still goes through app.py's router (vbqapp.routing)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import _require_chromium, serve_app, wait_for_app
from vbqapp.navigation import PAGES

pytestmark = pytest.mark.browser


def test_deep_link_on_a_fresh_server_is_routed(browser) -> None:  # type: ignore[no-untyped-def]
    # Streamlit 1.67 starts in legacy pages/ mode: without vbqapp.routing the first visitor of
    # /reproduce gets the page run bare, a centred layout and a sidebar of file names.
    _require_chromium()
    target = next(p for p in PAGES if p.path == "pages/reproduce.py")
    with serve_app("streamlit-deeplink.log") as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{url}/reproduce?probe=1")
            page.get_by_role("heading", name=target.heading).first.wait_for(timeout=60_000)
            wait_for_app(page)
            nav = page.locator("[data-testid=stSidebarNav]").inner_text()
            assert all(p.title in nav for p in PAGES), nav
            assert "reproduce" not in nav.split(), nav  # legacy mode lists file stems
            assert page.url.endswith("/reproduce?probe=1")
            assert page.locator("[data-testid=stException]").count() == 0
        finally:
            context.close()
