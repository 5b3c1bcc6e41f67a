"""Typed session state (vbqapp.state): values go in and come back as the dataclasses they are."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from vbqapp.state import (
    COHORT_INCOMING_DATASET,
    IncomingDataset,
    WindowChoice,
)
from vbqcore.anatomy import Sequence


def _script() -> None:
    import pandas as pd
    import streamlit as st

    from vbqapp.state import (
        IncomingDataset,
        PendingCopy,
        WindowChoice,
        get_pending_copy,
        get_window,
        send_to_cohort,
        set_pending_copy,
        set_window,
        take_incoming_dataset,
    )
    from vbqcore.anatomy import Sequence

    if "step" not in st.session_state:
        st.session_state.step = 1
        send_to_cohort(IncomingDataset("x", pd.DataFrame({"a": [1]})))
        set_window(Sequence.T2, WindowChoice("Custom", 500.0, 800.0))
        set_pending_copy(PendingCopy(Sequence.T1, (Sequence.T2,)))
    first = take_incoming_dataset()
    second = take_incoming_dataset()
    st.write(f"first={first is not None and first.name} second={second}")
    st.write(f"window={get_window(Sequence.T2)} none={get_window(Sequence.T1)}")
    st.write(f"copy={get_pending_copy()}")


def test_accessors_round_trip_and_take_once() -> None:
    at = AppTest.from_function(_script).run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert "first=x second=None" in texts
    assert any(
        "window=WindowChoice(preset='Custom', center=500.0, width=800.0)" in t for t in texts
    )
    assert any("none=None" in t for t in texts)
    assert any("source=<Sequence.T1" in t for t in texts)


@pytest.mark.parametrize("stale", [{"name": "x", "frame": pd.DataFrame()}, "junk", 3])
def test_an_untyped_value_is_ignored_not_a_crash(stale: object) -> None:
    # A value of an older shape (a dict from a previous version) is dropped, never half-read.
    def script() -> None:
        import streamlit as st

        from vbqapp.state import take_incoming_dataset

        st.write(f"taken={take_incoming_dataset()}")

    at = AppTest.from_function(script)
    at.session_state[COHORT_INCOMING_DATASET] = stale
    at.run()
    assert not at.exception and at.markdown[0].value == "taken=None"


def test_window_choice_custom_needs_both_values() -> None:
    assert WindowChoice("Custom", 1.0, None).custom is None
    assert WindowChoice("Custom", 1.0, 2.0).custom == (1.0, 2.0)
    assert IncomingDataset("n", pd.DataFrame()).mapping is None
    assert Sequence.T2.value == "T2"
