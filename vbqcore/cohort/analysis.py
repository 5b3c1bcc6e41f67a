"""The cohort explorer's analyses of a filtered cohort: Table 1, ROC of several scores, subgroups.

Each function runs the statistics of :mod:`vbqcore.stats` on a frame of a
:class:`vbqcore.cohort.table.Cohort` and returns a frozen result; the plots in :mod:`vbqcore.plots`
draw those results. The ROC panel uses the same rows for every score (listwise, as
``python -m vbqcore roc`` does), so its AUCs equal that command's on the same rows.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from vbqcore import stats
from vbqcore.cohort.predictors import MALE_SEX, MALE_SEX_LABEL, male_indicator
from vbqcore.cohort.table import AGE, BMI, GROUP, SEX, Cohort
from vbqcore.errors import DegenerateInputWarning, StatsInputError
from vbqcore.paper.demo_dexa import DEXA_SITES
from vbqcore.stats.compare import (
    MIN_GROUP_N,
    ComparisonRow,
    GroupComparison,
    compare_groups,
    format_p,
)
from vbqcore.vbq import ScoreName

if TYPE_CHECKING:  # ROC and regression load on first use (vbqcore.stats imports lazily)
    from vbqcore.stats import AucComparison, CiMethod, LogisticResult, RocResult

__all__ = [
    "MIN_PER_GROUP",
    "column_label",
    "readiness_message",
    "TableOne",
    "table_one",
    "RocPanel",
    "roc_panel",
    "regression",
]

logger = logging.getLogger(__name__)

#: Fewest patients per group the explorer analyses (Shapiro-Wilk in Table 1 needs 3).
MIN_PER_GROUP = MIN_GROUP_N

#: progress(done, total) while bootstrapping.
Progress = Callable[[int, int], None]

_FIXED_LABELS = {SEX: "Sex", AGE: "Age (years)", BMI: "BMI (kg/m²)"}
_DEXA_MEASURES = {"bmd": "BMD (g/cm²)", "t": "T-score", "z": "Z-score"}


def column_label(col: str) -> str:
    """How tables name a column: "VBQ-T2" for ``vbq_t2``, "Age (years)" for ``age``,
    "Femoral neck BMD (g/cm²)" for the demo cohort's ``fn_bmd``; other columns as they are."""
    try:
        return ScoreName(col).label
    except ValueError:
        pass
    site, _, measure = col.partition("_")
    if site in DEXA_SITES and measure in _DEXA_MEASURES:
        return f"{DEXA_SITES[site]} {_DEXA_MEASURES[measure]}"
    return _FIXED_LABELS.get(col, col)


def readiness_message(counts: Mapping[str, int], cohort: Cohort) -> str | None:
    """Why rows with ``counts`` patients per group (:func:`group_counts`) cannot be analysed
    (none left, one group only, fewer than ``MIN_PER_GROUP`` in a group), or None if they can."""
    text = ", ".join(f"{g} {n}" for g, n in counts.items())
    empty = [g for g, n in counts.items() if n == 0]
    if len(empty) == 2:
        return "No patient is left after filtering: widen the filters."
    if empty:
        return (
            f"Only one group is left after filtering ({text}): the comparisons need both "
            f"{cohort.positive} and {cohort.negative} patients. Widen the filters."
        )
    small = [g for g, n in counts.items() if n < MIN_PER_GROUP]
    if small:
        return (
            f"Too few patients after filtering ({text}): at least {MIN_PER_GROUP} per group "
            "are needed. Widen the filters."
        )
    return None


@dataclass(frozen=True, eq=False)
class TableOne:
    """The Table 1 comparison (None when no variable could be compared), the variables left
    out with the reason (too few values in a group, a single category...), and warnings of the
    tests (Shapiro-Wilk's p is approximate above 5000 patients per group)."""

    comparison: GroupComparison | None
    skipped: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        if self.comparison is None:
            return pd.DataFrame(columns=["Variable"])
        return self.comparison.to_frame()


