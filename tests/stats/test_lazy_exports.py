"""vbqcore.stats loads ROC, regression and matching on first use (cold start, issue 17): every
public name still resolves to the same object as its defining module's, in any import order."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types

import pytest

import vbqcore.stats as stats_pkg
from tests.conftest import ROOT


@pytest.mark.parametrize("name", stats_pkg.__all__)
def test_every_public_name_is_the_defining_objects(name: str) -> None:
    value = getattr(stats_pkg, name)
    assert not isinstance(value, types.ModuleType), name
    source = stats_pkg._SOURCES.get(name)
    if source is not None:
        assert value is getattr(sys.modules[source], name)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'roc_curve_typo'"):
        _ = stats_pkg.roc_curve_typo  # type: ignore[attr-defined]


def test_a_fresh_import_leaves_statsmodels_unloaded_until_needed() -> None:
    # In a fresh interpreter: the group comparisons alone need neither statsmodels nor the ROC
    # modules; asking for logistic_regression loads it, and the names survive every submodule
    # being imported afterwards (a submodule import rebinds a package attribute of its name).
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys, types
        import vbqcore.stats as s
        from vbqcore.cohort import analysis, table  # the Overview view's imports
        assert "statsmodels" not in sys.modules, "statsmodels loaded eagerly"
        assert "vbqcore.stats.roc" not in sys.modules
        s.logistic_regression
        assert "statsmodels" in sys.modules
        for m in pkgutil.iter_modules(s.__path__):
            importlib.import_module("vbqcore.stats." + m.name)
        bad = [n for n in s.__all__ if isinstance(getattr(s, n), types.ModuleType)]
        assert not bad, bad
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
