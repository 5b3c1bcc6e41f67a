"""Readable column names for tables shown or exported (the CLI's JSON keeps the machine keys).

``bias_ci_low`` → "Bias, 95% CI low", ``n_incomplete`` → "Pairs with a missing reading",
``case_row`` → "Case row in file"; unknown snake_case keys become sentence case with the
usual abbreviations (CI, SD, ICC, LoA, BMI, VBQ). Missing cells (None, NaN) show as blank.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

__all__ = ["COLUMN_LABELS", "human_label", "human_table"]

logger = logging.getLogger(__name__)

#: Machine key → the heading a reader expects.
COLUMN_LABELS: dict[str, str] = {
    "sequence": "Sequence",
    "structure": "Structure",
    "difference": "Difference",
    "n": "n",
    "n_incomplete": "Pairs with a missing reading",
    "bias": "Bias (mean difference)",
    "bias_ci_low": "Bias, 95% CI low",
    "bias_ci_high": "Bias, 95% CI high",
    "sd": "SD of the differences",
    "loa_low": "Lower limit of agreement",
    "loa_low_ci_low": "Lower limit, 95% CI low",
    "loa_low_ci_high": "Lower limit, 95% CI high",
    "loa_high": "Upper limit of agreement",
    "loa_high_ci_low": "Upper limit, 95% CI low",
    "loa_high_ci_high": "Upper limit, 95% CI high",
    "proportional_bias_slope": "Proportional bias, slope",
    "proportional_bias_p": "Proportional bias, p",
    "within_acceptance": "Within the acceptance limits",
    "icc_type": "ICC type",
    "model": "Model",
    "icc": "ICC",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "f": "F",
    "df1": "df1",
    "df2": "df2",
    "p": "p",
    "verdict": "Verdict",
    "explanation": "Explanation",
    "pair_id": "Pair",
    "case_row": "Case row in file",
    "control_row": "Control row in file",
    "case_id": "Case ID",
    "control_id": "Control ID",
    "case_age": "Case age (years)",
    "control_age": "Control age (years)",
    "age_gap": "Age gap (years)",
    "case_date": "Case MR date",
    "control_date": "Control MR date",
    "date_gap_days": "MR date gap (days)",
    "unmatched_reason": "Why not matched",
    "excluded_reason": "Why excluded",
    "reason": "Reason",
    "stage": "Stage",
    "sex": "Sex",
    "age": "Age (years)",
    "bmi": "BMI (kg/m²)",
    "group": "Group",
}

_WORDS = {
    "ci": "CI", "sd": "SD", "icc": "ICC", "loa": "LoA", "bmi": "BMI", "vbq": "VBQ", "id": "ID",
    "mr": "MR", "si": "SI", "csf": "CSF", "stir": "STIR", "t1": "T1", "t2": "T2", "n": "n",
}  # fmt: skip


def human_label(key: str) -> str:
    """The heading for ``key``.

    >>> human_label("bias_ci_low"), human_label("vbq_t2"), human_label("Already Fine")
    ('Bias, 95% CI low', 'VBQ T2', 'Already Fine')
    """
    if key in COLUMN_LABELS:
        return COLUMN_LABELS[key]
    if "_" not in key and not key.islower():
        return key  # a name a person wrote
    words = [_WORDS.get(w, w) for w in key.split("_") if w]
    if not words:
        return key
    first = words[0]
    words[0] = first if first in _WORDS.values() else first.capitalize()
    return " ".join(words)


def human_table(frame: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with readable headings (``labels`` first) and blanks for missing text
    cells (no "None")."""
    names = {c: (labels or {}).get(str(c), human_label(str(c))) for c in frame.columns}
    out = frame.rename(columns=names)
    for col in out.columns:
        column = out[col]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out[col] = column.astype(object).where(column.notna(), "")
    return out
