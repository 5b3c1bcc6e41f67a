"""One row of the reproduction report: a published figure, its computed value and its target.

The targets are the demo cohort's (issue 6): counts exact, quartiles to the printed precision,
means and SDs within 2%, AUCs within 0.02 (95% CI bounds within 0.03), Youden cut-offs within
0.02, sensitivity and specificity within 3 percentage points, every p on the published side of
0.05 (Huang et al., Global Spine J 2026;16(1):162–170: "P-values <0.05 indicated statistical
significance").
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from vbqcore.paper.published import Group, PValue

__all__ = [
    "ALPHA",
    "GROUPS",
    "REL_TOL",
    "QUARTILE_TOL",
    "AUC_TOL",
    "CI_TOL",
    "CUTOFF_TOL",
    "RATE_TOL",
    "ReproductionRow",
    "json_float",
    "relative_ok",
    "p_row",
]

logger = logging.getLogger(__name__)

#: Significance level of the paper (p < 0.05).
ALPHA = 0.05
#: The two groups in the order the paper prints them.
GROUPS = (Group.FRACTURE.value, Group.CONTROL.value)
#: Means and SDs: relative tolerance.
REL_TOL = 0.02
#: Quartiles and medians printed with 2 decimals: within half a printed unit.
QUARTILE_TOL = 0.005 + 1e-9
#: AUC, its 95% CI bounds (DeLong vs SPSS), Youden cut-off (score units), and sensitivity and
#: specificity (percentage points).
AUC_TOL, CI_TOL, CUTOFF_TOL, RATE_TOL = 0.02, 0.03, 0.02, 3.0


@dataclass(frozen=True)
class ReproductionRow:
    """One published figure and its counterpart computed from the cohort.

    ``difference`` is computed − published; ``passed`` is ``None`` for a figure shown without a
    target (Table 4 odds ratios and CIs). ``published_text`` is the figure as printed.
    """

    table: str
    variable: str
    subgroup: str
    statistic: str
    published: float | None
    computed: float | None
    target: str
    passed: bool | None
    published_text: str = ""
    column: str = ""
    note: str = ""

    @property
    def difference(self) -> float | None:
        if self.published is None or self.computed is None:
            return None
        return self.computed - self.published

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "variable": self.variable,
            "subgroup": self.subgroup,
            "statistic": self.statistic,
            "published": json_float(self.published),
            "computed": json_float(self.computed),
            "difference": json_float(self.difference),
            "target": self.target,
            "passed": self.passed,
            "published_text": self.published_text,
            "column": self.column,
            "note": self.note,
        }


def json_float(value: float | None) -> float | None:
    """``value`` for JSON: ``None`` when missing or not finite."""
    return None if value is None or not math.isfinite(value) else float(value)


def relative_ok(published: float, computed: float) -> bool:
    """Within :data:`REL_TOL` of the published value."""
    return abs(computed - published) <= REL_TOL * abs(published) + 1e-12


def p_row(
    table: str, variable: str, subgroup: str, p_pub: PValue, p: float, column: str, note: str = ""
) -> ReproductionRow:
    """A p-value row: passes when ``p`` and the published p fall on the same side of 0.05."""
    same = (p < ALPHA) == p_pub.significant(ALPHA)
    return ReproductionRow(
        table,
        variable,
        subgroup,
        "p",
        p_pub.value,
        p,
        "same side of 0.05",
        same,
        p_pub.printed,
        column,
        note,
    )
