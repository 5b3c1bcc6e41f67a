"""Univariable then multivariable logistic regression, odds ratios (Huang et al. 2026 Table 4)."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from vbqcore.columns import binary_outcome, numeric_column, require_columns
from vbqcore.errors import StatsInputError
from vbqcore.stats._group_tests import format_p
from vbqcore.stats._logit_fit import (
    EPV_WARNING,
    MIN_EVENTS,
    LogitModel,
    OddsRatio,
    PerUnit,
    fit_logit,
    json_safe,
)

__all__ = [
    "LogisticResult",
    "LogitModel",
    "OddsRatio",
    "PerUnit",
    "logistic_regression",
    "MIN_EVENTS",
    "EPV_WARNING",
]

logger = logging.getLogger(__name__)

_SOURCE = "logistic regression"


@dataclass(frozen=True)
class LogisticResult:
    """Univariable models (one per predictor) and the multivariable model, if there is one."""

    outcome: str
    positive: str
    negative: str
    alpha: float
    selection: str
    univariable: tuple[LogitModel, ...]
    multivariable: LogitModel | None
    multivariable_note: str
    warnings: tuple[str, ...] = ()

    def univariable_for(self, predictor: str) -> LogitModel:
        for model in self.univariable:
            if model.predictors == (predictor,):
                return model
        raise KeyError(predictor)

    def to_dict(self) -> dict[str, Any]:
        univariate = {}
        for model in self.univariable:
            entry = model.terms[0].to_dict()
            entry |= {k: model.to_dict()[k] for k in ("n", "events", "non_events", "dropped")}
            entry["intercept"] = {"beta": model.intercept_beta, "se": model.intercept_se}
            univariate[model.predictors[0]] = entry
        multi = self.multivariable
        return json_safe(
            {
                "outcome": self.outcome,
                "positive": self.positive,
                "negative": self.negative,
                "alpha": self.alpha,
                "selection": self.selection,
                "univariate": univariate,
                "multivariable": {}
                if multi is None
                else {t.predictor: t.to_dict() for t in multi.terms},
                "multivariable_model": None if multi is None else multi.to_dict(),
                "multivariable_note": self.multivariable_note,
                "warnings": list(self.warnings),
            }
        )

    def to_frame(self, *, decimals: int = 3) -> pd.DataFrame:
        """Table 4 of the paper: OR (95% CI) and p, univariable and multivariable, as text.

        A predictor with a chosen unit gets a second line, "name (per 0.1)"; a predictor not
        in the multivariable model shows "-" there.
        """

        def cell(term: OddsRatio | None, per_unit: bool) -> list[str]:
            if term is None:
                return ["-", "-"]
            item: OddsRatio | PerUnit = term
            if per_unit and term.per_unit is not None:
                item = term.per_unit
            d = decimals
            text = f"{item.odds_ratio:.{d}f} ({item.ci_low:.{d}f}, {item.ci_high:.{d}f})"
            return [text, format_p(term.p)]

        multi = self.multivariable
        records = []
        for model in self.univariable:
            name, uni = model.predictors[0], model.terms[0]
            in_multi = multi.term(name) if multi is not None and name in multi.predictors else None
            lines = [(name, False)]
            if uni.per_unit is not None:
                lines.append((f"{name} (per {uni.per_unit.unit:g})", True))
            for label, per_unit in lines:
                records.append([label, *cell(uni, per_unit), *cell(in_multi, per_unit)])
        columns = [
            "Variable",
            "Univariable OR (95% CI)",
            "Univariable P",
            "Multivariable OR (95% CI)",
            "Multivariable P",
        ]
        return pd.DataFrame(records, columns=columns)


def logistic_regression(
    df: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    positive: str | int | float | bool | None = None,
    multivariable: str | Sequence[str] = "significant",
    alpha: float = 0.05,
    units: Mapping[str, float] | None = None,
) -> LogisticResult:
    """Fit one logistic model per predictor, then one on the selected predictors together.

    This is the paper's procedure (Huang et al. 2026, "Statistical Analysis" and Table 4):
    predictors significant in univariable analysis enter the multivariable model.

    Parameters
    ----------
    df
        One row per patient.
    outcome
        Two-valued column; ``positive`` (compared as text, "1" matches 1 and 1.0) is the
        event, e.g. "fracture". Default: 1 in a 0/1 column, True in a boolean one.
    predictors
        Numeric columns (a 0/1 column for a two-level factor).
    multivariable
        "significant" (univariable Wald p < ``alpha``), "all", or a list of predictors.
        With fewer than two selected there is no multivariable model and
        ``multivariable_note`` says why.
    alpha
        Selection level for "significant".
    units
        Per predictor, a unit for an extra odds ratio: ``{"vbq_t2": 0.1}`` gives
        OR**0.1 with CI endpoints likewise (OR per 1.0 of VBQ-T2 is about 20 570 in the paper;
        per 0.1 it is about 2.7).

    Returns
    -------
    LogisticResult

    Raises
    ------
    CohortError
        A column is missing.
    StatsInputError
        Outcome not two-valued; a predictor with text, one value only, or that separates the
        outcome (the maximum-likelihood OR is then infinite); fewer than ``MIN_EVENTS`` events
        or non-events; collinear predictors; a fit that does not converge.

    Notes
    -----
    statsmodels ``Logit`` with a constant, Newton–Raphson maximum likelihood; Wald 95% CIs
    (β ± 1.96·SE, exponentiated) and Wald p, as SPSS prints them. Rows with a blank outcome or
    predictor are dropped per model (listwise), so the univariable models may use different
    rows; each model reports its n. Separation (complete or quasi-complete) is detected before
    fitting by the linear program of Konis (2007; R package safeBinaryRegression). Fewer than
    ``EPV_WARNING`` events per variable adds a warning. Checked against R
    (``glm(am ~ wt, family=binomial, data=mtcars)``) and scikit-learn in the tests.
    """
    if not 0.0 < alpha < 1.0:
        raise StatsInputError(f"{_SOURCE}: alpha must be between 0 and 1, got {alpha}.")
    predictors = list(dict.fromkeys(predictors))
    if not predictors:
        raise StatsInputError(f"{_SOURCE}: give at least one predictor.")
    require_columns(df, [outcome, *predictors], source=_SOURCE)
    if outcome in predictors:
        raise StatsInputError(f"{_SOURCE}: {outcome!r} is the outcome; it cannot be a predictor.")
    unit_map = _check_units(units or {}, predictors)
    target = binary_outcome(df, outcome, positive=positive, source=_SOURCE)
    x = pd.DataFrame({p: numeric_column(df, p, source=_SOURCE) for p in predictors})
    univariable = tuple(fit_logit(target.y, x[[p]], unit_map) for p in predictors)
    chosen, note = _select(multivariable, predictors, univariable, alpha)
    multi = fit_logit(target.y, x[chosen], unit_map) if len(chosen) >= 2 else None
    notes = [w for m in (*univariable, *((multi,) if multi else ())) for w in m.warnings]
    for message in notes:
        logger.warning("%s", message)
    return LogisticResult(
        outcome=outcome,
        positive=target.positive,
        negative=target.negative,
        alpha=alpha,
        selection=multivariable if isinstance(multivariable, str) else "chosen",
        univariable=univariable,
        multivariable=multi,
        multivariable_note=note,
        warnings=tuple(notes),
    )


def _check_units(units: Mapping[str, float], predictors: list[str]) -> dict[str, float]:
    checked = {}
    for name, unit in units.items():
        if name not in predictors:
            raise StatsInputError(
                f"{_SOURCE}: a unit is given for {name!r}, which is not a predictor."
            )
        value = float(unit)
        if not math.isfinite(value) or value == 0.0:
            raise StatsInputError(f"{_SOURCE}: the unit for {name!r} must be a non-zero number.")
        checked[name] = value
    return checked


def _select(
    how: str | Sequence[str], predictors: list[str], models: tuple[LogitModel, ...], alpha: float
) -> tuple[list[str], str]:
    if isinstance(how, str) and how == "all":
        chosen, rule = list(predictors), "all predictors"
    elif isinstance(how, str) and how == "significant":
        chosen = [m.predictors[0] for m in models if m.terms[0].p < alpha]
        rule = f"predictors with univariable p < {alpha:g}"
    elif isinstance(how, str):
        raise StatsInputError(
            f"{_SOURCE}: multivariable must be 'significant', 'all' or a list of predictors, "
            f"got {how!r}."
        )
    else:
        chosen = list(dict.fromkeys(how))
        unknown = [c for c in chosen if c not in predictors]
        if unknown:
            raise StatsInputError(
                f"{_SOURCE}: multivariable predictor {unknown[0]!r} is not among the predictors "
                f"({', '.join(predictors)})."
            )
        rule = "the chosen predictors"
    if len(chosen) >= 2:
        return chosen, f"multivariable model on {rule}: {', '.join(chosen)}"
    which = f" ({chosen[0]})" if chosen else ""
    return chosen, (
        f"no multivariable model: {len(chosen)} of {rule}{which}; a multivariable model needs "
        "at least two, and the univariable result stands for a single one."
    )
