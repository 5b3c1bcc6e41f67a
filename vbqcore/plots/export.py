"""Static PNG export of plotly figures through kaleido (which drives a Chromium browser)."""

from __future__ import annotations

import logging

import plotly.graph_objects as go

from vbqcore.errors import ExportError
from vbqcore.plots.render import render_figure

__all__ = ["PNG_MAGIC", "figure_png"]

logger = logging.getLogger(__name__)

#: The first bytes of every PNG file.
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def figure_png(
    fig: go.Figure, *, width: int = 1000, height: int | None = None, scale: float = 2.0
) -> bytes:
    """The figure as PNG bytes, ``width`` x ``height`` CSS pixels times ``scale`` (2: sharp on
    print and high-density screens).

    kaleido 1.x starts Chromium for each call (a few seconds; it finds Debian's
    ``/usr/bin/chromium`` itself), so call this when the user asks for the file.

    Raises
    ------
    ExportError
        kaleido or Chromium is missing, or the renderer fails.
    """
    try:
        data = render_figure(
            fig, format="png", width=width, height=height or fig.layout.height or 500, scale=scale
        )
    except Exception as err:  # kaleido/choreographer raise several unrelated types
        raise ExportError(
            f"The figure could not be saved as PNG ({type(err).__name__}: {err}). PNG export "
            "needs the kaleido package and a Chromium browser (Debian: apt-get install chromium)."
        ) from err
    if not data.startswith(PNG_MAGIC):
        raise ExportError("The PNG renderer returned something that is not a PNG image.")
    logger.debug("figure exported: %d bytes", len(data))
    return bytes(data)
