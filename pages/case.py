"""Case: upload a patient's T1/T2/STIR slices, draw labelled ROIs, read the VBQ scores, export."""

import streamlit as st

from vbqapp.case.export import export_panel
from vbqapp.case.levels import levels_panel
from vbqapp.case.literature import literature_panel
from vbqapp.case.midsagittal import midsagittal_panel
from vbqapp.case.one_click import one_click_panel
from vbqapp.case.pacs_open import pacs_open_panel
from vbqapp.case.pacs_send import pacs_send_panel
from vbqapp.case.registry_save import registry_panel
from vbqapp.case.scores import case_options, scores_panel
from vbqapp.case.session import get_case, seed, widget_key
from vbqapp.case.summary import score_summary
from vbqapp.case.table import apply_table_edits, roi_actions, roi_table
from vbqapp.case.upload import upload_panel
from vbqapp.case.verdict import interval_method
from vbqapp.case.viewer import sync_from_canvas, viewer
from vbqapp.routing import require_router
from vbqapp.state import CASE_ACTIVE
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import evaluate_case
from vbqcore.errors import VbqError
from vbqcore.measurements import MEASURED_SEQUENCES

require_router()

st.title("Case")
st.caption(
    "Measure one patient's VBQ on the mid-sagittal slice of each sequence. For research use only; "
    "images stay on this computer and nothing identifying the patient is shown or exported."
)

# Each panel sits in its own container, so a message appearing in one does not move the
# elements of the others (a moved canvas would be mounted afresh).
try:
    with st.container():
        upload_panel()
        pacs_open_panel()

    st.subheader("2 · Regions of interest")
    case = get_case()
    active_key = widget_key("active")
    seed(
        active_key,
        st.session_state.get(CASE_ACTIVE) or (case.loaded or MEASURED_SEQUENCES)[0].value,
    )
    choice = st.segmented_control(
        "Sequence shown", [s.value for s in MEASURED_SEQUENCES], key=active_key, required=True
    )
    seq = Sequence(choice or MEASURED_SEQUENCES[0])
    st.session_state[CASE_ACTIVE] = seq.value

    apply_table_edits(seq)  # table edits first: a deleted row remounts the canvas
    sync_from_canvas(seq)
    # widget callbacks ran before this script
    evaluation = evaluate_case(get_case(), interval_method=interval_method())

    image_column, table_column = st.columns([3, 2], gap="small")
    with image_column:
        viewer(seq)
    with table_column:
        score_summary(evaluation)
        midsagittal_panel(seq)
        roi_table(seq, evaluation)
        roi_actions(seq)
        levels_panel(seq)
        one_click_panel(seq)
        st.divider()
        case_options()
    with st.container():
        scores_panel(evaluation)
    with st.container():
        literature_panel(evaluation)
    with st.container():
        export_panel(evaluation)
        pacs_send_panel()
    with st.container():
        registry_panel(evaluation)
except VbqError as err:
    st.error(md_escape(err))
