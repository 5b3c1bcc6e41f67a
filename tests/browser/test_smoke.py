"""Every page in the navigation opens in Chromium with no exception box."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, wait_for_app
from vbqapp.navigation import PAGES

pytestmark = pytest.mark.browser


def test_home_renders(page, app_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("Research use only.").first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


@pytest.mark.parametrize("spec", PAGES, ids=[p.title for p in PAGES])
def test_every_page_opens(page, app_url, spec) -> None:  # type: ignore[no-untyped-def]
    url_path = "" if spec.default else spec.path.rsplit("/", 1)[-1].removesuffix(".py")
    page.goto(f"{app_url}/{url_path}")
    wait_for_app(page)
    page.get_by_role("heading", name=spec.heading).first.wait_for()
    assert page.locator("[data-testid=stException]").count() == 0, spec.path
