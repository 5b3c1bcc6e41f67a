"""User text in figures shown as text: plotly renders a subset of HTML in trace names, legends,
titles and hover labels (``<a href>`` becomes a live link, ``<b>`` bold), so group values,
column names and reader names from an uploaded table are HTML-escaped before they are drawn.
Plotly turns the entities back into the characters on screen (``&lt;`` shows as ``<``)."""

from __future__ import annotations

import html

__all__ = ["plot_text"]


def plot_text(value: object) -> str:
    """``value`` as literal text in a plotly label.

    >>> plot_text("<a href='https://e.vil'>x</a>")
    "&lt;a href='https://e.vil'&gt;x&lt;/a&gt;"
    """
    return html.escape(str(value), quote=False)
