"""ROC curves of a ``vbqcore.cohort.analysis.RocPanel``, and the threshold view of one score."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go

from vbqcore.cohort.analysis import RocPanel
from vbqcore.cohort.distributions import ScoreHistogram
from vbqcore.plots.labels import plot_text
from vbqcore.stats import ConfusionResult, RocResult
from vbqcore.vbq import ScoreName

__all__ = [
    "SCORE_COLORS",
    "GROUP_COLORS",
    "auc_label",
    "thin_curve",
    "roc_figure",
    "threshold_figure",
]

logger = logging.getLogger(__name__)

#: One colour per score, the same in every figure (colour-blind-safe Okabe-Ito hues).
SCORE_COLORS: Mapping[ScoreName, str] = {
    ScoreName.VBQ_T1: "#0072B2",
    ScoreName.VBQ_T2: "#D55E00",
    ScoreName.VBQ_STIR: "#009E73",
    ScoreName.VBQ_T2_STIR: "#CC79A7",
}
#: Cases, then controls.
GROUP_COLORS: tuple[str, str] = ("#D55E00", "#0072B2")
_PATIENT_COLOR = "#111111"

#: Most points drawn per curve: the browser draws 100 000-point curves slowly and no screen
#: shows more detail.
MAX_CURVE_POINTS = 600


def auc_label(name: ScoreName, result: RocResult) -> str:
    """Legend text: "VBQ-T2 AUC 0.70 (0.62–0.78)" (95% CI; "CI n/a" when it is NaN)."""
    if math.isnan(result.ci_low) or math.isnan(result.ci_high):
        return f"{name.label} AUC {result.auc:.2f} (CI n/a)"
    return f"{name.label} AUC {result.auc:.2f} ({result.ci_low:.2f}–{result.ci_high:.2f})"


def thin_curve(
    n_points: int, keep: Sequence[int], *, limit: int = MAX_CURVE_POINTS
) -> npt.NDArray[np.intp]:
    """Indices of at most about ``limit`` curve points, evenly spread, always with both ends and
    the indices in ``keep`` (the Youden point)."""
    if n_points <= limit:
        return np.arange(n_points)
    even = np.linspace(0, n_points - 1, limit).round().astype(np.intp)
    return np.unique(np.concatenate([even, np.asarray(keep, dtype=np.intp)]))


def _threshold_text(value: float, direction: str) -> str:
    sign = "≥" if direction == "higher" else "≤"
    if math.isinf(value):
        return "nobody positive" if (value > 0) == (direction == "higher") else "everyone positive"
    return f"positive if score {sign} {value:.4g}"


def _curve_trace(name: ScoreName, result: RocResult) -> go.Scatter:
    youden = int(np.argmax(result.tpr - result.fpr)) if result.tpr.size else 0
    idx = thin_curve(result.fpr.size, [youden])
    custom = np.column_stack(
        [
            [_threshold_text(float(t), result.direction) for t in result.thresholds[idx]],
            result.tpr[idx],
            1.0 - result.fpr[idx],
        ]
    )
    return go.Scatter(
        x=result.fpr[idx],
        y=result.tpr[idx],
        mode="lines",
        line={"color": SCORE_COLORS[name], "width": 2.5},
        name=auc_label(name, result),
        legendgroup=name.value,
        customdata=custom,
        hovertemplate=(
            f"<b>{name.label}</b><br>%{{customdata[0]}}<br>sensitivity %{{customdata[1]:.3f}}"
            "<br>specificity %{customdata[2]:.3f}<extra></extra>"
        ),
    )


def _youden_trace(name: ScoreName, result: RocResult) -> go.Scatter | None:
    if math.isnan(result.cutoff):
        return None
    return go.Scatter(
        x=[1.0 - result.specificity],
        y=[result.sensitivity],
        mode="markers",
        marker={"color": SCORE_COLORS[name], "size": 11, "symbol": "diamond", "line": {"width": 1}},
        name=f"{name.label} Youden",
        legendgroup=name.value,
        showlegend=False,
        hovertemplate=(
            f"<b>{name.label} Youden cut-off {result.cutoff:.4g}</b><br>"
            f"sensitivity {result.sensitivity:.3f}<br>specificity {result.specificity:.3f}"
            "<extra></extra>"
        ),
    )


def _point_trace(
    label: str, point: ConfusionResult, *, symbol: str, color: str, text: bool = True
) -> go.Scatter:
    sens, spec = point.sensitivity.estimate, point.specificity.estimate
    return go.Scatter(
        x=[1.0 - spec],
        y=[sens],
        mode="markers+text" if text else "markers",
        marker={
            "color": color,
            "size": 15,
            "symbol": symbol,
            "line": {"width": 1.5, "color": "white"},
        },
        text=[label],
        textposition="middle right",
        name=label,
        hovertemplate=(
            f"<b>{label}</b><br>sensitivity {sens:.3f}<br>specificity {spec:.3f}<extra></extra>"
        ),
    )


def roc_figure(
    panel: RocPanel,
    *,
    cutoff: tuple[str, ConfusionResult] | None = None,
    patient: tuple[str, ConfusionResult] | None = None,
    height: int = 520,
) -> go.Figure:
    """The ROC curves of ``panel`` with their Youden points (diamonds).

    ``cutoff`` and ``patient`` are labelled operating points, e.g. ``("cut-off 0.555",
    confusion_at(...))`` (a star) and ``("this patient", confusion_at(..., patient's score))``
    (a black circle): the sensitivity and specificity if the cut-off were set there.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"color": "#9e9e9e", "dash": "dash", "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for name in panel.scores:
        fig.add_trace(_curve_trace(name, panel.results[name]))
    for name in panel.scores:
        marker = _youden_trace(name, panel.results[name])
        if marker is not None:
            fig.add_trace(marker)
    if cutoff is not None:
        fig.add_trace(
            _point_trace(cutoff[0], cutoff[1], symbol="star", color="#333333", text=False)
        )
    if patient is not None:
        fig.add_trace(_point_trace(patient[0], patient[1], symbol="circle", color=_PATIENT_COLOR))
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        xaxis={"title": "1 − specificity", "range": [-0.01, 1.01], "constrain": "domain"},
        yaxis={"title": "Sensitivity", "range": [-0.01, 1.01], "scaleanchor": "x"},
        legend={
            "x": 0.98,
            "y": 0.02,
            "xanchor": "right",
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0.8)",
        },
        template="plotly_white",
        hovermode="closest",
    )
    return fig


