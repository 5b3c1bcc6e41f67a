"""Where a measured value sits against a cut-off once its uncertainty is counted: below,
borderline or above.

A score whose interval contains the cut-off is *borderline*: measurement uncertainty alone could
put it on either side, so calling it "above" or "below" would claim more than the measurement
supports. This module is general (any score, any cut-off); how the VBQ's interval is made from
its ROIs is in :mod:`vbqcore.score_uncertainty`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from scipy.stats import norm

from vbqcore.errors import VbqInputError

__all__ = ["Zone", "IntervalMethod", "ScoreInterval", "classify", "normal_interval"]

logger = logging.getLogger(__name__)


class Zone(StrEnum):
    """A value's side of a cut-off, with its uncertainty counted."""

    BELOW = "below"
    BORDERLINE = "borderline"
    ABOVE = "above"


class IntervalMethod(StrEnum):
    """How a score's interval was made (the ``method`` of a :class:`ScoreInterval`)."""

    #: Each ROI's standard error of the mean (SD / sqrt(pixels)) propagated by the delta method.
    ROI_SEM = "roi_sem"
    #: The inter-observer 95% limits of agreement of the SIs (Huang et al. 2026, Figure 3).
    OBSERVER_AGREEMENT = "observer_agreement"


@dataclass(frozen=True)
class ScoreInterval:
    """``[low, high]``: where the score may lie given its measurement uncertainty.

    ``method`` says how it was made (an :class:`IntervalMethod` value, or any other name a
    caller documents); ``level`` is the nominal coverage (0.95 for a 95% interval).
    """

    low: float
    high: float
    method: str
    level: float = 0.95

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise VbqInputError(
                f"interval [{self.low!r}, {self.high!r}] ({self.method}): both ends must be "
                "finite numbers."
            )
        if self.low > self.high:
            raise VbqInputError(
                f"interval [{self.low:g}, {self.high:g}] ({self.method}): low must be <= high."
            )
        if not 0.0 < self.level < 1.0:
            raise VbqInputError(f"interval level {self.level!r} must be in (0, 1), e.g. 0.95.")

    def contains(self, value: float) -> bool:
        """True when ``low <= value <= high`` (both ends included)."""
        return self.low <= value <= self.high

    def text(self, digits: int = 3) -> str:
        """``"0.571–0.595"``."""
        return f"{self.low:.{digits}f}–{self.high:.{digits}f}"

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "method": str(self.method), "level": self.level}


def normal_interval(
    value: float, standard_error: float, method: str, *, level: float = 0.95
) -> ScoreInterval:
    """``value ± z·SE`` with z the normal quantile for ``level`` (1.959964 for 95%).

    >>> normal_interval(0.5, 0.01, "roi_sem").text()
    '0.480–0.520'
    """
    if not (math.isfinite(standard_error) and standard_error >= 0):
        raise VbqInputError(f"standard error {standard_error!r} must be a finite number >= 0.")
    if not 0.0 < level < 1.0:
        raise VbqInputError(f"interval level {level!r} must be in (0, 1), e.g. 0.95.")
    half = float(norm.ppf(0.5 + level / 2)) * standard_error
    return ScoreInterval(value - half, value + half, method, level)


def classify(
    value: float,
    interval: ScoreInterval | None,
    cutoff: float,
    *,
    higher_is_risk: bool = True,
) -> Zone:
    """Below, borderline or above ``cutoff``.

    Borderline when ``interval`` contains the cut-off (ends included); otherwise the side of
    ``value``. Without an interval no value is borderline. A value exactly on the cut-off belongs
    to the risk side: above when ``higher_is_risk`` (SPSS counts a case positive when it is
    "greater than or equal to" a Youden cut-off, as the published VBQ cut-offs were counted),
    below when a lower value is the risk (e.g. a bone-density threshold).

    >>> iv = ScoreInterval(0.571, 0.595, "roi_sem")
    >>> classify(0.583, iv, 0.555), classify(0.583, iv, 0.58), classify(0.583, iv, 0.60)
    (<Zone.ABOVE: 'above'>, <Zone.BORDERLINE: 'borderline'>, <Zone.BELOW: 'below'>)
    """
    for name, number in (("value", value), ("cutoff", cutoff)):
        if isinstance(number, bool) or not math.isfinite(number):
            raise VbqInputError(f"{name} {number!r} must be a finite number.")
    if interval is not None and interval.contains(cutoff):
        return Zone.BORDERLINE
    if value == cutoff:
        return Zone.ABOVE if higher_is_risk else Zone.BELOW
    return Zone.ABOVE if value > cutoff else Zone.BELOW
