"""Cohort explorer: CSV downloads of tables and PNG downloads of figures (made on click)."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vbqapp.figure_export import print_export
from vbqcore.csv_safety import safe_csv
from vbqcore.plots.export import figure_png

__all__ = ["csv_button", "png_button", "figure_block", "table_block"]

logger = logging.getLogger(__name__)

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


@st.cache_resource
def png_available() -> bool:
    """kaleido renders PNGs in Chromium; without one the PNG buttons are replaced by a note.
    ``BROWSER_PATH`` (read by kaleido's browser finder, choreographer) points at another one."""
    custom = os.environ.get("BROWSER_PATH")
    if custom:
        return os.path.isfile(custom) and os.access(custom, os.X_OK)
    return any(shutil.which(name) for name in _BROWSERS)


def _csv_bytes(frame: pd.DataFrame | Callable[[], pd.DataFrame]) -> Callable[[], bytes]:
    def write() -> bytes:
        table = frame() if callable(frame) else frame
        # utf-8-sig: Excel opens the file with the right characters (±, –, ², ≥).
        return safe_csv(table).encode("utf-8-sig")  # formula cells neutralised (OWASP)

    return write


def csv_button(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    *,
    file_name: str,
    key: str,
    label: str = "CSV",
) -> None:
    """A download button for ``frame`` (or what the callable returns) as CSV, written on click."""
    st.download_button(
        label,
        data=_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def png_button(fig: go.Figure, *, file_name: str, key: str, label: str = "PNG") -> None:
    """A download button for ``fig`` as PNG, rendered by kaleido when clicked (a few seconds)."""
    if not png_available():
        st.caption("PNG export needs Chromium (apt-get install chromium).")
        return
    st.download_button(
        label,
        data=lambda: figure_png(fig),
        file_name=file_name,
        mime="image/png",
        key=key,
        on_click="ignore",
        icon=":material/image:",
        help="Rendered when you click (a few seconds).",
    )


def figure_block(fig: go.Figure, *, file_name: str, key: str) -> None:
    """The interactive figure with its PNG download under it, and the print export (300 dpi
    PNG, SVG, PDF at a journal column width; publication style on request)."""
    st.plotly_chart(fig, key=f"{key}_chart", config={"displaylogo": False})
    left, right = st.columns([1, 3])
    with left:
        png_button(fig, file_name=file_name, key=f"{key}_png")
    with right:
        print_export(fig, file_stem=file_name.rsplit(".", 1)[0], key=key)


def table_block(frame: pd.DataFrame, *, file_name: str, key: str) -> None:
    """The whole table (its height fits its rows: these tables are short) and its CSV download."""
    st.dataframe(frame, hide_index=True, height="content")
    csv_button(frame, file_name=file_name, key=f"{key}_csv")
