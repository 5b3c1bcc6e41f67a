"""Warm the cohort explorer in the background once per server process.

The first view is drawn with only what it needs; then one daemon thread imports the other
views and the libraries behind them (statsmodels for regression and proportion CIs, the plotly
figure builders), so that a first visit to ROC, Regression or Distributions does not wait for
imports. Started by ``st.cache_resource``, so once per process, shared by every session.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time

import streamlit as st

from vbqapp.cohort.views.menu import view_modules

__all__ = ["WARM_MODULES", "start_warmup"]

logger = logging.getLogger(__name__)

#: Imported after the views: the lazily loaded statistics the views call on first use.
WARM_MODULES: tuple[str, ...] = (
    "vbqcore.stats.roc",
    "vbqcore.stats.delong",
    "vbqcore.stats.proportions",
    "vbqcore.stats.logistic",
)


def _warm() -> None:
    start = time.perf_counter()
    for name in (*view_modules(), *WARM_MODULES):
        try:
            importlib.import_module(name)
        except Exception:  # a broken module shows its error when its view is opened
            logger.exception("warm-up import of %s failed", name)
    logger.info("cohort explorer warmed up in %.2f s", time.perf_counter() - start)


@st.cache_resource(show_spinner=False)
def start_warmup() -> threading.Thread:
    """Start the warm-up thread (first call in the process); later calls return it."""
    thread = threading.Thread(target=_warm, name="vbq-cohort-warmup", daemon=True)
    thread.start()
    return thread
