"""Bland–Altman figures draw exactly the numbers of the result they are given."""

from __future__ import annotations

import pytest

from vbqcore.plots.bland_altman import bland_altman_figure, bland_altman_grid, y_label
from vbqcore.stats import bland_altman

# Bland & Altman, Lancet 1986;1:307-310, Table 1 (Wright vs mini Wright peak flow, l/min).
WRIGHT = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427]
MINI = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451]


def _lines(fig):  # type: ignore[no-untyped-def]
    return [s for s in fig.layout.shapes if s.type == "line"]


def _bands(fig):  # type: ignore[no-untyped-def]
    return sorted((s.y0, s.y1) for s in fig.layout.shapes if s.type == "rect")


def test_single_plot_draws_points_bias_limits_cis_and_acceptance() -> None:
    r = bland_altman(WRIGHT, MINI, percent=True, acceptance=10)
    fig = bland_altman_figure(r, names=("Wright", "mini"))
    points = fig.data[0]
    assert list(points.x) == pytest.approx(list(r.means))
    assert list(points.y) == pytest.approx(list(r.differences))
    ys = sorted(s.y0 for s in _lines(fig))
    assert ys == pytest.approx(sorted([r.bias, r.loa_low, r.loa_high, -10.0, 10.0]))
    dashes = {round(s.y0, 9): s.line.dash for s in _lines(fig)}
    assert dashes[round(r.bias, 9)] == "solid"
    assert dashes[round(r.loa_low, 9)] == dashes[round(r.loa_high, 9)] == "dash"
    assert dashes[10.0] == dashes[-10.0] == "dot"
    assert _bands(fig) == pytest.approx(sorted([r.bias_ci, r.loa_low_ci, r.loa_high_ci]))
    labels = [a.text for a in fig.layout.annotations]
    assert f"bias {r.bias:.2f}%" in labels and "+10% accepted" in labels
    assert fig.layout.yaxis.title.text == "(Wright − mini) / mean, %"
    low, high = fig.layout.yaxis.range
    assert low < min(-10, r.loa_low_ci[0], *r.differences)
    assert high > max(10, r.loa_high_ci[1], *r.differences)


def test_no_acceptance_lines_without_an_acceptance() -> None:
    r = bland_altman(WRIGHT, MINI)
    fig = bland_altman_figure(r)
    assert len(_lines(fig)) == 3
    assert "±" not in " ".join(t.name or "" for t in fig.data)
    assert y_label(r) == "a − b (SI)"


def test_grid_has_a_panel_per_cell_and_says_when_one_is_empty() -> None:
    r = bland_altman(WRIGHT, MINI, percent=True, acceptance=10)
    panels = {("T1", "vertebrae"): r, ("T1", "CSF"): None, ("T2", "vertebrae"): r}
    fig = bland_altman_grid(panels, rows=["T1", "T2"], cols=["vertebrae", "CSF"])
    titles = [a.text for a in fig.layout.annotations]
    expected = f"T1 · vertebrae: n = 17, LoA {r.loa_low:.2f}% to {r.loa_high:.2f}%"
    assert expected in titles
    assert "T1 · CSF" in titles and "T2 · CSF" in titles
    assert titles.count("not enough pairs") == 2  # T1 · CSF (None) and T2 · CSF (absent)
    assert len([t for t in fig.data if t.name == "pairs" and t.x[0] is not None]) == 2
    assert len(_lines(fig)) == 2 * 5  # bias, 2 limits, 2 acceptance lines per drawn panel
    # every line sits on the axis of its own panel
    assert {s.yref for s in _lines(fig)} == {"y", "y3"}
