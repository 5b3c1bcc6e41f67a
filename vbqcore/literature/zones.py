"""Which side of a threshold a score (or its interval) lies on, and field-strength match."""

from __future__ import annotations

import logging
import math
from enum import StrEnum

from vbqcore.errors import CutoffError
from vbqcore.uncertainty import Zone  # one Zone for the main cut-offs and the library

__all__ = ["Zone", "FieldMatch", "zone_for"]

logger = logging.getLogger(__name__)


class FieldMatch(StrEnum):
    """The scan's field strength against the one the threshold was derived at."""

    MATCH = "match"
    MISMATCH = "mismatch"
    UNKNOWN = "unknown"


def zone_for(threshold: float, low: float, high: float) -> Zone:
    """Below when ``high < threshold``, above when ``low > threshold``, else borderline.

    A single value is the interval ``[value, value]``: it is borderline only when it equals
    the threshold.

    >>> zone_for(3.0, 2.5, 2.9), zone_for(3.0, 2.9, 3.2), zone_for(3.0, 3.1, 3.3)
    (<Zone.BELOW: 'below'>, <Zone.BORDERLINE: 'borderline'>, <Zone.ABOVE: 'above'>)
    """
    for name, v in (("threshold", threshold), ("low", low), ("high", high)):
        if not math.isfinite(v):
            raise CutoffError(f"zone: {name} {v!r} must be a finite number.")
    if low > high:
        raise CutoffError(f"zone: interval [{low:g}, {high:g}] has low > high; swap them.")
    if high < threshold:
        return Zone.BELOW
    if low > threshold:
        return Zone.ABOVE
    return Zone.BORDERLINE
