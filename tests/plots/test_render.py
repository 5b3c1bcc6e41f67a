"""The kaleido watchdog: a render that hangs (its Chromium died) is abandoned and retried once;
errors pass through; a second hang becomes a clear error, and the export says what happened."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go
import pytest

from vbqcore.errors import ExportError
from vbqcore.plots import export, render
from vbqcore.plots.export import PNG_MAGIC, figure_png
from vbqcore.plots.render import RenderTimeout, render_figure


class _Figure:
    """Stands in for a plotly figure: its first ``hangs`` renders never answer."""

    def __init__(self, hangs: int, release: threading.Event) -> None:
        self.hangs, self.release = hangs, release
        self.calls: list[dict[str, Any]] = []

    def to_image(self, **kwargs: Any) -> bytes:
        self.calls.append(kwargs)
        if len(self.calls) <= self.hangs:
            self.release.wait()  # like choreographer reading a pipe whose Chromium is gone
            return b"late answer of an abandoned attempt"
        return PNG_MAGIC + b"rest"


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    monkeypatch.setattr(render, "RENDER_TIMEOUT_S", 0.2)
    event = threading.Event()
    yield event
    event.set()  # let the abandoned threads end


def test_a_hung_render_is_retried_with_the_same_arguments(release: threading.Event) -> None:
    fig = _Figure(hangs=1, release=release)
    assert render_figure(fig, format="png", width=10) == PNG_MAGIC + b"rest"  # type: ignore[arg-type]
    assert fig.calls == [{"format": "png", "width": 10}] * 2


def test_two_hung_renders_raise_a_timeout(release: threading.Event) -> None:
    fig = _Figure(hangs=2, release=release)
    with pytest.raises(RenderTimeout, match="2 attempts"):
        render_figure(fig, format="png")  # type: ignore[arg-type]
    assert len(fig.calls) == 2


def test_an_error_is_raised_at_once_not_retried() -> None:
    calls: list[int] = []

    class Broken:
        def to_image(self, **_: Any) -> bytes:
            calls.append(1)
            raise ValueError("no chromium")

    with pytest.raises(ValueError, match="no chromium"):
        render_figure(Broken())  # type: ignore[arg-type]
    assert calls == [1]


def test_the_png_export_turns_a_hang_into_an_export_error(
    release: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    fig = go.Figure()
    hung = _Figure(hangs=2, release=release)
    monkeypatch.setattr(export, "render_figure", lambda _fig, **kw: render_figure(hung, **kw))  # type: ignore[arg-type]
    with pytest.raises(ExportError, match="no answer"):
        figure_png(fig)
