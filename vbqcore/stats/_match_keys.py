"""Reading the matching keys from a cohort table: group values, sex and MR dates."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.anatomy import Sex
from vbqcore.columns import row_numbers, value_label
from vbqcore.errors import CohortError

__all__ = ["day_numbers", "group_label", "parse_sex"]


def parse_sex(value: Any) -> Sex | None:
    """Read a sex cell as :meth:`vbqcore.anatomy.Sex.parse` does (one reading everywhere)."""
    if value is pd.NA:
        return None
    return Sex.parse(value)


def group_label(value: str | int | float | bool) -> str:
    """How a group value is compared: as typed (1 = 1.0 = "1"), case-folded."""
    label = value_label(value)
    try:
        label = value_label(float(label))
    except ValueError:
        pass
    return label.casefold()


_YEAR_FIRST = ("%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")  # unambiguous; DICOM StudyDate is %Y%m%d


def day_numbers(
    df: pd.DataFrame, col: str, *, source: str = "Matching"
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Whole days since 1970-01-01 per row (0 where blank) and the mask of blank cells.

    Accepts datetime columns (Excel), ISO 8601 text and the year-first forms of
    ``_YEAR_FIRST``; day-first or month-first text is refused as ambiguous.
    """
    raw = df[col]
    blank = raw.isna().to_numpy() | (raw.astype("string").str.strip() == "").fillna(True).to_numpy()
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        parsed = pd.Series(pd.to_datetime(raw), index=raw.index)
    else:
        text = raw.map(lambda v: "" if pd.isna(v) else value_label(v))
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
        for fmt in _YEAR_FIRST:
            todo = parsed.isna().to_numpy() & ~blank
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(text[todo], errors="coerce", format=fmt)
    bad = parsed.isna().to_numpy() & ~blank
    if bad.any():
        examples = ", ".join(repr(str(v)) for v in raw[bad].unique()[:3])
        raise CohortError(
            f"{source}: column {col!r} holds values that are not dates ({examples}) in "
            f"{row_numbers(df, bad)}; write dates as YYYY-MM-DD."
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    day = np.zeros(len(df), dtype=np.int64)
    ok = ~blank
    day[ok] = parsed[ok].dt.floor("D").to_numpy().astype("datetime64[D]").astype(np.int64)
    return day, blank
