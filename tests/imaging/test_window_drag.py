"""Mouse window/level: the drag -> (centre, width) map, checked by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vbqcore.errors import VbqInputError
from vbqcore.imaging.window_drag import MIN_WIDTH_FRACTION, drag_window


def test_a_drag_by_hand() -> None:
    # SI range 0..1000, canvas 400 x 500: 100 px right = a quarter span = +250 width;
    # 50 px down = a tenth span = +100 level (cornerstone WWWC: x -> width, y -> centre).
    drag = drag_window((300.0, 200.0), 100, 50, canvas=(400, 500), si_range=(0, 1000))
    assert drag.after == pytest.approx((400.0, 450.0))
    assert drag.to_dict() == {
        "before": [300.0, 200.0],
        "dx": 100.0,
        "dy": 50.0,
        "after": [400.0, 450.0],
    }
    # left and up narrow the window and lower the level
    drag = drag_window((300.0, 200.0), -40, -100, canvas=(400, 500), si_range=(0, 1000))
    assert drag.after == pytest.approx((100.0, 100.0))


def test_limits() -> None:
    narrow = drag_window((500.0, 50.0), -400, 0, canvas=(400, 500), si_range=(0, 1000))
    assert narrow.after[1] == pytest.approx(MIN_WIDTH_FRACTION * 1000)
    wide = drag_window((500.0, 50.0), 4000, 0, canvas=(400, 500), si_range=(0, 1000))
    assert wide.after[1] == 2000
    low = drag_window((500.0, 50.0), 0, -5000, canvas=(400, 500), si_range=(0, 1000))
    assert low.after[0] == 0


@given(
    dx=st.floats(-300, 300),
    dy=st.floats(-300, 300),
    centre=st.floats(100, 900),
    width=st.floats(20, 1500),
)
def test_a_drag_and_its_reverse_give_the_window_back(dx, dy, centre, width) -> None:
    """Within the limits, dragging back returns the same window (the map is a translation)."""
    there = drag_window((centre, width), dx, dy, canvas=(600, 600), si_range=(0, 1000)).after
    inside = 10 < there[1] < 2000 and 0 < there[0] < 1000
    back = drag_window(there, -dx, -dy, canvas=(600, 600), si_range=(0, 1000)).after
    if inside and 10 < width + dx / 600 * 1000 < 2000:
        assert back == pytest.approx((centre, width), abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"canvas": (0, 10), "si_range": (0, 1)}, "canvas size"),
        ({"canvas": (10, 10), "si_range": (5, 1)}, "runs backwards"),
        ({"canvas": (10, 10), "si_range": (0, float("nan"))}, "finite"),
    ],
)
def test_bad_input(kwargs, message) -> None:
    with pytest.raises(VbqInputError, match=message):
        drag_window((1.0, 1.0), 1, 1, **kwargs)
