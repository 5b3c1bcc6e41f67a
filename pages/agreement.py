"""Observer agreement: Bland–Altman (absolute and %) and ICC of two readers' SI measurements."""

import streamlit as st

from vbqapp.routing import require_router
from vbqapp.studies import agreement_inputs as inputs
from vbqapp.studies import agreement_results as results
from vbqapp.text import md_escape
from vbqcore.errors import VbqError
from vbqcore.studies.agreement import AgreementStudy, analyse_agreement
from vbqcore.studies.agreement_input import ObserverColumns, PairedMeasurements, read_observer_table

require_router()

st.title("Observer agreement")
st.caption(
    "Two observers (inter-observer) or one observer on two occasions (intra-observer) measure "
    "the same ROIs. Huang et al. (Global Spine J 2026) judged the 95% limits of agreement of "
    "the SIs, in % of the mean, against ±10%, per sequence for L1–L4 and for the CSF "
    "(their Figures 3–5)."
)


@st.cache_data(show_spinner=False, max_entries=8)
def _analyse(
    _table: inputs.Table,
    signature: str,
    columns: ObserverColumns,
    options: inputs.AgreementOptions,
) -> tuple[PairedMeasurements, AgreementStudy]:
    measurements = read_observer_table(_table.frame, columns, source=_table.name)
    study = analyse_agreement(
        measurements,
        acceptance=options.acceptance,
        confidence=options.confidence,
        split_levels=options.split_levels,
    )
    return measurements, study


table = inputs.load()
if table is None:
    st.stop()
columns = inputs.choose_columns(table)
options = inputs.choose_options()

try:
    measurements, study = _analyse(table, table.signature, columns, options)
except VbqError as err:
    st.error(md_escape(err))
    st.stop()

results.show_verdicts(study)
figures = results.show_plots(study)
results.show_tables(study, measurements)
results.show_downloads(figures, cache_key=f"{table.signature}|{columns}|{options}")
