"""Cohort explorer, sidebar filters: sex, age, BMI, DEXA, other columns; kept in the URL.

Each filter widget is bound to a query parameter named by its key (``?cohort_sex=F&cohort_age=60
&cohort_age=80``), so a filtered view can be shared as a link and is restored when it is opened.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import streamlit as st

from vbqapp.cohort import cache, filter_inputs
from vbqapp.text import md_escape
from vbqcore.anatomy import Sex
from vbqcore.cohort.filters import CohortFilters, DexaFilter, filter_mask, group_counts
from vbqcore.cohort.table import AGE, BMI, Cohort

__all__ = ["FILTER_KEYS", "sidebar_filters", "show_counts"]

logger = logging.getLogger(__name__)

SEX_KEY, AGE_KEY, BMI_KEY, DEXA_KEY = "cohort_sex", "cohort_age", "cohort_bmi", "cohort_dexa"
CAT_COLUMNS_KEY = "cohort_cat_cols"
_CAT_PREFIX = "cohort_cat_"
#: Keys of the fixed filter widgets (also their query-parameter names).
FILTER_KEYS = (SEX_KEY, AGE_KEY, BMI_KEY, DEXA_KEY, CAT_COLUMNS_KEY)

_ALL = "all"
_SEX_LABELS = {_ALL: "All", Sex.F.value: "Women", Sex.M.value: "Men"}
_DEXA_LABELS = {"any": "Any", "with": "With DEXA", "without": "Without DEXA"}
_DEXA_ALIASES = {"yes": "with", "dexa": "with", "no": "without", "none": "without", "all": "any"}


def _bounds(cohort: Cohort, col: str, step: float) -> tuple[float, float] | None:
    values = cohort.frame[col].to_numpy(dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0 or np.ptp(values) == 0:
        return None
    return math.floor(values.min() / step) * step, math.ceil(values.max() / step) * step


def _range(
    cohort: Cohort,
    col: str,
    label: str,
    key: str,
    step: float,
    defaults: dict[str, object],
    token: str,
) -> tuple[float, float] | None:
    """A range slider over the column's values; None when it spans them all (no filter)."""
    if col not in cohort.frame.columns:
        return None
    bounds = _bounds(cohort, col, step)
    if bounds is None:
        return None
    low, high = bounds
    filter_inputs.prepare_range(key, label, bounds, integer=step >= 1, token=token)
    defaults[key] = (int(low), int(high)) if step >= 1 else (float(low), float(high))
    if step >= 1:
        chosen = st.slider(
            label,
            int(low),
            int(high),
            (int(low), int(high)),
            step=int(step),
            key=key,
            bind="query-params",
        )
    else:
        chosen = st.slider(
            label,
            float(low),
            float(high),
            (float(low), float(high)),
            step=step,
            key=key,
            bind="query-params",
        )
    if chosen[0] <= low and chosen[1] >= high:
        return None
    return float(chosen[0]), float(chosen[1])


def _reset(defaults: dict[str, object]) -> None:
    """Set every filter widget back to its default (which also clears its query parameter).

    The ranges written here outlive this data set; ``filter_inputs.prepare_range`` fits them to
    the next one (issue 12)."""
    for key, value in defaults.items():
        st.session_state[key] = value
    filter_inputs.clear_notices()


def sidebar_filters(cohort: Cohort, token: str) -> CohortFilters:
    """The filter widgets in the sidebar; returns the filters they set."""
    defaults: dict[str, object] = {SEX_KEY: _ALL, DEXA_KEY: "any", CAT_COLUMNS_KEY: []}
    with st.sidebar:
        st.header("Filters")
        filter_inputs.prepare_sex(SEX_KEY, _SEX_LABELS, enabled=cohort.has_sex, token=token)
        sex = st.radio(
            "Sex",
            list(_SEX_LABELS),
            format_func=_SEX_LABELS.__getitem__,
            horizontal=True,
            key=SEX_KEY,
            bind="query-params",
            disabled=not cohort.has_sex,
        )
        age = _range(cohort, AGE, "Age (years)", AGE_KEY, 1, defaults, token)
        bmi = _range(cohort, BMI, "BMI (kg/m²)", BMI_KEY, 0.5, defaults, token)
        dexa = DexaFilter.ANY
        if cohort.dexa:
            filter_inputs.prepare_choice(
                DEXA_KEY, "DEXA result", _DEXA_LABELS, _DEXA_ALIASES, token=token
            )
            dexa = DexaFilter(
                st.radio(
                    "DEXA result",
                    list(_DEXA_LABELS),
                    format_func=_DEXA_LABELS.__getitem__,
                    horizontal=True,
                    key=DEXA_KEY,
                    bind="query-params",
                )
            )
        categories = []
        offered = cache.filter_options(token, cohort.mapping, cohort)
        filter_inputs.prepare_columns(CAT_COLUMNS_KEY, list(offered), token=token)
        if offered:
            chosen = st.multiselect(
                "Filter on other columns", list(offered), key=CAT_COLUMNS_KEY, bind="query-params"
            )
            for col in chosen:
                values = offered[col]
                cat_key = f"{_CAT_PREFIX}{col}"
                defaults[cat_key] = list(values)
                kept = st.multiselect(  # the label is markdown; the column name is data
                    md_escape(col), values, default=list(values), key=cat_key, bind="query-params"
                )
                if set(kept) != set(values):
                    categories.append((col, tuple(kept)))
        st.button(
            "Reset filters",
            key="cohort_reset_filters",
            on_click=_reset,
            args=(defaults,),
            icon=":material/filter_alt_off:",
        )
    filter_inputs.show_notices(token)
    return CohortFilters(
        sex=None if sex == _ALL or not cohort.has_sex else Sex(sex),
        age=age,
        bmi=bmi,
        dexa=dexa,
        categories=tuple(categories),
    )


def show_counts(cohort: Cohort, filters: CohortFilters) -> dict[str, int]:
    """Live n per group under the filters, in the sidebar; returns the counts."""
    counts = group_counts(cohort.frame.loc[filter_mask(cohort, filters)], cohort)
    totals = group_counts(cohort.frame, cohort)
    with st.sidebar:
        st.subheader("Patients shown")
        cells = st.columns(len(counts))
        for cell, (group, n) in zip(cells, counts.items(), strict=True):
            cell.metric(md_escape(group), n, help=f"of {totals[group]} in the table")
        st.caption(md_escape(filters.describe()))
    return counts
