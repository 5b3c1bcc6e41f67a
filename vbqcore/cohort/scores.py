"""VBQ scores for a whole table of per-level SIs at once, equal to ``compute_vbq`` row by row.

A cohort of 100 000 patients scored one row at a time through
:func:`vbqcore.vbq.compute_vbq` takes minutes. The levels a score uses depend only on which SIs a
row has and which levels are fractured, so rows are grouped by that pattern, ``compute_vbq`` runs
once per pattern on a stand-in case to choose the levels (with every rule of
:func:`vbqcore.vbq.select_levels`), and the arithmetic is then done for all rows of the pattern
together, in the same floating-point operations (``math.fsum`` / n as ``statistics.fmean``; the
median as ``statistics.median``). A row that ``compute_vbq`` would refuse (a negative SI, CSF <= 0,
no usable level, ...) is sent through ``compute_vbq`` itself so its message is the library's.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.anatomy import Level, Sequence
from vbqcore.columns import numeric_column, row_numbers
from vbqcore.errors import ScoreError
from vbqcore.measurements import (
    MEASURED_SEQUENCES,
    CaseMeasurements,
    SequenceMeasurement,
    parse_fractured,
    si_column,
)
from vbqcore.vbq import Aggregate, ScoreName, VbqResult, compute_vbq, vbq_kernel

__all__ = ["MAX_WORDED_ERRORS", "SiRowError", "SiScores", "si_columns_of", "scores_from_si"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Rows refused by the vectorised checks that are re-run through ``compute_vbq`` for its exact
#: message; beyond these (a table with thousands of bad rows) the message is generic.
MAX_WORDED_ERRORS = 200
_UNWORDED = "not scored: a negative SI, a missing or non-positive CSF SI, or no usable level"

#: Sites of one sequence, in the order of the value matrix: T12..L5 then CSF.
_SITES: tuple[str, ...] = (*(lv.value for lv in Level), "CSF")
#: Stand-in CSF SIs of the pattern template: T2 above STIR so that VBQ-T2-STIR is defined.
_TEMPLATE_CSF: Mapping[Sequence, float] = {Sequence.T1: 1.0, Sequence.T2: 2.0, Sequence.STIR: 1.0}


@dataclass(frozen=True)
class SiRowError:
    """A row that could not be scored: its spreadsheet row and ``compute_vbq``'s message."""

    row: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "message": self.message}


@dataclass(frozen=True, eq=False)
class SiScores:
    """Scores per row (columns named by ``ScoreName``; NaN where not computed) and what failed.

    ``errors`` lists the rows ``compute_vbq`` refused, in table order; ``warned_rows`` counts the
    rows whose scores came with a warning (fewer than 4 levels, a level left out).
    ``levels_used`` and ``warnings`` hold, per row, the text :meth:`VbqResult.levels_used_text`
    and the warnings joined by " | " ("" for a row that was not scored), as the ``score``
    command writes them.
    """

    scores: pd.DataFrame
    errors: tuple[SiRowError, ...]
    warned_rows: int
    first_warning: str | None
    levels_used: pd.Series
    warnings: pd.Series


def si_columns_of(df: pd.DataFrame) -> dict[str, tuple[Sequence, str]]:
    """The SI columns of ``df`` (``T2_L3`` -> (T2, "L3")); raises ``ScoreError`` for ``T2_L6``."""
    found: dict[str, tuple[Sequence, str]] = {}
    seen: dict[tuple[Sequence, str], str] = {}
    for col in df.columns:
        parsed = si_column(str(col))
        if parsed is None:
            continue
        if parsed in seen:
            raise ScoreError(
                f"Columns {seen[parsed]!r} and {str(col)!r} both hold the {parsed[0].value} "
                f"{parsed[1]} SI; keep one."
            )
        seen[parsed] = str(col)
        found[str(col)] = parsed
    return found


