"""The AUC table as the paper's Table 3 prints it, from the (separately tested) ROC panel."""

from __future__ import annotations

from tests.cohort_fixture import make_table
from vbqcore.cohort.analysis import roc_panel
from vbqcore.cohort.table import default_mapping, prepare_cohort
from vbqcore.stats import roc_analysis
from vbqcore.tables import publication_auc_table


def test_rows_read_auc_ci_cutoff_and_percentages() -> None:
    table = make_table(30, seed=4)
    cohort = prepare_cohort(table, default_mapping(table, name="t"), name="t")
    panel = roc_panel(cohort.frame, cohort, ["vbq_t2", "vbq_t1"])
    pub = publication_auc_table(panel)
    frame = pub.to_frame()
    assert frame["Score"].tolist() == ["VBQ-T2", "VBQ-T1"]
    ref = roc_analysis(cohort.frame["group"] == "fracture", cohort.frame["vbq_t2"])
    row = frame.iloc[0]
    assert row["AUC (95% CI)"] == f"{ref.auc:.3f} ({ref.ci_low:.3f}–{ref.ci_high:.3f})"
    lo, hi = ref.sensitivity_ci
    assert (
        row["Sensitivity, % (95% CI)"]
        == f"{100 * ref.sensitivity:.1f} ({100 * lo:.1f}–{100 * hi:.1f})"
    )
    assert row["Cut-off"] == f"{ref.cutoff:.3f}" and row["Cases/controls"] == "30/30"
    assert "Clopper–Pearson" in pub.footnotes[0]
