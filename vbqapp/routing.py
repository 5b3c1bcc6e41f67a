"""Keep every page behind the router in app.py, even on a fresh server opened at a page URL.

Streamlit 1.67 starts a server in its legacy ``pages/`` mode and leaves it only when
``st.navigation`` is first called. So when the very first visitor of a fresh server opens a deep
link (``/cohort?sex=F``, shared by a colleague), Streamlit runs ``pages/cohort.py`` directly:
no ``app.py``, hence no page config, no shared state and a sidebar listing file names. Every page
therefore calls :func:`require_router` first; ``app.py`` marks the session as routed.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["ROUTED", "mark_routed", "require_router"]

#: Set by ``app.py`` before it runs the selected page.
ROUTED = "_vbq_routed_by_app"
_RETRIED = "_vbq_router_retried"


def mark_routed() -> None:
    st.session_state[ROUTED] = True


def require_router() -> None:
    """Rerun through ``app.py`` when Streamlit ran this page without it (legacy mode).

    The rerun keeps the page and its query string; it only happens once per server.
    """
    if st.session_state.get(ROUTED) or st.session_state.get(_RETRIED):
        return  # routed, or already retried once (e.g. a page run alone under AppTest)
    st.session_state[_RETRIED] = True
    # The switch Streamlit itself flips in st.navigation; public API offers no other way to
    # leave legacy mode before a script has called st.navigation.
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
