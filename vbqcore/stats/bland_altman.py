"""Bland–Altman limits of agreement between two measurements of the same patients."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from vbqcore.errors import StatsInputError
from vbqcore.stats._validate import DegenerateInputWarning, NanPolicy, parse_option

__all__ = ["BlandAltmanResult", "ProportionalBias", "bland_altman"]

logger = logging.getLogger(__name__)

#: Normal quantile for 95 % limits of agreement: 1.959964…, the "1.96" of Bland & Altman
#: (1986), who round it to 2 in their worked example. Computed, not typed, so it is exact.
Z_95: float = float(stats.norm.ppf(0.975))

ArrayLike1D = Sequence[float] | npt.NDArray[Any] | pd.Series


@dataclass(frozen=True)
class ProportionalBias:
    """Least-squares line of the differences on the pair means (Bland & Altman 1999).

    A slope whose confidence interval excludes 0 means the disagreement grows (or shrinks) with
    the size of the measurement, so a single bias and pair of limits does not describe it.
    ``slope`` is in difference units per measurement unit; ``p`` tests slope = 0 (two-sided t
    test on n − 2 df, ``scipy.stats.linregress``); ``r`` is the Pearson correlation of the two.
    All NaN when the means do not vary (the slope is undefined). Bland & Altman, Stat Methods
    Med Res 1999;8:135–160, regress the differences on the means to detect this.
    """

    slope: float
    intercept: float
    slope_ci: tuple[float, float]
    p: float
    r: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "slope": self.slope,
            "intercept": self.intercept,
            "slope_ci_low": self.slope_ci[0],
            "slope_ci_high": self.slope_ci[1],
            "p": self.p,
            "r": self.r,
        }


@dataclass(frozen=True, eq=False)
class BlandAltmanResult:
    """Bias, 95 % limits of agreement and their confidence intervals for ``a`` against ``b``.

    Differences are ``a − b`` (so a positive bias means ``a`` reads higher), or in percent mode
    ``100·(a − b)/mean(a, b)`` in percent of the pair mean. ``means`` and ``differences`` hold one
    value per complete pair, in input order, ready to plot (x = means, y = differences). Limits
    are ``bias ± z·sd`` with ``z`` = 1.959964 (95 % of differences if they are normal).
    ``n_dropped`` pairs had a NaN in ``a`` or ``b`` and were left out.
    ``within_acceptance`` is whether both limits lie within ``±acceptance`` (``None`` if no
    acceptance was given); Huang et al. 2026 accept limits within ±10 %.
    """

    n: int
    n_dropped: int
    percent: bool
    confidence: float
    z: float
    means: npt.NDArray[np.float64]
    differences: npt.NDArray[np.float64]
    bias: float
    sd: float
    bias_ci: tuple[float, float]
    loa_low: float
    loa_high: float
    loa_low_ci: tuple[float, float]
    loa_high_ci: tuple[float, float]
    proportional_bias: ProportionalBias
    acceptance: float | None
    within_acceptance: bool | None

    @property
    def difference_definition(self) -> str:
        return "100*(a - b)/mean(a, b)" if self.percent else "a - b"

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "n_dropped": self.n_dropped,
            "percent": self.percent,
            "difference": self.difference_definition,
            "bias": self.bias,
            "sd": self.sd,
            "loa_low": self.loa_low,
            "loa_high": self.loa_high,
            "bias_ci_low": self.bias_ci[0],
            "bias_ci_high": self.bias_ci[1],
            "loa_low_ci_low": self.loa_low_ci[0],
            "loa_low_ci_high": self.loa_low_ci[1],
            "loa_high_ci_low": self.loa_high_ci[0],
            "loa_high_ci_high": self.loa_high_ci[1],
            "z": self.z,
            "confidence": self.confidence,
            "proportional_bias": self.proportional_bias.to_dict(),
            "acceptance": self.acceptance,
            "within_acceptance": self.within_acceptance,
            "means": [float(v) for v in self.means],
            "differences": [float(v) for v in self.differences],
        }


def bland_altman(
    a: ArrayLike1D,
    b: ArrayLike1D,
    *,
    percent: bool = False,
    confidence: float = 0.95,
    acceptance: float | None = None,
    nan_policy: NanPolicy | str = NanPolicy.OMIT,
) -> BlandAltmanResult:
    """Agreement of two paired measurements (Bland & Altman, Lancet 1986;1:307–310).

    Parameters
    ----------
    a, b : array-like of float, shape (n,)
        The same quantity measured twice on each of n patients (two observers, two sessions,
        two methods). Any unit; signal intensities in the paper.
    percent : bool
        Analyse ``100·(a − b)/mean(a, b)`` instead of ``a − b``. This is GraphPad Prism's
        "% difference" (the software of Huang et al. 2026, who report limits in %); use it when
        the disagreement scales with the size of the value.
    confidence : float
        Level of the confidence intervals of the bias, of each limit and of the slope.
    acceptance : float, optional
        Largest acceptable disagreement, in the units of the differences (percent in percent
        mode; the paper uses 10). The verdict is whether both limits lie within ±acceptance.
    nan_policy : {"omit", "raise"}
        "omit" (default) leaves out pairs with a NaN in either measurement and reports how many
        in ``n_dropped``; "raise" refuses them.

    Returns
    -------
    BlandAltmanResult

    Notes
    -----
    * bias = mean of the differences; sd = their sample SD (n − 1).
    * limits = bias ± z·sd with z = ``scipy.stats.norm.ppf(0.975)`` = 1.96 (Bland & Altman use
      1.96 and round it to 2 in their example).
    * CI of the bias: bias ± t(n−1)·sd/√n. CI of each limit: limit ± t(n−1)·√(3·sd²/n), the
      approximate standard error of Bland & Altman (1986), "Precision of estimated limits".
    * Proportional bias: ordinary least squares of the differences on the means
      (``scipy.stats.linregress``), slope CI = slope ± t(n−2)·SE.

    Checked against the 1986 paper's peak-flow example (bias −2.1, SD 38.8, limits −79.7 to
    75.5 with 2·SD, limit CI ±34.6 l/min) in ``tests/stats/test_bland_altman.py``.

    Raises
    ------
    StatsInputError
        Different lengths, non-numeric or infinite values, a NaN under ``nan_policy="raise"``,
        fewer than 3 complete pairs, a pair whose mean is 0 in percent mode, a confidence
        outside (0, 1) or a negative acceptance.
    """
    x = _as_float_array(a, "a")
    y = _as_float_array(b, "b")
    if x.shape != y.shape:
        raise StatsInputError(
            f"Bland-Altman needs paired values: a has {x.size} values and b has {y.size}."
        )
    if not 0.0 < confidence < 1.0:
        raise StatsInputError(f"confidence must lie between 0 and 1, got {confidence!r}.")
    if acceptance is not None and not (math.isfinite(acceptance) and acceptance >= 0):
        raise StatsInputError(f"acceptance must be a finite number >= 0, got {acceptance!r}.")
    policy = parse_option(nan_policy, NanPolicy, "nan_policy")

    missing = np.isnan(x) | np.isnan(y)
    if missing.any() and policy is NanPolicy.RAISE:
        raise StatsInputError(
            f"Missing values in pair(s) at position {_positions(missing)}: "
            "fill them in or pass nan_policy='omit'."
        )
    n_dropped = int(missing.sum())
    if n_dropped:
        logger.info("Bland-Altman: %d incomplete pair(s) left out.", n_dropped)
    x, y = x[~missing], y[~missing]
    n = int(x.size)
    if n < 3:
        raise StatsInputError(
            f"Bland-Altman needs at least 3 complete pairs; got {n} "
            f"({n_dropped} left out for missing values)."
        )

    means = (x + y) / 2.0
    if percent:
        zero = means == 0.0
        if zero.any():
            raise StatsInputError(
                f"Percent differences divide by the pair mean, which is 0 for the complete pair(s)"
                f" at position {_positions(zero)}: use absolute differences (percent=False)."
            )
        differences = 100.0 * (x - y) / means
    else:
        differences = x - y

    bias = float(np.mean(differences))
    sd = float(np.std(differences, ddof=1))
    t = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1))
    se_bias = sd / math.sqrt(n)
    se_limit = math.sqrt(3.0 * sd**2 / n)  # Bland & Altman 1986, "Precision of estimated limits"
    loa_low = bias - Z_95 * sd
    loa_high = bias + Z_95 * sd

    within: bool | None = None
    if acceptance is not None:
        within = bool(-acceptance <= loa_low and loa_high <= acceptance)

    means.setflags(write=False)
    differences.setflags(write=False)
    return BlandAltmanResult(
        n=n,
        n_dropped=n_dropped,
        percent=percent,
        confidence=confidence,
        z=Z_95,
        means=means,
        differences=differences,
        bias=bias,
        sd=sd,
        bias_ci=(bias - t * se_bias, bias + t * se_bias),
        loa_low=loa_low,
        loa_high=loa_high,
        loa_low_ci=(loa_low - t * se_limit, loa_low + t * se_limit),
        loa_high_ci=(loa_high - t * se_limit, loa_high + t * se_limit),
        proportional_bias=_proportional_bias(means, differences, confidence),
        acceptance=acceptance,
        within_acceptance=within,
    )


def _proportional_bias(
    means: npt.NDArray[np.float64], differences: npt.NDArray[np.float64], confidence: float
) -> ProportionalBias:
    nan = float("nan")
    if np.ptp(means) == 0.0:
        warnings.warn(
            "All pair means are equal: the proportional-bias slope is undefined (NaN).",
            DegenerateInputWarning,
            stacklevel=3,
        )
        return ProportionalBias(nan, nan, (nan, nan), nan, nan)
    if np.ptp(differences) == 0.0:
        # Every difference equal: the line is flat and fits exactly; p and r are undefined.
        return ProportionalBias(0.0, float(differences[0]), (0.0, 0.0), nan, nan)
    fit = stats.linregress(means, differences)
    t = float(stats.t.ppf(0.5 + confidence / 2.0, means.size - 2))
    slope, se = float(fit.slope), float(fit.stderr)
    return ProportionalBias(
        slope=slope,
        intercept=float(fit.intercept),
        slope_ci=(slope - t * se, slope + t * se),
        p=float(fit.pvalue),
        r=float(fit.rvalue),
    )


def _as_float_array(values: ArrayLike1D, name: str) -> npt.NDArray[np.float64]:
    """Copy ``values`` to a 1-D float array; NaN stays NaN (missing), anything else must be real."""
    try:
        if isinstance(values, pd.Series):
            arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise StatsInputError(
            f"{name} must hold numbers only; {_first_non_numeric(values)} ({err})."
        ) from err
    if arr.ndim != 1:
        raise StatsInputError(f"{name} must be one-dimensional, got shape {arr.shape}.")
    infinite = np.isinf(arr)
    if infinite.any():
        raise StatsInputError(f"{name} holds infinite values at position {_positions(infinite)}.")
    return arr


def _first_non_numeric(values: ArrayLike1D) -> str:
    for i, v in enumerate(np.asarray(values, dtype=object).ravel()):
        if v is None or v is pd.NA:
            continue
        try:
            float(v)
        except (TypeError, ValueError):
            return f"position {i} holds {v!r}"
    return "a value could not be read as a number"


def _positions(mask: npt.NDArray[np.bool_], limit: int = 10) -> str:
    idx = np.flatnonzero(mask)
    shown = ", ".join(str(int(i)) for i in idx[:limit])
    return shown + (f" (and {idx.size - limit} more)" if idx.size > limit else "")
