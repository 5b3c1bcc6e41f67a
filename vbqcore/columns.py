"""Column checks shared by the cohort statistics: presence, numeric values, a two-valued outcome."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vbqcore.errors import CohortError, StatsInputError

__all__ = [
    "BinaryOutcome",
    "binary_outcome",
    "describe_values",
    "numeric_column",
    "require_columns",
    "row_numbers",
    "value_label",
]

logger = logging.getLogger(__name__)

#: How many offending rows or values an error message quotes before saying "and N more".
_MAX_QUOTED = 5

_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def require_columns(df: pd.DataFrame, cols: Iterable[str], *, source: str) -> None:
    """Raise ``CohortError`` naming every column of ``cols`` that ``df`` lacks.

    The message lists the available columns, since a typo or a differently spelled header
    ("VBQ_T2" vs "vbq_t2") is the usual cause.
    """
    wanted = list(cols)
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        available = ", ".join(repr(str(c)) for c in df.columns) or "(none)"
        names = ", ".join(repr(c) for c in missing)
        noun = "column" if len(missing) == 1 else "columns"
        raise CohortError(
            f"{source}: no {noun} {names}; available columns: {available}. "
            "Check the spelling (column names are case-sensitive)."
        )


def value_label(value: Any) -> str:
    """The text a user types for a cell value: ``1`` for 1, 1.0 or "1"; ``True`` for booleans.

    pandas reads a 0/1 column with a missing cell as floats (1.0), so integral floats are shown
    without their ".0"; this lets ``--positive 1`` match such a column.
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if number.is_integer():
            return str(int(number))
        return repr(number)
    return str(value).strip()


def row_numbers(df: pd.DataFrame, mask: Sequence[bool] | np.ndarray | pd.Series) -> str:
    """Describe the rows where ``mask`` is true for an error message.

    A frame with the default 0..n-1 index (a file read by ``vbqcore.tabular``) is described in
    spreadsheet rows, counting the header as row 1, so the user can find the cell; any other
    index by its labels.
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    index = df.index
    spreadsheet = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if spreadsheet:
        labels = [str(int(p) + 2) for p in positions]
    else:
        labels = [str(index[int(p)]) for p in positions]
    shown = ", ".join(labels[:_MAX_QUOTED])
    more = f" and {len(labels) - _MAX_QUOTED} more" if len(labels) > _MAX_QUOTED else ""
    noun = "row" if len(labels) == 1 else "rows"
    where = " (the header is row 1)" if spreadsheet else " (index labels)"
    return f"{noun} {shown}{more}{where}"


def numeric_column(df: pd.DataFrame, col: str, *, source: str) -> pd.Series:
    """Column ``col`` as float64, blank cells as NaN; raise on text or infinite values.

    Booleans become 0.0/1.0. Text that is not a number raises ``StatsInputError`` naming the
    rows (and suggesting a decimal point when the text looks like "0,601").
    """
    require_columns(df, [col], source=source)
    raw = df[col]
    if pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype("float64")
    elif pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.astype("float64")
    else:
        text = raw.astype("object").map(lambda v: v.strip() if isinstance(v, str) else v)
        text = text.map(lambda v: np.nan if isinstance(v, str) and v == "" else v)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        bad = (text.notna() & values.isna()).to_numpy()
        if bad.any():
            examples = [str(v)[:20] for v in text[bad].unique()[:3]]
            hint = ""
            if any(_DECIMAL_COMMA.match(e) for e in examples):
                hint = " They look like decimal commas: write 0.601, not 0,601."
            quoted = ", ".join(repr(e) for e in examples)
            raise StatsInputError(
                f"{source}: column {col!r} must be numeric but holds text ({quoted}) in "
                f"{row_numbers(df, bad)}.{hint} Fix or blank those cells, or pick another column."
            )
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        raise StatsInputError(
            f"{source}: column {col!r} holds an infinite value in {row_numbers(df, infinite)}; "
            "replace it with a finite number or blank the cell."
        )
    return values


@dataclass(frozen=True, eq=False)
class BinaryOutcome:
    """A two-valued column recoded as 1.0 (``positive``), 0.0 (``negative``) or NaN (blank)."""

    column: str
    y: pd.Series
    positive: str
    negative: str

    @property
    def n_positive(self) -> int:
        return int((self.y == 1.0).sum())

    @property
    def n_negative(self) -> int:
        return int((self.y == 0.0).sum())


def describe_values(labels: pd.Series) -> str:
    """The distinct values of ``labels`` with their counts, most frequent first, at most 8."""
    counts = labels.value_counts(sort=True)
    shown = [f"{k!r} (n = {int(v)})" for k, v in list(counts.items())[:8]]
    more = f" and {len(counts) - 8} more" if len(counts) > 8 else ""
    return ", ".join(shown) + more


def binary_outcome(
    df: pd.DataFrame, col: str, *, positive: str | int | float | bool | None = None, source: str
) -> BinaryOutcome:
    """Recode column ``col`` as 1 for ``positive`` and 0 for the one other value.

    ``positive`` is compared as text with each cell's :func:`value_label`, so ``"1"`` matches
    1, 1.0 and "1"; case is ignored when there is no exact match ("Fracture" ~ "fracture").
    When ``positive`` is None a 0/1 column takes 1 and a False/True column takes True;
    any other column needs ``positive``.

    Raises
    ------
    CohortError
        ``col`` is missing.
    StatsInputError
        Fewer or more than two distinct values, or ``positive`` is not one of them.
    """
    require_columns(df, [col], source=source)
    raw = df[col]
    present = raw.notna().to_numpy()
    labels = raw[present].map(value_label)
    labels = labels[labels != ""]
    distinct = sorted(set(labels))
    if len(distinct) != 2:
        if not distinct:
            found = "no values"
        elif len(distinct) == 1:
            found = f"one value only: {describe_values(labels)}"
        else:
            found = f"{len(distinct)} values: {describe_values(labels)}"
        raise StatsInputError(
            f"{source}: outcome column {col!r} must hold exactly two values (e.g. fracture / "
            f"control, or 1 / 0) but has {found}."
        )
    chosen = _resolve_positive(distinct, positive, col=col, source=source, labels=labels)
    other = distinct[1] if chosen == distinct[0] else distinct[0]
    y = pd.Series(np.nan, index=df.index, dtype="float64")
    y[labels.index] = (labels == chosen).astype("float64")
    return BinaryOutcome(column=col, y=y, positive=chosen, negative=other)


def _resolve_positive(
    distinct: list[str],
    positive: str | int | float | bool | None,
    *,
    col: str,
    source: str,
    labels: pd.Series,
) -> str:
    if positive is None:
        if distinct == ["0", "1"]:
            return "1"
        if distinct == ["False", "True"]:
            return "True"
        raise StatsInputError(
            f"{source}: say which value of {col!r} is the positive outcome "
            f"(values: {describe_values(labels)}); e.g. --positive {distinct[0]}."
        )
    wanted = value_label(positive)
    try:
        wanted = value_label(float(wanted))
    except ValueError:
        pass
    if wanted in distinct:
        return wanted
    folded = [d for d in distinct if d.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise StatsInputError(
        f"{source}: positive value {str(positive)!r} does not occur in column {col!r} "
        f"(values: {describe_values(labels)})."
    )
