"""Mouse window/level: a drag on the image changes the display window, as in OHIF and Weasis.

The convention is cornerstone's WWWC tool (used by OHIF; Weasis's right-drag is the same):
the horizontal extent of the drag changes the window width (right widens it: less contrast),
the vertical extent its centre, the level (down raises it: a darker image). Here a drag across
the whole canvas changes the width, or the level, by the slice's whole SI range, so the
gain is the same on any scanner's SI scale and any canvas size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from vbqcore.errors import VbqInputError

__all__ = ["MIN_WIDTH_FRACTION", "WindowDrag", "drag_window"]

#: The narrowest window a drag gives, as a fraction of the SI range (a zero width shows nothing).
MIN_WIDTH_FRACTION = 0.01


@dataclass(frozen=True)
class WindowDrag:
    """A window/level drag: the window before, the drag (canvas px) and the window after."""

    before: tuple[float, float]
    dx: float
    dy: float
    after: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": list(self.before),
            "dx": self.dx,
            "dy": self.dy,
            "after": list(self.after),
        }


def drag_window(
    window: tuple[float, float],
    dx: float,
    dy: float,
    *,
    canvas: tuple[int, int],
    si_range: tuple[float, float],
) -> WindowDrag:
    """The window after a drag of (dx, dy) canvas pixels (right and down positive).

    Parameters
    ----------
    window : (float, float)
        (centre, width) before the drag, in SI units.
    dx, dy : float
        The drag's horizontal and vertical extent in canvas pixels.
    canvas : (int, int)
        Canvas (width, height) in pixels: a drag across it moves by the whole SI range.
    si_range : (float, float)
        (lowest, highest) SI of the slice.

    Returns
    -------
    WindowDrag
        ``after`` = (centre + dy / height * span, width + dx / width * span), the width kept
        between ``MIN_WIDTH_FRACTION`` and 2 spans and the centre within the SI range.
    """
    centre, width = (float(v) for v in window)
    lo, hi = (float(v) for v in si_range)
    values = (centre, width, float(dx), float(dy), lo, hi)
    if not all(math.isfinite(v) for v in values):
        raise VbqInputError(f"Window/level drag: every value must be finite, got {values}.")
    if canvas[0] <= 0 or canvas[1] <= 0:
        raise VbqInputError(f"Window/level drag: the canvas size must be positive, got {canvas}.")
    if hi < lo:
        raise VbqInputError(f"Window/level drag: SI range {si_range} runs backwards.")
    span = max(hi - lo, 1.0)  # a flat image still gets a usable gain
    new_width = width + dx / canvas[0] * span
    new_centre = centre + dy / canvas[1] * span
    new_width = min(max(new_width, MIN_WIDTH_FRACTION * span), 2 * span)
    new_centre = min(max(new_centre, lo), max(hi, lo + 1.0))
    return WindowDrag((centre, width), float(dx), float(dy), (new_centre, new_width))
