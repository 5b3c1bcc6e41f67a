"""User text in figures is escaped, so plotly shows it instead of rendering its HTML."""

from __future__ import annotations

import numpy as np

from vbqcore.plots.bland_altman import bland_altman_figure
from vbqcore.plots.labels import plot_text
from vbqcore.stats import bland_altman

LINK = "<a href='https://evil.example'>x</a>"


def test_plot_text_escapes_tags_and_entities() -> None:
    assert plot_text(LINK) == "&lt;a href='https://evil.example'&gt;x&lt;/a&gt;"
    assert plot_text("T2 & STIR") == "T2 &amp; STIR"
    assert plot_text("fracture") == "fracture"


def test_reader_names_reach_the_figure_escaped() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(100, 10, 30)
    fig = bland_altman_figure(bland_altman(a, a + rng.normal(0, 2, 30)), names=(LINK, "b"))
    text = fig.to_json()
    assert "<a href" not in text and "&lt;a href" in text
