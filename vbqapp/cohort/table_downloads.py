"""Cohort explorer: a manuscript table on screen with CSV, Word and Excel downloads."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from vbqapp.cohort.downloads import csv_button
from vbqcore.tables import table_docx, table_xlsx

__all__ = ["manuscript_table"]

logger = logging.getLogger(__name__)


def manuscript_table(
    frame: pd.DataFrame,
    *,
    title: str,
    footnotes: Sequence[str],
    file_stem: str,
    key: str,
) -> None:
    """``frame`` (human column names), its footnotes, and CSV / Word / Excel buttons; the
    documents are written when clicked (``file_stem`` + .csv/.docx/.xlsx)."""
    st.dataframe(frame, hide_index=True, height="content")
    for note in footnotes:
        st.caption(note)
    cols = st.columns(3)
    with cols[0]:
        csv_button(frame, file_name=f"{file_stem}.csv", key=f"{key}_csv")
    cols[1].download_button(
        "Word",
        data=lambda: table_docx(frame, title=title, footnotes=footnotes),
        file_name=f"{file_stem}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key=f"{key}_docx",
        on_click="ignore",
        icon=":material/description:",
    )
    cols[2].download_button(
        "Excel",
        data=lambda: table_xlsx(frame, title=title, footnotes=footnotes),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )
