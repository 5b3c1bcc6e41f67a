"""Figures for print: a publication style and export at journal size (PNG 300 dpi, SVG, PDF).

Journals size figures by column: about 84 mm for one column and 174 mm for two (Elsevier's
and Springer's artwork guides; Global Spine J, SAGE, asks for ≥ 300 dpi). The figure is laid out
at its printed size in CSS pixels (96 per inch), so the fonts print at their nominal size, and
the PNG is rendered at ``dpi / 96`` times that, with its resolution written in the file.
"""

from __future__ import annotations

import copy
import io
import logging
import re
from enum import StrEnum

import plotly.graph_objects as go
from PIL import Image

from vbqcore.errors import ExportError
from vbqcore.plots.render import render_figure

__all__ = [
    "ExportFormat",
    "ColumnWidth",
    "GREYSCALE_SAFE",
    "publication_style",
    "export_figure",
    "figure_file_name",
]

logger = logging.getLogger(__name__)

_CSS_DPI = 96.0
_MM_PER_INCH = 25.4

#: Colours that stay apart in greyscale print (lightness 20 %, 50 %, 70 %, 35 % ...) with the
#: dash patterns that keep lines apart when the colours do not (Okabe–Ito blue/orange first).
GREYSCALE_SAFE: tuple[str, ...] = ("#000000", "#0072B2", "#E69F00", "#7F7F7F", "#009E73")
_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")


class ExportFormat(StrEnum):
    PNG = "png"
    SVG = "svg"
    PDF = "pdf"

    @property
    def mime(self) -> str:
        return {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}[self.value]


class ColumnWidth(StrEnum):
    """Printed width: one journal column (84 mm) or the full page width (174 mm)."""

    SINGLE = "single"
    DOUBLE = "double"

    @property
    def mm(self) -> float:
        return 84.0 if self is ColumnWidth.SINGLE else 174.0


def publication_style(fig: go.Figure, *, font_size: int = 9) -> go.Figure:
    """A copy of ``fig`` for print: white background, black axes, Arial ``font_size`` pt
    (titles +1), greyscale-safe colours with distinct dashes, the legend inside the figure.

    Colours are reassigned per legend group in trace order, so a curve keeps one colour and
    its CI band or points follow it.
    """
    out = go.Figure(copy.deepcopy(fig))
    out.update_layout(
        template="simple_white",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": "Arial, Helvetica, sans-serif", "size": font_size, "color": "black"},
        title_font={"size": font_size + 1},
        legend={"font": {"size": font_size}, "bgcolor": "rgba(255,255,255,0.8)"},
        margin={"l": 50, "r": 10, "t": 30, "b": 45},
    )
    out.update_xaxes(showline=True, linecolor="black", ticks="outside", showgrid=False)
    out.update_yaxes(showline=True, linecolor="black", ticks="outside", showgrid=False)
    groups: dict[str, int] = {}
    for trace in out.data:
        name = str(getattr(trace, "legendgroup", None) or getattr(trace, "name", None) or "")
        k = groups.setdefault(name, len(groups)) % len(GREYSCALE_SAFE)
        color = GREYSCALE_SAFE[k]
        kind = trace.type
        if kind == "scatter":
            trace.update(line={"color": color, "dash": _DASHES[k % len(_DASHES)]})
            trace.update(marker={"color": color})
        elif kind in ("box", "violin"):
            trace.update(line={"color": color}, marker={"color": color}, fillcolor="rgba(0,0,0,0)")
        elif kind in ("bar", "histogram"):
            trace.update(marker={"color": color, "line": {"color": "black", "width": 0.5}})
    return out


def _size_px(width: ColumnWidth, aspect: float) -> tuple[int, int]:
    css_width = width.mm / _MM_PER_INCH * _CSS_DPI
    return round(css_width), round(css_width * aspect)


def export_figure(
    fig: go.Figure,
    fmt: ExportFormat | str,
    *,
    width: ColumnWidth | str = ColumnWidth.DOUBLE,
    aspect: float = 0.75,
    dpi: int = 300,
) -> bytes:
    """``fig`` as PNG (``dpi`` in the file), SVG or PDF at the printed ``width``.

    The layout is laid out at the printed size (174 mm ≈ 658 CSS px wide; height = width ·
    ``aspect``) with the legend and titles fitted inside (``automargin``); the PNG is rendered at
    ``dpi`` (2055 px wide for a double column at 300 dpi).

    Raises
    ------
    ExportError
        kaleido or Chromium is missing, or the renderer fails (the message says what to install).
    """
    kind = ExportFormat(fmt)
    column = ColumnWidth(width)
    if dpi < 72 or dpi > 1200:
        raise ExportError(f"dpi must be between 72 and 1200; got {dpi}.")
    w, h = _size_px(column, aspect)
    sized = go.Figure(fig)
    sized.update_layout(width=w, height=h, autosize=False)
    sized.update_xaxes(automargin=True)
    sized.update_yaxes(automargin=True)
    scale = dpi / _CSS_DPI if kind is ExportFormat.PNG else 1.0
    try:
        data = render_figure(sized, format=kind.value, width=w, height=h, scale=scale)
    except Exception as err:  # kaleido/choreographer raise several unrelated types
        raise ExportError(
            f"The figure could not be saved as {kind.value.upper()} ({type(err).__name__}: "
            f"{err}). Export needs the kaleido package and a Chromium browser (Debian: apt-get "
            "install chromium)."
        ) from err
    if kind is ExportFormat.PNG:
        with Image.open(io.BytesIO(data)) as image:
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", dpi=(dpi, dpi))
        data = buffer.getvalue()
    logger.debug("figure exported as %s: %d bytes", kind.value, len(data))
    return bytes(data)


def figure_file_name(*parts: str, fmt: ExportFormat | str) -> str:
    """``roc_vbq_women.png``: the parts in lower case, joined by underscores, safe for any disk.

    >>> figure_file_name("ROC", "VBQ", "Women", fmt="png")
    'roc_vbq_women.png'
    """
    words = [re.sub(r"[^a-z0-9_]+", "-", p.lower()).strip("-_") for p in parts]
    stem = "_".join(w for w in words if w)[:80] or "figure"
    return f"{stem}.{ExportFormat(fmt).value}"
