"""Case page, step 3: the bottom line, each score's interval and zone, and the uncertainty model.

Zones get a colour only when the score can be read against its cut-off; a screenshot-derived
score gets none, and the reason comes first.
"""

from __future__ import annotations

import streamlit as st

from vbqapp.case.session import seed, widget_key
from vbqcore.interpretation import CutoffComparison, Interpretation
from vbqcore.uncertainty import IntervalMethod, ScoreInterval, Zone

__all__ = [
    "interval_method",
    "interval_method_picker",
    "interval_caption",
    "bottom_line",
    "zone_badge",
]

_METHOD_LABELS = {
    IntervalMethod.ROI_SEM: "ROI standard error",
    IntervalMethod.OBSERVER_AGREEMENT: "Observer agreement (Huang 2026)",
}
_CAPTION_LABELS: dict[str, str] = {
    IntervalMethod.ROI_SEM: "ROI standard error",
    IntervalMethod.OBSERVER_AGREEMENT: "observer agreement, Huang et al. 2026",
}
_BADGE = {Zone.BELOW: "green", Zone.BORDERLINE: "orange", Zone.ABOVE: "red"}


def interval_method() -> IntervalMethod:
    """The uncertainty model chosen on the page (ROI standard error until the user changes it)."""
    value = st.session_state.get(widget_key("interval_method"))
    return IntervalMethod(value) if value else IntervalMethod.ROI_SEM


def interval_method_picker() -> None:
    """How each score's interval (and so its borderline zone) is made."""
    key = widget_key("interval_method")
    seed(key, IntervalMethod.ROI_SEM.value)
    st.segmented_control(
        "Uncertainty of the scores",
        [m.value for m in IntervalMethod],
        format_func=lambda v: _METHOD_LABELS[IntervalMethod(v)],
        key=key,
        required=True,
        help="ROI standard error: each ROI's SD / √pixels carried to the score (delta method; "
        "pixel noise only, so the narrowest honest interval). Observer agreement: the "
        "inter-observer limits of agreement of Huang et al. 2026 (Figure 3), which also cover "
        "where a reader places the ROIs. A score whose 95% interval contains the cut-off is "
        "borderline.",
    )


def interval_caption(interval: ScoreInterval) -> str:
    """``"95% interval 0.571–0.595 (ROI standard error)"``."""
    method = _CAPTION_LABELS.get(str(interval.method), str(interval.method))
    return f"{100 * interval.level:.0f}% interval {interval.text()} ({method})"


def zone_badge(comparison: CutoffComparison) -> str:
    """A coloured markdown badge for the zone, grey "not interpretable" for a screenshot score."""
    if comparison.zone is None:
        return ":gray-badge[not interpretable]"
    return f":{_BADGE[comparison.zone]}-badge[{comparison.zone.value}]"


def bottom_line(interpretation: Interpretation | None) -> None:
    """The one-sentence bottom line, above the scores: neutral colour, never a green tick."""
    if interpretation is None or not interpretation.bottom_line:
        return
    readable = any(c.interpretable for c in interpretation.comparisons)
    show = st.info if readable else st.warning
    show(f"**Bottom line.** {interpretation.bottom_line}", icon=":material/summarize:")
