"""Readable headings for shown and exported tables (issue 12)."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd

from vbqcore.tables import labels
from vbqcore.tables.labels import human_label, human_table


def test_doctests() -> None:
    assert doctest.testmod(labels).failed == 0


def test_known_and_generic_keys() -> None:
    assert human_label("loa_low_ci_high") == "Lower limit, 95% CI high"
    assert human_label("n_incomplete") == "Pairs with a missing reading"
    assert human_label("case_row") == "Case row in file"
    assert human_label("mean_si_csf") == "Mean SI CSF"
    assert human_label("Femoral neck BMD (g/cm²)") == "Femoral neck BMD (g/cm²)"


def test_missing_text_shows_blank_not_none() -> None:
    frame = pd.DataFrame({"reason": ["too old", None], "age_gap": [1.0, np.nan]})
    out = human_table(frame)
    assert list(out.columns) == ["Reason", "Age gap (years)"]
    assert out["Reason"].tolist() == ["too old", ""]
    assert "None" not in out.to_csv()
    assert np.isnan(out["Age gap (years)"].iloc[1])  # numbers stay numbers
