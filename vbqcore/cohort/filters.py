"""Filters of a cohort (sex, age, BMI, DEXA, any categorical column) and its subgroups.

A :class:`CohortFilters` is frozen and hashable, so the app caches every analysis on it.
Subgroups follow Huang et al. 2026 Table 1, which repeats the comparison for women and men alone;
age bands extend that to age.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.anatomy import Sex
from vbqcore.cohort.table import AGE, BMI, GROUP, SEX, Cohort
from vbqcore.columns import value_label
from vbqcore.errors import CohortError

__all__ = [
    "BLANK",
    "DEFAULT_AGE_EDGES",
    "DexaFilter",
    "CohortFilters",
    "Subgroup",
    "filter_mask",
    "apply_filters",
    "group_counts",
    "filter_columns",
    "column_values",
    "age_band_labels",
    "split_subgroups",
    "parse_age_edges",
]

logger = logging.getLogger(__name__)

BoolArray = npt.NDArray[np.bool_]

#: How a blank cell is offered in a categorical filter.
BLANK = "(blank)"
#: Default age bands: < 65, 65 to < 75, >= 75 years (the paper's patients were all over 55).
DEFAULT_AGE_EDGES: tuple[float, ...] = (65.0, 75.0)
#: A categorical filter is offered for extra columns with at most this many values.
_MAX_LEVELS = 20

_SEX_NAMES = {Sex.F: "women", Sex.M: "men"}


class DexaFilter(StrEnum):
    """Keep everyone, only patients with any DEXA result, or only those without."""

    ANY = "any"
    WITH = "with"
    WITHOUT = "without"


@dataclass(frozen=True)
class CohortFilters:
    """Which rows to keep. ``None`` and empty mean "no restriction".

    ``age`` and ``bmi`` are closed ranges (years, kg/m²); a row with no value is dropped by an
    active range. ``categories`` pairs a column with the values kept (as :func:`column_values`
    spells them, ``BLANK`` for an empty cell).
    """

    sex: Sex | None = None
    age: tuple[float, float] | None = None
    bmi: tuple[float, float] | None = None
    dexa: DexaFilter = DexaFilter.ANY
    categories: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "sex", None if self.sex is None else Sex(self.sex))
        object.__setattr__(self, "dexa", DexaFilter(self.dexa))
        for name in ("age", "bmi"):
            bounds = getattr(self, name)
            if bounds is not None:
                low, high = (float(v) for v in bounds)
                if not (math.isfinite(low) and math.isfinite(high)) or low > high:
                    raise CohortError(f"{name} filter {bounds!r}: give low <= high.")
                object.__setattr__(self, name, (low, high))
        cats = tuple((str(c), tuple(str(v) for v in vals)) for c, vals in self.categories)
        object.__setattr__(self, "categories", cats)

    @property
    def active(self) -> bool:
        return self != CohortFilters()

    def describe(self) -> str:
        """One line for a caption or a file name's context: "women, age 60–80, with DEXA"."""
        parts = []
        if self.sex is not None:
            parts.append(_SEX_NAMES[self.sex])
        if self.age is not None:
            parts.append(f"age {self.age[0]:g}–{self.age[1]:g}")
        if self.bmi is not None:
            parts.append(f"BMI {self.bmi[0]:g}–{self.bmi[1]:g}")
        if self.dexa is not DexaFilter.ANY:
            parts.append(f"{self.dexa.value} DEXA")
        parts += [f"{col}: {', '.join(vals) or 'none'}" for col, vals in self.categories]
        return ", ".join(parts) or "all patients"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sex": None if self.sex is None else self.sex.value,
            "age": None if self.age is None else list(self.age),
            "bmi": None if self.bmi is None else list(self.bmi),
            "dexa": self.dexa.value,
            "categories": {col: list(vals) for col, vals in self.categories},
        }


