"""Results of an observer-agreement study: per sequence and structure, Bland–Altman, ICC, verdict.

The analysis that fills them is :func:`vbqcore.studies.agreement.analyse_agreement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from vbqcore.anatomy import Sequence
from vbqcore.stats.bland_altman import BlandAltmanResult
from vbqcore.stats.icc import IccKind, IccResult

__all__ = ["ACCEPTANCE_PERCENT", "VERTEBRAE", "AgreementStudy", "GroupAgreement", "Verdict"]

#: Largest acceptable disagreement between two SI readings, in % of their mean: Huang et al.,
#: Global Spine J 2026;16(1):162–170 (Methods, "10% of SI difference considered acceptable";
#: Figures 3–5 judge the 95% limits of agreement against it).
ACCEPTANCE_PERCENT = 10.0

#: The structure group that pools the vertebral bodies (L1–L4 and any T12/L5 substitute), as
#: the paper's panels A1/B1/C1 pool "SIs of L1–L4"; the CSF is its own group (panels A2/B2/C2).
VERTEBRAE = "vertebrae"


class Verdict(StrEnum):
    """Whether both 95% limits of agreement (in % of the mean SI) lie within ±acceptance."""

    ACCEPTABLE = "acceptable"
    NOT_ACCEPTABLE = "not acceptable"
    INSUFFICIENT = "cannot be judged"


@dataclass(frozen=True, eq=False)
class GroupAgreement:
    """Agreement of the two readings for one sequence and one structure (group of structures).

    ``absolute`` analyses a − b in scanner SI units, ``percent`` 100·(a − b)/mean(a, b); either is
    ``None`` when it could not be computed (``notes`` says why). ``n_pairs`` counts complete pairs
    (both readings present), ``n_incomplete`` the pairs missing one reading (left out),
    ``n_patients`` the distinct patients among the complete pairs (0 without a patient column).
    ``icc`` treats the two readings as two raters of ``n_pairs`` targets.
    """

    sequence: Sequence
    structure: str
    n_pairs: int
    n_patients: int
    n_incomplete: int
    absolute: BlandAltmanResult | None
    percent: BlandAltmanResult | None
    icc: IccResult | None
    verdict: Verdict
    explanation: str
    notes: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.sequence.value} · {self.structure}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence.value,
            "structure": self.structure,
            "n_pairs": self.n_pairs,
            "n_patients": self.n_patients,
            "n_incomplete": self.n_incomplete,
            "absolute": None if self.absolute is None else self.absolute.to_dict(),
            "percent": None if self.percent is None else self.percent.to_dict(),
            "icc": None if self.icc is None else self.icc.to_dict(),
            "verdict": self.verdict.value,
            "explanation": self.explanation,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, eq=False)
class AgreementStudy:
    """Every group of one two-reader table, in sequence order (T1, T2, STIR), vertebrae first."""

    label_a: str
    label_b: str
    acceptance: float
    confidence: float
    split_levels: bool
    icc_kinds: tuple[IccKind, ...]
    groups: tuple[GroupAgreement, ...]

    def group(self, sequence: Sequence | str, structure: str) -> GroupAgreement:
        for g in self.groups:
            if g.sequence == Sequence(sequence) and g.structure == structure:
                return g
        raise KeyError((sequence, structure))

    @property
    def sequences(self) -> list[str]:
        return list(dict.fromkeys(g.sequence.value for g in self.groups))

    @property
    def structures(self) -> list[str]:
        return list(dict.fromkeys(g.structure for g in self.groups))

    def limits_range(self) -> tuple[float, float] | None:
        """Lowest lower and highest upper % limit over the groups (the paper's "ranged from")."""
        judged = [g.percent for g in self.groups if g.percent is not None]
        if not judged:
            return None
        return min(r.loa_low for r in judged), max(r.loa_high for r in judged)

    def summary(self) -> str:
        """One sentence over all groups: how many are acceptable, the range of the % limits."""
        judged = [g for g in self.groups if g.verdict is not Verdict.INSUFFICIENT]
        ok = sum(g.verdict is Verdict.ACCEPTABLE for g in judged)
        span = self.limits_range()
        text = f"{ok} of {len(judged)} group(s) agree within ±{self.acceptance:g}%"
        if span is not None:
            text += f"; the 95% limits of agreement range from {span[0]:.2f}% to {span[1]:.2f}%"
        skipped = len(self.groups) - len(judged)
        if skipped:
            text += f"; {skipped} group(s) cannot be judged"
        return text + "."

    def results_table(self) -> pd.DataFrame:
        """One row per group and scale (% of mean, absolute): the Bland–Altman numbers."""
        rows = []
        for g in self.groups:
            for scale, r in (("% of mean", g.percent), ("absolute (SI units)", g.absolute)):
                row: dict[str, Any] = {
                    "sequence": g.sequence.value,
                    "structure": g.structure,
                    "difference": scale,
                    "n": g.n_pairs,
                    "n_incomplete": g.n_incomplete,
                }
                if r is not None:
                    pb = r.proportional_bias
                    row.update(
                        bias=r.bias,
                        bias_ci_low=r.bias_ci[0],
                        bias_ci_high=r.bias_ci[1],
                        sd=r.sd,
                        loa_low=r.loa_low,
                        loa_low_ci_low=r.loa_low_ci[0],
                        loa_low_ci_high=r.loa_low_ci[1],
                        loa_high=r.loa_high,
                        loa_high_ci_low=r.loa_high_ci[0],
                        loa_high_ci_high=r.loa_high_ci[1],
                        proportional_bias_slope=pb.slope,
                        proportional_bias_p=pb.p,
                        within_acceptance=r.within_acceptance,
                    )
                rows.append(row)
        return pd.DataFrame.from_records(rows, columns=_RESULT_COLUMNS)

    def icc_table(self) -> pd.DataFrame:
        """One row per group and ICC form: value, CI, F test (readings as 2 raters)."""
        rows = []
        for g in self.groups:
            if g.icc is None:
                continue
            for kind in self.icc_kinds:
                e = g.icc[kind]
                rows.append(
                    {
                        "sequence": g.sequence.value,
                        "structure": g.structure,
                        "icc_type": kind.label,
                        "model": kind.model,
                        "n": g.icc.n_targets,
                        "icc": e.icc,
                        "ci_low": e.ci_low,
                        "ci_high": e.ci_high,
                        "f": e.f,
                        "df1": e.df1,
                        "df2": e.df2,
                        "p": e.p,
                    }
                )
        return pd.DataFrame.from_records(rows, columns=_ICC_COLUMNS)

    def verdict_table(self) -> pd.DataFrame:
        """One row per group: the verdict in a word and in plain sentences."""
        return pd.DataFrame.from_records(
            [
                {
                    "sequence": g.sequence.value,
                    "structure": g.structure,
                    "n": g.n_pairs,
                    "verdict": g.verdict.value,
                    "explanation": g.explanation,
                }
                for g in self.groups
            ],
            columns=["sequence", "structure", "n", "verdict", "explanation"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "label_a": self.label_a,
            "label_b": self.label_b,
            "acceptance_percent": self.acceptance,
            "confidence": self.confidence,
            "split_levels": self.split_levels,
            "icc_kinds": [k.value for k in self.icc_kinds],
            "summary": self.summary(),
            "groups": [g.to_dict() for g in self.groups],
        }


_RESULT_COLUMNS = [
    "sequence", "structure", "difference", "n", "n_incomplete", "bias", "bias_ci_low",
    "bias_ci_high", "sd", "loa_low", "loa_low_ci_low", "loa_low_ci_high", "loa_high",
    "loa_high_ci_low", "loa_high_ci_high", "proportional_bias_slope", "proportional_bias_p",
    "within_acceptance",
]  # fmt: skip
_ICC_COLUMNS = [
    "sequence", "structure", "icc_type", "model", "n", "icc", "ci_low", "ci_high", "f", "df1",
    "df2", "p",
]  # fmt: skip
