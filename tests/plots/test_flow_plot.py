"""The matching flow chart: counts that add up (hand-counted) and a figure that shows them."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import ROOT
from vbqcore.plots.flow import flow_figure
from vbqcore.stats import match_pairs
from vbqcore.studies.matching import BoxKind, flow_chart
from vbqcore.tabular import read_table

# Hand-built candidate list; what should happen to each row, counted by hand:
#   c1 F 70 -> pairs with k1 or k2 (both F 70); the other F 70 control is left unused
#   c2 M 65 -> pairs with k3 (M 65)
#   c3 M 80 -> no control aged 80 ("no control of the same sex and age")
#   c4 F 60, c5 F 60 -> one control k4 (F 60): one pair, one "all candidates already used"
#   c6 F (no age) -> excluded, "missing age";  k5 (no sex) -> excluded, "missing sex"
#   x1 group blank -> "other"
# So: 6 cases (1 excluded, 5 eligible), 5 controls (1 excluded, 4 eligible), 3 pairs,
# 2 unmatched cases, 1 unused control, 1 other row; 12 rows.
HAND = pd.DataFrame(
    {
        "id": ["c1", "c2", "c3", "c4", "c5", "c6", "k1", "k2", "k3", "k4", "k5", "x1"],
        "group": ["case"] * 6 + ["control"] * 5 + [None],
        "sex": ["F", "M", "M", "F", "F", "F", "F", "F", "M", "F", None, "F"],
        "age": [70, 65, 80, 60, 60, None, 70, 70, 65, 60, 70, 70],
    }
)


def test_hand_counted_flow() -> None:
    result = match_pairs(HAND, group="group", case="case", sex="sex", age="age")
    chart = flow_chart(result.flow, case_label="Fracture", control_label="Control")
    counts = {b.key: b.count for b in chart.boxes}
    assert counts == {
        "all": 12,
        "cases": 6,
        "controls": 5,
        "eligible_cases": 5,
        "eligible_controls": 4,
        "matched": 3,
        "other": 1,
        "excluded_cases": 1,
        "excluded_controls": 1,
        "unmatched_cases": 2,
        "unused_controls": 1,
    }
    assert chart.box("excluded_cases").details == ("missing age: 1",)
    assert chart.box("excluded_controls").details == ("missing sex: 1",)
    assert set(chart.box("unmatched_cases").details) == {
        "no control of the same sex and age: 1",
        "all candidates already used: 1",
    }
    assert chart.box("eligible_cases").title == "Eligible fracture"
    assert chart.box("other").kind is BoxKind.SIDE
    assert ("eligible_cases", "unmatched_cases") in chart.edges
    assert chart.note == "1:1 on sex and exact age"
    table = chart.table()
    assert table.loc[table.reason == "missing age", "count"].tolist() == [1]


def test_side_boxes_with_zero_patients_are_left_out() -> None:
    clean = HAND[HAND.id.isin(["c1", "c2", "k1", "k3"])]
    result = match_pairs(clean, group="group", case="case", sex="sex", age="age")
    chart = flow_chart(result.flow)
    assert {b.key for b in chart.boxes if b.kind is BoxKind.SIDE} == set()
    assert chart.box("matched").count == 2


def test_example_flow_adds_up_and_is_drawn() -> None:
    df = read_table(ROOT / "data" / "examples" / "matching_candidates.csv")
    result = match_pairs(df, group="group", case="fracture", sex="sex", age="age", date="mr_date")
    chart = flow_chart(result.flow)
    c = {b.key: b.count for b in chart.boxes}
    # Every patient is in exactly one box at each stage.
    assert c["cases"] + c["controls"] + c.get("other", 0) == c["all"] == len(df)
    assert c["cases"] == c.get("excluded_cases", 0) + c["eligible_cases"]
    assert c["controls"] == c.get("excluded_controls", 0) + c["eligible_controls"]
    assert c["eligible_cases"] == c["matched"] + c.get("unmatched_cases", 0)
    assert c["eligible_controls"] == c["matched"] + c.get("unused_controls", 0)
    assert c["matched"] == len(result.pairs) == len(result.matched) // 2
    assert chart.note.endswith("closest MR date first")

    fig = flow_figure(chart)
    texts = [a.text for a in fig.layout.annotations if a.text]
    for box in chart.boxes:
        assert any(f"n = {box.count}" in t and box.title in t for t in texts), box.key
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == len(chart.edges)
    assert chart.note in texts


@pytest.mark.parametrize("caliper", [0.0, 2.0])
def test_caliper_is_named_in_the_note(caliper: float) -> None:
    result = match_pairs(HAND, group="group", case="case", sex="sex", age="age", caliper=caliper)
    note = flow_chart(result.flow).note
    assert ("exact age" in note) is (caliper == 0)
    if caliper:
        assert "within 2 years" in note