def _value_matrix(
    df: pd.DataFrame, columns: Mapping[str, tuple[Sequence, str]], source: str, bad_cells: str
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Shape (n, 3, 7): sequence x site (T12..L5, CSF); NaN where not measured. With
    ``bad_cells="row"``, also the rows holding text or an infinite value (else those raise)."""
    values = np.full((len(df), len(MEASURED_SEQUENCES), len(_SITES)), np.nan)
    unreadable = np.zeros(len(df), dtype=bool)
    for col, (seq, site) in columns.items():
        s = MEASURED_SEQUENCES.index(seq)
        if bad_cells == "raise":
            column = numeric_column(df, col, source=source).to_numpy()
        else:
            text = df[col].astype("object").map(lambda v: v.strip() if isinstance(v, str) else v)
            blank = text.map(lambda v: v is None or v == "" or (isinstance(v, float) and v != v))
            parsed = pd.to_numeric(text.mask(blank), errors="coerce")
            column = np.array(parsed, dtype=np.float64)  # a copy: pandas may hand out a view
            unreadable |= ~blank.to_numpy(dtype=bool) & ~np.isfinite(column)
            column[unreadable] = np.nan
        values[:, s, _SITES.index(site)] = column
    return values, unreadable


def _fractured_keys(df: pd.DataFrame, source: str) -> list[frozenset[Level]]:
    """Fractured levels per row from a ``fractured`` column (any case); empty when there is none."""
    col = next((c for c in df.columns if str(c).strip().upper() == "FRACTURED"), None)
    if col is None:
        return [frozenset()] * len(df)
    raw = df[col]
    parsed: dict[Any, frozenset[Level]] = {}
    for value in raw.drop_duplicates().tolist():
        key = "" if value is None or (isinstance(value, float) and math.isnan(value)) else value
        try:
            parsed[key] = parse_fractured(key)
        except ScoreError as err:
            bad = raw.map(lambda v, k=key: v == k).to_numpy()
            raise ScoreError(
                f"{source}: column {str(col)!r}, {row_numbers(df, bad)}: {err}"
            ) from err
    return [
        parsed["" if v is None or (isinstance(v, float) and math.isnan(v)) else v]
        for v in raw.tolist()
    ]


def _valid_rows(values: FloatArray) -> npt.NDArray[np.bool_]:
    """Rows every measured sequence of which ``SequenceMeasurement`` accepts, and T2-STIR is
    defined when both are measured (``compute_vbq`` refuses the whole row otherwise)."""
    present: npt.NDArray[np.bool_] = np.logical_not(np.isnan(values))
    measured = np.asarray(present.any(axis=2), dtype=bool)  # (n, 3)
    ok = np.asarray(measured.any(axis=1), dtype=np.bool_)
    ok &= ~(np.nan_to_num(values, nan=0.0) < 0).any(axis=(1, 2))
    csf = values[:, :, -1]
    ok &= ~(measured & ~(csf > 0)).any(axis=1)  # NaN CSF compares False: missing or <= 0
    t2, stir = MEASURED_SEQUENCES.index(Sequence.T2), MEASURED_SEQUENCES.index(Sequence.STIR)
    both = measured[:, t2] & measured[:, stir]
    with np.errstate(invalid="ignore"):
        ok &= ~(both & ~(csf[:, t2] - csf[:, stir] > 0))
    return ok


def _template(presence: npt.NDArray[np.bool_], fractured: frozenset[Level]) -> CaseMeasurements:
    """A stand-in case with the same SIs present and the same fractured levels."""
    sequences = {}
    for s, seq in enumerate(MEASURED_SEQUENCES):
        if not presence[s].any():
            continue
        levels = {Level(_SITES[k]): 1.0 for k in range(len(Level)) if presence[s, k]}
        sequences[seq] = SequenceMeasurement(seq, levels, _TEMPLATE_CSF[seq])
    return CaseMeasurements(sequences, fractured=fractured)


def _pattern_scores(
    values: FloatArray, result: VbqResult, method: Aggregate
) -> dict[ScoreName, FloatArray]:
    """The scores of rows that share ``result``'s pattern, from their SIs."""
    out: dict[ScoreName, FloatArray] = {}
    t1, t2, stir = (MEASURED_SEQUENCES.index(s) for s in MEASURED_SEQUENCES)
    index = {ScoreName.VBQ_T1: t1, ScoreName.VBQ_T2: t2, ScoreName.VBQ_STIR: stir}
    for name in result.computed:
        cols = [_SITES.index(lv.value) for lv in result.levels_used[name]]
        if name is ScoreName.VBQ_T2_STIR:
            diffs = values[:, t2, cols] - values[:, stir, cols]
            denominator = values[:, t2, -1] - values[:, stir, -1]
            out[name] = vbq_kernel(diffs, denominator, method=method)
        else:
            s = index[name]
            out[name] = vbq_kernel(values[:, s, cols], values[:, s, -1], method=method)
    return out


def _score_one(
    df: pd.DataFrame, position: int, columns: list[str], method: Aggregate
) -> VbqResult | str:
    """``compute_vbq`` on one row: its result, or its own message when it refuses the row."""
    record = {c: df.iloc[position][c] for c in columns}
    try:
        return compute_vbq(CaseMeasurements.from_flat(record), method=method)
    except ScoreError as err:
        return str(err)


def scores_from_si(
    df: pd.DataFrame,
    *,
    method: Aggregate | str = Aggregate.MEAN,
    source: str = "table",
    bad_cells: str = "raise",
    max_worded: int | None = MAX_WORDED_ERRORS,
) -> SiScores:
    """VBQ-T1, -T2, -STIR and -T2-STIR of every row from its SI columns.

    Parameters
    ----------
    df
        One row per patient with SI columns ``{T1|T2|STIR}_{T12|L1..L5|CSF}`` (scanner units;
        any case), optionally ``fractured`` ("L1;L2") and ``csf_level``.
    method
        Aggregate of the bodies used: "mean" (Huang et al. 2026) or "median" (Ehresman et al.).
    source
        What messages call the table.
    bad_cells : {"raise", "row"}
        Text or an infinite value in an SI cell: refuse the table (the cohort explorer, which
        names the rows), or refuse only that row with ``compute_vbq``'s own message (the
        ``score`` command, which scores every other row).
    max_worded
        Refused rows re-run through ``compute_vbq`` for their exact message; beyond, a generic
        one. ``None`` words them all.

    Returns
    -------
    SiScores
        Scores identical (to the last bit) to ``compute_vbq(CaseMeasurements.from_flat(row))``
        for every row; a row that cannot be scored gets NaN and an entry in ``errors``.

    Raises
    ------
    ScoreError
        No SI column, two columns for one SI, an unknown level (``T2_L6``), text in a
        ``fractured`` cell that is not a level list.
    StatsInputError
        Text in an SI column (the rows are named).
    """
    try:
        agg = Aggregate(str(method).lower())
    except ValueError as err:
        raise ScoreError(f"method {method!r}: use 'mean' or 'median'.") from err
    try:
        columns = si_columns_of(df)
    except ScoreError as err:
        raise ScoreError(f"{source}: {err}") from err
    if not columns:
        raise ScoreError(
            f"{source}: no SI columns. Name them {{T1|T2|STIR}}_{{T12|L1..L5|CSF}}, e.g. "
            "T2_L1 ... T2_L4 and T2_CSF."
        )
    if bad_cells not in ("raise", "row"):
        raise ScoreError(f"bad_cells={bad_cells!r}: use 'raise' or 'row'.")
    values, unreadable = _value_matrix(df, columns, source, bad_cells)
    fractured = _fractured_keys(df, source)
    out = np.full((len(df), len(ScoreName)), np.nan)
    levels_text = np.full(len(df), "", dtype=object)
    warning_text = np.full(len(df), "", dtype=object)
    bad = ~_valid_rows(values) | unreadable
    csf_col = next((c for c in df.columns if str(c).strip().upper() == "CSF_LEVEL"), None)
    if csf_col is not None:  # compute_vbq refuses a CSF level other than L2-L4
        text = df[csf_col].map(lambda v: "" if pd.isna(v) else str(v).strip().upper())
        bad |= ~text.isin(["", "NA", "N/A", "NAN", "NONE", "NULL", "L2", "L3", "L4"]).to_numpy()
    presence = ~np.isnan(values)
    bits = presence.reshape(len(df), -1) @ (1 << np.arange(presence[0].size, dtype=np.int64))
    keys = pd.DataFrame({"bits": bits, "frac": [";".join(sorted(f)) for f in fractured]})
    warned, first_warning = 0, None
    valid = np.flatnonzero(~bad)
    for idx in keys.iloc[valid].groupby(["bits", "frac"], sort=False).indices.values():
        rows = valid[idx]
        try:
            template = compute_vbq(_template(presence[rows[0]], fractured[rows[0]]), method=agg)
        except ScoreError:
            bad[rows] = True  # e.g. no usable level: let compute_vbq word it per row
            continue
        if template.warnings:
            warned += rows.size
            first_warning = first_warning or template.warnings[0]
        levels_text[rows] = template.levels_used_text()
        warning_text[rows] = " | ".join(template.warnings)
        for name, computed in _pattern_scores(values[rows], template, agg).items():
            out[rows, list(ScoreName).index(name)] = computed
    errors = []
    extra = [c for c in df.columns if str(c).strip().upper() in ("FRACTURED", "CSF_LEVEL")]
    for count, position in enumerate(np.flatnonzero(bad)):
        if max_worded is not None and count >= max_worded:
            errors.append(SiRowError(int(position) + 2, _UNWORDED))
            continue
        one = _score_one(df, int(position), [*columns, *extra], agg)
        if isinstance(one, str):
            errors.append(SiRowError(int(position) + 2, one))
            continue
        out[position] = [np.nan if v is None else v for v in (one.score(s) for s in ScoreName)]
        levels_text[position] = one.levels_used_text()
        warning_text[position] = " | ".join(one.warnings)
        if one.warnings:
            warned += 1
            first_warning = first_warning or one.warnings[0]
    scores = pd.DataFrame(out, columns=[s.value for s in ScoreName], index=df.index)
    if errors:
        logger.info("%s: %d rows could not be scored from their SIs", source, len(errors))
    return SiScores(
        scores,
        tuple(errors),
        warned,
        first_warning,
        levels_used=pd.Series(levels_text, index=df.index, dtype=object),
        warnings=pd.Series(warning_text, index=df.index, dtype=object),
    )
