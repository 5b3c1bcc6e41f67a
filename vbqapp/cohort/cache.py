"""Cached vbqcore calls of the cohort explorer, keyed on the table, the mapping and the filters.

Every analysis is cached on a :class:`ViewKey` (table token, column mapping, filters: all frozen
and hashable) plus its own options; the cohort itself is passed unhashed (``_cohort``), so a
cache hit costs a dictionary lookup even for 100 000 patients. Only a miss filters the rows.
The caches are ``st.cache_resource``: every session gets the same frozen object, where
``st.cache_data`` would unpickle a private copy on every rerun (the validated 100 000-row cohort
took ~25 ms a rerun to unpickle, and ten sessions held ten copies). Cached values are shared by
every session: never mutate one (pandas' copy-on-write keeps derived frames from reaching back).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from vbqcore import stats
from vbqcore.cohort.analysis import RocPanel, TableOne, regression, roc_panel, table_one
from vbqcore.cohort.distributions import (
    ScoreDistributions,
    ScoreHistogram,
    score_distributions,
    score_histogram,
)
from vbqcore.cohort.filters import CohortFilters, apply_filters, column_values, filter_columns
from vbqcore.cohort.subgroups import SubgroupAnalysis, subgroup_analysis, subgroup_table_one
from vbqcore.cohort.table import GROUP, Cohort, ColumnMapping, prepare_cohort
from vbqcore.errors import DegenerateInputWarning
from vbqcore.paper.demo_cohort import DEMO_COHORT_PATH, load_demo_cohort
from vbqcore.tabular import read_table
from vbqcore.vbq import ScoreName

if TYPE_CHECKING:  # the ROC and regression statistics load on first use
    from vbqcore.stats import ConfusionResult, LogisticResult

__all__ = [
    "ViewKey",
    "demo_stamp",
    "demo_table",
    "uploaded_table",
    "cohort",
    "filter_options",
    "filtered",
    "table_one_for",
    "distributions_for",
    "histogram_for",
    "roc_for",
    "confusion_for",
    "regression_for",
    "subgroups_for",
    "subgroup_table_for",
]

logger = logging.getLogger(__name__)

#: Results kept per function: a handful of filter combinations per table is what a user flips
#: between; more would hold memory for nothing.
_ENTRIES = 32


@dataclass(frozen=True)
class ViewKey:
    """What an analysis depends on besides its options: the table, its mapping, the filters."""

    token: str
    mapping: ColumnMapping
    filters: CohortFilters


def demo_stamp() -> float:
    """Modification time of ``data/demo_cohort.csv`` (0 when absent): a new file, a new cache."""
    try:
        return DEMO_COHORT_PATH.stat().st_mtime
    except OSError:
        return 0.0


@st.cache_resource(show_spinner="Loading the demo cohort…", max_entries=2)
def demo_table(stamp: float) -> pd.DataFrame:
    """The demo cohort as read from ``data/demo_cohort.csv`` (``stamp``: its mtime)."""
    return load_demo_cohort()


@st.cache_resource(show_spinner="Reading the table…", max_entries=4)
def uploaded_table(token: str, name: str, _data: bytes) -> pd.DataFrame:
    """An uploaded CSV/.xlsx read by ``vbqcore.tabular.read_table``; ``token`` names the upload."""
    return read_table(_data, name=name)


@st.cache_resource(show_spinner="Checking the table…", max_entries=6)
def cohort(
    token: str,
    mapping: ColumnMapping,
    name: str,
    synthetic: bool,
    _load: Callable[[], pd.DataFrame],
) -> Cohort:
    """The validated cohort of table ``token`` under ``mapping``; ``_load`` runs on a miss only."""
    return prepare_cohort(_load(), mapping, name=name, synthetic=synthetic)


@st.cache_resource(show_spinner=False, max_entries=6)
def filter_options(
    token: str, mapping: ColumnMapping, _cohort: Cohort
) -> dict[str, tuple[str, ...]]:
    """The extra columns offered as categorical filters and their values (counting distinct
    values of every column takes ~0.1 s at 100 000 rows: once per table, not per rerun)."""
    return {col: column_values(_cohort, col) for col in filter_columns(_cohort)}


def filtered(key: ViewKey, cohort_: Cohort) -> pd.DataFrame:
    """The rows the filters keep (not cached: cheap, and only needed on a cache miss)."""
    return apply_filters(cohort_, key.filters)


@st.cache_resource(show_spinner=False, max_entries=_ENTRIES)
def table_one_for(key: ViewKey, variables: tuple[str, ...], _cohort: Cohort) -> TableOne:
    return table_one(filtered(key, _cohort), _cohort, variables)


@st.cache_resource(show_spinner=False, max_entries=_ENTRIES)
def distributions_for(
    key: ViewKey, scores: tuple[str, ...], by_sex: bool, _cohort: Cohort
) -> ScoreDistributions:
    return score_distributions(filtered(key, _cohort), _cohort, scores, by_sex=by_sex)


@st.cache_resource(show_spinner=False, max_entries=_ENTRIES)
def histogram_for(key: ViewKey, score: str, _cohort: Cohort) -> ScoreHistogram:
    return score_histogram(filtered(key, _cohort), _cohort, score)


@st.cache_resource(show_spinner=False, max_entries=_ENTRIES)
def roc_for(key: ViewKey, scores: tuple[str, ...], _cohort: Cohort) -> RocPanel:
    """DeLong CIs (the bootstrap runs on demand, uncached, with a progress bar)."""
    return roc_panel(filtered(key, _cohort), _cohort, scores)


@st.cache_resource(show_spinner=False, max_entries=4 * _ENTRIES)
def confusion_for(key: ViewKey, score: str, threshold: float, _cohort: Cohort) -> ConfusionResult:
    """Sensitivity, specificity, PPV and NPV of ``score`` cut at ``threshold`` (score >= cut-off
    is positive), on the rows that have the score."""
    frame = filtered(key, _cohort)
    frame = frame.loc[frame[ScoreName(score).value].notna()]
    y = (frame[GROUP] == _cohort.positive).to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateInputWarning)  # NaN PPV is shown as "–"
        return stats.confusion_at(y, frame[score].to_numpy(), threshold)


@st.cache_resource(show_spinner=False, max_entries=_ENTRIES)
def regression_for(
    key: ViewKey,
    predictors: tuple[str, ...],
    multivariable: str,
    per_tenth: bool,
    _cohort: Cohort,
) -> LogisticResult:
    return regression(
        filtered(key, _cohort),
        _cohort,
        predictors,
        multivariable=multivariable,
        per_tenth=per_tenth,
    )


@st.cache_resource(show_spinner=False, max_entries=_ENTRIES)
def subgroups_for(
    key: ViewKey, scores: tuple[str, ...], age_edges: tuple[float, ...], _cohort: Cohort
) -> SubgroupAnalysis:
    """AUC per subgroup only; the Table 1 of one subgroup is ``subgroup_table_for``."""
    return subgroup_analysis(filtered(key, _cohort), _cohort, scores, age_edges=age_edges)


@st.cache_resource(show_spinner=False, max_entries=_ENTRIES)
def subgroup_table_for(
    key: ViewKey,
    label: str,
    age_edges: tuple[float, ...],
    variables: tuple[str, ...],
    _cohort: Cohort,
) -> TableOne:
    return subgroup_table_one(
        filtered(key, _cohort), _cohort, label, variables, age_edges=age_edges
    )
