"""The evidence plot: one row per published AUC, CIs as published, grouped by target."""

from __future__ import annotations

import pytest

from vbqcore.literature import TargetGroup, load_library
from vbqcore.plots.evidence import evidence_figure, evidence_rows


def test_rows_carry_the_published_auc_and_ci() -> None:
    lib = load_library()
    rows = evidence_rows(lib)
    assert len(rows) == sum(e.auc is not None for e in lib)
    hu = next(r for r in rows if "3.02" in r.label)
    # Hu et al. 2024: AUC 0.81, no CI in the abstract read -> no bars.
    assert (hu.estimate, hu.low, hu.high) == (0.81, 0.81, 0.81)
    t2 = next(r for r in rows if "0.555" in r.label)
    assert (t2.estimate, t2.low, t2.high) == (0.70, 0.62, 0.78)  # Huang Table 2
    assert t2.series == TargetGroup.FRACTURE_RISK.label
    assert "AUC 0.70 (0.62–0.78); n = 168" == t2.text


def test_figure_one_point_per_row_on_its_label() -> None:
    lib = load_library()
    fig = evidence_figure(lib)
    rows = evidence_rows(lib)
    points = sum(len(trace.x) for trace in fig.data)
    assert points == len(rows)
    ticks = dict(zip(fig.layout.yaxis.ticktext, fig.layout.yaxis.tickvals, strict=True))
    for trace in fig.data:
        for x, y, (label, _text) in zip(trace.x, trace.y, trace.customdata, strict=True):
            assert ticks[label] == y
            assert 0.5 <= x <= 1.0
    assert {t.name for t in fig.data} <= {g.label for g in TargetGroup}
    assert fig.layout.xaxis.range == pytest.approx((0.45, 1.0))
