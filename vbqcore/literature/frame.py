"""The cut-off library as a table (one row per entry), for the Cut-offs page and CSV export."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pandas as pd

from vbqcore.literature.entries import LibraryEntry

__all__ = ["LIBRARY_COLUMNS", "library_frame"]

logger = logging.getLogger(__name__)

#: Columns of :func:`library_frame`, in order.
LIBRARY_COLUMNS: tuple[str, ...] = (
    "id",
    "target_group",
    "target",
    "score",
    "threshold",
    "auc",
    "auc_low",
    "auc_high",
    "sensitivity",
    "specificity",
    "ppv",
    "npv",
    "lr_positive",
    "lr_negative",
    "n",
    "field_strength_t",
    "scanner",
    "cohort",
    "design",
    "source",
    "doi",
)


def library_frame(entries: Iterable[LibraryEntry]) -> pd.DataFrame:
    """One row per entry; numbers as published (proportions 0–1), LRs recomputed, missing as
    NaN so that a column sorts numerically."""
    rows = []
    for e in entries:
        low, high = e.auc_ci if e.auc_ci is not None else (None, None)
        rows.append(
            {
                "id": e.id,
                "target_group": e.target.group.label,
                "target": e.target.label,
                "score": e.score.label,
                "threshold": e.threshold,
                "auc": e.auc,
                "auc_low": low,
                "auc_high": high,
                "sensitivity": e.sensitivity,
                "specificity": e.specificity,
                "ppv": e.ppv,
                "npv": e.npv,
                "lr_positive": e.lr_positive,
                "lr_negative": e.lr_negative,
                "n": e.n,
                "field_strength_t": e.field_strength_t,
                "scanner": e.scanner,
                "cohort": e.cohort.get("indication") or "",
                "design": e.design,
                "source": e.citation,
                "doi": e.doi,
            }
        )
    frame = pd.DataFrame(rows, columns=list(LIBRARY_COLUMNS))
    numeric = ["threshold", "auc", "auc_low", "auc_high", "sensitivity", "specificity", "ppv"]
    numeric += ["npv", "lr_positive", "lr_negative", "n", "field_strength_t"]
    frame[numeric] = frame[numeric].astype(float)
    return frame
