"""Widgets shared by several pages."""

from __future__ import annotations

import streamlit as st

__all__ = ["column_select"]


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
