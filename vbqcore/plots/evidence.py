"""The state of the evidence at a glance: published VBQ AUCs with CIs, grouped by target."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable

import plotly.graph_objects as go

from vbqcore.literature import LibraryEntry, Target
from vbqcore.plots.forest import ForestRow

__all__ = ["evidence_rows", "evidence_figure"]

logger = logging.getLogger(__name__)

#: One colour per target group (Okabe–Ito, colour-blind safe).
_GROUP_COLORS = {
    "fracture-risk": "#D55E00",
    "osteoporosis-screening": "#0072B2",
    "surgical-planning": "#009E73",
}


def evidence_rows(entries: Iterable[LibraryEntry]) -> list[ForestRow]:
    """One row per entry with an AUC, ordered by target then AUC (highest first).

    The label names the score, the threshold (or "no threshold") and the source; the series is
    the target group. An AUC without a published CI is drawn without bars (CI = estimate).
    """
    with_auc = [e for e in entries if e.auc is not None]
    order = {t: i for i, t in enumerate(Target)}
    with_auc.sort(key=lambda e: (order[e.target], -(e.auc or 0.0)))
    rows = []
    for e in with_auc:
        auc = float(e.auc or math.nan)
        low, high = e.auc_ci if e.auc_ci is not None else (auc, auc)
        cut = "no threshold" if e.threshold is None else f"cut-off {e.threshold:g}"
        ci = "" if e.auc_ci is None else f" ({low:.2f}–{high:.2f})"
        rows.append(
            ForestRow(
                label=f"{e.target.label} · {e.score.label} · {cut} · {e.short_ref}",
                series=e.target.group.label,
                estimate=auc,
                low=low,
                high=high,
                text=f"AUC {auc:.2f}{ci}; n = {e.n if e.n is not None else 'n/r'}",
                color=_GROUP_COLORS[e.target.group.value],
            )
        )
    return rows


def evidence_figure(entries: Iterable[LibraryEntry]) -> go.Figure:
    """Forest-style plot of the published AUCs (95% CI where given), one row per entry, one
    colour per target group, a dotted line at 0.5 (no discrimination)."""
    rows = evidence_rows(entries)
    position = {r.label: len(rows) - 1 - i for i, r in enumerate(rows)}
    fig = go.Figure()
    for group in dict.fromkeys(r.series for r in rows):
        mine = [r for r in rows if r.series == group]
        fig.add_trace(
            go.Scatter(
                x=[r.estimate for r in mine],
                y=[position[r.label] for r in mine],
                mode="markers",
                marker={"color": mine[0].color, "size": 9, "symbol": "square"},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [r.high - r.estimate for r in mine],
                    "arrayminus": [r.estimate - r.low for r in mine],
                    "color": mine[0].color,
                    "thickness": 1.6,
                    "width": 4,
                },
                name=group,
                customdata=[[r.label, r.text] for r in mine],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            )
        )
    fig.add_vline(x=0.5, line_dash="dot", line_color="#888")
    fig.update_layout(
        xaxis={"title": "AUC (95% CI where published)", "range": [0.45, 1.0]},
        yaxis={
            "tickmode": "array",
            "tickvals": [position[r.label] for r in rows],
            "ticktext": [r.label for r in rows],
            "automargin": True,
        },
        height=max(320, 30 * len(rows) + 140),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )
    return fig
