"""A cohort table mapped for analysis: which column is the group, sex, age, BMI, DEXA, each score.

:func:`prepare_cohort` turns any table (the demo cohort, an upload, the matching page's matched
set) and a :class:`ColumnMapping` into a :class:`Cohort` whose frame has fixed column names
(``group``, ``sex``, ``age``, ``bmi``, ``vbq_t1`` ...), so that the filters and every analysis
work on one shape. Validation errors name the column and the spreadsheet rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vbqcore.anatomy import Sex
from vbqcore.cohort.mapping import ColumnMapping, ScoreSource, default_mapping, guess_mapping
from vbqcore.cohort.scores import scores_from_si, si_columns_of
from vbqcore.columns import (
    binary_outcome,
    describe_values,
    numeric_column,
    require_columns,
    row_numbers,
)
from vbqcore.errors import CohortError
from vbqcore.vbq import ScoreName

__all__ = [
    "GROUP",
    "SEX",
    "AGE",
    "BMI",
    "ROW",
    "PAPER_SCORES",
    "ScoreSource",
    "ColumnMapping",
    "Cohort",
    "guess_mapping",
    "default_mapping",
    "prepare_cohort",
]

logger = logging.getLogger(__name__)

#: Fixed column names of ``Cohort.frame``.
GROUP, SEX, AGE, BMI, ROW = "group", "sex", "age", "bmi", "row"
#: The three scores Huang et al. 2026 compare (Tables 2-4): the ROC view's default.
PAPER_SCORES: tuple[ScoreName, ...] = (ScoreName.VBQ_T1, ScoreName.VBQ_T2, ScoreName.VBQ_T2_STIR)

#: Plausible ranges; a value outside is a unit or typing error (age in months, BMI x 10).
_AGE_RANGE, _BMI_RANGE = (0.0, 120.0), (8.0, 100.0)
#: Text columns with at most this many values are stored as categories (fast filters).
_FEW_VALUES = 50


@dataclass(frozen=True, eq=False)
class Cohort:
    """A validated table: ``frame`` has ``row`` (spreadsheet row, header = 1), ``group`` (the
    ``positive`` or ``negative`` label), ``sex`` ("F"/"M"), ``age`` (years), ``bmi`` (kg/m²)
    when mapped, the DEXA columns under their own names, one column per score (``vbq_t2``), then
    every other column of the table (``extra``) for filters and Table 1. Never mutate it.
    """

    name: str
    frame: pd.DataFrame
    mapping: ColumnMapping
    positive: str
    negative: str
    scores: tuple[ScoreName, ...]
    dexa: tuple[str, ...]
    extra: tuple[str, ...]
    notes: tuple[str, ...] = ()
    synthetic: bool = False
    n_rows_read: int = 0
    si_errors: tuple[str, ...] = ()

    @property
    def groups(self) -> tuple[str, str]:
        """(positive, negative): the order of every table (fracture before control)."""
        return self.positive, self.negative

    @property
    def has_sex(self) -> bool:
        return SEX in self.frame.columns

    @property
    def has_age(self) -> bool:
        return AGE in self.frame.columns

    @property
    def has_bmi(self) -> bool:
        return BMI in self.frame.columns

    def numeric_columns(self) -> tuple[str, ...]:
        """Columns a regression or Table 1 can use as continuous: age, BMI, DEXA, scores, and
        numeric extra columns."""
        fixed = [c for c in (AGE, BMI) if c in self.frame.columns]
        extra = [c for c in self.extra if pd.api.types.is_numeric_dtype(self.frame[c].dtype)]
        return tuple([*fixed, *self.dexa, *(s.value for s in self.scores), *extra])


def _categorical(values: pd.Series) -> pd.Series:
    """``values`` as a pandas Categorical: per-value work (labels, filters, the group tests'
    text handling) then runs once per category instead of once per row."""
    return values.astype("category")


def _sex(df: pd.DataFrame, col: str, source: str) -> pd.Series:
    raw = _categorical(df[col])
    codes: dict[Any, str | None] = {}
    for c in raw.cat.categories:
        sex = Sex.parse(c)
        codes[c] = "?" if sex is None else sex.value
    codes |= {c: None for c in raw.cat.categories if str(c).strip() == ""}
    bad = raw.isin([c for c, code in codes.items() if code == "?"]).to_numpy()
    if bad.any():
        shown = describe_values(df[col][bad].astype(str))
        raise CohortError(
            f"{source}: column {col!r} (sex) must hold F/M (or female/male, 女/男) but has "
            f"{shown} in {row_numbers(df, bad)}. Recode those cells or leave sex unmapped."
        )
    mapped = raw.map(codes)  # once per category; two spellings of a sex may merge
    return pd.Series(pd.Categorical(mapped.astype("object"), categories=["F", "M"]), index=df.index)


def _ranged(
    df: pd.DataFrame, col: str, role: str, bounds: tuple[float, float], source: str
) -> pd.Series:
    values = numeric_column(df, col, source=source)
    low, high = bounds
    bad = ((values < low) | (values > high)).to_numpy()
    if bad.any():
        raise CohortError(
            f"{source}: column {col!r} ({role}) has values outside {low:g}-{high:g} in "
            f"{row_numbers(df, bad)}; check the unit or the cells."
        )
    return values


def _score(df: pd.DataFrame, col: str, name: ScoreName, source: str) -> pd.Series:
    values = numeric_column(df, col, source=source)
    if name is not ScoreName.VBQ_T2_STIR:  # a ratio of MR magnitudes cannot be negative
        bad = (values < 0).to_numpy()
        if bad.any():
            raise CohortError(
                f"{source}: column {col!r} ({name.label}) is negative in {row_numbers(df, bad)}; "
                "a VBQ score is a ratio of signal intensities (>= 0)."
            )
    return values


def _si_scores(
    df: pd.DataFrame, mapping: ColumnMapping, source: str
) -> tuple[pd.DataFrame, tuple[str, ...], list[str]]:
    result = scores_from_si(df, method=mapping.method, source=source)
    errors = tuple(f"row {e.row}: {e.message}" for e in result.errors)
    notes = []
    if errors:
        notes.append(
            f"{len(errors)} row(s) could not be scored from their SIs and have no scores "
            f"(first: {errors[0]})."
        )
    if result.warned_rows:
        notes.append(f"{result.warned_rows} row(s) scored with a warning ({result.first_warning}).")
    computed = result.scores.loc[:, result.scores.notna().any(axis=0)]
    return computed, errors, notes


def prepare_cohort(
    df: pd.DataFrame, mapping: ColumnMapping, *, name: str = "table", synthetic: bool = False
) -> Cohort:
    """Validate ``df`` against ``mapping`` and build the :class:`Cohort` every analysis uses.

    Rows with a blank group are left out (a note names them). Sex is read by
    :meth:`vbqcore.anatomy.Sex.parse` (F/M, female/male, 女/男 ...); age must lie in 0-120 years
    and BMI in 8-100 kg/m²; scores are numbers, and VBQ-T1/-T2/-STIR non-negative.

    Raises
    ------
    CohortError
        A mapped column is missing (the message lists the available ones), sex values that are
        not F/M, ages or BMIs out of range, negative scores, no score at all.
    StatsInputError
        The group column does not hold exactly two values or ``positive`` is not one of them;
        text in a numeric column (rows named).
    ScoreError
        ``ScoreSource.SI`` with no SI column or a malformed one.
    """
    require_columns(df, mapping.columns(), source=name)
    if mapping.score_source is ScoreSource.COLUMNS and not mapping.scores:
        raise CohortError(
            f"{name}: no score column mapped. Map at least one of "
            f"{', '.join(s.value for s in ScoreName)}, or compute the scores from the SI columns."
        )
    table = df.reset_index(drop=True)
    grouping = pd.DataFrame({mapping.group: _categorical(table[mapping.group])})
    outcome = binary_outcome(grouping, mapping.group, positive=mapping.positive, source=name)
    notes: list[str] = []
    blank = outcome.y.isna().to_numpy()
    if blank.any():
        notes.append(
            f"{int(blank.sum())} row(s) with a blank group left out: {row_numbers(table, blank)}."
        )
    out: dict[str, Any] = {ROW: np.arange(2, len(table) + 2, dtype=np.int64)}
    is_case = outcome.y.to_numpy() == 1.0
    out[GROUP] = pd.Categorical(
        np.where(is_case, outcome.positive, outcome.negative),
        categories=[outcome.positive, outcome.negative],
    )
    if mapping.sex:
        out[SEX] = _sex(table, mapping.sex, name).array
    if mapping.age:
        out[AGE] = _ranged(table, mapping.age, "age in years", _AGE_RANGE, name).to_numpy()
    if mapping.bmi:
        out[BMI] = _ranged(table, mapping.bmi, "BMI in kg/m²", _BMI_RANGE, name).to_numpy()
    for col in mapping.dexa:
        out[col] = numeric_column(table, col, source=name).to_numpy()
    si_errors: tuple[str, ...] = ()
    if mapping.score_source is ScoreSource.SI:
        computed, si_errors, si_notes = _si_scores(table, mapping, name)
        notes += si_notes
        for col in computed.columns:
            out[col] = computed[col].to_numpy()
    else:
        for score, col in mapping.score_columns.items():
            out[score.value] = _score(table, col, score, name).to_numpy()
    scores = tuple(s for s in ScoreName if s.value in out)
    if not scores:
        raise CohortError(f"{name}: no VBQ score could be computed from the SI columns.")
    used = set(mapping.columns())
    extra = [str(c) for c in table.columns if str(c) not in used and str(c) not in out]
    if mapping.score_source is ScoreSource.SI:
        si = set(si_columns_of(table))
        extra = [c for c in extra if c not in si]
    for col in extra:
        column = table[col]
        few = not pd.api.types.is_numeric_dtype(column.dtype) and column.nunique() <= _FEW_VALUES
        out[col] = (_categorical(column) if few else column).array
    kept = ~blank
    frame = pd.DataFrame(out).loc[kept].reset_index(drop=True)
    logger.debug("cohort %s: %d of %d rows kept", name, int(kept.sum()), len(table))
    return Cohort(
        name=name,
        frame=frame,
        mapping=mapping,
        positive=outcome.positive,
        negative=outcome.negative,
        scores=scores,
        dexa=mapping.dexa,
        extra=tuple(extra),
        notes=tuple(notes),
        synthetic=synthetic,
        n_rows_read=len(table),
        si_errors=si_errors,
    )
