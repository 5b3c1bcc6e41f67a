"""The library as a table: one row per entry, numbers as published, LRs recomputed."""

from __future__ import annotations

import math

import pytest

from vbqcore.literature import load_library
from vbqcore.literature.frame import LIBRARY_COLUMNS, library_frame


def test_frame_rows_and_numbers() -> None:
    lib = load_library()
    frame = library_frame(lib)
    assert list(frame.columns) == list(LIBRARY_COLUMNS) and len(frame) == len(lib)
    row = frame.set_index("id").loc["huang2026-vbq-t2"]
    # Huang et al. Table 3 and Table 2; LR+ = 0.762 / (1 - 0.593).
    assert (row["threshold"], row["auc"], row["auc_low"], row["auc_high"]) == (
        0.555,
        0.70,
        0.62,
        0.78,
    )
    assert row["lr_positive"] == pytest.approx(0.762 / 0.407)
    assert row["field_strength_t"] == 1.5 and row["n"] == 168
    chen = frame.set_index("id").loc["chen2023-josr-osteoporosis"]
    assert math.isnan(chen["threshold"])  # no threshold in the source read
    assert frame["threshold"].dtype.kind == "f"  # sorts numerically on the page


def test_frame_of_nothing_keeps_columns() -> None:
    assert list(library_frame([]).columns) == list(LIBRARY_COLUMNS)
