"""Home: what the VBQ score is, the research-use notice, and a link to each page."""

import streamlit as st

from vbqapp.navigation import PAGES
from vbqapp.routing import require_router
from vbqcore import __version__

require_router()

st.title("VBQ Dashboard")
st.caption(f"vbqcore {__version__} · for research use only · not a medical device")

st.markdown(
    """
The **MRI-based Vertebral Bone Quality (VBQ) score** estimates bone quality from a routine lumbar
MRI: the mean signal intensity (SI) of the L1–L4 vertebral bodies divided by the SI of the
cerebrospinal fluid (CSF) at L3, on the mid-sagittal slice. Fatty, osteoporotic marrow is brighter,
so a higher score means poorer bone.

Huang et al. (*Global Spine J* 2026;16(1):162–170) measured it on **T1, T2 and STIR** series and
introduced **VBQ-T2-STIR** (the bodies' mean T2−STIR difference over the CSF's). A fractured level
is left out and replaced by T12 or L5. Their Youden cut-offs for an osteoporotic vertebral
compression fracture: **VBQ-T1 4.285, VBQ-T2 0.555, VBQ-T2-STIR 0.805**.
"""
)

st.warning(
    "**Research use only.** The published cut-offs come from one GE Signa HDx **1.5 T** "
    "scanner and an age- and sex-matched **Chinese** cohort aged over 55 "
    "(84 fracture, 84 control patients). "
    "They may not transfer to other scanners, field strengths or populations; the app warns when "
    "your scan differs. Do not use these numbers alone for a clinical decision.",
    icon=":material/science:",
)

st.subheader("Pages")
for spec in PAGES:
    if spec.default:
        continue
    st.page_link(spec.path, label=spec.title, icon=spec.icon)
    st.caption(spec.summary)

st.divider()
st.caption(
    "Uploaded images stay on this computer: the server listens on 127.0.0.1 only, patient "
    "identifiers in file headers are never displayed, stored or exported, and images whose "
    "pixels may show a name (screenshots) are blanked outside the ROIs before export."
)
