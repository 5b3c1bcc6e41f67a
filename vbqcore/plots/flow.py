"""A flow chart of matching counts (boxes and arrows, like Huang et al. 2026 Figure 1)."""

from __future__ import annotations

import logging
import textwrap
from typing import Any

import plotly.graph_objects as go

from vbqcore.plots.labels import plot_text
from vbqcore.studies.matching import BoxKind, FlowBox, FlowChart

__all__ = ["flow_figure"]

logger = logging.getLogger(__name__)

#: Box centre x (data units, axis 0–11.6) for each ``FlowBox.column``. Boxes are shapes in data
#: units, so they shrink with the container; 2.5 units leave a gap at every width.
_X = {-1.0: 1.45, 0.0: 4.35, 0.5: 5.8, 1.0: 7.25, 2.0: 10.15}
_X_RANGE = (0.0, 11.6)
_BOX_WIDTH = 2.5
_STAGE_GAP = 1.8
#: Text wraps at this many characters: 2.5 units are ~145 px in a 700-px-wide chart.
_WRAP_CHARS = 20
_LINE_PX = 16
_PAD_PX = 8
_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 30}
_MAIN_FILL, _SIDE_FILL = "#e8f0fb", "#f4f4f4"
_MAIN_EDGE, _SIDE_EDGE = "#1f5fa8", "#9a9a9a"
_LINE_COLOUR = "#555"
#: Where a split or merge turns sideways, as a fraction of the way from the target up to the source.
_ELBOW = 0.35


def _lines(box: FlowBox) -> list[str]:
    unit = " pairs" if box.key == "matched" else ""
    # Titles and details quote the group and case values of the uploaded list: escaped.
    title = [f"<b>{plot_text(t)}</b>" for t in textwrap.wrap(box.title, _WRAP_CHARS)]
    details = [plot_text(part) for d in box.details for part in textwrap.wrap(d, _WRAP_CHARS)]
    return [*title, f"n = {box.count}{unit}", *details]


def flow_figure(chart: FlowChart, *, title: str | None = None, height: int = 640) -> go.Figure:
    """Draw ``chart`` (:func:`vbqcore.studies.matching.flow_chart`): blue boxes carry patients down
    to the matched pairs, grey side boxes show who left and why. Counts are drawn as given."""
    last = max((b.stage for b in chart.boxes), default=0.0)
    y_range = (-last * _STAGE_GAP - 0.8, 0.8)
    top = 40 if title else _MARGIN["t"]
    px_per_unit = (height - top - _MARGIN["b"]) / (y_range[1] - y_range[0])
    centre = {b.key: (_X[b.column], -b.stage * _STAGE_GAP) for b in chart.boxes}
    half_h = {b.key: (len(_lines(b)) * _LINE_PX / 2 + _PAD_PX) / px_per_unit for b in chart.boxes}
    half_w = _BOX_WIDTH / 2
    by_key = {b.key: b for b in chart.boxes}
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for src, dst in chart.edges:
        target = by_key[dst]
        (x0, y0), (x1, y1) = centre[src], centre[dst]
        toward = 1 if x1 > x0 else -1
        if target.kind is BoxKind.SIDE and y0 == y1:
            # Beside its parent on the same row: edge to edge.
            notes.append(_arrow((x0 + toward * half_w, y0), (x1 - toward * half_w, y1)))
        elif target.kind is BoxKind.SIDE:
            # Leaves the vertical path below its parent sideways, at the side box's height.
            notes.append(_arrow((x0, y1), (x1 - toward * half_w, y1)))
        elif x0 == x1:
            notes.append(_arrow((x0, y0 - half_h[src]), (x1, y1 + half_h[dst])))
        else:
            # A split or merge: down, across, then down into the target (CONSORT style).
            elbow = y1 + _ELBOW * (y0 - y1)
            for xa, ya, xb, yb in ((x0, y0 - half_h[src], x0, elbow), (x0, elbow, x1, elbow)):
                shapes.append(_segment(xa, ya, xb, yb))
            notes.append(_arrow((x1, elbow), (x1, y1 + half_h[dst])))
    for box in chart.boxes:
        x, y = centre[box.key]
        main = box.kind is BoxKind.MAIN
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "y",
                "x0": x - half_w,
                "x1": x + half_w,
                "y0": y - half_h[box.key],
                "y1": y + half_h[box.key],
                "fillcolor": _MAIN_FILL if main else _SIDE_FILL,
                "line": {"color": _MAIN_EDGE if main else _SIDE_EDGE, "width": 1.5 if main else 1},
            }
        )
        notes.append(
            {
                "x": x,
                "y": y,
                "xref": "x",
                "yref": "y",
                "text": "<br>".join(_lines(box)),
                "showarrow": False,
                "align": "center",
                "font": {"size": 12 if main else 11, "color": "#111"},
            }
        )
    notes.append(
        {
            "text": chart.note,
            "x": 0,
            "y": 0,
            "xref": "paper",
            "yref": "paper",
            "yanchor": "top",
            "yshift": -6,
            "xanchor": "left",
            "showarrow": False,
            "font": {"size": 11, "color": "#555"},
        }
    )
    fig = go.Figure()
    fig.update_layout(
        title=title,
        height=height,
        margin={**_MARGIN, "t": top},
        template="plotly_white",
        showlegend=False,
        shapes=shapes,
        annotations=notes,
        xaxis={"visible": False, "range": list(_X_RANGE), "fixedrange": True},
        yaxis={"visible": False, "range": list(y_range), "fixedrange": True},
    )
    return fig


def _segment(xa: float, ya: float, xb: float, yb: float) -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "x",
        "yref": "y",
        "x0": xa,
        "y0": ya,
        "x1": xb,
        "y1": yb,
        "line": {"color": _LINE_COLOUR, "width": 1.4},
    }


def _arrow(start: tuple[float, float], end: tuple[float, float]) -> dict[str, Any]:
    """An arrow annotation from ``start`` to ``end`` (data units; the head at ``end``)."""
    return {
        "x": end[0],
        "y": end[1],
        "ax": start[0],
        "ay": start[1],
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "text": "",
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": 1.2,
        "arrowwidth": 1.4,
        "arrowcolor": _LINE_COLOUR,
    }
