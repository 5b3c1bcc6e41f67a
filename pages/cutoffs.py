"""Cut-offs: the library of published VBQ thresholds, a sortable table and the evidence plot."""

import json

import streamlit as st

from vbqapp.literature.settings import default_target_setting
from vbqapp.routing import require_router
from vbqcore.literature import TargetGroup, load_library, select_entries
from vbqcore.literature.frame import library_frame
from vbqcore.plots.evidence import evidence_figure

require_router()

st.title("Cut-offs")
st.caption(
    "Published VBQ thresholds, each with its source, cohort, scanner and where every number was "
    "read. Research use only: each threshold holds for its own cohort, scanner and score "
    "definition; VBQ values differ between field strengths and vendors."
)

library = load_library()
settings, groups_column, field_column = st.columns([1, 2, 1])
with settings:
    default_target_setting("cutoffs_default_target")
with groups_column:
    groups = st.multiselect(
        "Targets shown",
        list(TargetGroup),
        default=list(TargetGroup),
        format_func=lambda g: g.label,
        key="cutoffs_groups",
    )
with field_column:
    field = st.radio(
        "Field strength", ["any", "1.5 T", "3 T"], horizontal=True, key="cutoffs_field"
    )
with_threshold = st.toggle("Only entries with a threshold", key="cutoffs_with_threshold")

field_t = None if field == "any" else float(field.split()[0])
shown = [
    e
    for e in select_entries(library, field_strength_t=field_t)
    if e.target.group in groups and (e.usable or not with_threshold)
]
left, middle, right = st.columns(3)
left.metric("Entries shown", f"{len(shown)} of {len(library)}")
middle.metric("With a threshold", sum(e.usable for e in shown))
right.metric("Sources (DOIs)", len({e.doi for e in shown}))

if not shown:
    st.info("No entry matches these filters.")
    st.stop()

frame = library_frame(shown)
st.dataframe(
    frame.drop(columns=["id"]),
    hide_index=True,
    width="stretch",
    column_config={
        "target_group": st.column_config.TextColumn("group"),
        "auc_low": st.column_config.NumberColumn("AUC low", format="%.2f"),
        "auc_high": st.column_config.NumberColumn("AUC high", format="%.2f"),
        "lr_positive": st.column_config.NumberColumn("LR+", format="%.2f"),
        "lr_negative": st.column_config.NumberColumn("LR−", format="%.2f"),
        "field_strength_t": st.column_config.NumberColumn("field (T)", format="%.1f"),
        "doi": st.column_config.TextColumn("DOI"),
    },
    key="cutoffs_table",
)
st.caption(
    "Click a column header to sort. Proportions are 0–1; LR+ and LR− are recomputed from the "
    "published sensitivity and specificity. An empty threshold: the source gives none (the "
    "entry is shown for reference and never compared with a case)."
)

st.subheader("The evidence at a glance")
st.plotly_chart(evidence_figure(shown), key="cutoffs_forest")
st.caption(
    "Published AUC per entry (bars: the 95% CI where the source gives one), grouped by target. "
    "AUCs from different cohorts, scanners and score definitions are not directly comparable."
)

st.subheader("Where each number was read")
chosen = st.selectbox(
    "Entry",
    [e.id for e in shown],
    format_func=lambda i: next(
        f"{e.short_ref} · {e.target.label} · {e.score.label}" for e in shown if e.id == i
    ),
    key="cutoffs_entry",
)
entry = next(e for e in shown if e.id == chosen)
st.markdown(f"**{entry.citation}** doi:[{entry.doi}](https://doi.org/{entry.doi})")
st.table({"number": list(entry.read_from), "read from": list(entry.read_from.values())})
if entry.notes:
    st.caption(entry.notes)

csv_column, json_column = st.columns(2)
csv_column.download_button(
    "Download table (CSV)",
    frame.to_csv(index=False).encode("utf-8"),
    file_name="vbq_cutoff_library.csv",
    mime="text/csv",
    key="cutoffs_csv",
)
json_column.download_button(
    "Download entries (JSON)",
    json.dumps([e.to_dict() for e in shown], indent=2, ensure_ascii=False).encode("utf-8"),
    file_name="vbq_cutoff_library.json",
    mime="application/json",
    key="cutoffs_json",
)
