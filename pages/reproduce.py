"""Reproduce the paper: Tables 1–4 of Huang et al. 2026, published beside the demo cohort's."""

import pandas as pd
import streamlit as st

from vbqapp.routing import require_router
from vbqcore.paper.demo_cohort import demo_cohort_csv, load_demo_cohort
from vbqcore.paper.reproduction import reproduce
from vbqcore.paper.reproduction_layout import TABLE_TITLES, paper_layout

require_router()


@st.cache_data(show_spinner="Computing Tables 1–4 from the demo cohort…")
def _report() -> tuple[pd.DataFrame, int, int, str]:
    """The report table, targets met, targets in all, and the cohort as CSV text."""
    cohort = load_demo_cohort()
    report = reproduce(cohort)
    met = report.n_targets - len(report.failures)
    return report.to_frame(), met, report.n_targets, demo_cohort_csv(cohort)


#: The checklist's columns as shown and downloaded (the CLI's JSON keeps the machine keys).
CHECKLIST_COLUMNS = {
    "table": "Table",
    "variable": "Variable",
    "subgroup": "Subgroup",
    "statistic": "Statistic",
    "published_text": "Published",
    "computed": "Computed",
    "difference": "Difference",
    "target": "Target",
    "passed": "Met",
    "note": "Note",
}


def _colour(row: pd.Series) -> list[str]:
    colour = {True: "background-color: #e3f4e1", False: "background-color: #fbdcdc"}
    return [colour.get(row["Met"], "")] * len(row)


st.title("Reproduce the paper")
st.warning(
    "**Synthetic data, not patients.** The demo cohort (84 fracture and 84 control patients) was "
    "generated to match the published summary statistics of Huang et al., *Global Spine J* "
    "2026;16(1):162–170. It shows that vbqcore's statistics give the paper's figures; it says "
    "nothing new about patients.",
    icon=":material/science:",
)

frame, met, total, cohort_csv = _report()
left, right = st.columns(2)
left.metric("Targets met", f"{met} of {total}")
right.metric("Figures compared", len(frame))

tabs = st.tabs([TABLE_TITLES[t].split(".")[0] for t in TABLE_TITLES])
for tab, number in zip(tabs, TABLE_TITLES, strict=True):
    with tab:
        st.markdown(f"**{TABLE_TITLES[number]}** — published (Huang et al. 2026) | reproduced")
        st.dataframe(paper_layout(frame, number), hide_index=True, width="stretch")
st.caption(
    "Computed with vbqcore.stats: compare_groups (Table 1; each row with the test the paper "
    "reports), roc_analysis with DeLong CIs (Tables 2–3), logistic_regression (Table 4). "
    "'Targets met' counts the figures of that line within their target; odds ratios and their "
    "CIs have no target and are shown for information."
)

checklist = frame.rename(columns=CHECKLIST_COLUMNS)[list(CHECKLIST_COLUMNS.values())]
with st.expander(f"Full checklist: every published figure ({len(frame)})"):
    tables = st.multiselect(
        "Tables", ["1", "2", "3", "4"], default=["1", "2", "3", "4"], key="repro_tables"
    )
    only_missed = st.toggle("Show only missed targets", key="repro_only_missed")
    shown = checklist[checklist["Table"].isin(tables)]
    if only_missed:
        shown = shown[shown["Met"].eq(False)]
    st.dataframe(
        shown.style.apply(_colour, axis=1).format(
            {"Computed": "{:.4g}", "Difference": "{:+.3g}"}, na_rep="–"
        ),
        hide_index=True,
        width="stretch",
        column_config={"Met": st.column_config.CheckboxColumn("Met")},
    )

st.download_button(
    "Download the full checklist (CSV)",
    checklist.to_csv(index=False),
    file_name="huang2026_reproduction_checklist.csv",
    mime="text/csv",
    key="repro_download_report",
)
st.download_button(
    "Download the demo cohort (CSV, synthetic)",
    cohort_csv,
    file_name="demo_cohort.csv",
    mime="text/csv",
    key="repro_download_cohort",
)
