"""Case: upload a patient's T1/T2/STIR slices, draw labelled ROIs, read the VBQ scores, export."""

import streamlit as st

from vbqapp.case.pacs_open import pacs_open_panel
from vbqapp.case.upload import upload_panel
from vbqapp.case.workspace import remember_upload_view, roi_workspace
from vbqapp.routing import require_router
from vbqapp.text import md_escape
from vbqcore.errors import VbqError

require_router()

st.title("Case")
st.caption(
    "Measure one patient's VBQ on the mid-sagittal slice of each sequence. For research use only; "
    "images stay on this computer and nothing identifying the patient is shown or exported."
)

# Each panel sits in its own container, so a message appearing in one does not move the
# elements of the others (a moved canvas would be mounted afresh). The upload panel reruns the
# whole page; steps 2-5 are one fragment, so a drawn ROI reruns only them
# (vbqapp.case.workspace).
try:
    with st.container():
        upload_panel()
        pacs_open_panel()
except VbqError as err:
    st.error(md_escape(err))
remember_upload_view()  # what the upload panel shows: a change made in the fragment reruns all
roi_workspace()
