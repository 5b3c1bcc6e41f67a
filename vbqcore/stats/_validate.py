"""Input checks shared by the statistics: a binary outcome, numeric scores, missing rows."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.errors import DegenerateInputWarning, StatsInputError

__all__ = [
    "DegenerateInputWarning",
    "NanPolicy",
    "MIN_OBSERVATIONS",
    "as_1d",
    "missing_rows",
    "drop_missing",
    "validate_binary_outcome",
    "validate_scores",
    "validate_same_length",
    "parse_option",
    "finite_or_none",
]

logger = logging.getLogger(__name__)

#: Fewest rows any statistic here accepts: below three, no interval or test means anything.
MIN_OBSERVATIONS = 3

#: How many offending row numbers a message lists before it says "and N more".
_ROWS_SHOWN = 10

_E = TypeVar("_E", bound=StrEnum)


class NanPolicy(StrEnum):
    """What to do with a missing value: refuse the data (default) or drop the row."""

    RAISE = "raise"
    OMIT = "omit"


def parse_option(value: str | _E, enum: type[_E], name: str) -> _E:
    """Read an option given as an Enum member or its string value; raise naming the choices."""
    try:
        return enum(value)
    except ValueError as err:
        choices = ", ".join(repr(m.value) for m in enum)
        raise StatsInputError(f"{name}={value!r} is not one of {choices}.") from err


def finite_or_none(value: float) -> float | None:
    """``value`` as a plain float for JSON, or ``None`` where it is NaN or infinite."""
    out = float(value)
    return out if np.isfinite(out) else None


def as_1d(values: Any, name: str) -> npt.NDArray[Any]:
    """``values`` (list, numpy array, pandas Series) as a 1-D numpy array; raise if not 1-D."""
    arr = values.to_numpy() if isinstance(values, pd.Series | pd.Index) else np.asarray(values)
    if arr.ndim != 1:
        raise StatsInputError(f"{name} must be one value per patient (1-D); got shape {arr.shape}.")
    return arr


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds, so messages read 'a', not np.str_('a')."""
    return value.item() if isinstance(value, np.generic) else value


def _rows_text(rows: npt.NDArray[np.intp]) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:_ROWS_SHOWN])
    more = f" and {rows.size - _ROWS_SHOWN} more" if rows.size > _ROWS_SHOWN else ""
    return f"{shown}{more}"


