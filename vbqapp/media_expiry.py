"""Download files expire with the session that made them, not with the next visitor's click.

What Streamlit 1.67 does (``streamlit/runtime/media_file_manager.py``): ``st.download_button``
bytes are stored in the server's memory under ``/media/<hash>.<ext>``, where the hash is of the
content, mime type and file name, and any client that has the URL gets the file: there is no
session check. Files are dropped by ``remove_orphaned_files``, which runs only when some
session's script run ends or a session shuts down, and a *downloadable* file survives the first
pass (it is only marked) so that a browser still fetching it is not cut off. A file generated on
click (``data=callable``, as every export here is) is never tied to a session at all. So after a
session ends, its exports stayed served until two more script runs happened in some other
session, which on a quiet single-user server can be never.

``start_media_sweeper`` runs that same clean-up every ``SWEEP_SECONDS`` in a daemon thread (the
method is documented as safe from any thread): a file no active session references is gone within
two sweeps. A closed tab's session is shut down after ``server.disconnectedSessionTTL`` (set to
30 s in ``.streamlit/config.toml``; Streamlit's default is 120 s), so its downloads stop being
served at most ~50 s after the tab closed; a file made on click lives at most
``2 x SWEEP_SECONDS`` after it was made. The URLs stay unguessable only
in the sense that they hash the content: the server listens on 127.0.0.1 (README, Privacy).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

import streamlit as st
from streamlit import runtime

__all__ = ["SWEEP_SECONDS", "sweep_once", "start_media_sweeper"]

logger = logging.getLogger(__name__)

#: Seconds between clean-ups of media no session references.
SWEEP_SECONDS = 10.0


class _MediaManager(Protocol):
    def remove_orphaned_files(self) -> None: ...


def sweep_once(manager: _MediaManager) -> None:
    """One clean-up pass (downloadables need two: the first marks, the second deletes)."""
    try:
        manager.remove_orphaned_files()
    except Exception:  # a sweep must never take the server down; the next one retries
        logger.exception("media clean-up failed")


@st.cache_resource(show_spinner=False)
def start_media_sweeper(interval: float = SWEEP_SECONDS) -> threading.Thread | None:
    """Start the sweeper once per server process (``st.cache_resource``); None outside a
    running Streamlit server."""
    if not runtime.exists():
        return None
    manager = runtime.get_instance().media_file_mgr

    def loop() -> None:
        while True:
            time.sleep(interval)
            sweep_once(manager)

    thread = threading.Thread(target=loop, name="vbq-media-sweeper", daemon=True)
    thread.start()
    logger.info("media sweeper started (every %.0f s)", interval)
    return thread