def table_one(frame: pd.DataFrame, cohort: Cohort, variables: Sequence[str]) -> TableOne:
    """Compare the groups on ``variables`` with :func:`vbqcore.stats.compare_groups` (the rule of
    Huang et al. 2026 Table 1), cases first. A variable that cannot be compared is left out and
    listed in ``skipped`` rather than failing the whole table.
    """
    labels = {col: column_label(col) for col in variables}
    renamed = frame[[GROUP, *variables]].rename(columns=labels)
    names = [labels[c] for c in variables]
    if not names:
        return TableOne(None, ())
    groups = list(cohort.groups)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            whole: GroupComparison | None = compare_groups(renamed, GROUP, names, groups=groups)
        except StatsInputError:
            whole = None  # find the variable(s) at fault and keep the rest
        rows: list[ComparisonRow] = []
        skipped: list[tuple[str, str]] = []
        for name in names if whole is None else ():
            try:
                part = compare_groups(renamed, GROUP, [name], groups=groups)
            except StatsInputError as err:
                skipped.append((name, str(err)))
                continue
            whole = whole or part
            rows.extend(part.rows)
    if whole is not None and rows:
        whole = dataclasses.replace(whole, rows=tuple(rows))
    notes = tuple(dict.fromkeys(_warning_text(w.message) for w in caught))
    return TableOne(whole, tuple(skipped), notes)


def _warning_text(message: Warning | str) -> str:
    text = str(message)
    if "N > 5000" in text:  # scipy.stats.shapiro, once per group and variable
        return "Shapiro–Wilk p-values are approximate above 5000 patients per group."
    return text


def regression(
    frame: pd.DataFrame,
    cohort: Cohort,
    predictors: Sequence[str],
    *,
    multivariable: str = "significant",
    per_tenth: bool = False,
) -> LogisticResult:
    """Univariable then multivariable logistic regression of the case group on ``predictors``
    (:func:`vbqcore.stats.logistic_regression`, Huang et al. 2026 Table 4), with predictors named
    as tables show them ("VBQ-T2"); ``per_tenth`` adds the OR per 0.1 of each VBQ score. The
    predictor ``"sex"`` enters as "Male sex (vs female)", 1 for men and 0 for women."""
    labels = {
        col: MALE_SEX_LABEL if col == MALE_SEX else column_label(col)
        for col in dict.fromkeys(predictors)
    }
    numeric = [c for c in labels if c != MALE_SEX]
    renamed = frame[[GROUP, *numeric]].rename(columns=labels)
    if MALE_SEX in labels:  # sex enters as 1 = male, 0 = female (issue 12)
        renamed[MALE_SEX_LABEL] = male_indicator(frame)
    units = None
    if per_tenth:
        units = {labels[c]: 0.1 for c in labels if c in {s.value for s in ScoreName}}
    return stats.logistic_regression(
        renamed,
        GROUP,
        list(labels.values()),
        positive=cohort.positive,
        multivariable=multivariable,
        units=units or None,
    )


@dataclass(frozen=True)
class ScoreComparison:
    """DeLong's test of score ``a`` against score ``b`` on the same patients."""

    a: ScoreName
    b: ScoreName
    result: AucComparison


