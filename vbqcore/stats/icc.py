"""Intraclass correlation coefficients (Shrout & Fleiss 1979; McGraw & Wong 1996) with CIs."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from vbqcore.errors import StatsInputError
from vbqcore.stats._validate import DegenerateInputWarning, NanPolicy, parse_option

__all__ = ["IccEstimate", "IccKind", "IccResult", "icc", "icc_wide"]

logger = logging.getLogger(__name__)


class IccKind(StrEnum):
    """The six ICCs of Shrout & Fleiss (1979), named as R ``psych::ICC`` and pingouin name them.

    For two observers measuring the same patients, ``ICC2`` (two-way random effects, absolute
    agreement, single rater; McGraw & Wong's ICC(A,1)) is the usual inter-observer figure and
    ``ICC3`` (two-way, consistency; ICC(C,1)) ignores a constant offset between observers.
    The ``k`` forms are the reliability of the mean of the k raters.
    """

    ICC1 = "ICC1"
    ICC2 = "ICC2"
    ICC3 = "ICC3"
    ICC1K = "ICC1k"
    ICC2K = "ICC2k"
    ICC3K = "ICC3k"

    @property
    def label(self) -> str:
        """Shrout & Fleiss notation, e.g. "ICC(2,1)"."""
        return _LABELS[self]

    @property
    def model(self) -> str:
        """McGraw & Wong (1996) description of the model, type and unit."""
        return _MODELS[self]


_LABELS = {
    IccKind.ICC1: "ICC(1,1)",
    IccKind.ICC2: "ICC(2,1)",
    IccKind.ICC3: "ICC(3,1)",
    IccKind.ICC1K: "ICC(1,k)",
    IccKind.ICC2K: "ICC(2,k)",
    IccKind.ICC3K: "ICC(3,k)",
}
_MODELS = {
    IccKind.ICC1: "one-way random effects, absolute agreement, single rater",
    IccKind.ICC2: "two-way random effects, absolute agreement, single rater",
    IccKind.ICC3: "two-way mixed effects, consistency, single rater",
    IccKind.ICC1K: "one-way random effects, absolute agreement, mean of k raters",
    IccKind.ICC2K: "two-way random effects, absolute agreement, mean of k raters",
    IccKind.ICC3K: "two-way mixed effects, consistency, mean of k raters",
}


@dataclass(frozen=True)
class IccEstimate:
    """One ICC with the F test of ICC = 0 (``f`` on ``df1``, ``df2``; one-sided ``p``) and CI."""

    kind: IccKind
    icc: float
    f: float
    df1: float
    df2: float
    p: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.kind.label,
            "model": self.kind.model,
            "icc": self.icc,
            "f": self.f,
            "df1": self.df1,
            "df2": self.df2,
            "p": self.p,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


@dataclass(frozen=True)
class IccResult:
    """All six ICCs of one n targets × k raters table, with the ANOVA mean squares behind them.

    Mean squares follow McGraw & Wong (1996): ``ms_rows`` between targets, ``ms_columns``
    between raters, ``ms_error`` residual of the two-way model, ``ms_within`` within targets
    (one-way model). ``n_dropped`` targets lacked a rating and were left out.
    """

    n_targets: int
    n_raters: int
    n_dropped: int
    confidence: float
    ms_rows: float
    ms_columns: float
    ms_error: float
    ms_within: float
    estimates: tuple[IccEstimate, ...]

    def __getitem__(self, kind: IccKind | str) -> IccEstimate:
        wanted = IccKind(kind)
        for estimate in self.estimates:
            if estimate.kind is wanted:
                return estimate
        raise KeyError(kind)  # pragma: no cover - every kind is always computed

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n_targets": self.n_targets,
            "n_raters": self.n_raters,
            "n_dropped": self.n_dropped,
            "confidence": self.confidence,
        }
        for estimate in self.estimates:
            out[estimate.kind.value] = estimate.to_dict()
        return out


def icc(
    data: pd.DataFrame,
    *,
    targets: str,
    raters: str,
    ratings: str,
    confidence: float = 0.95,
    nan_policy: NanPolicy | str = NanPolicy.OMIT,
) -> IccResult:
    """ICCs from a long table: one row per (target, rater) with the rating.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format, e.g. columns ``patient``, ``observer``, ``si``.
    targets, raters, ratings : str
        Column names: what is measured (patients), who measures (observers, sessions) and the
        numeric measurement.
    confidence, nan_policy
        As for :func:`icc_wide`.

    Raises
    ------
    StatsInputError
        A missing column, a target rated twice by the same rater, non-numeric ratings, or the
        problems :func:`icc_wide` refuses.
    """
    missing = [c for c in (targets, raters, ratings) if c not in data.columns]
    if missing:
        raise StatsInputError(
            f"ICC: column(s) {', '.join(map(repr, missing))} not found; "
            f"the table has {', '.join(map(repr, map(str, data.columns)))}."
        )
    duplicated = data.duplicated(subset=[targets, raters], keep=False)
    if duplicated.any():
        first = data.loc[duplicated].iloc[0]
        raise StatsInputError(
            f"ICC: target {first[targets]!r} is rated more than once by rater {first[raters]!r} "
            f"({int(duplicated.sum())} rows affected): keep one rating per target and rater."
        )
    values = pd.to_numeric(data[ratings], errors="coerce")
    bad = values.isna() & data[ratings].notna()
    if bad.any():
        raise StatsInputError(
            f"ICC: column {ratings!r} holds non-numeric values in row(s) "
            f"{', '.join(map(str, data.index[bad][:10]))}."
        )
    wide = (
        data.assign(**{ratings: values})
        .pivot(index=targets, columns=raters, values=ratings)
        .sort_index(axis=0)
        .sort_index(axis=1)
    )
    return icc_wide(wide, confidence=confidence, nan_policy=nan_policy)


def icc_wide(
    matrix: pd.DataFrame | npt.ArrayLike,
    *,
    confidence: float = 0.95,
    nan_policy: NanPolicy | str = NanPolicy.OMIT,
) -> IccResult:
    """ICC(1,1), ICC(2,1), ICC(3,1) and their k-rater forms from an n × k table.

    Parameters
    ----------
    matrix : array-like or DataFrame, shape (n_targets, n_raters)
        One row per target (patient), one column per rater (observer or session).
    confidence : float
        Level of the confidence intervals.
    nan_policy : {"omit", "raise"}
        "omit" (default) leaves out targets that lack any rating (complete cases, as
        ``psych::ICC`` and pingouin do) and counts them in ``n_dropped``; "raise" refuses them.

    Returns
    -------
    IccResult

    Notes
    -----
    Two-way ANOVA without replication, then the formulas of Shrout & Fleiss (1979, Table 1) for
    the estimates and of McGraw & Wong (1996, Tables 7–8) for the F tests and the confidence
    intervals (ICC(2,·) with Satterthwaite's approximate df). The k-rater CI of ICC(2,k) is the
    McGraw–Wong form, which equals the Spearman–Brown step-up of the ICC(2,1) limits.
    Checked against ``psych::ICC`` output on the Shrout & Fleiss (1979) data and on McGraw &
    Wong's two-rater example in ``tests/stats/test_icc.py``. Degenerate tables (no variation,
    or raters in perfect agreement) warn and give NaN where a formula divides by zero.

    Raises
    ------
    StatsInputError
        Not two-dimensional, fewer than 2 raters or 3 complete targets, non-numeric or infinite
        values, a NaN under ``nan_policy="raise"``, or a confidence outside (0, 1).
    """
    if not 0.0 < confidence < 1.0:
        raise StatsInputError(f"confidence must lie between 0 and 1, got {confidence!r}.")
    policy = parse_option(nan_policy, NanPolicy, "nan_policy")
    try:
        if isinstance(matrix, pd.DataFrame):
            x = matrix.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            x = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise StatsInputError(f"ICC ratings must all be numbers ({err}).") from err
    if x.ndim != 2:
        raise StatsInputError(f"ICC needs a targets × raters table, got shape {x.shape}.")
    if np.isinf(x).any():
        raise StatsInputError("ICC ratings hold infinite values.")
    incomplete = np.isnan(x).any(axis=1)
    if incomplete.any() and policy is NanPolicy.RAISE:
        raise StatsInputError(
            f"ICC: {int(incomplete.sum())} target(s) lack a rating; fill them in or pass "
            "nan_policy='omit'."
        )
    n_dropped = int(incomplete.sum())
    if n_dropped:
        logger.info("ICC: %d target(s) with a missing rating left out.", n_dropped)
    x = x[~incomplete]
    n, k = x.shape
    if k < 2:
        raise StatsInputError(f"ICC needs at least 2 raters (columns); got {k}.")
    if n < 3:
        raise StatsInputError(
            f"ICC needs at least 3 targets rated by every rater; got {n} "
            f"({n_dropped} left out for missing ratings)."
        )
    return _icc_from_table(x, confidence=confidence, n_dropped=n_dropped)


def _icc_from_table(x: npt.NDArray[np.float64], *, confidence: float, n_dropped: int) -> IccResult:
    n, k = x.shape
    grand = x.mean()
    row_means = x.mean(axis=1)
    col_means = x.mean(axis=0)
    residual = x - row_means[:, None] - col_means[None, :] + grand
    # Sums of squares below the rounding noise of the means are zero: a constant table must
    # read as "no variation" (NaN ICC), not as a ratio of two rounding errors.
    noise = x.size * (x.size * np.finfo(np.float64).eps * float(np.abs(x).max())) ** 2

    def ss(values: npt.NDArray[np.float64], weight: int = 1) -> float:
        total = float(weight * (values**2).sum())
        return total if total > noise else 0.0

    ss_rows = ss(row_means - grand, k)
    ss_cols = ss(col_means - grand, n)
    ss_within = ss(x - row_means[:, None])
    ss_error = ss(residual)

    df_rows, df_cols, df_within, df_error = n - 1, k - 1, n * (k - 1), (n - 1) * (k - 1)
    msr, msc = ss_rows / df_rows, ss_cols / df_cols
    msw, mse = ss_within / df_within, ss_error / df_error
    alpha = 1.0 - confidence
    q = 1.0 - alpha / 2.0

    if msr == 0.0 or msw == 0.0 or mse == 0.0:
        warnings.warn(
            "ICC: a mean square is zero (no variation between targets, or raters agreeing "
            "exactly); some estimates, F tests or limits are NaN or infinite.",
            DegenerateInputWarning,
            stacklevel=3,
        )

    with np.errstate(divide="ignore", invalid="ignore"):
        msr_, msc_, msw_, mse_ = (np.float64(v) for v in (msr, msc, msw, mse))
        icc1 = (msr_ - msw_) / (msr_ + (k - 1) * msw_)
        icc2 = (msr_ - mse_) / (msr_ + (k - 1) * mse_ + k * (msc_ - mse_) / n)
        icc3 = (msr_ - mse_) / (msr_ + (k - 1) * mse_)
        icc1k = (msr_ - msw_) / msr_
        icc2k = (msr_ - mse_) / (msr_ + (msc_ - mse_) / n)
        icc3k = (msr_ - mse_) / msr_

        # One-way model (ICC1): F = MSR/MSW on (n-1, n(k-1)) df.
        f1 = msr_ / msw_
        fl1 = f1 / stats.f.ppf(q, df_rows, df_within)
        fu1 = f1 * stats.f.ppf(q, df_within, df_rows)
        p1 = float(stats.f.sf(f1, df_rows, df_within))
        # Two-way models (ICC2, ICC3): F = MSR/MSE on (n-1, (n-1)(k-1)) df.
        f3 = msr_ / mse_
        fl3 = f3 / stats.f.ppf(q, df_rows, df_error)
        fu3 = f3 * stats.f.ppf(q, df_error, df_rows)
        p3 = float(stats.f.sf(f3, df_rows, df_error))

        # ICC(2,1): Satterthwaite df for the denominator (McGraw & Wong 1996, Table 7, case 2A).
        a = k * icc2 / (n * (1.0 - icc2))
        b = 1.0 + k * icc2 * (n - 1) / (n * (1.0 - icc2))
        v = (a * msc_ + b * mse_) ** 2 / ((a * msc_) ** 2 / df_cols + (b * mse_) ** 2 / df_error)
        fl2 = stats.f.ppf(q, df_rows, v)
        fu2 = stats.f.ppf(q, v, df_rows)
        denom = k * msc_ + (k * n - k - n) * mse_
        l2 = n * (msr_ - fl2 * mse_) / (fl2 * denom + n * msr_)
        u2 = n * (fu2 * msr_ - mse_) / (denom + n * fu2 * msr_)
        l2k = n * (msr_ - fl2 * mse_) / (fl2 * (msc_ - mse_) + n * msr_)
        u2k = n * (fu2 * msr_ - mse_) / (msc_ - mse_ + n * fu2 * msr_)

        rows = [
            (IccKind.ICC1, icc1, f1, df_rows, df_within, p1,
             (fl1 - 1) / (fl1 + k - 1), (fu1 - 1) / (fu1 + k - 1)),
            (IccKind.ICC2, icc2, f3, df_rows, df_error, p3, l2, u2),
            (IccKind.ICC3, icc3, f3, df_rows, df_error, p3,
             (fl3 - 1) / (fl3 + k - 1), (fu3 - 1) / (fu3 + k - 1)),
            (IccKind.ICC1K, icc1k, f1, df_rows, df_within, p1, 1 - 1 / fl1, 1 - 1 / fu1),
            (IccKind.ICC2K, icc2k, f3, df_rows, df_error, p3, l2k, u2k),
            (IccKind.ICC3K, icc3k, f3, df_rows, df_error, p3, 1 - 1 / fl3, 1 - 1 / fu3),
        ]  # fmt: skip
    estimates = tuple(
        IccEstimate(
            kind=kind,
            icc=float(value),
            f=float(f),
            df1=float(d1),
            df2=float(d2),
            p=float(p),
            ci_low=float(lo),
            ci_high=float(hi),
        )
        for kind, value, f, d1, d2, p, lo, hi in rows
    )
    return IccResult(
        n_targets=n,
        n_raters=k,
        n_dropped=n_dropped,
        confidence=confidence,
        ms_rows=msr,
        ms_columns=msc,
        ms_error=mse,
        ms_within=msw,
        estimates=estimates,
    )
