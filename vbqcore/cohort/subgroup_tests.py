"""Do the AUCs differ between subgroups? Unpaired DeLong tests, women vs men and between age bands.

Subgroups hold different patients, so their AUCs are compared with DeLong's test for two
independent ROC curves (pROC ``roc.test(paired = FALSE)``; :func:`vbqcore.stats.
compare_aucs_unpaired`), not the paired test used for two scores of the same patients.
"""

from __future__ import annotations

import itertools
import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from vbqcore.cohort.filters import DEFAULT_AGE_EDGES, group_counts, split_subgroups
from vbqcore.cohort.table import GROUP, Cohort
from vbqcore.errors import DegenerateInputWarning
from vbqcore.stats import UnpairedAucComparison, compare_aucs_unpaired
from vbqcore.vbq import ScoreName

__all__ = ["SubgroupDifference", "subgroup_differences", "differences_frame"]

logger = logging.getLogger(__name__)

#: Fewest cases and controls a subgroup needs before its AUC is compared with another's.
MIN_PER_GROUP = 2


@dataclass(frozen=True)
class SubgroupDifference:
    """Score ``score``: AUC in subgroup ``first`` vs ``second`` (None result: not testable)."""

    score: ScoreName
    kind: str
    first: str
    second: str
    result: UnpairedAucComparison | None
    note: str = ""


def _testable(part: pd.DataFrame, cohort: Cohort) -> bool:
    counts = group_counts(part, cohort)
    return min(counts[cohort.positive], counts[cohort.negative]) >= MIN_PER_GROUP


def subgroup_differences(
    frame: pd.DataFrame,
    cohort: Cohort,
    scores: Sequence[ScoreName | str],
    *,
    age_edges: Sequence[float] | None = DEFAULT_AGE_EDGES,
) -> tuple[SubgroupDifference, ...]:
    """For each score, women vs men and every pair of age bands: unpaired DeLong test.

    Subgroups with no patient under the filters are skipped; a pair where either subgroup has
    fewer than two cases or controls (with the score) is listed with a note and no result.
    """
    names = [ScoreName(s) for s in dict.fromkeys(scores)]
    subs = [s for s in split_subgroups(frame, age_edges=age_edges) if s.mask.any()]
    out: list[SubgroupDifference] = []
    for name in names:
        for kind in ("sex", "age"):
            of_kind = [s for s in subs if s.kind == kind]
            for one, two in itertools.combinations(of_kind, 2):
                a = frame.loc[one.mask & frame[name.value].notna().to_numpy()]
                b = frame.loc[two.mask & frame[name.value].notna().to_numpy()]
                if not (_testable(a, cohort) and _testable(b, cohort)):
                    note = f"needs ≥ {MIN_PER_GROUP} cases and controls in each subgroup"
                    out.append(SubgroupDifference(name, kind, one.label, two.label, None, note))
                    continue
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", DegenerateInputWarning)
                    res = compare_aucs_unpaired(
                        (a[GROUP] == cohort.positive).to_numpy(),
                        a[name.value].to_numpy(),
                        (b[GROUP] == cohort.positive).to_numpy(),
                        b[name.value].to_numpy(),
                    )
                note = "; ".join(str(w.message) for w in caught)
                out.append(SubgroupDifference(name, kind, one.label, two.label, res, note))
    return tuple(out)


def _p_text(p: float) -> str:
    if not math.isfinite(p):
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def differences_frame(rows: Sequence[SubgroupDifference]) -> pd.DataFrame:
    """Human-readable table: score, comparison, both AUCs, difference with 95% CI, D, df, p."""
    records = []
    for row in rows:
        r = row.result
        record: dict[str, object] = {
            "Score": row.score.label,
            "Comparison": f"{row.first} vs {row.second}",
        }
        if r is None:
            record |= {"AUC (first)": None, "AUC (second)": None, "Difference (95% CI)": ""}
            record |= {"D": None, "df": None, "P value": "", "Note": row.note}
        else:
            record |= {
                "AUC (first)": round(r.auc_a, 3),
                "AUC (second)": round(r.auc_b, 3),
                "Difference (95% CI)": f"{r.auc_diff:.3f} ({r.ci_low:.3f} to {r.ci_high:.3f})",
                "D": round(r.d, 3),
                "df": round(r.df, 1),
                "P value": _p_text(r.p),
                "Note": row.note,
            }
        records.append(record)
    columns = ["Score", "Comparison", "AUC (first)", "AUC (second)", "Difference (95% CI)"]
    columns += ["D", "df", "P value", "Note"]
    return pd.DataFrame.from_records(records, columns=columns)
