"""AppTest: the router starts on Home and every registered page runs without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqapp.navigation import PAGES

APP = str(ROOT / "app.py")


def test_home_shows_research_notice() -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "VBQ Dashboard"
    assert any("Research use only" in w.value for w in at.warning)
    assert any("1.5 T" in w.value for w in at.warning)


@pytest.mark.parametrize("spec", PAGES, ids=[p.title for p in PAGES])
def test_every_page_runs(spec) -> None:  # type: ignore[no-untyped-def]
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(spec.path).run()
    assert not at.exception, [e.value for e in at.exception]
