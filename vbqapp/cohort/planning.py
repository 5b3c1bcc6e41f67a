"""Cohort explorer, "Plan a study": power and sample size of an ROC study (pROC power.roc.test).

One AUC against 0.5 (Obuchowski's variance) from numbers typed in; two correlated AUCs (DeLong
variance) from the patients shown, as a pilot. The numbers come from ``vbqcore.stats.power``.
"""

from __future__ import annotations

import logging

import streamlit as st

from vbqapp.cohort.context import ViewContext
from vbqcore.cohort.table import GROUP
from vbqcore.errors import VbqError
from vbqcore.stats import AucPower, auc_power, correlated_auc_power
from vbqcore.vbq import ScoreName

__all__ = ["plan_study_panel"]

logger = logging.getLogger(__name__)

P = "cohort_plan_"
_SOLVE = {"n": "Sample size", "power": "Power", "auc": "Detectable AUC"}


def _show(result: AucPower) -> None:
    left, mid, right, last = st.columns(4)
    left.metric("Cases", result.n_cases_needed)
    mid.metric("Controls", result.n_controls_needed)
    right.metric("Power", f"{result.power:.3f}")
    label = "AUC" if result.auc_b is None else "AUCs"
    value = (
        f"{result.auc:.3f}" if result.auc_b is None else f"{result.auc:.3f} vs {result.auc_b:.3f}"
    )
    last.metric(label, value)


def _one_auc() -> None:
    solve = st.radio(
        "Solve for", list(_SOLVE), format_func=_SOLVE.__getitem__, horizontal=True, key=f"{P}solve"
    )
    cols = st.columns(4)
    auc = cols[0].number_input(
        "AUC expected", 0.51, 0.99, 0.75, 0.01, key=f"{P}auc", disabled=solve == "auc"
    )
    power = cols[1].number_input(
        "Power", 0.50, 0.99, 0.80, 0.01, key=f"{P}power", disabled=solve == "power"
    )
    alpha = cols[2].number_input(
        "Alpha (two-sided)", 0.001, 0.20, 0.05, 0.005, format="%.3f", key=f"{P}alpha"
    )
    ratio = cols[3].number_input("Controls per case", 0.25, 10.0, 1.0, 0.25, key=f"{P}ratio")
    cases = st.number_input(
        "Cases (fractured patients)", 3, 100_000, 84, key=f"{P}cases", disabled=solve == "n"
    )
    try:
        result = auc_power(
            auc=None if solve == "auc" else float(auc),
            n_cases=None if solve == "n" else float(cases),
            n_controls=None if solve == "n" else float(cases) * float(ratio),
            power=None if solve == "power" else float(power),
            alpha=float(alpha),
            ratio=float(ratio),
        )
    except VbqError as err:
        st.warning(str(err), icon=":material/calculate:")
        return
    _show(result)
    st.caption(
        "Test of one AUC against 0.5 with Obuchowski's variance (Obuchowski, Lieber & Wians, "
        "Clin Chem 2004), as pROC's power.roc.test; also `python -m vbqcore power`."
    )


def _two_aucs(ctx: ViewContext) -> None:
    scores = [s.value for s in ctx.cohort.scores]
    if len(scores) < 2:
        st.info("Two scores are needed to plan a comparison of AUCs.")
        return
    cols = st.columns(3)
    first = cols[0].selectbox(
        "Score A", scores, format_func=lambda s: ScoreName(s).label, key=f"{P}a"
    )
    others = [s for s in scores if s != first]
    second = cols[1].selectbox(
        "Score B", others, format_func=lambda s: ScoreName(s).label, key=f"{P}b"
    )
    power = cols[2].number_input("Power wanted", 0.50, 0.99, 0.80, 0.01, key=f"{P}power2")
    frame = ctx.frame()
    used = frame.loc[frame[[first, second]].notna().all(axis=1)]
    try:
        now = correlated_auc_power(
            (used[GROUP] == ctx.cohort.positive).to_numpy(), used[first], used[second]
        )
        needed = correlated_auc_power(
            (used[GROUP] == ctx.cohort.positive).to_numpy(),
            used[first],
            used[second],
            power=float(power),
        )
    except VbqError as err:
        st.warning(str(err), icon=":material/calculate:")
        return
    st.markdown(
        f"With the {now.n_cases_needed} cases and {now.n_controls_needed} controls shown, the "
        f"power to tell AUC {now.auc:.3f} from {now.auc_b:.3f} is **{now.power:.2f}**."
    )
    _show(needed)
    st.caption(
        "Two correlated AUCs (same patients), DeLong variances and covariance of the patients "
        "shown used as a pilot (Obuchowski & McClish, Stat Med 1997), as pROC's "
        "power.roc.test(roc1, roc2)."
    )


def plan_study_panel(ctx: ViewContext) -> None:
    """The "Plan a study" expander: one AUC from typed numbers, two from the patients shown."""
    with st.expander("Plan a study: power and sample size", icon=":material/calculate:"):
        one, two = st.tabs(["One AUC vs chance", "Two scores on the same patients"])
        with one:
            _one_auc()
        with two:
            _two_aucs(ctx)
