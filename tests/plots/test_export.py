"""Tests of vbqcore.plots.export: a real PNG through kaleido + Chromium, and the error path."""

from __future__ import annotations

import shutil

import plotly.graph_objects as go
import pytest

from vbqcore.errors import ExportError, VbqError
from vbqcore.plots import export
from vbqcore.plots.export import PNG_MAGIC, figure_png


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kaleido needs Chromium")
def test_png_bytes() -> None:
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    data = figure_png(fig, width=300, height=200, scale=1)
    assert data.startswith(PNG_MAGIC)
    # IHDR: width and height as big-endian 32-bit integers at bytes 16-24.
    assert int.from_bytes(data[16:20], "big") == 300
    assert int.from_bytes(data[20:24], "big") == 200


def test_renderer_failure_becomes_export_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: go.Figure, **kwargs: object) -> bytes:
        raise RuntimeError("Could not find Chrome")

    monkeypatch.setattr(go.Figure, "to_image", broken)
    with pytest.raises(ExportError, match="apt-get install chromium") as info:
        figure_png(go.Figure())
    assert isinstance(info.value, VbqError)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_not_a_png_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(go.Figure, "to_image", lambda self, **kwargs: b"<svg/>")
    with pytest.raises(ExportError, match="not a PNG"):
        export.figure_png(go.Figure())
