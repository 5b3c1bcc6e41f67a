"""Bland–Altman plots (one panel, or a sequence × structure grid) drawn from BlandAltmanResult."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from vbqcore.plots.labels import plot_text
from vbqcore.stats.bland_altman import BlandAltmanResult

__all__ = ["bland_altman_figure", "bland_altman_grid", "y_label"]

logger = logging.getLogger(__name__)

POINT_COLOUR = "#1f77b4"
BIAS_COLOUR = "#222222"
LIMIT_COLOUR = "#d62728"
ACCEPT_COLOUR = "#2ca02c"
BAND_OPACITY = 0.12


def y_label(result: BlandAltmanResult, *, names: tuple[str, str] = ("a", "b")) -> str:
    """Axis title of the differences: in % of the pair mean, or in the readings' own units."""
    a, b = names
    if result.percent:
        return f"({a} − {b}) / mean, %"
    return f"{a} − {b} (SI)"


def bland_altman_figure(
    result: BlandAltmanResult,
    *,
    title: str | None = None,
    names: tuple[str, str] = ("a", "b"),
    x_label: str = "Mean of the two readings (SI)",
    height: int = 420,
) -> go.Figure:
    """One Bland–Altman plot: pair means (x) against differences (y).

    Draws the bias (solid) and the 95% limits of agreement (dashed), each with its confidence
    interval as a shaded band, and the acceptance limits (±``result.acceptance``, dotted green)
    when the result has one (Huang et al. 2026 accept ±10%). Nothing is computed here: every
    number comes from ``result`` (:func:`vbqcore.stats.bland_altman`).
    """
    names = (plot_text(names[0]), plot_text(names[1]))  # reader names come from a table
    fig = go.Figure()
    fig.add_trace(_points(result, names))
    shapes, labels = _lines(result, x="x", y="y", labelled=True)
    _legend_entries(fig, result)
    fig.update_layout(
        title=title,
        height=height,
        margin={"l": 60, "r": 150, "t": 50 if title else 20, "b": 50},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.18},
        shapes=shapes,
        annotations=labels,
    )
    fig.update_xaxes(title_text=x_label)
    fig.update_yaxes(title_text=y_label(result, names=names), range=_y_range(result))
    return fig


def bland_altman_grid(
    panels: Mapping[tuple[str, str], BlandAltmanResult | None],
    *,
    rows: Sequence[str],
    cols: Sequence[str],
    names: tuple[str, str] = ("a", "b"),
    x_label: str = "Mean SI",
    panel_height: int = 300,
) -> go.Figure:
    """Bland–Altman plots in a grid, as Huang et al. 2026 Figures 3–5 (rows T1, T2, STIR;
    columns L1–L4 and CSF).

    Parameters
    ----------
    panels
        ``(row, col) -> result``; a missing key or ``None`` draws an empty panel saying so.
    rows, cols
        Labels in display order (e.g. sequences and structures).
    """
    names = (plot_text(names[0]), plot_text(names[1]))  # reader names come from a table
    titles = [_panel_title(r, c, panels.get((r, c))) for r in rows for c in cols]
    fig = make_subplots(
        rows=len(rows),
        cols=len(cols),
        subplot_titles=titles,
        horizontal_spacing=0.1,
        vertical_spacing=0.3 / max(len(rows), 1),
    )
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    axes: dict[str, dict[str, Any]] = {}
    example: BlandAltmanResult | None = None
    for i, r in enumerate(rows, start=1):
        for j, c in enumerate(cols, start=1):
            res = panels.get((r, c))
            sub = fig.get_subplot(i, j)
            xname, yname = sub.xaxis.plotly_name, sub.yaxis.plotly_name  # "xaxis3", "yaxis3"
            if res is None:
                notes.append(
                    {
                        "text": "not enough pairs",
                        # Paper coordinates: an axis without traces is not drawn, so "x4
                        # domain" would fall back to the first panel.
                        "x": sum(sub.xaxis.domain) / 2,
                        "y": sum(sub.yaxis.domain) / 2,
                        "xref": "paper",
                        "yref": "paper",
                        "showarrow": False,
                        "font": {"color": "#888"},
                    }
                )
                axes[xname] = {"visible": False}
                axes[yname] = {"visible": False}
                continue
            example = example or res
            fig.add_trace(_points(res, names), row=i, col=j)
            ref_x, ref_y = xname.replace("axis", ""), yname.replace("axis", "")
            shapes += _lines(res, x=ref_x, y=ref_y, labelled=False)[0]
            axes[yname] = {"range": _y_range(res)}
            if j == 1:
                axes[yname]["title"] = {"text": y_label(res, names=names)}
            if i == len(rows):
                axes[xname] = {"title": {"text": x_label}}
    if example is not None:
        _legend_entries(fig, example)
    fig.update_layout(
        height=max(panel_height * len(rows), 320),
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        template="plotly_white",
        legend={"orientation": "h", "y": 1.0, "yanchor": "top", "x": 0, "yref": "container"},
        shapes=shapes,
        annotations=[*fig.layout.annotations, *notes],
        **axes,
    )
    return fig


