"""Any page: a figure for print (PNG 300 dpi, SVG, PDF at a journal column width)."""

from __future__ import annotations

import logging

import plotly.graph_objects as go
import streamlit as st

from vbqcore.plots.publication import (
    ColumnWidth,
    ExportFormat,
    export_figure,
    figure_file_name,
    publication_style,
)

__all__ = ["print_export"]

logger = logging.getLogger(__name__)

_WIDTHS = {ColumnWidth.SINGLE: "One column (84 mm)", ColumnWidth.DOUBLE: "Two columns (174 mm)"}
_FORMATS = {
    ExportFormat.PNG: "PNG, 300 dpi",
    ExportFormat.SVG: "SVG (vector)",
    ExportFormat.PDF: "PDF (vector)",
}


def print_export(fig: go.Figure, *, file_stem: str, key: str) -> None:
    """A popover with the print options and one download button; rendered when clicked."""
    with st.popover("For print (300 dpi PNG, SVG, PDF)", icon=":material/print:"):
        fmt = st.radio(
            "Format",
            list(_FORMATS),
            format_func=_FORMATS.__getitem__,
            horizontal=True,
            key=f"{key}_fmt",
        )
        width = st.radio(
            "Width",
            list(_WIDTHS),
            format_func=_WIDTHS.__getitem__,
            index=1,
            horizontal=True,
            key=f"{key}_width",
        )
        style = st.toggle(
            "Publication style",
            value=True,
            key=f"{key}_pubstyle",
            help="White background, journal font sizes (Arial 9 pt), greyscale-safe colours "
            "with dashes.",
        )
        chosen = ExportFormat(fmt)
        column = ColumnWidth(width)
        shown = publication_style(fig) if style else fig
        name = figure_file_name(file_stem, "print" if style else "", column.value, fmt=chosen)
        st.caption(f"File: {name}")
        st.download_button(
            "Download for print",
            data=lambda: export_figure(shown, chosen, width=column),
            file_name=name,
            mime=chosen.mime,
            key=f"{key}_print",
            on_click="ignore",
            icon=":material/download:",
            help="Rendered when you click (a few seconds).",
        )
