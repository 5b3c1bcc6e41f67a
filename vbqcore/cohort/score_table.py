"""Batch VBQ scoring of a CSV table: one row per patient, the score columns appended."""

from __future__ import annotations

import csv
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np
import pandas as pd

from vbqcore.cohort.scores import scores_from_si
from vbqcore.csv_safety import neutralise_cell
from vbqcore.errors import ScoreError
from vbqcore.measurements import CaseMeasurements, si_column
from vbqcore.vbq import Aggregate, ScoreName, compute_vbq

__all__ = ["OUTPUT_COLUMNS", "RowError", "TableReport", "score_row", "score_csv"]

logger = logging.getLogger(__name__)

#: Columns appended to every row (replaced in place if the input already has them).
OUTPUT_COLUMNS: tuple[str, ...] = (*(s.value for s in ScoreName), "levels_used", "warnings")


@dataclass(frozen=True)
class RowError:
    """A row that could not be scored. ``row`` is the 1-based data row (the header is not
    counted); ``line`` the physical line it ended on in the file (the header is line 1)."""

    row: int
    line: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class TableReport:
    """What happened to a table: rows read, rows that failed, input columns overwritten."""

    n_rows: int
    errors: tuple[RowError, ...]
    replaced_columns: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_rows": self.n_rows,
            "errors": [e.to_dict() for e in self.errors],
            "replaced_columns": list(self.replaced_columns),
        }


def _as_is(value: str) -> str:
    return value


def _fmt(value: float | None) -> str:
    # repr keeps full precision: float(repr(x)) == x, so a score read back is the same float.
    return "" if value is None or value != value else repr(float(value))


def score_row(
    row: Mapping[str, Any], *, method: Aggregate | str = Aggregate.MEAN
) -> dict[str, str]:
    """The appended columns for one row (``vbq_t1`` ... ``warnings``), as CSV text.

    Raises ``ScoreError`` when the row cannot be scored.
    """
    result = compute_vbq(CaseMeasurements.from_flat(row), method=method)
    out = {s.value: _fmt(result.score(s)) for s in ScoreName}
    out["levels_used"] = result.levels_used_text()
    out["warnings"] = " | ".join(result.warnings)
    return out


def _check_header(header: Sequence[str] | None, source: str) -> list[str]:
    """The CSV's own header rules (present, no name twice); the SI columns are the scorer's."""
    if not header:
        raise ScoreError(f"{source}: empty file or no header row.")
    folded = [h.strip().upper() for h in header]
    dupes = sorted({h for h in header if folded.count(h.strip().upper()) > 1})
    if dupes:
        raise ScoreError(f"{source}: column(s) {', '.join(dupes)} appear more than once.")
    return list(header)


def score_csv(
    src: TextIO,
    dst: TextIO,
    *,
    method: Aggregate | str = Aggregate.MEAN,
    source: str = "input",
    delimiter: str = ",",
    decimal: str = ".",
    neutralise_formulas: bool = False,
) -> TableReport:
    """Score every row of a CSV and write it with ``OUTPUT_COLUMNS`` appended.

    A writer over the cohort's table scorer (:func:`vbqcore.cohort.scores.scores_from_si`), so
    the ``score`` command and the cohort explorer compute every score with the same code and
    check the SI columns once. Every input column is carried through unchanged (as text). A row
    that cannot be scored gets empty scores and ``error: <message>`` in ``warnings``, and is
    listed in the report; the other rows are still scored. An input column already named like an
    output column (any case) is overwritten in place and listed in ``replaced_columns``.
    ``delimiter`` splits the input (the output is always comma-separated); with ``decimal=","``
    SIs written ``560,5`` read as 560.5.
    ``neutralise_formulas`` prefixes text cells a spreadsheet would run (``=``, ``+``, ``-``,
    ``@``) with ``'`` (``vbqcore.csv_safety``).

    Raises
    ------
    ScoreError
        For the whole table: no header, duplicate columns, no SI column, an unknown level in a
        column name, or an unknown ``method``.
    """
    try:
        agg = Aggregate(str(method).lower())
    except ValueError as err:
        raise ScoreError(f"method {method!r}: use 'mean' or 'median'.") from err
    reader = csv.reader(src, delimiter=delimiter)
    header = _check_header(next(reader, None), source)
    rows: list[list[str]] = []
    lines: list[int] = []
    field_errors: dict[int, str] = {}
    for record in reader:
        if not record:  # a blank line is no row (as csv.DictReader reads it)
            continue
        position = len(rows)
        if len(record) > len(header):
            field_errors[position] = (
                f"{len(record)} fields but the header has {len(header)}; "
                "check for an unquoted comma."
            )
        rows.append((record + [""] * len(header))[: len(header)])
        lines.append(reader.line_num)
    table = pd.DataFrame(rows, columns=pd.Index(header), dtype=object)
    if decimal != ".":
        for name in (h for h in header if si_column(h) is not None):
            table[name] = table[name].str.replace(decimal, ".", regex=False)
    scorable = np.array([i not in field_errors for i in range(len(rows))], dtype=bool)
    result = scores_from_si(
        table.iloc[np.flatnonzero(scorable)].reset_index(drop=True),
        method=agg,
        source=source,
        bad_cells="row",
        max_worded=None,
    )
    by_fold = {h.strip().lower(): h for h in header}
    replaced = tuple(by_fold[c] for c in OUTPUT_COLUMNS if c in by_fold)
    target = {c: by_fold.get(c, c) for c in OUTPUT_COLUMNS}
    fieldnames = header + [c for c in OUTPUT_COLUMNS if c not in by_fold]
    safe = neutralise_cell if neutralise_formulas else _as_is
    writer = csv.writer(dst, lineterminator="\n")
    writer.writerow([safe(h) for h in fieldnames])
    row_errors = {e.row - 2: e.message for e in result.errors}  # spreadsheet row -> position
    scored = iter(range(len(result.scores)))
    matrix = result.scores.to_numpy(dtype=np.float64)
    errors: list[RowError] = []
    for position, record in enumerate(rows):
        values = dict(zip(header, record, strict=True))
        message = field_errors.get(position)
        if message is None:
            k = next(scored)
            message = row_errors.get(k)
            appended = {
                **{s.value: _fmt(float(matrix[k, i])) for i, s in enumerate(ScoreName)},
                "levels_used": str(result.levels_used.iat[k]),
                "warnings": str(result.warnings.iat[k]),
            }
        if message is not None:
            errors.append(RowError(position + 1, lines[position], message))
            appended = {c: "" for c in OUTPUT_COLUMNS}
            appended["warnings"] = f"error: {message}"
        values.update({target[c]: v for c, v in appended.items()})
        writer.writerow([safe(values.get(f, "")) for f in fieldnames])
    logger.info("scored %d rows (%d bad)", len(rows), len(errors))
    return TableReport(len(rows), tuple(errors), replaced)