def missing_rows(values: npt.ArrayLike) -> npt.NDArray[np.intp]:
    """Positions (0-based) of missing values: NaN, None, ``pd.NA``, ``NaT``."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return np.flatnonzero(np.isnan(arr))
    if arr.dtype.kind in "biu":
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero(pd.isna(arr))


def drop_missing(
    arrays: dict[str, npt.NDArray[Any]],
) -> tuple[dict[str, npt.NDArray[Any]], npt.NDArray[np.intp]]:
    """Drop every row missing in any of ``arrays`` (listwise); return them and the dropped rows."""
    if not arrays:
        return arrays, np.empty(0, dtype=np.intp)
    n = len(next(iter(arrays.values())))
    keep = np.ones(n, dtype=bool)
    for arr in arrays.values():
        keep[missing_rows(arr)] = False
    dropped = np.flatnonzero(~keep)
    if dropped.size:
        logger.info("dropped %d rows with a missing value", dropped.size)
    return {k: v[keep] for k, v in arrays.items()}, dropped


def validate_same_length(arrays: dict[str, npt.NDArray[Any]]) -> int:
    """The common length of ``arrays``; raise naming each length when they differ."""
    lengths = {name: len(arr) for name, arr in arrays.items()}
    if len(set(lengths.values())) > 1:
        listing = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise StatsInputError(f"Inputs must have one value per patient, but {listing} values.")
    return next(iter(lengths.values())) if lengths else 0


def validate_scores(x: npt.ArrayLike, name: str = "y_score") -> npt.NDArray[np.float64]:
    """Check a score: 1-D, numeric, finite, at least three values; return it as float64.

    Parameters
    ----------
    x : array-like, shape (n,)
        One score per patient (a VBQ score, a lab value). Booleans count as 0/1.
    name : str
        What to call it in messages (the column name).

    Raises
    ------
    StatsInputError
        Not 1-D, not numeric (the first offending rows are named), missing or infinite values
        (rows named: drop them first or pass ``nan_policy="omit"``), or fewer than 3 values.
    """
    arr = as_1d(x, name)
    if arr.dtype.kind not in "biuf":
        numeric = pd.to_numeric(pd.Series(arr, dtype=object), errors="coerce").to_numpy(float)
        bad = np.flatnonzero(np.isnan(numeric) & ~pd.isna(arr))
        if bad.size:
            examples = ", ".join(repr(_plain(arr[i])) for i in bad[:3])
            raise StatsInputError(
                f"{name} must be numeric, but rows {_rows_text(bad)} are not ({examples})."
            )
        arr = numeric
    out = np.asarray(arr, dtype=np.float64)
    if out.size < MIN_OBSERVATIONS:
        raise StatsInputError(
            f"{name} has {out.size} values; at least {MIN_OBSERVATIONS} patients are needed."
        )
    bad = np.flatnonzero(~np.isfinite(out))
    if bad.size:
        n_nan = int(np.isnan(out[bad]).sum())
        kind = "missing (NaN)" if n_nan == bad.size else "missing or infinite"
        raise StatsInputError(
            f"{name} has {bad.size} {kind} values at rows {_rows_text(bad)} (0-based). "
            "Drop those patients or pass nan_policy='omit'."
        )
    return out


def _is_numeric_pair(values: npt.NDArray[Any]) -> bool:
    return values.dtype.kind in "biuf"


def validate_binary_outcome(
    y: npt.ArrayLike, *, positive: Any = None, name: str = "y_true"
) -> npt.NDArray[np.bool_]:
    """Check a two-class outcome and return ``True`` where it equals the positive class.

    Parameters
    ----------
    y : array-like, shape (n,)
        The outcome per patient: booleans, two numbers (0/1, 1/2) or two labels
        ("fracture"/"control").
    positive : scalar, optional
        The value that marks a case (a fractured patient). Default: ``True`` for booleans, the
        larger of two numbers (1 of 0/1, like scikit-learn and pROC); labels must name it.
    name : str
        What to call the outcome in messages (the column name).

    Returns
    -------
    ndarray of bool, shape (n,)

    Raises
    ------
    StatsInputError
        Not 1-D, fewer than 3 rows, missing values (rows named), one class only, more than two
        values, text labels without ``positive``, or a ``positive`` that never occurs.
    """
    arr = as_1d(y, name)
    if arr.size < MIN_OBSERVATIONS:
        raise StatsInputError(
            f"{name} has {arr.size} values; at least {MIN_OBSERVATIONS} patients are needed."
        )
    missing = missing_rows(arr)
    if missing.size:
        raise StatsInputError(
            f"{name} has {missing.size} missing values at rows {_rows_text(missing)} (0-based). "
            "Drop those patients or pass nan_policy='omit'."
        )
    if arr.dtype.kind == "b":
        values: list[Any] = [v for v in (False, True) if (arr == v).any()]
    elif _is_numeric_pair(arr):
        lo, hi = arr.min(), arr.max()
        values = [_plain(lo)] if lo == hi else [_plain(lo), _plain(hi)]
        if lo != hi and not np.all((arr == lo) | (arr == hi)):
            values = sorted(pd.unique(arr).tolist())
    else:
        values = [_plain(v) for v in pd.unique(arr)]
    if len(values) > 2:
        shown = ", ".join(repr(v) for v in values[:6]) + (", ..." if len(values) > 6 else "")
        raise StatsInputError(
            f"{name} must have exactly two values (case/control), but has {len(values)}: {shown}."
        )
    if len(values) < 2:
        raise StatsInputError(
            f"{name} has only one class ({values[0]!r}): ROC analysis needs cases and controls."
        )
    if positive is None:
        if arr.dtype.kind in "biuf":
            positive = values[-1]
        else:
            shown = ", ".join(repr(v) for v in values)
            raise StatsInputError(
                f"{name} has labels {shown}: say which one marks a case with positive=..."
            )
    is_pos = np.asarray(arr == positive, dtype=bool)
    if not is_pos.any():
        shown = ", ".join(repr(v) for v in values)
        raise StatsInputError(f"positive={positive!r} does not occur in {name} (values: {shown}).")
    return is_pos