@dataclass(frozen=True, eq=False)
class RocPanel:
    """ROC analyses of several scores on the same ``n_used`` patients (``n_dropped`` rows lacked
    one of the scores), and DeLong's test for each pair."""

    scores: tuple[ScoreName, ...]
    results: Mapping[ScoreName, RocResult]
    comparisons: tuple[ScoreComparison, ...]
    positive: str
    negative: str
    n_used: int
    n_dropped: int
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per score: AUC with CI, SE, Youden cut-off, sensitivity and specificity."""
        records = []
        for name in self.scores:
            r = self.results[name]
            records.append(
                {
                    "Score": name.label,
                    "AUC": r.auc,
                    "CI low": r.ci_low,
                    "CI high": r.ci_high,
                    "SE (DeLong)": r.se,
                    "CI method": r.ci_method,
                    "Youden cut-off": r.cutoff,
                    "Youden J": r.youden_j,
                    "Sensitivity": r.sensitivity,
                    "Sensitivity CI": _pair(r.sensitivity_ci),
                    "Specificity": r.specificity,
                    "Specificity CI": _pair(r.specificity_ci),
                    "Cases": r.n_pos,
                    "Controls": r.n_neg,
                }
            )
        return pd.DataFrame.from_records(records)

    def comparisons_frame(self) -> pd.DataFrame:
        """DeLong's test per pair: AUCs, difference with its CI, z and p."""
        records = []
        for c in self.comparisons:
            r = c.result
            records.append(
                {
                    "Score A": c.a.label,
                    "Score B": c.b.label,
                    "AUC A": r.auc_a,
                    "AUC B": r.auc_b,
                    "Difference": r.auc_diff,
                    "CI low": r.ci_low,
                    "CI high": r.ci_high,
                    "z": r.z,
                    "P": format_p(r.p),
                }
            )
        columns = ["Score A", "Score B", "AUC A", "AUC B", "Difference", "CI low", "CI high"]
        return pd.DataFrame.from_records(records, columns=[*columns, "z", "P"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "scores": {s.value: self.results[s].to_dict(curve=False) for s in self.scores},
            "comparisons": [
                {"a": c.a.value, "b": c.b.value, **c.result.to_dict()} for c in self.comparisons
            ],
            "positive": self.positive,
            "negative": self.negative,
            "n_used": self.n_used,
            "n_dropped": self.n_dropped,
            "warnings": list(self.warnings),
        }


def _pair(ci: tuple[float, float]) -> str:
    return f"{ci[0]:.3f}–{ci[1]:.3f}"


def _require_both_groups(
    frame: pd.DataFrame,
    used: pd.DataFrame,
    y: np.ndarray,
    cohort: Cohort,
    names: Sequence[ScoreName],
) -> None:
    """Say which score column is blank, rather than let the ROC fail on 0 values (issue 12)."""
    blank = [f"{s.label} (column '{s.value}')" for s in names if frame[s.value].notna().sum() == 0]
    if blank:
        raise StatsInputError(
            f"ROC: {', '.join(blank)} has no values in the {len(frame)} patients shown; "
            "choose another score, or map a column that holds the scores."
        )
    n_pos, n_neg = int(np.count_nonzero(y)), int(y.size - np.count_nonzero(y))
    both_shown = frame[GROUP].nunique() > 1  # else roc_analysis says "only one class"
    if both_shown and min(n_pos, n_neg) == 0:
        which = ", ".join(s.label for s in names)
        raise StatsInputError(
            f"ROC: {n_pos} {cohort.positive} and {n_neg} {cohort.negative} patients have "
            f"{which}; an ROC needs both groups. Choose fewer scores or widen the filters."
        )


def roc_panel(
    frame: pd.DataFrame,
    cohort: Cohort,
    scores: Sequence[ScoreName | str],
    *,
    ci_method: str | CiMethod = "delong",
    n_bootstrap: int = 2000,
    seed: int | None = None,
    progress: Progress | None = None,
) -> RocPanel:
    """ROC of each score (higher = case, as the published VBQ cut-offs) and DeLong's pairwise
    tests, on the rows that have every chosen score.

    Parameters
    ----------
    frame
        Rows of ``cohort.frame`` (filtered).
    scores
        Scores to analyse, in legend order.
    ci_method, n_bootstrap, seed
        AUC CI: DeLong's (default) or a stratified bootstrap of ``n_bootstrap`` replicates;
        one seed is drawn (or ``seed`` used) and shared by every score, as the CLI does.
    progress
        Called with (replicates done, replicates in all) across all scores while bootstrapping.

    Raises
    ------
    StatsInputError
        No score chosen, a score the cohort lacks, one group only, fewer than 3 patients.
    """
    names = [ScoreName(s) for s in dict.fromkeys(scores)]
    if not names:
        raise StatsInputError("ROC: choose at least one score.")
    missing = [s.label for s in names if s not in cohort.scores]
    if missing:
        raise StatsInputError(f"ROC: the cohort has no {', '.join(missing)} scores.")
    cols = [s.value for s in names]
    complete = frame[cols].notna().all(axis=1).to_numpy()
    used = frame.loc[complete]
    y = (used[GROUP] == cohort.positive).to_numpy()
    _require_both_groups(frame, used, y, cohort, names)
    method = stats.CiMethod(ci_method)
    total = n_bootstrap * len(names)
    results: dict[ScoreName, RocResult] = {}
    notes: list[str] = []
    for k, name in enumerate(names):

        def step(done: int, _total: int, offset: int = k * n_bootstrap) -> None:
            if progress is not None:
                progress(offset + done, total)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DegenerateInputWarning)
            res = stats.roc_analysis(
                y,
                used[name.value].to_numpy(),
                ci_method=method,
                n_bootstrap=n_bootstrap,
                seed=seed,
                progress=step if method is stats.CiMethod.BOOTSTRAP else None,
            )
        seed = res.seed
        results[name] = res
        notes += [f"{name.label}: {w.message}" for w in caught]
    comparisons = []
    for a, b in itertools.combinations(names, 2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DegenerateInputWarning)
            cmp = stats.compare_aucs(y, used[a.value].to_numpy(), used[b.value].to_numpy())
        comparisons.append(ScoreComparison(a, b, cmp))
        notes += [f"{a.label} vs {b.label}: {w.message}" for w in caught]
    return RocPanel(
        scores=tuple(names),
        results=results,
        comparisons=tuple(comparisons),
        positive=cohort.positive,
        negative=cohort.negative,
        n_used=int(complete.sum()),
        n_dropped=int((~complete).sum()),
        warnings=tuple(dict.fromkeys(notes)),
    )
