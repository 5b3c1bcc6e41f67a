"""The column mapping of a cohort table: which column is the group, sex, age, BMI, DEXA, each score.

:func:`guess_mapping` reads the usual names (``group``, ``sex``, ``age``, ``vbq_t2``, ``T2_L1``);
:func:`default_mapping` combines a guess with the mapping already in use, so that uploading a
second file of the same layout keeps what the user chose.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from vbqcore.cohort.scores import si_columns_of
from vbqcore.columns import value_label
from vbqcore.errors import CohortError
from vbqcore.measurements import si_column
from vbqcore.vbq import Aggregate, ScoreName

__all__ = ["ScoreSource", "ColumnMapping", "guess_mapping", "default_mapping"]

logger = logging.getLogger(__name__)

_GROUP_NAMES = ("group", "outcome", "fracture", "ovcf", "case", "status", "class")
_POSITIVE_WORDS = ("fracture", "fractured", "ovcf", "case", "yes", "true", "1", "positive")
#: DEXA result columns: a BMD, or a T-/Z-score (``fn_t``, ``l14_z``, ``neck_tscore``).
_DEXA = re.compile(r"(bmd|(^|_)(t|z)$|[tz]_?score$)", re.IGNORECASE)


class ScoreSource(StrEnum):
    """Where the scores come from: columns of the table, or computed from per-level SIs."""

    COLUMNS = "columns"
    SI = "si"


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a table plays which part. Hashable: a cache key.

    ``positive`` is the value of ``group`` that marks a case (compared as text: "1" matches 1).
    ``scores`` pairs a score name with its column (``ScoreSource.COLUMNS``); with
    ``ScoreSource.SI`` the scores are computed from the ``{T1|T2|STIR}_{level}`` columns by
    ``method`` and ``scores`` is ignored.
    """

    group: str
    positive: str
    sex: str | None = None
    age: str | None = None
    bmi: str | None = None
    dexa: tuple[str, ...] = ()
    scores: tuple[tuple[str, str], ...] = ()
    score_source: ScoreSource = ScoreSource.COLUMNS
    method: Aggregate = Aggregate.MEAN

    def __post_init__(self) -> None:
        object.__setattr__(self, "dexa", tuple(str(c) for c in self.dexa))
        pairs = []
        for name, col in self.scores:
            try:
                pairs.append((ScoreName(str(name)).value, str(col)))
            except ValueError as err:
                known = ", ".join(s.value for s in ScoreName)
                raise CohortError(f"unknown score {name!r}; use one of {known}.") from err
        object.__setattr__(self, "scores", tuple(pairs))
        object.__setattr__(self, "score_source", ScoreSource(self.score_source))
        object.__setattr__(self, "method", Aggregate(self.method))

    @property
    def score_columns(self) -> dict[ScoreName, str]:
        return {ScoreName(name): col for name, col in self.scores}

    def columns(self) -> list[str]:
        """Every column the mapping names (the SI columns are found by their names)."""
        named = [self.group, self.sex, self.age, self.bmi, *self.dexa]
        if self.score_source is ScoreSource.COLUMNS:
            named += [col for _, col in self.scores]
        return [c for c in dict.fromkeys(named) if c]

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "positive": self.positive,
            "sex": self.sex,
            "age": self.age,
            "bmi": self.bmi,
            "dexa": list(self.dexa),
            "scores": dict(self.scores),
            "score_source": self.score_source.value,
            "method": self.method.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """Inverse of :meth:`to_dict`; unknown keys are ignored, missing optional ones empty."""
        if not data.get("group") or data.get("positive") is None:
            raise CohortError("a column mapping needs 'group' and 'positive'.")
        raw_scores = data.get("scores") or {}
        pairs = raw_scores.items() if isinstance(raw_scores, Mapping) else raw_scores
        return cls(
            group=str(data["group"]),
            positive=str(data["positive"]),
            sex=data.get("sex") or None,
            age=data.get("age") or None,
            bmi=data.get("bmi") or None,
            dexa=tuple(data.get("dexa") or ()),
            scores=tuple((str(k), str(v)) for k, v in pairs),
            score_source=ScoreSource(data.get("score_source") or ScoreSource.COLUMNS),
            method=Aggregate(data.get("method") or Aggregate.MEAN),
        )


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _labels(series: pd.Series) -> list[str]:
    return sorted({value_label(v) for v in series.dropna().tolist()} - {""})


def _guess_positive(values: list[str]) -> str | None:
    for word in _POSITIVE_WORDS:
        for value in values:
            if value.casefold() == word:
                return value
    return None


