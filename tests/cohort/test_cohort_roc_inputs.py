"""ROC panel on incomplete tables: a blank score column or a missing group is named (issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.cohort_fixture import make_table
from vbqcore.cohort.analysis import roc_panel
from vbqcore.cohort.table import default_mapping, prepare_cohort
from vbqcore.errors import StatsInputError


def test_a_blank_score_column_is_named_not_y_true_has_0_values() -> None:
    table = make_table(20, seed=3)
    table["vbq_t2"] = np.nan  # an uploaded file whose score column is empty
    cohort = prepare_cohort(table, default_mapping(table, name="blank"), name="blank")
    with pytest.raises(
        StatsInputError, match=r"VBQ-T2 \(column 'vbq_t2'\) has no values in the 40"
    ):
        roc_panel(cohort.frame, cohort, ["vbq_t1", "vbq_t2"])


def test_scores_present_in_one_group_only_are_explained() -> None:
    table = make_table(20, seed=3)
    table.loc[table["group"] == "control", "vbq_t2"] = np.nan
    cohort = prepare_cohort(table, default_mapping(table, name="half"), name="half")
    with pytest.raises(StatsInputError, match="20 fracture and 0 control patients have VBQ-T2"):
        roc_panel(cohort.frame, cohort, ["vbq_t2"])
