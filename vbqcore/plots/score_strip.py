"""A strip per VBQ score placing the patient's value against its published cut-off (plotly)."""

from __future__ import annotations

import logging

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from vbqcore.interpretation import CutoffComparison, Interpretation
from vbqcore.vbq import ScoreName, VbqResult

__all__ = ["score_strip"]

logger = logging.getLogger(__name__)

_BELOW = "rgba(46, 160, 67, 0.18)"  # below the cut-off: the negative side
_ABOVE = "rgba(220, 53, 69, 0.18)"  # at or above: the side where OVCF was commoner
_MARK = "#1f2937"


def score_strip(result: VbqResult, interpretation: Interpretation | None) -> go.Figure:
    """One horizontal strip per computed score: shaded below / at-or-above its cut-off, the
    cut-off as a dashed line, the patient's value as a diamond with its measurement interval as
    an error bar. A score without a published cut-off (VBQ-STIR) shows its value alone; a score
    that is not interpretable against its cut-off (screenshot SIs) gets no coloured zone. Draws
    what the result and interpretation hold; computes nothing.
    """
    names = list(result.computed)
    cutoffs: dict[ScoreName, CutoffComparison] = {}
    if interpretation is not None:
        for c in interpretation.comparisons:
            cutoffs.setdefault(c.score, c)  # first published cut-off per score
    rows = max(len(names), 1)
    fig = make_subplots(rows=rows, cols=1, vertical_spacing=0.35 / rows)
    for row, name in enumerate(names, start=1):
        value = result.score(name)
        assert value is not None  # computed scores only
        comparison = cutoffs.get(name)
        cut = None if comparison is None else comparison.cutoff.value
        coloured = comparison is not None and comparison.interpretable
        interval = None if interpretation is None else interpretation.intervals.get(name)
        top = max(value, cut or 0.0) * 1.5 or 1.0
        side = ""
        if comparison is not None and comparison.zone is not None:
            side = f" ({comparison.zone.value})"
        elif comparison is not None:
            side = " (not interpretable against the cut-off)"
        error = None
        if interval is not None:
            top = max(top, interval.high * 1.1)
            error = {
                "type": "data",
                "symmetric": False,
                "array": [interval.high - value],
                "arrayminus": [value - interval.low],
                "color": _MARK,
                "thickness": 1.5,
                "width": 6,
            }
        fig.add_trace(
            go.Scatter(
                x=[value],
                y=[0],
                error_x=error,
                mode="markers+text",
                text=[f"{value:.3f}"],
                textposition="bottom center",
                marker={"symbol": "diamond", "size": 14, "color": _MARK},
                name=name.label,
                hovertemplate=f"{name.label} = {value:.4f}{side}<extra></extra>",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        if cut is not None and coloured:  # shapes after the trace: plotly skips empty subplots
            fig.add_vrect(
                x0=0, x1=cut, fillcolor=_BELOW, line_width=0, layer="below", row=row, col=1
            )
            fig.add_vrect(
                x0=cut, x1=top, fillcolor=_ABOVE, line_width=0, layer="below", row=row, col=1
            )
            fig.add_vline(
                x=cut,
                line_dash="dash",
                line_color=_MARK,
                row=row,
                col=1,
                annotation_text=f"cut-off {cut:g}",
                annotation_position="top right",
                annotation_font_size=11,
            )
        fig.update_xaxes(range=[0, top], row=row, col=1)
        fig.update_yaxes(
            range=[-1.6, 1.0],
            tickvals=[0],
            ticktext=[f"<b>{name.label}</b>"],
            showgrid=False,
            zeroline=False,
            row=row,
            col=1,
        )
    fig.update_layout(
        height=40 + 90 * rows,
        margin={"l": 10, "r": 10, "t": 20, "b": 20},
        plot_bgcolor="white",
    )
    if not names:
        fig.add_annotation(
            text="No score yet", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper"
        )
    return fig
