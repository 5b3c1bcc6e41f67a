"""Figures for print: publication style, file names, and real PNG/SVG/PDF through kaleido."""

from __future__ import annotations

import doctest
import io
import os
import shutil

import plotly.graph_objects as go
import pytest
from PIL import Image

from tests.cohort_fixture import make_table
from vbqcore.cohort.distributions import score_distributions
from vbqcore.cohort.table import default_mapping, prepare_cohort
from vbqcore.errors import ExportError
from vbqcore.plots import publication
from vbqcore.plots.distributions import distribution_figure
from vbqcore.plots.publication import (
    GREYSCALE_SAFE,
    ExportFormat,
    export_figure,
    figure_file_name,
    publication_style,
)


def _require_chromium() -> None:
    if shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        pytest.fail("kaleido needs Chromium: figure export must be tested in CI", pytrace=False)
    pytest.skip("kaleido needs Chromium")


def _figure() -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=[0, 0.5, 1], y=[0, 0.8, 1], name="VBQ-T2 AUC 0.70 (0.62–0.78)")
    fig.add_scatter(x=[0, 0.6, 1], y=[0, 0.7, 1], name="VBQ-T1 AUC 0.64 (0.56–0.73)")
    fig.update_layout(xaxis_title="1 − specificity", yaxis_title="Sensitivity")
    return fig


def test_doctests() -> None:
    assert doctest.testmod(publication).failed == 0


def test_publication_style_is_white_journal_font_greyscale_safe() -> None:
    original = _figure()
    styled = publication_style(original)
    assert styled.layout.paper_bgcolor == "white" and styled.layout.plot_bgcolor == "white"
    assert styled.layout.font.size == 9 and "Arial" in styled.layout.font.family
    colors = [t.line.color for t in styled.data]
    dashes = [t.line.dash for t in styled.data]
    assert colors == list(GREYSCALE_SAFE[:2]) and len(set(dashes)) == 2
    assert original.layout.paper_bgcolor is None  # the figure on screen is untouched


def test_file_names_say_what_the_figure_is() -> None:
    assert figure_file_name("cohort_roc_women", "print", "double", fmt="svg") == (
        "cohort_roc_women_print_double.svg"
    )
    assert figure_file_name("ROC / VBQ", "", fmt=ExportFormat.PDF) == "roc-vbq.pdf"


def test_bad_dpi_is_refused() -> None:
    with pytest.raises(ExportError, match="dpi must be between 72 and 1200"):
        export_figure(_figure(), "png", dpi=20)


@pytest.mark.slow
def test_png_is_300_dpi_at_journal_width_and_svg_pdf_are_vector() -> None:
    _require_chromium()
    fig = publication_style(_figure())
    png = export_figure(fig, "png", width="double", dpi=300)
    with Image.open(io.BytesIO(png)) as image:
        # 174 mm = 6.85 in; at 300 dpi that is 2055 px (rounding of the CSS width: ±4 px).
        assert abs(image.size[0] - 174 / 25.4 * 300) <= 4
        assert image.size[1] == pytest.approx(0.75 * image.size[0], abs=4)
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    single = export_figure(fig, "png", width="single", dpi=600)
    with Image.open(io.BytesIO(single)) as image:
        assert abs(image.size[0] - 84 / 25.4 * 600) <= 8  # 1984 px
    assert export_figure(fig, "svg").lstrip().startswith(b"<svg")
    assert export_figure(fig, "pdf").startswith(b"%PDF-")


def test_distribution_panels_have_axis_titles() -> None:
    # Issue 12: the distribution plots had no y title.
    table = make_table(20, seed=1)
    cohort = prepare_cohort(table, default_mapping(table, name="t"), name="t")
    fig = distribution_figure(score_distributions(cohort.frame, cohort, ["vbq_t1", "vbq_t2"]))
    axes = sorted(a for a in fig.layout if a.startswith(("xaxis", "yaxis")))
    y_titles = [fig.layout[a].title.text for a in axes if a.startswith("yaxis")]
    x_titles = [fig.layout[a].title.text for a in axes if a.startswith("xaxis")]
    assert y_titles == ["VBQ-T1 (ratio, no unit)", "VBQ-T2 (ratio, no unit)"]
    assert x_titles == ["Group", "Group"]
