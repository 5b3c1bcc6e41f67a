"""Unexpected errors in a page: a short message with a reference for the user, the traceback for
the server log only.

``.streamlit/config.toml`` sets ``client.showErrorDetails = "none"``, so Streamlit itself never
sends a traceback, a server path or its "Ask Google/ChatGPT" buttons to the browser; errors
vbqcore raises on purpose (``VbqError``) are caught by the pages and shown as their message.
Anything else is a bug: ``run_page`` logs it with a short random reference and shows only that
reference, which a user can quote and an administrator can find in the log.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable

import streamlit as st

__all__ = ["RAISE_ENV", "error_reference", "run_page"]

logger = logging.getLogger(__name__)

#: Set to 1 to let unexpected errors propagate (the AppTest suite does, so a bug fails a test
#: instead of turning into a message).
RAISE_ENV = "VBQ_RAISE_ERRORS"


def error_reference() -> str:
    """A short reference that is easy to read out: ``VBQ-`` and 8 hex digits."""
    return f"VBQ-{secrets.token_hex(4).upper()}"


def run_page(run: Callable[[], object]) -> None:
    """Run the page; an unexpected exception is logged with its traceback and a reference, and
    the user sees one sentence quoting the reference. Streamlit's own control flow
    (``st.rerun``, ``st.stop``, ``st.switch_page``) derives from ``BaseException`` and passes."""
    try:
        run()
    except Exception:
        if os.environ.get(RAISE_ENV) == "1":
            raise
        reference = error_reference()
        logger.exception("unexpected error, reference %s", reference)
        st.error(
            f"Something went wrong on this page (reference {reference}). What you entered is "
            "kept: try the last step again, or reload the page. If it happens again, report "
            "the reference to the administrator; the details are in the server log.",
            icon=":material/error:",
        )