def _panel_title(row: str, col: str, r: BlandAltmanResult | None) -> str:
    if r is None:
        return f"{row} · {col}"
    unit = "%" if r.percent else ""
    return f"{row} · {col}: n = {r.n}, LoA {r.loa_low:.2f}{unit} to {r.loa_high:.2f}{unit}"


def _points(r: BlandAltmanResult, names: tuple[str, str]) -> go.Scatter:
    unit = "%" if r.percent else ""
    return go.Scatter(
        x=list(r.means),
        y=list(r.differences),
        mode="markers",
        marker={"color": POINT_COLOUR, "size": 6, "opacity": 0.75},
        name="pairs",
        showlegend=False,
        hovertemplate=f"mean %{{x:.1f}}<br>{names[0]} − {names[1]} %{{y:.2f}}{unit}<extra></extra>",
    )


def _lines(
    r: BlandAltmanResult, *, x: str, y: str, labelled: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Shapes (CI bands, bias, limits, acceptance lines) on axes ``x``/``y``, and their labels.

    Built as plain dicts and set in one layout update: ``add_hline(row=, col=)`` re-validates
    the whole layout on every call (seconds for a 3 × 2 grid).
    """
    unit = "%" if r.percent else ""
    across = {"xref": f"{x} domain", "x0": 0, "x1": 1, "yref": y}
    shapes: list[dict[str, Any]] = []
    bands = ((r.bias_ci, BIAS_COLOUR), (r.loa_low_ci, LIMIT_COLOUR), (r.loa_high_ci, LIMIT_COLOUR))
    for (low, high), colour in bands:
        if math.isfinite(low) and math.isfinite(high):
            shapes.append(
                {
                    "type": "rect",
                    **across,
                    "y0": low,
                    "y1": high,
                    "fillcolor": colour,
                    "opacity": BAND_OPACITY,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
    # Limits are labelled on the right, the acceptance lines on the left, so close lines
    # (a limit near ±10%) do not print over each other.
    lines = [
        (r.bias, BIAS_COLOUR, "solid", f"bias {r.bias:.2f}{unit}", 1.0),
        (r.loa_high, LIMIT_COLOUR, "dash", f"+1.96 SD {r.loa_high:.2f}{unit}", 1.0),
        (r.loa_low, LIMIT_COLOUR, "dash", f"−1.96 SD {r.loa_low:.2f}{unit}", 1.0),
    ]
    if r.acceptance is not None:
        lines += [
            (r.acceptance, ACCEPT_COLOUR, "dot", f"+{r.acceptance:g}{unit} accepted", 0.0),
            (-r.acceptance, ACCEPT_COLOUR, "dot", f"−{r.acceptance:g}{unit} accepted", 0.0),
        ]
    labels: list[dict[str, Any]] = []
    for value, colour, dash, text, side in lines:
        shapes.append(
            {
                "type": "line",
                **across,
                "y0": value,
                "y1": value,
                "line": {"color": colour, "dash": dash, "width": 1.5},
            }
        )
        if labelled:
            labels.append(
                {
                    "text": text,
                    "xref": f"{x} domain",
                    "x": side,
                    "xanchor": "left",
                    "yref": y,
                    "y": value,
                    "yanchor": "middle" if side else "bottom",
                    "showarrow": False,
                    "font": {"size": 11, "color": colour},
                }
            )
    return shapes, labels


def _legend_entries(fig: go.Figure, r: BlandAltmanResult) -> None:
    """Legend rows for the lines (shapes have no legend of their own)."""
    entries = [
        ("pairs", POINT_COLOUR, None, "markers"),
        ("bias (shaded: its CI)", BIAS_COLOUR, "solid", "lines"),
        ("95% limits of agreement (shaded: CIs)", LIMIT_COLOUR, "dash", "lines"),
    ]
    if r.acceptance is not None:
        unit = "%" if r.percent else ""
        entries.append((f"±{r.acceptance:g}{unit} acceptance", ACCEPT_COLOUR, "dot", "lines"))
    for name, colour, dash, mode in entries:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode=mode,
                name=name,
                line={"color": colour, "dash": dash} if dash else None,
                marker={"color": colour},
                hoverinfo="skip",
            )
        )


def _y_range(r: BlandAltmanResult) -> list[float]:
    """A y range that shows every point, both limit CIs and the acceptance lines."""
    values = [*r.differences, r.loa_low_ci[0], r.loa_high_ci[1], r.bias_ci[0], r.bias_ci[1]]
    if r.acceptance is not None:
        values += [-r.acceptance, r.acceptance]
    finite = [v for v in values if math.isfinite(v)]
    low, high = min(finite), max(finite)
    pad = 0.08 * (high - low) if high > low else 1.0
    return [low - pad, high + pad]
