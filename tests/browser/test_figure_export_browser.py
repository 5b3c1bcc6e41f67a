"""Chromium: exported figures keep every text inside the image (legends, titles, ticks).

Each figure of the cohort explorer is exported as SVG at a journal column width, on screen style
and in publication style, then opened in Chromium, where the bounding box of every text element
is compared with the image's bounds (issue 12: legends were clipped).
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import pytest

from vbqcore.cohort.analysis import roc_panel
from vbqcore.cohort.distributions import score_distributions
from vbqcore.cohort.subgroups import subgroup_analysis
from vbqcore.cohort.table import Cohort, default_mapping, prepare_cohort
from vbqcore.paper.demo_cohort import load_demo_cohort
from vbqcore.plots.distributions import distribution_figure
from vbqcore.plots.forest import auc_forest_rows, forest_figure
from vbqcore.plots.publication import export_figure, publication_style
from vbqcore.plots.roc import roc_figure

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCORES = ["vbq_t1", "vbq_t2", "vbq_t2_stir"]
_BOXES = """() => {
  const svg = document.querySelector('svg');
  const r = svg.getBoundingClientRect();
  return {w: r.width, h: r.height, boxes: [...svg.querySelectorAll('text')]
    .filter(t => t.textContent.trim())
    .map(t => { const b = t.getBoundingClientRect();
      return {text: t.textContent, l: b.left - r.left, t: b.top - r.top,
              r: b.right - r.left, b: b.bottom - r.top}; })};
}"""


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    df = load_demo_cohort()
    return prepare_cohort(df, default_mapping(df, name="demo"), name="demo")


def _roc(c: Cohort) -> go.Figure:
    return roc_figure(roc_panel(c.frame, c, SCORES))


def _distributions(c: Cohort) -> go.Figure:
    return distribution_figure(score_distributions(c.frame, c, SCORES, by_sex=True))


def _forest(c: Cohort) -> go.Figure:
    analysis = subgroup_analysis(c.frame, c, SCORES[:2], age_edges=(70,))
    return forest_figure(auc_forest_rows(analysis), x_title="AUC (95% CI)", reference=0.5)


FIGURES: dict[str, Callable[[Cohort], go.Figure]] = {
    "roc": _roc,
    "distributions": _distributions,
    "forest": _forest,
}


@pytest.mark.parametrize("styled", [False, True], ids=["screen", "publication"])
@pytest.mark.parametrize("name", list(FIGURES))
def test_every_text_lies_inside_the_exported_image(
    browser, cohort: Cohort, name: str, styled: bool
) -> None:  # type: ignore[no-untyped-def]
    fig = FIGURES[name](cohort)
    if styled:
        fig = publication_style(fig)
    svg = export_figure(fig, "svg", width="double").decode("utf-8")
    context = browser.new_context(viewport={"width": 1000, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.set_content(f"<html><body style='margin:0'>{svg}</body></html>")
        found = page.evaluate(_BOXES)
    finally:
        context.close()
    assert found["boxes"], "no text rendered"
    outside = [
        b["text"]
        for b in found["boxes"]
        if b["l"] < -0.5 or b["t"] < -0.5 or b["r"] > found["w"] + 0.5 or b["b"] > found["h"] + 0.5
    ]
    assert not outside, f"{name}: text outside the {found['w']}x{found['h']} image: {outside}"
    if name == "roc":
        assert any("AUC" in b["text"] for b in found["boxes"])  # the legend is there
