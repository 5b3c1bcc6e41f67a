"""Statistics of the paper's Methods: ROC/DeLong, group comparison, logistic regression,
observer agreement and age/sex matching, on plain numpy/pandas inputs."""

from __future__ import annotations

from vbqcore.errors import DegenerateInputWarning
from vbqcore.stats._validate import NanPolicy
from vbqcore.stats.agreement import (
    BlandAltmanResult,
    IccEstimate,
    IccKind,
    IccResult,
    ProportionalBias,
    bland_altman,
    icc,
    icc_wide,
)
from vbqcore.stats.compare import (
    ComparisonRow,
    GroupComparison,
    GroupTest,
    VariableKind,
    compare_groups,
    format_p,
)
from vbqcore.stats.delong import AucComparison, Direction, compare_aucs
from vbqcore.stats.delong_unpaired import UnpairedAucComparison, compare_aucs_unpaired
from vbqcore.stats.logistic import (
    LogisticResult,
    LogitModel,
    OddsRatio,
    PerUnit,
    logistic_regression,
)
from vbqcore.stats.matching import MatchFlow, MatchResult, match_pairs
from vbqcore.stats.power import Alternative, AucPower, SolvedFor, auc_power, correlated_auc_power
from vbqcore.stats.proportions import (
    ConfusionResult,
    ProportionCi,
    ProportionEstimate,
    confusion_at,
    proportion_ci,
)
from vbqcore.stats.roc import CiMethod, RocResult, roc_analysis
from vbqcore.stats.two_sample import (
    DifferenceResult,
    DifferenceTest,
    paired_t,
    two_sample_t,
    wilcoxon_signed_rank,
)

__all__: list[str] = [
    # ROC (roc, delong, proportions)
    "roc_analysis",
    "RocResult",
    "compare_aucs",
    "AucComparison",
    "confusion_at",
    "ConfusionResult",
    "proportion_ci",
    "ProportionEstimate",
    "Direction",
    "CiMethod",
    "ProportionCi",
    "NanPolicy",
    "DegenerateInputWarning",
    # Group comparison (compare) and logistic regression (logistic)
    "compare_groups",
    "GroupComparison",
    "ComparisonRow",
    "GroupTest",
    "VariableKind",
    "format_p",
    "logistic_regression",
    "LogisticResult",
    "LogitModel",
    "OddsRatio",
    "PerUnit",
    # Agreement (bland_altman, icc) and matching
    "bland_altman",
    "BlandAltmanResult",
    "ProportionalBias",
    "icc",
    "icc_wide",
    "IccResult",
    "IccEstimate",
    "IccKind",
    "match_pairs",
    "MatchResult",
    "MatchFlow",
    # Unpaired DeLong (delong_unpaired), differences with CIs (two_sample), power (power)
    "compare_aucs_unpaired",
    "UnpairedAucComparison",
    "two_sample_t",
    "paired_t",
    "wilcoxon_signed_rank",
    "DifferenceResult",
    "DifferenceTest",
    "auc_power",
    "correlated_auc_power",
    "AucPower",
    "SolvedFor",
    "Alternative",
]
