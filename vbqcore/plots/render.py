"""Rendering a plotly figure to bytes through kaleido, with a watchdog.

kaleido 1.5 (choreographer 1.4) starts a Chromium per call and reads its answers from a pipe
whose write end the Python process also keeps open. When that Chromium dies mid-render (seen once
in a test run on a 2-core machine kept busy by two CPU loops), no end-of-file ever arrives and
``fig.to_image`` waits for ever, taking the page or the command with it. So each attempt runs in a
daemon thread that is waited for at most ``RENDER_TIMEOUT_S``; a stuck attempt is abandoned (its
Chromium is already gone; the thread stays blocked on the dead pipe) and a fresh one is made,
``RENDER_ATTEMPTS`` in all, before the caller gets an error it can show.
"""

from __future__ import annotations

import logging
import queue
import threading
import warnings
from typing import Any

import plotly.graph_objects as go

__all__ = ["RENDER_ATTEMPTS", "RENDER_TIMEOUT_S", "RenderTimeout", "render_figure"]

logger = logging.getLogger(__name__)

#: Seconds one attempt may take: a render takes 2-5 s, ~30 s on a loaded 2-core machine.
RENDER_TIMEOUT_S = 120.0
#: Attempts before giving up (each starts its own Chromium).
RENDER_ATTEMPTS = 2


class RenderTimeout(TimeoutError):
    """Chromium gave no answer within the time of any attempt."""


def _attempt(fig: go.Figure, to_image: dict[str, Any], box: queue.Queue[tuple[bool, Any]]) -> None:
    try:
        box.put((True, fig.to_image(**to_image)))
    except BaseException as err:  # handed to the caller's thread
        box.put((False, err))


def render_figure(fig: go.Figure, **to_image: Any) -> bytes:
    """``fig.to_image(**to_image)``, retried once when an attempt hangs.

    Raises whatever ``to_image`` raises, or ``RenderTimeout`` when every attempt hung.
    """
    # Warning filters are process-wide, so the caller's context covers the render thread too.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "kopts ignored" and the like
        for attempt in range(1, RENDER_ATTEMPTS + 1):
            box: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)
            # Each attempt answers into its own box: a late answer of an abandoned attempt
            # never lands in the next one's.
            threading.Thread(
                target=_attempt, args=(fig, to_image, box), name="vbq-figure-render", daemon=True
            ).start()
            try:
                ok, value = box.get(timeout=RENDER_TIMEOUT_S)
            except queue.Empty:
                logger.warning(
                    "figure render attempt %d of %d gave no answer in %.0f s; abandoned",
                    attempt,
                    RENDER_ATTEMPTS,
                    RENDER_TIMEOUT_S,
                )
                continue
            if ok:
                return bytes(value)
            raise value
    raise RenderTimeout(
        f"Chromium gave no answer in {RENDER_ATTEMPTS} attempts of {RENDER_TIMEOUT_S:.0f} s "
        "each; the machine may be overloaded, try again"
    )