def _label(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return BLANK
    text = value_label(value)
    return text if text else BLANK


def _labels(column: pd.Series) -> pd.Series:
    return column.map(_label)


def _within(values: pd.Series, bounds: tuple[float, float]) -> BoolArray:
    return ((values >= bounds[0]) & (values <= bounds[1])).to_numpy(dtype=bool)


def filter_mask(cohort: Cohort, filters: CohortFilters) -> BoolArray:
    """True for the rows of ``cohort.frame`` the filters keep.

    Raises ``CohortError`` when a filter needs a column the cohort does not have (a sex filter
    with sex unmapped, a categorical filter on a column that is not there).
    """
    frame = cohort.frame
    keep = np.ones(len(frame), dtype=bool)
    needed = {
        SEX: filters.sex is not None,
        AGE: filters.age is not None,
        BMI: filters.bmi is not None,
    }
    for col, wanted in needed.items():
        if wanted and col not in frame.columns:
            raise CohortError(f"{cohort.name}: no {col} column is mapped; clear the {col} filter.")
    if filters.sex is not None:
        keep &= (frame[SEX] == filters.sex.value).to_numpy(dtype=bool)
    if filters.age is not None:
        keep &= _within(frame[AGE], filters.age)
    if filters.bmi is not None:
        keep &= _within(frame[BMI], filters.bmi)
    if filters.dexa is not DexaFilter.ANY:
        if not cohort.dexa:
            raise CohortError(f"{cohort.name}: no DEXA column is mapped; clear the DEXA filter.")
        has = frame[list(cohort.dexa)].notna().any(axis=1).to_numpy(dtype=bool)
        keep &= has if filters.dexa is DexaFilter.WITH else ~has
    for col, values in filters.categories:
        if col not in frame.columns:
            raise CohortError(f"{cohort.name}: no column {col!r} to filter on; clear that filter.")
        keep &= _labels(frame[col]).isin(values).to_numpy(dtype=bool)
    return keep


def apply_filters(cohort: Cohort, filters: CohortFilters) -> pd.DataFrame:
    """The rows of ``cohort.frame`` the filters keep (a new frame; the cohort is untouched)."""
    if not filters.active:
        return cohort.frame
    return cohort.frame.loc[filter_mask(cohort, filters)].reset_index(drop=True)


def group_counts(frame: pd.DataFrame, cohort: Cohort) -> dict[str, int]:
    """Patients per group, cases first: ``{"fracture": 84, "control": 84}``."""
    counts = frame[GROUP].value_counts()
    return {g: int(counts.get(g, 0)) for g in cohort.groups}


def filter_columns(cohort: Cohort, *, max_levels: int = _MAX_LEVELS) -> tuple[str, ...]:
    """Extra columns offered as categorical filters: 2 to ``max_levels`` distinct values and not
    one value per row (an identifier)."""
    out = []
    frame = cohort.frame
    for col in cohort.extra:
        distinct = frame[col].nunique(dropna=True)
        if 2 <= distinct <= max_levels and distinct < max(len(frame), 3):
            out.append(col)
    return tuple(out)


def column_values(cohort: Cohort, col: str) -> tuple[str, ...]:
    """The values of ``col`` as a filter offers them (sorted; ``BLANK`` last if any)."""
    labels = set(_labels(cohort.frame[col]).tolist())
    blank = [BLANK] if BLANK in labels else []
    return tuple(sorted(labels - {BLANK}) + blank)


@dataclass(frozen=True, eq=False)
class Subgroup:
    """Rows of a filtered frame that form one subgroup: ``kind`` "sex" or "age"."""

    kind: str
    label: str
    mask: BoolArray

    @property
    def n(self) -> int:
        return int(self.mask.sum())


def parse_age_edges(text: str) -> tuple[float, ...]:
    """Read age band edges typed as "65, 75" (years, increasing)."""
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        edges = tuple(float(p) for p in parts)
    except ValueError as err:
        raise CohortError(f"age bands {text!r}: give increasing ages such as '65, 75'.") from err
    if not edges or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise CohortError(f"age bands {text!r}: give increasing ages such as '65, 75'.")
    if any(not math.isfinite(e) for e in edges):
        raise CohortError(f"age bands {text!r}: the ages must be finite numbers.")
    return edges


def age_band_labels(edges: Sequence[float]) -> tuple[str, ...]:
    """Labels of the bands cut at ``edges``: "age < 65", "age 65 to < 75", "age ≥ 75"."""
    cuts = [float(e) for e in edges]
    labels = [f"age < {cuts[0]:g}"]
    labels += [f"age {a:g} to < {b:g}" for a, b in zip(cuts, cuts[1:], strict=False)]
    labels.append(f"age ≥ {cuts[-1]:g}")
    return tuple(labels)


def split_subgroups(
    frame: pd.DataFrame,
    *,
    by_sex: bool = True,
    age_edges: Sequence[float] | None = DEFAULT_AGE_EDGES,
) -> tuple[Subgroup, ...]:
    """Women and men (when ``frame`` has sex), then one band per age interval [a, b) (when it
    has age and ``age_edges`` is given). Rows with no sex or age fall in no subgroup."""
    out: list[Subgroup] = []
    if by_sex and SEX in frame.columns:
        for sex in Sex:
            mask = (frame[SEX] == sex.value).to_numpy(dtype=bool)
            out.append(Subgroup("sex", _SEX_NAMES[sex].capitalize(), mask))
    if age_edges and AGE in frame.columns:
        age = frame[AGE].to_numpy(dtype=np.float64)
        bounds = [-math.inf, *(float(e) for e in age_edges), math.inf]
        for label, low, high in zip(age_band_labels(age_edges), bounds, bounds[1:], strict=False):
            with np.errstate(invalid="ignore"):
                out.append(Subgroup("age", label, (age >= low) & (age < high)))
    return tuple(out)
