"""Widgets shared by several pages."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from vbqapp.text import md_escape
from vbqcore.errors import VbqError
from vbqcore.plots.export import figure_png

__all__ = ["column_select", "png_download"]


def column_select(label: str, key: str, options: list[str], default: str | None) -> str | None:
    """A selectbox pre-set to ``default``, empty ("Choose …") when there is no default; a stored
    value that is no longer an option (another file) is dropped."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    index = options.index(default) if default in options else None
    return st.selectbox(
        label,
        options,
        index=index,
        key=key,
        placeholder="Choose a column",
        persist_state="session",  # kept through a bad upload and a visit to another page
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _png(_fig: go.Figure, key: str) -> bytes:
    """The figure as PNG, cached on ``key``: figures do not hash, so the caller names them."""
    return figure_png(_fig, width=1100)


def png_download(
    fig: go.Figure,
    *,
    file_name: str,
    cache_key: str,
    key: str,
    target: DeltaGenerator | None = None,
) -> bool:
    """A download button for ``fig`` as PNG, rendered on first request (kaleido starts Chromium,
    a few seconds) and cached; shows the error and returns False when it cannot be rendered."""
    try:
        with st.spinner(f"Rendering {file_name} …"):
            data = _png(fig, cache_key)
    except VbqError as err:
        st.error(md_escape(err))
        return False
    (target if target is not None else st).download_button(
        file_name,
        data,
        file_name=file_name,
        mime="image/png",
        key=key,
        on_click="ignore",  # a download needs no rerun
        icon=":material/image:",
    )
    return True
