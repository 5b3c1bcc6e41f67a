"""The registry as a cohort table: its export, with numbers as numbers and "unknown" groups
blank (the cohort explorer leaves rows with a blank group out, and says so)."""

from __future__ import annotations

import pandas as pd

from vbqapp.registry.connection import get_registry
from vbqcore.errors import CohortError
from vbqcore.registry.store import list_cases
from vbqcore.registry.tables import EXPORT_COLUMNS, SI_COLUMNS, export_rows
from vbqcore.vbq import ScoreName

__all__ = ["REGISTRY_NAME", "registry_frame"]

REGISTRY_NAME = "Registry"
_NUMERIC = ("age", "bmi", "field_strength_t", "version", *SI_COLUMNS, *(s.value for s in ScoreName))


def registry_frame() -> tuple[str, pd.DataFrame]:
    """(table name, frame) of every registry case; ``VbqError`` if unusable or empty."""
    cases = list_cases(get_registry(), sort="created_at", descending=False)
    if not cases:
        raise CohortError(
            "The registry has no cases yet: save cases from the Case page (with their group) "
            "or import a table on the Registry page."
        )
    frame = pd.DataFrame(export_rows(cases), columns=list(EXPORT_COLUMNS))
    for column in _NUMERIC:
        frame[column] = pd.to_numeric(frame[column].replace("", None), errors="coerce")
    frame["group"] = frame["group"].replace({"unknown": None})
    frame = frame.dropna(axis="columns", how="all")
    return f"{REGISTRY_NAME} ({len(frame)} cases)", frame
