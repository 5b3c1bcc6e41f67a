"""The default target (fracture risk, osteoporosis screening, surgical planning) as a widget.

The choice lives in ``DEFAULT_TARGET``, which outlives the widget: Streamlit drops a widget's
key when its page is left, so each page seeds its own widget from the stored choice.
"""

from __future__ import annotations

import streamlit as st

from vbqapp.state import DEFAULT_TARGET
from vbqcore.literature import TargetGroup

__all__ = ["ALL_TARGETS", "default_target", "default_target_setting"]

#: The widget's option for "no default target: show every target".
ALL_TARGETS = "all"


def default_target() -> TargetGroup | None:
    """The stored default target (``None``: every target)."""
    value = st.session_state.get(DEFAULT_TARGET)
    return None if value in (None, ALL_TARGETS) else TargetGroup(value)


def _store(key: str) -> None:
    value = st.session_state.get(key)
    st.session_state[DEFAULT_TARGET] = None if value in (None, ALL_TARGETS) else value


def _label(value: str) -> str:
    return "Every target" if value == ALL_TARGETS else TargetGroup(value).label


def default_target_setting(key: str, *, label: str = "Default target") -> TargetGroup | None:
    """A select box for the default target; returns the choice (also stored for other pages)."""
    if key not in st.session_state:
        current = default_target()
        st.session_state[key] = ALL_TARGETS if current is None else current.value
    st.selectbox(
        label,
        [ALL_TARGETS, *(g.value for g in TargetGroup)],
        format_func=_label,
        key=key,
        on_change=_store,
        args=(key,),
        help="Which clinical question the case interpretation and the report lead with: "
        "fracture risk (OVCF, subsequent fracture), osteoporosis screening (DXA osteoporosis "
        "or reduced BMD) or surgical planning (screw loosening, cage subsidence).",
    )
    return default_target()