def threshold_figure(
    hist: ScoreHistogram,
    *,
    threshold: float | None = None,
    patient: float | None = None,
    height: int = 300,
) -> go.Figure:
    """Overlaid histograms of one score per group, with the cut-off (solid) and this patient's
    score (dashed) as vertical lines."""
    centres = (hist.edges[:-1] + hist.edges[1:]) / 2.0
    width = float(hist.edges[1] - hist.edges[0]) if hist.edges.size > 1 else 1.0
    fig = go.Figure()
    for color, (group, counts) in zip(GROUP_COLORS, hist.counts.items(), strict=False):
        fig.add_trace(
            go.Bar(
                x=centres,
                y=counts,
                width=width,
                name=f"{plot_text(group)} (n = {int(counts.sum())})",
                marker={"color": color},
                opacity=0.55,
                hovertemplate=f"{plot_text(group)}<br>%{{x:.3f}}: %{{y}} patients<extra></extra>",
            )
        )
    if threshold is not None and math.isfinite(threshold):
        fig.add_vline(
            x=threshold,
            line={"color": "#333333", "width": 2},
            annotation_text=f"cut-off {threshold:.4g}",
            annotation_position="top right",
        )
    if patient is not None and math.isfinite(patient):
        fig.add_vline(
            x=patient,
            line={"color": _PATIENT_COLOR, "width": 2, "dash": "dash"},
            annotation_text=f"this patient {patient:.3f}",
            annotation_position="top left",
        )
    fig.update_layout(
        barmode="overlay",
        height=height,
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        xaxis={"title": hist.score.label},
        yaxis={"title": "Patients"},
        template="plotly_white",
        legend={"orientation": "h", "y": 1.12},
    )
    return fig
