"""Batch VBQ scoring of a CSV table: one row per patient, the score columns appended."""

from __future__ import annotations

import csv
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from vbqcore.csv_safety import neutralise_cell
from vbqcore.errors import ScoreError
from vbqcore.measurements import CaseMeasurements, si_column
from vbqcore.vbq import Aggregate, ScoreName, compute_vbq

__all__ = ["OUTPUT_COLUMNS", "RowError", "TableReport", "score_row", "score_csv"]

logger = logging.getLogger(__name__)

#: Columns appended to every row (replaced in place if the input already has them).
OUTPUT_COLUMNS: tuple[str, ...] = (*(s.value for s in ScoreName), "levels_used", "warnings")
_EXTRA = "\x00extra"  # DictReader key for fields beyond the header


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
    return "" if value is None else repr(float(value))


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
    if not header:
        raise ScoreError(f"{source}: empty file or no header row.")
    folded = [h.strip().upper() for h in header]
    dupes = sorted({h for h in header if folded.count(h.strip().upper()) > 1})
    if dupes:
        raise ScoreError(f"{source}: column(s) {', '.join(dupes)} appear more than once.")
    try:
        si = [h for h in header if si_column(h) is not None]
    except ScoreError as err:
        raise ScoreError(f"{source}: {err}") from err
    if not si:
        raise ScoreError(
            f"{source}: no SI columns. Expected columns named {{T1|T2|STIR}}_{{T12|L1..L5|CSF}}, "
            "e.g. T2_L1, T2_L2, T2_L3, T2_L4, T2_CSF."
        )
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

    Every input column is carried through unchanged (as text). A row that cannot be scored gets
    empty scores and ``error: <message>`` in ``warnings``, and is listed in the report; the other
    rows are still scored. An input column already named like an output column (any case) is
    overwritten in place and listed in ``replaced_columns``. ``delimiter`` splits the input (the
    output is always comma-separated); with ``decimal=","`` SIs written ``560,5`` read as 560.5.
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
    reader = csv.DictReader(src, restkey=_EXTRA, delimiter=delimiter)
    header = _check_header(reader.fieldnames, source)
    by_fold = {h.strip().lower(): h for h in header}
    replaced = tuple(by_fold[c] for c in OUTPUT_COLUMNS if c in by_fold)
    target = {c: by_fold.get(c, c) for c in OUTPUT_COLUMNS}
    fieldnames = header + [c for c in OUTPUT_COLUMNS if c not in by_fold]
    si_names = [h for h in header if si_column(h) is not None]
    safe = neutralise_cell if neutralise_formulas else _as_is
    writer = csv.writer(dst, lineterminator="\n")
    writer.writerow([safe(h) for h in fieldnames])
    errors: list[RowError] = []
    n_rows = 0
    for n_rows, row in enumerate(reader, start=1):
        extra = row.pop(_EXTRA, None)
        values = {k: ("" if v is None else v) for k, v in row.items()}
        try:
            if extra:
                raise ScoreError(
                    f"{len(header) + len(extra)} fields but the header has {len(header)}; "
                    "check for an unquoted comma."
                )
            scored = dict(values)
            if decimal != ".":
                scored.update({h: scored[h].replace(decimal, ".") for h in si_names})
            appended = score_row(scored, method=agg)
        except ScoreError as err:
            errors.append(RowError(n_rows, reader.line_num, str(err)))
            appended = {c: "" for c in OUTPUT_COLUMNS}
            appended["warnings"] = f"error: {err}"
        values.update({target[c]: v for c, v in appended.items()})
        writer.writerow([safe(values.get(f, "")) for f in fieldnames])
    logger.info("scored %d rows (%d bad)", n_rows, len(errors))
    return TableReport(n_rows, tuple(errors), replaced)
