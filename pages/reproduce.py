"""Reproduce the paper: Tables 1–4 of Huang et al. 2026, published beside the demo cohort's."""

import pandas as pd
import streamlit as st

from vbqapp.routing import require_router
from vbqcore.paper.demo_cohort import demo_cohort_csv, load_demo_cohort
from vbqcore.paper.reproduction import reproduce

require_router()


@st.cache_data(show_spinner="Computing Tables 1–4 from the demo cohort…")
def _report() -> tuple[pd.DataFrame, int, int, str]:
    """The report table, targets met, targets in all, and the cohort as CSV text."""
    cohort = load_demo_cohort()
    report = reproduce(cohort)
    met = report.n_targets - len(report.failures)
    return report.to_frame(), met, report.n_targets, demo_cohort_csv(cohort)


def _colour(row: pd.Series) -> list[str]:
    colour = {True: "background-color: #e3f4e1", False: "background-color: #fbdcdc"}
    return [colour.get(row["passed"], "")] * len(row)


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

tables = st.multiselect(
    "Tables", ["1", "2", "3", "4"], default=["1", "2", "3", "4"], key="repro_tables"
)
only_missed = st.toggle("Show only missed targets", key="repro_only_missed")
shown = frame[frame["table"].isin(tables)]
if only_missed:
    shown = shown[shown["passed"].eq(False)]

columns = ["table", "variable", "subgroup", "statistic", "published_text", "computed"]
columns += ["difference", "target", "passed", "note"]
st.dataframe(
    shown[columns]
    .style.apply(_colour, axis=1)
    .format({"computed": "{:.4g}", "difference": "{:+.3g}"}, na_rep="–"),
    hide_index=True,
    width="stretch",
    column_config={
        "published_text": st.column_config.TextColumn("published"),
        "passed": st.column_config.CheckboxColumn("met"),
    },
)
st.caption(
    "Computed with vbqcore.stats: compare_groups (Table 1; each row with the test the paper "
    "reports), roc_analysis with DeLong CIs (Tables 2–3), logistic_regression (Table 4). "
    "Rows without a target (odds ratios and their CIs) are shown for information."
)

st.download_button(
    "Download the comparison (CSV)",
    frame.to_csv(index=False),
    file_name="huang2026_reproduction.csv",
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
