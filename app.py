"""VBQ Dashboard entry point: page config, shared state, then the page router.

Run with ``streamlit run app.py``; ``.streamlit/config.toml`` binds the server to 127.0.0.1.
"""

import streamlit as st

from vbqapp.error_report import run_page
from vbqapp.media_expiry import start_media_sweeper
from vbqapp.navigation import PAGES
from vbqapp.routing import mark_routed
from vbqapp.state import ACKNOWLEDGED_RESEARCH_USE

st.set_page_config(page_title="VBQ Dashboard", page_icon=":material/radiology:", layout="wide")

st.session_state.setdefault(ACKNOWLEDGED_RESEARCH_USE, False)
mark_routed()
start_media_sweeper()  # downloads expire with their session (vbqapp/media_expiry.py)

navigation = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, default=p.default) for p in PAGES]
)
run_page(navigation.run)  # a bug shows a reference, never a traceback
