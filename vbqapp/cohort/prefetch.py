"""Compute every view's default analyses of the shown cohort and filters in the background.

While the user reads the view in front of them, one daemon thread fills the shared caches of
``vbqapp.cohort.cache`` with what the other views show first (their default scores and options),
so that switching view is a cache hit even at 100 000 rows. Started once per table and mapping
per server process, for the filters it is first shown with (``st.cache_resource`` keyed on the
table token and the frozen mapping): ten sessions on the demo cohort share one run, and a filter
change starts no background work that would compete with the user's next click. A default that
does not match what the session shows only costs the computation. Errors are left for the view
to show (``VbqError``), never raised here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from threading import Thread

import streamlit as st

from vbqapp.cohort import cache
from vbqapp.cohort.cache import ViewKey
from vbqcore.cohort.filters import DEFAULT_AGE_EDGES
from vbqcore.cohort.predictors import default_predictors, offered_predictors
from vbqcore.cohort.table import PAPER_SCORES, SEX, Cohort, ColumnMapping
from vbqcore.errors import VbqError
from vbqcore.vbq import ScoreName

__all__ = ["PREFETCH_MAX_ROWS", "default_tasks", "run_tasks", "prefetch"]

logger = logging.getLogger(__name__)

#: Larger tables are analysed per view, when shown: at 100 000 rows the five default analyses
#: take seconds of CPU, and in the background they slowed the user's next filter click ~2-5x
#: (benchmarks/bench_cohort_browser.py); below this size they take well under a second.
PREFETCH_MAX_ROWS = 20_000


def default_tasks(key: ViewKey, cohort: Cohort) -> list[tuple[str, Callable[[], object]]]:
    """(view, computation) for each view's first screen, with the defaults its widgets start
    from (see the ``show`` of each module in ``vbqapp.cohort.views``)."""
    all_scores = tuple(s.value for s in cohort.scores)
    paper = tuple(s.value for s in PAPER_SCORES if s in cohort.scores) or all_scores
    fixed = [SEX] if cohort.has_sex else []

    def overview() -> object:
        categorical = cache.filter_options(key.token, cohort.mapping, cohort)
        options = list(dict.fromkeys([*fixed, *cohort.numeric_columns(), *categorical]))
        wanted = (*fixed, "age", "bmi", *cohort.dexa, *all_scores)
        return cache.table_one_for(key, tuple(c for c in options if c in wanted), cohort)

    def roc() -> object:
        cache.roc_for(key, paper, cohort)
        first = ScoreName.VBQ_T2.value if ScoreName.VBQ_T2.value in paper else paper[0]
        return cache.histogram_for(key, first, cohort)

    offered = offered_predictors(cohort, include_hidden=False)
    predictors = tuple(c for c in default_predictors(cohort) if c in offered)
    edges = DEFAULT_AGE_EDGES if cohort.has_age else ()
    return [
        ("Overview", overview),
        ("Distributions", lambda: cache.distributions_for(key, all_scores, cohort.has_sex, cohort)),
        ("ROC", roc),
        ("Regression", lambda: cache.regression_for(key, predictors, "significant", True, cohort)),
        ("Subgroups", lambda: cache.subgroups_for(key, paper, edges, cohort)),
    ]


def run_tasks(tasks: list[tuple[str, Callable[[], object]]]) -> None:
    """Run each task; a problem the view will report (``VbqError``) is only logged."""
    for view, task in tasks:
        start = time.perf_counter()
        try:
            task()
        except VbqError as err:
            logger.debug("prefetch of %s skipped: %s", view, err)
        except Exception:  # a bug: the view will raise it in front of the user
            logger.exception("prefetch of %s failed", view)
        else:
            logger.debug("prefetched %s in %.2f s", view, time.perf_counter() - start)


@st.cache_resource(show_spinner=False, max_entries=16)
def _started(token: str, mapping: ColumnMapping, _key: ViewKey, _cohort: Cohort) -> Thread:
    thread = Thread(
        target=run_tasks, args=(default_tasks(_key, _cohort),), name="vbq-prefetch", daemon=True
    )
    thread.start()
    return thread


def prefetch(key: ViewKey, cohort: Cohort) -> None:
    """Start the background computation for ``key`` unless one ran for its table already, or
    the table has more than ``PREFETCH_MAX_ROWS`` rows."""
    if len(cohort.frame) > PREFETCH_MAX_ROWS:
        return
    _started(key.token, key.mapping, key, cohort)
