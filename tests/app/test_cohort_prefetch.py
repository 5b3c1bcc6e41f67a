"""AppTest: after the first view is drawn, the other views' default analyses are computed in the
background (vbqapp.cohort.prefetch), so a view switch is a cache hit (issue 17).

The background thread is made synchronous here (so no test waits on a thread), the shared
caches are emptied first, and every analysis function behind the caches is then replaced by one
that fails: a view that still had to compute shows the failure.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqapp.cohort import cache, prefetch

APP = str(ROOT / "app.py")
OTHER_VIEWS = ["Distributions", "ROC", "Regression", "Subgroups"]
_ANALYSES = (
    "table_one",
    "score_distributions",
    "score_histogram",
    "roc_panel",
    "regression",
    "subgroup_analysis",
)
_CACHED = (
    "filter_options",
    "table_one_for",
    "distributions_for",
    "histogram_for",
    "roc_for",
    "confusion_for",
    "regression_for",
    "subgroups_for",
    "subgroup_table_for",
)


class _InlineThread:
    """Stands in for the prefetch's Thread: runs the target when started."""

    def __init__(self, target: Any, args: tuple[Any, ...] = (), **_: Any) -> None:
        self._target, self._args = target, args

    def start(self) -> None:
        self._target(*self._args)


class _NoThread(_InlineThread):
    def start(self) -> None:  # prefetch switched off
        pass


def _join_prefetches() -> None:
    """Wait for prefetch threads that earlier tests of this process started (so none fills a
    cache or calls a patched analysis during a test here)."""
    for thread in threading.enumerate():
        if thread.name == "vbq-prefetch":
            thread.join(timeout=120)


@pytest.fixture
def empty_caches() -> Iterator[None]:
    _join_prefetches()
    for name in _CACHED:
        getattr(cache, name).clear()
    prefetch._started.clear()
    yield
    for name in _CACHED:
        getattr(cache, name).clear()
    prefetch._started.clear()


def _overview_then_forbid(
    monkeypatch: pytest.MonkeyPatch, thread: type
) -> tuple[AppTest, list[str]]:
    monkeypatch.setattr(prefetch, "Thread", thread)
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/cohort.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="cohort_view").value == "Overview"

    calls: list[str] = []  # the app redacts error messages: the calls are recorded here

    def forbid(name: str) -> Any:
        def recomputed(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            raise RuntimeError(f"{name} recomputed after the prefetch")

        return recomputed

    for name in _ANALYSES:
        monkeypatch.setattr(cache, name, forbid(name))
    return at, calls


@pytest.mark.usefixtures("empty_caches")
def test_every_view_switch_is_a_cache_hit_after_the_prefetch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at, calls = _overview_then_forbid(monkeypatch, _InlineThread)
    for view in OTHER_VIEWS:
        at.segmented_control(key="cohort_view").set_value(view).run()
        assert calls == [], view
        assert not at.exception, (view, [e.value for e in at.exception])
        assert at.segmented_control(key="cohort_view").value == view


@pytest.mark.usefixtures("empty_caches")
def test_without_the_prefetch_the_switch_computes(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check above can fail: with the prefetch off, the ROC view has to compute.
    at, calls = _overview_then_forbid(monkeypatch, _NoThread)
    at.segmented_control(key="cohort_view").set_value("ROC").run()
    assert calls == ["roc_panel"]
    assert at.exception


def test_large_tables_are_analysed_per_view_not_in_the_background(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[object] = []

    class _Recording(_NoThread):
        def start(self) -> None:
            started.append(self)

    monkeypatch.setattr(prefetch, "Thread", _Recording)
    monkeypatch.setattr(prefetch, "PREFETCH_MAX_ROWS", 100)  # the demo cohort has 168 rows
    _join_prefetches()
    prefetch._started.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/cohort.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert started == []
    monkeypatch.setattr(prefetch, "PREFETCH_MAX_ROWS", 168)
    at.segmented_control(key="cohort_view").set_value("ROC").run()
    assert len(started) == 1
    prefetch._started.clear()