def guess_mapping(df: pd.DataFrame) -> dict[str, Any]:
    """Best guesses for a mapping from column names, as :meth:`ColumnMapping.to_dict` keys.

    ``group`` is a column named like "group"/"outcome"/"fracture" with two values; ``positive``
    the one that reads like a case ("fracture", "1", "yes"); ``sex``, ``age``, ``bmi`` by name;
    DEXA columns ending in BMD, T or Z; scores named ``vbq_t1`` (any case, "-" or " " for "_").
    With no score column but SI columns, ``score_source`` is "si". Missing guesses are None.
    """
    by_norm = {_norm(c): str(c) for c in df.columns}
    guess: dict[str, Any] = {"group": None, "positive": None}
    for name in _GROUP_NAMES:
        col = by_norm.get(name)
        if col is not None and len(_labels(df[col])) == 2:
            guess["group"], guess["positive"] = col, _guess_positive(_labels(df[col]))
            break
    guess["sex"] = by_norm.get("sex") or by_norm.get("gender")
    guess["age"] = by_norm.get("age") or by_norm.get("age_years")
    guess["bmi"] = by_norm.get("bmi")
    scores = {s.value: by_norm[s.value] for s in ScoreName if s.value in by_norm}
    has_si = _has_si(df)
    guess["scores"] = scores
    guess["score_source"] = ScoreSource.SI.value if not scores and has_si else "columns"
    taken = {guess["group"], guess["sex"], guess["age"], guess["bmi"], *scores.values()}
    guess["dexa"] = [
        str(c)
        for c in df.columns
        if str(c) not in taken and _DEXA.search(str(c)) and _si_column_or_none(str(c)) is None
    ]
    guess["method"] = Aggregate.MEAN.value
    return guess


def default_mapping(
    df: pd.DataFrame, *, name: str, preferred: Mapping[str, Any] | None = None
) -> ColumnMapping:
    """The mapping to try first on a new table: ``preferred`` (the mapping in use, or one sent
    with the table) wherever its columns exist in ``df``, else :func:`guess_mapping`.

    Raises
    ------
    CohortError
        No group column, no recognisable positive value, or neither score nor SI columns; the
        message says what was looked for and lists the available columns.
    """
    merged = guess_mapping(df)
    present = {str(c) for c in df.columns}
    prefs = dict(preferred or {})
    for role in ("group", "sex", "age", "bmi"):
        if prefs.get(role) in present:
            merged[role] = prefs[role]
    if prefs.get("dexa") and all(c in present for c in prefs["dexa"]):
        merged["dexa"] = list(prefs["dexa"])
    scores = dict(prefs.get("scores") or {})
    if prefs.get("score_source") == ScoreSource.SI.value and _has_si(df):
        merged["score_source"] = ScoreSource.SI.value
    elif scores and all(c in present for c in scores.values()):
        merged["scores"], merged["score_source"] = scores, ScoreSource.COLUMNS.value
    if prefs.get("method"):
        merged["method"] = prefs["method"]
    group = merged.get("group")
    if group and group == prefs.get("group") and str(prefs.get("positive")) in _labels(df[group]):
        merged["positive"] = str(prefs["positive"])
    available = ", ".join(repr(str(c)) for c in df.columns)
    if not merged.get("group"):
        looked = ", ".join(repr(n) for n in _GROUP_NAMES)
        raise CohortError(
            f"{name}: no group column (fracture/control) found: looked for a column named "
            f"{looked} with two values. Available columns: {available}. Choose the group "
            "column under 'Column mapping'."
        )
    if merged.get("positive") is None:
        values = ", ".join(_labels(df[merged["group"]]))
        raise CohortError(
            f"{name}: which value of column {merged['group']!r} marks a case ({values})? "
            "Choose it under 'Column mapping'."
        )
    if merged["score_source"] != ScoreSource.SI.value and not merged.get("scores"):
        raise CohortError(
            f"{name}: no score column (vbq_t1, vbq_t2, vbq_stir, vbq_t2_stir) and no SI columns "
            f"(T2_L1 ... T2_CSF). Available columns: {available}. Map the scores under "
            "'Column mapping'."
        )
    return ColumnMapping.from_dict(merged)


def _has_si(df: pd.DataFrame) -> bool:
    try:
        return bool(si_columns_of(df))
    except ValueError:  # ScoreError for a column such as T2_L6: prepare_cohort will say so
        return False


def _si_column_or_none(name: str) -> object | None:
    """``vbqcore.measurements.si_column`` that answers "not an SI column" instead of raising."""
    try:
        return si_column(name)
    except ValueError:
        return None
