"""Fitting one logistic model: checks, separation test, statsmodels MLE, odds ratios with CIs."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, stats
from statsmodels.discrete.discrete_model import Logit
from statsmodels.tools.sm_exceptions import (
    ConvergenceWarning,
    HessianInversionWarning,
    PerfectSeparationError,
    PerfectSeparationWarning,
)

from vbqcore.errors import StatsInputError
from vbqcore.stats._group_tests import finite_or_none, format_p

__all__ = [
    "LogitModel",
    "OddsRatio",
    "PerUnit",
    "fit_logit",
    "null_log_likelihood",
    "json_safe",
    "EPV_WARNING",
    "MIN_EVENTS",
]

logger = logging.getLogger(__name__)

#: Fewest events (and non-events) a model is fitted on; below, no estimate means anything.
MIN_EVENTS = 2

#: Events per variable below which a warning is given (Peduzzi et al., J Clin Epidemiol
#: 1996;49:1373-1379: fewer than ~10 biases the coefficients and their Wald intervals).
EPV_WARNING = 10.0

_SOURCE = "logistic regression"
_Z = float(stats.norm.ppf(0.975))  # Wald 95% interval, as SPSS's "95% C.I. for EXP(B)"


@overload
def json_safe(value: dict[str, Any]) -> dict[str, Any]: ...
@overload
def json_safe(value: Any) -> Any: ...
def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float (an OR beyond 1e308) replaced by None."""
    if isinstance(value, float):
        return finite_or_none(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def _exp(x: float) -> float:
    """exp that gives inf instead of OverflowError (a β of 710+ per unit: rescale the unit)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


@dataclass(frozen=True)
class PerUnit:
    """The odds ratio per ``unit`` of the predictor: OR**unit, CI endpoints likewise."""

    unit: float
    odds_ratio: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "unit": self.unit,
                "or": self.odds_ratio,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            }
        )


@dataclass(frozen=True)
class OddsRatio:
    """One predictor of one model: β (log-odds per 1.0), its SE, Wald z and p, OR = exp(β)."""

    predictor: str
    beta: float
    se: float
    z: float
    p: float
    odds_ratio: float
    ci_low: float
    ci_high: float
    per_unit: PerUnit | None = None

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "or": self.odds_ratio,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "p": self.p,
                "p_text": format_p(self.p),
                "beta": self.beta,
                "se": self.se,
                "z": self.z,
                "per_unit": None if self.per_unit is None else self.per_unit.to_dict(),
            }
        )


@dataclass(frozen=True)
class LogitModel:
    """One fitted model: its predictors' odds ratios and the rows it used.

    ``n`` counts the rows with the outcome and every predictor present (listwise deletion);
    ``dropped`` the rows left out for a blank cell. ``pseudo_r2`` is McFadden's.
    """

    predictors: tuple[str, ...]
    terms: tuple[OddsRatio, ...]
    intercept_beta: float
    intercept_se: float
    n: int
    events: int
    non_events: int
    dropped: int
    log_likelihood: float
    null_log_likelihood: float
    pseudo_r2: float
    aic: float
    iterations: int
    warnings: tuple[str, ...] = ()

    def term(self, predictor: str) -> OddsRatio:
        for item in self.terms:
            if item.predictor == predictor:
                return item
        raise KeyError(predictor)

    def to_dict(self) -> dict[str, Any]:
        """The model as a whole (n, events, intercept, fit); its terms are in ``terms``."""
        return json_safe(
            {
                "predictors": list(self.predictors),
                "n": self.n,
                "events": self.events,
                "non_events": self.non_events,
                "dropped": self.dropped,
                "intercept": {"beta": self.intercept_beta, "se": self.intercept_se},
                "log_likelihood": self.log_likelihood,
                "null_log_likelihood": self.null_log_likelihood,
                "pseudo_r2": self.pseudo_r2,
                "aic": self.aic,
                "warnings": list(self.warnings),
            }
        )


def fit_logit(y_all: pd.Series, x_all: pd.DataFrame, units: Mapping[str, float]) -> LogitModel:
    """Fit ``y ~ 1 + x`` on the rows where the outcome and every column of ``x`` are present.

    ``y_all`` holds 1.0 / 0.0 / NaN; ``x_all`` float columns named by predictor. Raises
    ``StatsInputError`` for too few events, a constant predictor, collinearity, separation or a
    fit that does not converge.
    """
    names = tuple(str(c) for c in x_all.columns)
    label = " + ".join(names)
    keep = (y_all.notna() & x_all.notna().all(axis=1)).to_numpy()
    y = y_all.to_numpy()[keep]
    x = x_all.to_numpy(dtype=np.float64)[keep]
    events, n = int(y.sum()), int(keep.sum())
    if min(events, n - events) < MIN_EVENTS:
        raise StatsInputError(
            f"{_SOURCE} on {label}: {events} events and {n - events} non-events among the {n} "
            f"complete rows; at least {MIN_EVENTS} of each are needed."
        )
    for j, name in enumerate(names):
        if np.ptp(x[:, j]) == 0.0:
            raise StatsInputError(
                f"{_SOURCE}: predictor {name!r} has one value in all {n} complete rows; "
                "it cannot explain the outcome. Leave it out."
            )
    design = np.column_stack([np.ones(n), x])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise StatsInputError(
            f"{_SOURCE}: predictors {', '.join(names)} are collinear (one is a linear "
            "combination of the others); leave one out."
        )
    # The separation linear program is the slow part at 100 000 rows (~2 s); a separated
    # outcome always makes the MLE misbehave (no convergence, a statsmodels warning, or fitted
    # probabilities at 0/1), so the program runs only to explain a fit that misbehaved.
    try:
        res = _maximise(y, design, label)
    except StatsInputError as err:
        if _separated(design, y):
            raise _separation_error(names, label) from err
        raise
    if _suspicious(res, design) and _separated(design, y):
        raise _separation_error(names, label)
    params, bse = np.asarray(res.params), np.asarray(res.bse)
    terms = []
    for j, name in enumerate(names, start=1):
        beta, se = float(params[j]), float(bse[j])
        low, high = beta - _Z * se, beta + _Z * se
        per_unit = None
        if name in units:
            u = units[name]
            ends = sorted((_exp(low * u), _exp(high * u)))
            per_unit = PerUnit(unit=u, odds_ratio=_exp(beta * u), ci_low=ends[0], ci_high=ends[1])
        z = beta / se
        p = float(2.0 * stats.norm.sf(abs(z)))
        terms.append(OddsRatio(name, beta, se, z, p, _exp(beta), _exp(low), _exp(high), per_unit))
    null_ll = null_log_likelihood(events, n)
    fewer = min(events, n - events)
    epv = fewer / len(names)
    notes: tuple[str, ...] = ()
    if epv < EPV_WARNING:
        notes = (
            f"{label}: {fewer} {'events' if fewer == events else 'non-events'} for "
            f"{len(names)} predictor(s), {epv:.1f} per variable (< {EPV_WARNING:g}); estimates "
            "may be biased and their intervals unreliable.",
        )
    return LogitModel(
        predictors=names,
        terms=tuple(terms),
        intercept_beta=float(params[0]),
        intercept_se=float(bse[0]),
        n=n,
        events=events,
        non_events=n - events,
        dropped=int((~keep).sum()),
        log_likelihood=float(res.llf),
        null_log_likelihood=null_ll,
        pseudo_r2=1.0 - float(res.llf) / null_ll,
        aic=float(res.aic),
        iterations=int(res.mle_retvals.get("iterations", 0)),
        warnings=notes,
    )


def null_log_likelihood(events: int, n: int) -> float:
    """Log-likelihood of the intercept-only logistic model, in closed form.

    Its MLE is the event rate p = events / n, so ll0 = e·ln p + (n − e)·ln(1 − p) (McFadden's
    pseudo-R² is then 1 − ll/ll0). statsmodels refits the null model with Nelder–Mead for
    ``llnull``, which took ~0.7 s per model at 100 000 rows; the tests check both agree.
    """
    p = events / n
    return float(events * math.log(p) + (n - events) * math.log1p(-p))


def _separation_error(names: tuple[str, ...], label: str) -> StatsInputError:
    subject = (
        f"predictor {names[0]!r} separates"
        if len(names) == 1
        else f"predictors {label} together separate"
    )
    return StatsInputError(
        f"{_SOURCE}: {subject} the outcome completely or quasi-completely "
        "(one class lies entirely on one side), so the maximum-likelihood odds ratio is "
        "infinite. Leave it out or use penalised (Firth) regression."
    )


#: A fitted probability this close to 0 or 1 in a converged fit hints at quasi-complete
#: separation (the MLE drifts to infinity for the separated rows); the linear program decides.
_EDGE = 1e-6


def _suspicious(res: Any, design: npt.NDArray[np.float64]) -> bool:
    """Whether a converged fit shows the marks of separation: some fitted probability within
    ``_EDGE`` of 0 or 1."""
    eta = design @ np.asarray(res.params)
    p = 1.0 / (1.0 + np.exp(-np.clip(eta, -700.0, 700.0)))
    return bool(np.any(p < _EDGE) or np.any(p > 1.0 - _EDGE))


def _maximise(y: npt.NDArray[np.float64], design: npt.NDArray[np.float64], label: str) -> Any:
    """Newton–Raphson MLE; any separation or convergence warning from statsmodels is an error."""
    trouble = (ConvergenceWarning, HessianInversionWarning, PerfectSeparationWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = Logit(y, design).fit(method="newton", maxiter=100, disp=False)
        except (PerfectSeparationError, np.linalg.LinAlgError) as err:
            raise StatsInputError(
                f"{_SOURCE} on {label} cannot be fitted ({err}); a predictor may separate the "
                "outcome. Leave it out."
            ) from err
    problems = [w for w in caught if issubclass(w.category, trouble)]
    converged = bool(res.mle_retvals.get("converged", False))
    if problems or not converged or not np.all(np.isfinite(res.bse)):
        reason = str(problems[0].message) if problems else "the fit did not converge"
        raise StatsInputError(
            f"{_SOURCE} on {label}: {reason}. The data may (nearly) separate the outcome; "
            "leave a predictor out or rescale it."
        )
    return res


def _separated(design: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> bool:
    """Whether some β ≠ 0 puts every event on one side of a hyperplane and every non-event on
    the other, ties allowed (complete or quasi-complete separation: Albert & Anderson 1984).

    Linear program of Konis (2007): maximise Σ s_i·x_iβ subject to s_i·x_iβ ≥ 0 and
    −1 ≤ β ≤ 1, with s_i = ±1 the outcome's sign; the optimum is positive exactly when the data
    are separated. Predictors are standardised first so the tolerance is scale-free.
    """
    x = design.copy()
    spread = x[:, 1:].std(axis=0)
    x[:, 1:] = (x[:, 1:] - x[:, 1:].mean(axis=0)) / spread
    signed = x * np.where(y > 0.5, 1.0, -1.0)[:, None]
    res = optimize.linprog(
        c=-signed.sum(axis=0),
        A_ub=-signed,
        b_ub=np.zeros(len(y)),
        bounds=[(-1.0, 1.0)] * x.shape[1],
        method="highs",
    )
    if res.status != 0 or res.fun is None:
        logger.debug("separation LP status %s: %s", res.status, res.message)
        return False
    return bool(-res.fun > 1e-6 * max(1, len(y)))
