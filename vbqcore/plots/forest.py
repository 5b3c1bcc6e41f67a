"""Forest plots: AUC per subgroup (with 95% CIs) and odds ratios of a logistic regression."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from vbqcore.cohort.subgroups import SubgroupAnalysis
from vbqcore.plots.labels import plot_text
from vbqcore.plots.roc import SCORE_COLORS
from vbqcore.stats import LogisticResult, OddsRatio
from vbqcore.vbq import ScoreName

__all__ = ["ForestRow", "forest_figure", "auc_forest_rows", "odds_ratio_rows"]

logger = logging.getLogger(__name__)

_SERIES_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
#: Vertical distance between two series within one row block.
_DODGE = 0.22


@dataclass(frozen=True)
class ForestRow:
    """One estimate with its CI: ``label`` is the row (a subgroup, a predictor), ``series`` the
    colour (a score, "univariable"); ``text`` is printed at the right ("0.70 (0.62–0.78)")."""

    label: str
    series: str
    estimate: float
    low: float
    high: float
    text: str
    color: str | None = None


def _fmt(estimate: float, low: float, high: float, places: int) -> str:
    if math.isnan(estimate):
        return "n/a"
    if math.isnan(low) or math.isnan(high):
        return f"{estimate:.{places}f}"
    return f"{estimate:.{places}f} ({low:.{places}f}–{high:.{places}f})"


def auc_forest_rows(analysis: SubgroupAnalysis) -> list[ForestRow]:
    """One row per subgroup and score of ``analysis`` (the whole set first)."""
    rows = []
    for item in analysis.aucs:
        label = f"{item.subgroup} ({item.n_pos}/{item.n_neg})"
        rows.append(
            ForestRow(
                label=label,
                series=item.score.label,
                estimate=item.auc,
                low=item.ci_low,
                high=item.ci_high,
                text=_fmt(item.auc, item.ci_low, item.ci_high, 2),
                color=SCORE_COLORS[item.score],
            )
        )
    return rows


def _or_row(term: OddsRatio, series: str, per_unit: bool, color: str) -> ForestRow:
    estimate, low, high = term.odds_ratio, term.ci_low, term.ci_high
    label = _predictor_label(term.predictor)
    if per_unit and term.per_unit is not None:
        unit = term.per_unit
        estimate, low, high = unit.odds_ratio, unit.ci_low, unit.ci_high
        label += f" (per {unit.unit:g})"
    return ForestRow(label, series, estimate, low, high, _fmt(estimate, low, high, 2), color)


def _predictor_label(name: str) -> str:
    try:
        return ScoreName(name).label
    except ValueError:
        return name


def odds_ratio_rows(result: LogisticResult, *, per_unit: bool = False) -> list[ForestRow]:
    """Univariable and (when fitted) multivariable odds ratios, one row per predictor; with
    ``per_unit`` the OR per the predictor's chosen unit where one was given."""
    rows = []
    for model in result.univariable:
        rows.append(_or_row(model.terms[0], "univariable", per_unit, _SERIES_COLORS[0]))
    if result.multivariable is not None:
        for term in result.multivariable.terms:
            rows.append(_or_row(term, "multivariable", per_unit, _SERIES_COLORS[1]))
    return rows


def forest_figure(
    rows: Sequence[ForestRow],
    *,
    x_title: str,
    reference: float,
    log_x: bool = False,
    height: int | None = None,
) -> go.Figure:
    """Points with horizontal CI bars, one block per distinct ``label`` (top to bottom in order
    of appearance), series side by side within a block; a dotted line at ``reference`` (0.5 for
    an AUC, 1 for an odds ratio). Rows without an estimate show "n/a"."""
    labels = list(dict.fromkeys(r.label for r in rows))
    series = list(dict.fromkeys(r.series for r in rows))
    position = {label: len(labels) - 1 - i for i, label in enumerate(labels)}
    fig = go.Figure()
    for k, name in enumerate(series):
        mine = [r for r in rows if r.series == name]
        offset = (k - (len(series) - 1) / 2) * _DODGE
        color = mine[0].color or _SERIES_COLORS[k % len(_SERIES_COLORS)]
        shown = [r for r in mine if not math.isnan(r.estimate)]
        fig.add_trace(
            go.Scatter(
                x=[r.estimate for r in shown],
                y=[position[r.label] - offset for r in shown],
                mode="markers",
                marker={"color": color, "size": 9, "symbol": "square"},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [_gap(r.high, r.estimate) for r in shown],
                    "arrayminus": [_gap(r.estimate, r.low) for r in shown],
                    "color": color,
                    "thickness": 1.6,
                    "width": 4,
                },
                name=plot_text(name),
                customdata=[[plot_text(r.label), r.text] for r in shown],
                hovertemplate=(
                    f"<b>{plot_text(name)}</b><br>%{{customdata[0]}}<br>%{{customdata[1]}}"
                    "<extra></extra>"
                ),
            )
        )
    missing = [r for r in rows if math.isnan(r.estimate)]
    for k, name in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * _DODGE
        for r in (m for m in missing if m.series == name):
            fig.add_annotation(
                x=reference,
                y=position[r.label] - offset,
                text=f"{plot_text(name)}: n/a",
                showarrow=False,
                font={"size": 11, "color": "#777777"},
                xanchor="left",
            )
    fig.add_vline(x=reference, line={"color": "#777777", "dash": "dot", "width": 1})
    fig.update_layout(
        height=height or max(260, 60 + 34 * len(labels) * max(1, len(series)) ** 0.5 * 1.6),
        margin={"l": 20, "r": 20, "t": 30, "b": 50},
        xaxis={"title": x_title, "type": "log" if log_x else "linear", "zeroline": False},
        yaxis={
            "tickvals": list(position.values()),
            "ticktext": [plot_text(label) for label in position],  # group values, column names
            "range": [-0.7, len(labels) - 0.3],
            "automargin": True,
        },
        template="plotly_white",
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


def _gap(a: float, b: float) -> float:
    """Length of a CI arm; 0 when an end is missing or infinite (an OR beyond float range)."""
    gap = a - b
    return gap if math.isfinite(gap) else 0.0
