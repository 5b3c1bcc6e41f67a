"""The cohort explorer's views are imported when first shown (issue 17: cold start)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap

from tests.conftest import ROOT
from vbqapp.cohort.views import menu


def test_every_view_name_has_a_module_with_show() -> None:
    assert menu.DEFAULT_VIEW in menu.VIEWS
    assert len(menu.view_modules()) == len(menu.VIEWS)
    for name in menu.view_modules():
        assert callable(importlib.import_module(name).show), name


def test_the_menu_imports_no_view_until_one_is_shown() -> None:
    # A fresh interpreter: importing the menu (what pages/cohort.py does) loads no view module,
    # so a cold start pays for the Overview only.
    code = textwrap.dedent(
        """
        import sys
        from vbqapp.cohort.views.menu import VIEWS, view_modules
        loaded = [m for m in view_modules() if m in sys.modules]
        assert not loaded, loaded
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
