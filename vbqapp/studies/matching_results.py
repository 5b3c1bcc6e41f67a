"""Matching page results: counts, the flow chart, the pairs, downloads and the cohort hand-off."""

from __future__ import annotations

import json
import logging

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vbqapp.figure_export import print_export
from vbqapp.navigation import PAGES
from vbqapp.state import MATCH_WIDGET_PREFIX as P
from vbqapp.state import IncomingDataset, send_to_cohort
from vbqapp.studies.matching_inputs import MatchSettings
from vbqapp.widgets import png_download
from vbqcore.csv_safety import safe_csv
from vbqcore.plots.flow import flow_figure
from vbqcore.stats.matching import MatchResult
from vbqcore.studies.matching import FlowChart, flow_chart
from vbqcore.tables.labels import human_table

__all__ = ["COHORT_PAGE", "cohort_payload", "show_result"]

logger = logging.getLogger(__name__)

#: The cohort explorer's page file; the hand-off button appears only when it is in PAGES.
COHORT_PAGE = "pages/cohort.py"


def cohort_payload(result: MatchResult, settings: MatchSettings, source: str) -> IncomingDataset:
    """What the cohort explorer receives (an ``IncomingDataset``): the matched rows (case
    then control, ``pair_id`` first) and the columns it should use for group, case value, sex
    and age (keys of ``vbqcore.cohort.mapping.ColumnMapping``; it guesses the scores)."""
    mapping = {
        "group": settings.group,
        "positive": settings.case,
        "sex": settings.sex,
        "age": settings.age,
    }
    return IncomingDataset(
        name=f"Matched set from {source} ({result.flow.matched_pairs} pairs)",
        frame=result.matched.copy(),
        mapping=mapping,
    )


def show_result(result: MatchResult, settings: MatchSettings, source: str) -> None:
    flow = result.flow
    chart = flow_chart(
        flow, case_label=f"Cases ({settings.case})", control_label=_control_label(settings)
    )
    st.subheader("Flow of patients")
    m = st.columns(4)
    m[0].metric("Matched pairs", flow.matched_pairs)
    m[1].metric("Eligible cases", flow.eligible_cases)
    m[2].metric("Cases not matched", sum(flow.unmatched_cases.values()))
    m[3].metric("Controls not used", flow.unused_controls)
    figure = flow_figure(chart)
    st.plotly_chart(figure, width="stretch", key=f"{P}flow_fig")
    _downloads(result, chart)
    _png_download(figure, json.dumps([flow.to_dict(), repr(settings)], sort_keys=True))
    st.subheader("Matched pairs")
    st.dataframe(_readable(result.pairs), hide_index=True, width="stretch")
    st.caption("Rows in file count the header as row 1, as a spreadsheet shows them.")
    left = [
        (f"Cases not matched ({len(result.unmatched_cases)})", result.unmatched_cases),
        (f"Excluded ({len(result.excluded)})", result.excluded),
    ]
    for title, frame in left:
        if len(frame):
            with st.expander(title):
                st.dataframe(_readable(frame), width="stretch")
    _handoff(result, settings, source)


def _control_label(settings: MatchSettings) -> str:
    return f"Controls ({settings.control})" if settings.control else "Controls"


def _downloads(result: MatchResult, chart: FlowChart) -> None:
    files = [
        ("Matched set", result.matched, "matched_set.csv", "primary"),  # the user's own columns
        ("Pairs", _readable(result.pairs), "matched_pairs.csv", "secondary"),
        ("Flow counts", human_table(chart.table()), "matching_flow.csv", "secondary"),
        ("Left out", _readable(_left_out(result)), "matching_left_out.csv", "secondary"),
    ]
    cols = st.columns(len(files))
    for col, (label, frame, name, kind) in zip(cols, files, strict=True):
        col.download_button(
            f"{label} (CSV)",
            safe_csv(frame).encode("utf-8"),  # formula cells neutralised (OWASP)
            file_name=name,
            mime="text/csv",
            key=f"{P}dl_{name}",
            on_click="ignore",  # a download needs no rerun
            type=kind,  # type: ignore[arg-type]
            icon=":material/download:",
        )


def _png_download(figure: go.Figure, cache_key: str) -> None:
    """The flow chart as PNG, made on request (kaleido starts Chromium: a few seconds), and
    for print (300 dpi PNG, SVG, PDF at a journal column width)."""
    print_export(figure, file_stem="matching_flow", key=f"{P}print_flow")
    if not st.toggle("Prepare a PNG of the flow chart", key=f"{P}png"):
        return
    png_download(figure, file_name="matching_flow.png", cache_key=cache_key, key=f"{P}dl_flow_png")


def _readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Readable headings; ``case_row``/``control_row`` (0-based positions of the uploaded table)
    as the file's row numbers, header = row 1."""
    rows = {c: frame[c] + 2 for c in ("case_row", "control_row") if c in frame.columns}
    rows = {c: v for c, v in rows.items() if pd.api.types.is_integer_dtype(frame[c])}
    return human_table(frame.assign(**rows))


def _left_out(result: MatchResult) -> pd.DataFrame:
    """Every candidate not in a pair, with the stage and the reason."""
    parts = [
        result.excluded.rename(columns={"excluded_reason": "reason"}).assign(stage="excluded"),
        result.unmatched_cases.rename(columns={"unmatched_reason": "reason"}).assign(
            stage="case not matched"
        ),
        result.unused_controls.assign(stage="control not used", reason=""),
    ]
    return pd.concat(parts, ignore_index=True)


def _handoff(result: MatchResult, settings: MatchSettings, source: str) -> None:
    if not any(p.path == COHORT_PAGE for p in PAGES):
        st.caption("The cohort explorer is not available in this build.")
        return
    if st.button(
        "Open in cohort explorer",
        key=f"{P}open_cohort",
        icon=":material/open_in_new:",
        disabled=result.flow.matched_pairs == 0,
    ):
        send_to_cohort(cohort_payload(result, settings, source))
        logger.info("Matched set (%d pairs) sent to the cohort explorer.", len(result.pairs))
        st.switch_page(COHORT_PAGE)
