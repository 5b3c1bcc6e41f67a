"""Cohort explorer: what every view receives (cohort, cache key, counts, this patient)."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from vbqapp.cohort import cache
from vbqapp.state import get_latest_result
from vbqcore.cohort.table import Cohort
from vbqcore.vbq import ScoreName

__all__ = ["ViewContext", "patient_scores", "chosen_patient_scores", "PATIENT_TOGGLE"]

#: Sidebar toggle: mark the Case page's patient on the plots (off unless the user asks).
PATIENT_TOGGLE = "cohort_show_patient"

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


def chosen_patient_scores() -> dict[str, float]:
    """This session's case-page scores when the user chose to mark the patient on the plots
    (a sidebar toggle, shown only when there is a patient); empty otherwise, so no exported
    figure carries "this patient" unasked (issue 12)."""
    scores = patient_scores()
    if not scores:
        return {}
    shown = st.sidebar.toggle(
        "Mark this patient (Case page) on the plots",
        value=False,
        key=PATIENT_TOGGLE,
        help="Adds the patient measured on the Case page to the distributions and ROC views "
        "(and to their downloads).",
    )
    return scores if shown else {}
