"""Which columns a logistic regression offers as predictors, and sex as a 0/1 predictor.

A cohort table holds more numbers than predictors: patient numbers and row indices
(``id``, ``case_row``, ``pair_id``) and, when the scores were read from score columns, the raw
signal intensities they came from (``T2_L1`` …, arbitrary scanner units). Neither belongs in a
model by default (issue 12); sex does, coded 1 for men and 0 for women, as Huang et al. 2026
adjusted for it (Table 4).
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from vbqcore.cohort.table import SEX, Cohort
from vbqcore.measurements import si_column
from vbqcore.vbq import ScoreName

__all__ = [
    "MALE_SEX",
    "MALE_SEX_LABEL",
    "is_identifier",
    "offered_predictors",
    "hidden_predictors",
    "default_predictors",
    "male_indicator",
]

logger = logging.getLogger(__name__)

#: The predictor name standing for sex (1 = male, 0 = female).
MALE_SEX = SEX
#: How tables name it.
MALE_SEX_LABEL = "Male sex (vs female)"

_ID_WORDS = re.compile(
    r"(^|[_\s-])(id|ids|mrn|pid|uid|accession|row|rows|index|idx|case_row|pair_id|pair|record|"
    r"number|no|nr|patient|subject|study)([_\s-]|$)",
    re.IGNORECASE,
)


def is_identifier(name: str, values: pd.Series) -> bool:
    """A patient number or row index: named like one (``id``, ``case_row``, ``pair_id``,
    ``patient_no``) or whole numbers all different and evenly spaced (1, 2, 3 …).

    >>> is_identifier("case_row", pd.Series([4, 9, 2])), is_identifier("age", pd.Series([70, 71]))
    (True, False)
    """
    if _ID_WORDS.search(name):
        return True
    numbers = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=np.float64)
    if numbers.size < 3 or not np.all(numbers == np.round(numbers)):
        return False
    ordered = np.sort(numbers)
    steps = np.diff(ordered)
    return bool(np.all(steps == 1.0) and numbers.size == len(values))


def _raw_si(name: str) -> bool:
    try:
        return si_column(name) is not None
    except ValueError:  # a malformed SI name (T2_L6) is still an SI column
        return True


def hidden_predictors(cohort: Cohort) -> tuple[str, ...]:
    """Numeric columns not offered by default: identifiers and raw SI columns."""
    frame = cohort.frame
    return tuple(c for c in cohort.numeric_columns() if _raw_si(c) or is_identifier(c, frame[c]))


def offered_predictors(cohort: Cohort, *, include_hidden: bool = False) -> tuple[str, ...]:
    """Predictors offered: sex (when the table has it), then the numeric columns without
    identifiers and raw SI (unless ``include_hidden``)."""
    hidden = set() if include_hidden else set(hidden_predictors(cohort))
    numeric = [c for c in cohort.numeric_columns() if c not in hidden]
    return tuple([MALE_SEX] if cohort.has_sex else []) + tuple(numeric)


def default_predictors(cohort: Cohort) -> tuple[str, ...]:
    """The VBQ scores of the table (Huang et al. 2026 Table 4 models each score)."""
    return tuple(s.value for s in cohort.scores if s in ScoreName)


def male_indicator(frame: pd.DataFrame) -> pd.Series:
    """1.0 for men, 0.0 for women, NaN when sex is unknown (the model drops that row)."""
    sex = frame[SEX].astype("object").to_numpy()
    coded = np.where(sex == "M", 1.0, np.where(sex == "F", 0.0, np.nan))
    return pd.Series(coded, index=frame.index, dtype=np.float64, name=MALE_SEX_LABEL)
