"""Case–control matching: 1:1 on sex and age (closest MR date first), with the flow of counts."""

import streamlit as st

from vbqapp.routing import require_router
from vbqapp.state import MatchRun, get_match_run, set_match_run
from vbqapp.studies import matching_inputs as inputs
from vbqapp.studies import matching_results as results
from vbqapp.text import md_escape
from vbqcore.errors import VbqError
from vbqcore.stats.matching import match_pairs

require_router()

st.title("Case–control matching")
st.caption(
    "Each case is paired with one control of the same sex and age; among several, the one "
    "whose MR is closest in time, as Huang et al. (Global Spine J 2026) built their 84 + 84 "
    "cohort (their Figure 1). The pairing is optimal over all cases, not first come, first "
    "served, and gives the same result every run."
)

candidates = inputs.load()
if candidates is None:
    st.stop()
with st.expander(f"Preview of {md_escape(candidates.name)} ({len(candidates.frame)} rows)"):
    st.dataframe(candidates.frame.head(50), width="stretch")

settings = inputs.choose_settings(candidates)
if settings is None:
    st.stop()
signature = settings.signature(candidates.signature)

if st.button("Run matching", type="primary", key=inputs.RUN_KEY, icon=":material/join_inner:"):
    try:
        result = match_pairs(
            candidates.frame,
            group=settings.group,
            case=settings.case,
            control=settings.control,
            sex=settings.sex,
            age=settings.age,
            date=settings.date,
            caliper=settings.caliper,
            id_col=settings.id_col,
        )
    except VbqError as err:
        set_match_run(None)
        st.error(md_escape(err))
        st.stop()
    set_match_run(MatchRun(signature, result))

stored = get_match_run()
if stored is None:
    st.info("Choose the columns, then press **Run matching**.")
elif stored.signature != signature:
    st.info("The file or the settings changed: press **Run matching** again.")
else:
    results.show_result(stored.result, settings, candidates.name)
