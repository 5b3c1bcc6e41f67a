"""Cohort explorer: what every view receives (cohort, cache key, counts, this patient)."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import pandas as pd

from vbqapp.cohort import cache
from vbqapp.state import get_latest_result
from vbqcore.cohort.table import Cohort
from vbqcore.vbq import ScoreName

__all__ = ["ViewContext", "patient_scores"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class ViewContext:
    """The filtered cohort a view shows: ``key`` for the caches, ``counts`` per group,
    ``patient`` this session's case-page scores (``{"vbq_t2": 0.61}``; empty when none)."""

    cohort: Cohort
    key: cache.ViewKey
    counts: dict[str, int]
    patient: dict[str, float]

    def frame(self) -> pd.DataFrame:
        """The filtered rows (computed on demand: cached analyses do not need them)."""
        return cache.filtered(self.key, self.cohort)

    def file_name(self, stem: str, ext: str) -> str:
        """``cohort_roc_women_age-60-80.csv``: what and for which filters."""
        what = re.sub(r"[^a-z0-9]+", "-", self.key.filters.describe().lower()).strip("-")
        return f"cohort_{stem}_{what[:60]}.{ext}"


def patient_scores() -> dict[str, float]:
    """Scores of the case measured on the Case page this session (``CASE_LATEST_RESULT``)."""
    latest = get_latest_result()
    if latest is None:
        return {}
    out = {}
    for name in ScoreName:
        value = latest.get(name.value)
        if isinstance(value, int | float) and math.isfinite(value):
            out[name.value] = float(value)
    return out
