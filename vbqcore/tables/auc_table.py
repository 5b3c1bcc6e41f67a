"""The AUC table as Huang et al. 2026 print it (Table 3): AUC (95% CI), cut-off, sensitivity
and specificity with their CIs, one row per score."""

from __future__ import annotations

import logging
import math

from vbqcore.cohort.analysis import RocPanel
from vbqcore.tables.table_one import PublicationTable

__all__ = ["publication_auc_table"]

logger = logging.getLogger(__name__)


def _ci(low: float, high: float, digits: int, scale: float = 1.0) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    return f" ({low * scale:.{digits}f}–{high * scale:.{digits}f})"


def publication_auc_table(
    panel: RocPanel, *, title: str = "Table 3. Diagnostic performance of the VBQ scores"
) -> PublicationTable:
    """One row per score: "0.702 (0.624–0.781)", the Youden cut-off, sensitivity and
    specificity in % with their CIs, and the cases/controls used."""
    columns = (
        "Score",
        "AUC (95% CI)",
        "Cut-off",
        "Sensitivity, % (95% CI)",
        "Specificity, % (95% CI)",
        "Cases/controls",
    )
    rows = []
    method, props = "DeLong", "clopper-pearson"
    for name in panel.scores:
        r = panel.results[name]
        method, props = str(r.ci_method), str(r.proportion_ci)
        rows.append(
            (
                name.label,
                f"{r.auc:.3f}{_ci(r.ci_low, r.ci_high, 3)}",
                f"{r.cutoff:.3f}" if math.isfinite(r.cutoff) else "",
                f"{100 * r.sensitivity:.1f}{_ci(*r.sensitivity_ci, 1, 100.0)}",
                f"{100 * r.specificity:.1f}{_ci(*r.specificity_ci, 1, 100.0)}",
                f"{r.n_pos}/{r.n_neg}",
            )
        )
    how = "exact (Clopper–Pearson)" if props == "clopper-pearson" else props.capitalize()
    notes = (
        f"AUC, area under the ROC curve, 95% CI by the {method} method; cut-off maximising "
        "Youden's J (a higher score points to a fracture); sensitivity and specificity at the "
        f"cut-off with {how} 95% CIs.",
    )
    return PublicationTable(title, columns, tuple(rows), notes)
