"""Case page: the published thresholds that apply to this case, grouped by target.

Each applicable threshold shows the case's value on the source's own score definition, the
zone (below / borderline / above), its source, cohort and scanner with the field-strength
match; the ones that do not apply are folded, each with the reason.
"""

from __future__ import annotations

import streamlit as st

from vbqapp.case.session import widget_key
from vbqapp.literature.settings import default_target_setting
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.literature import case_literature
from vbqcore.literature import LiteratureComparison, Target, Zone

__all__ = ["literature_panel"]

_ZONE_ICON = {Zone.BELOW: "🟢", Zone.BORDERLINE: "🟡", Zone.ABOVE: "🔴"}
_FIELD_TEXT = {"match": "matches", "mismatch": "does not match", "unknown": "cannot be compared"}


def _row(c: LiteratureComparison) -> None:
    e = c.entry
    icon = _ZONE_ICON[c.zone] if c.zone is not None else ""
    st.markdown(f"{icon} **{e.score.label}** — {c.sentence}")
    accuracy = ", ".join(
        text
        for text in (
            None if e.auc is None else f"AUC {e.auc:.2f}",
            None if e.sensitivity is None else f"sensitivity {e.sensitivity:.0%}",
            None if e.specificity is None else f"specificity {e.specificity:.0%}",
        )
        if text
    )
    kind = f"threshold: {e.threshold_kind} · " if e.threshold_kind else ""
    st.caption(
        f"{kind}{e.citation} [doi:{e.doi}](https://doi.org/{e.doi}) · "
        f"{accuracy or 'accuracy n/r'} · "
        f"cohort: {e.cohort.get('indication') or 'not reported'} · scanner: {e.scanner} "
        f"(field strength {_FIELD_TEXT[c.field_match.value]}) · {c.how}"
    )
    for caution in c.cautions:
        st.caption(f"⚠ {caution}")


def literature_panel(evaluation: CaseEvaluation) -> None:
    """Published thresholds for this case, the default target's group first and open."""
    result = evaluation.result
    if result is None:
        return
    st.subheader("Published thresholds for this case")
    group = default_target_setting(widget_key("default_target"), label="Default target (question)")
    reading = case_literature(evaluation, target_group=group)
    if reading is None:
        return
    st.caption(reading.summary)
    groups = reading.by_target()
    if not groups:
        st.info("No published threshold applies to the scores measured so far.")
    for target, rows in groups.items():
        focus = group is None or target.group is group
        title = f"{target.label} — {len(rows)} threshold(s)"
        with st.expander(title, expanded=focus):
            for c in rows:
                _row(c)
    folded = reading.not_applicable
    if folded:
        with st.expander(f"Not applicable to this case ({len(folded)})", expanded=False):
            for target in Target:
                for c in (c for c in folded if c.entry.target is target):
                    st.markdown(f"- {target.label}: {c.sentence}")
