"""Box or violin plots with points of each score per group (and sex), from precomputed summaries."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Literal

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from vbqcore.cohort.distributions import DistributionSummary, ScoreDistributions
from vbqcore.plots.labels import plot_text
from vbqcore.plots.roc import GROUP_COLORS

__all__ = ["distribution_figure"]

logger = logging.getLogger(__name__)

#: Half the width of a violin or box, in units of the distance between two strata.
_HALF_WIDTH = 0.38
_PATIENT_COLOR = "#111111"
_SEXES = {"F": "women", "M": "men"}


def _translucent(color: str, alpha: float) -> str:
    """``#D55E00`` as ``rgba(213,94,0,alpha)``: a box fill that lets the points show."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _box(
    summary: DistributionSummary, x: float, color: str, show_legend: bool, narrow: bool
) -> go.Box:
    s = summary.stats
    return go.Box(
        x=[x],
        q1=[s["q1"]],
        median=[s["median"]],
        q3=[s["q3"]],
        lowerfence=[s["whisker_low"]],
        upperfence=[s["whisker_high"]],
        mean=[s["mean"]],
        width=0.12 if narrow else 2 * _HALF_WIDTH * 0.7,
        name=plot_text(summary.group),
        legendgroup=summary.group,
        showlegend=show_legend,
        marker={"color": color},
        line={"color": color if not narrow else "#333333", "width": 1.5},
        fillcolor=_translucent(color, 0.35) if not narrow else "rgba(255,255,255,0.9)",
        hoverinfo="y",
        boxpoints=False,
    )


def _violin(summary: DistributionSummary, x: float, color: str, show_legend: bool) -> go.Scatter:
    if summary.density.size == 0:
        return go.Scatter(x=[x], y=[summary.stats["median"]], mode="markers", showlegend=False)
    half = summary.density / summary.density.max() * _HALF_WIDTH
    xs = np.concatenate([x - half, (x + half)[::-1]])
    ys = np.concatenate([summary.grid, summary.grid[::-1]])
    return go.Scatter(
        x=xs,
        y=ys,
        fill="toself",
        mode="lines",
        line={"color": color, "width": 1},
        fillcolor=color,
        opacity=0.35,
        name=plot_text(summary.group),
        legendgroup=summary.group,
        showlegend=show_legend,
        hoverinfo="skip",
    )


def _points(summary: DistributionSummary, x: float, color: str, seed: int) -> go.Scatter:
    # Jitter only spreads the points sideways for legibility; the values are untouched.
    jitter = np.random.default_rng(seed).uniform(-0.5, 0.5, summary.points.size) * _HALF_WIDTH
    return go.Scatter(
        x=x + jitter,
        y=summary.points,
        mode="markers",
        marker={"color": color, "size": 4, "opacity": 0.55, "line": {"width": 0}},
        customdata=summary.point_rows,
        name=plot_text(summary.group),
        legendgroup=summary.group,
        showlegend=False,
        hovertemplate=(
            f"{plot_text(summary.label)}<br>row %{{customdata}}: %{{y:.3f}}<extra></extra>"
        ),
    )


def distribution_figure(
    dist: ScoreDistributions,
    *,
    kind: Literal["box", "violin"] = "box",
    show_points: bool = True,
    patient: Mapping[str, float | None] | None = None,
    height: int = 460,
) -> go.Figure:
    """One panel per score: a box (Tukey whiskers) or a violin (kernel density with a narrow box
    inside) per group, split by sex when ``dist.by_sex``, with the points over it.

    ``patient`` maps score names (``"vbq_t2"``) to this patient's value: a dashed line labelled
    "this patient" across that score's panel.
    """
    colors = dict(zip(dist.groups, GROUP_COLORS, strict=False))
    fig = make_subplots(
        rows=1,
        cols=max(1, len(dist.scores)),
        subplot_titles=[s.label for s in dist.scores],
        horizontal_spacing=0.06,
    )
    legend_done: set[str] = set()
    for col, score in enumerate(dist.scores, start=1):
        strata = [s for s in dist.summaries if s.score is score]
        ticks = [
            s.group if s.sex is None else f"{s.group}<br>{_SEXES.get(s.sex, s.sex)}" for s in strata
        ]
        for x, summary in enumerate(strata):
            color = colors[summary.group]
            show = summary.group not in legend_done
            legend_done.add(summary.group)
            if kind == "violin":
                fig.add_trace(_violin(summary, x, color, show), row=1, col=col)
                fig.add_trace(_box(summary, x, color, False, narrow=True), row=1, col=col)
            else:
                fig.add_trace(_box(summary, x, color, show, narrow=False), row=1, col=col)
            if show_points and summary.points.size:
                fig.add_trace(_points(summary, x, color, seed=7 * col + x), row=1, col=col)
        fig.update_xaxes(
            tickvals=list(range(len(ticks))),
            ticktext=ticks,
            range=[-0.6, len(ticks) - 0.4],
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="Group", row=1, col=col)
        fig.update_yaxes(title_text=f"{score.label} (ratio, no unit)", row=1, col=col)
        value = (patient or {}).get(score.value)
        if value is not None and math.isfinite(value):
            fig.add_hline(
                y=value,
                line={"color": _PATIENT_COLOR, "dash": "dash", "width": 2},
                annotation_text=f"this patient {value:.3f}",
                annotation_position="top left",
                row=1,
                col=col,
            )
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 90},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.25},
        hovermode="closest",
    )
    return fig
