"""Observer-agreement page results: verdicts, Bland–Altman grids, tables and their downloads."""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from vbqapp.figure_export import print_export
from vbqapp.state import AGREE_WIDGET_PREFIX as P
from vbqapp.text import md_escape
from vbqapp.widgets import png_download
from vbqcore.csv_safety import safe_csv
from vbqcore.plots.bland_altman import bland_altman_grid
from vbqcore.studies.agreement import AgreementStudy, Verdict
from vbqcore.studies.agreement_input import PairedMeasurements
from vbqcore.tables.labels import human_table

__all__ = ["show_downloads", "show_plots", "show_tables", "show_verdicts"]

logger = logging.getLogger(__name__)

_BOX = {
    Verdict.ACCEPTABLE: (st.success, ":material/check_circle:"),
    Verdict.NOT_ACCEPTABLE: (st.error, ":material/error:"),
    Verdict.INSUFFICIENT: (st.info, ":material/help:"),
}


def show_verdicts(study: AgreementStudy) -> None:
    """The summary sentence, then one box per group laid out like the plot grid."""
    st.subheader("Verdict")
    st.markdown(f"**{md_escape(study.summary())}**")  # names the uploaded columns
    structures = study.structures
    for sequence in study.sequences:
        columns = st.columns(len(structures))
        for column, structure in zip(columns, structures, strict=True):
            try:
                group = study.group(sequence, structure)
            except KeyError:
                continue
            box, icon = _BOX[group.verdict]
            with column:
                box(
                    f"**{md_escape(group.label)}** (n = {group.n_pairs}): "
                    + md_escape(group.explanation),
                    icon=icon,
                )
    notes = [f"{g.label}: {note}" for g in study.groups for note in g.notes]
    if notes:
        with st.expander(f"Notes ({len(notes)})"):
            st.markdown("\n".join(f"- {md_escape(n)}" for n in notes))


def show_plots(study: AgreementStudy) -> dict[str, go.Figure]:
    """Tabs with the % and the absolute Bland–Altman grids; returns the figures by name."""
    names = (study.label_a, study.label_b)
    figures: dict[str, go.Figure] = {}
    tab_pct, tab_abs = st.tabs(["Bland–Altman, % of mean", "Bland–Altman, absolute SI"])
    for tab, percent, name in ((tab_pct, True, "percent"), (tab_abs, False, "absolute")):
        panels = {
            (g.sequence.value, g.structure): (g.percent if percent else g.absolute)
            for g in study.groups
        }
        fig = bland_altman_grid(
            panels, rows=study.sequences, cols=study.structures, names=names, x_label="Mean SI"
        )
        figures[f"bland_altman_{name}"] = fig
        with tab:
            st.plotly_chart(fig, width="stretch", key=f"{P}fig_{name}")
    st.caption(
        "Points: each pair of readings; solid line: bias (mean difference); dashed: 95% limits "
        "of agreement; shaded: their confidence intervals; dotted green: the ±acceptance "
        "limits. Pooling L1–L4 treats four levels of one patient as independent pairs, as the "
        "paper does; their CIs are then somewhat too narrow."
    )
    return figures


def show_tables(study: AgreementStudy, measurements: PairedMeasurements) -> None:
    """Results, ICC, verdict and paired-data tables, each with a CSV download."""
    st.subheader("Tables")
    tables = _tables(study, measurements)
    tabs = st.tabs([title for title, _, _ in tables])
    for tab, (title, raw, file) in zip(tabs, tables, strict=True):
        frame = human_table(raw)  # readable headings on screen and in the CSV (issue 12)
        with tab:
            st.dataframe(frame, hide_index=True, width="stretch")
            st.download_button(
                f"Download {title.lower()} (CSV)",
                safe_csv(frame).encode("utf-8"),  # formula cells neutralised (OWASP)
                file_name=file,
                mime="text/csv",
                key=f"{P}dl_{file}",
                on_click="ignore",  # a download needs no rerun
                icon=":material/download:",
            )


def show_downloads(figures: dict[str, go.Figure], cache_key: str) -> None:
    """PNG downloads of the figures, made on request (kaleido starts Chromium: ~3 s each)."""
    cols = st.columns(len(figures))
    for col, (name, fig) in zip(cols, figures.items(), strict=True):
        with col:
            print_export(fig, file_stem=name, key=f"{P}print_{name}")
    if not st.toggle("Prepare PNG downloads of the plots", key=f"{P}png"):
        return
    for col, (name, fig) in zip(cols, figures.items(), strict=True):
        rendered = png_download(
            fig,
            file_name=f"{name}.png",
            cache_key=f"{cache_key}|{name}",
            key=f"{P}dl_{name}_png",
            target=col,
        )
        if not rendered:
            return


def _tables(
    study: AgreementStudy, measurements: PairedMeasurements
) -> list[tuple[str, pd.DataFrame, str]]:
    paired = measurements.frame.rename(
        columns={"a": measurements.label_a, "b": measurements.label_b, "row": "source_row"}
    )
    return [
        ("Bland–Altman results", study.results_table(), "agreement_bland_altman.csv"),
        ("ICC", study.icc_table(), "agreement_icc.csv"),
        ("Verdicts", study.verdict_table(), "agreement_verdicts.csv"),
        ("Paired readings", paired, "agreement_paired_readings.csv"),
    ]
