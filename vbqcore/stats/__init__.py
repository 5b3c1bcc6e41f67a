"""Statistics of the paper's Methods: ROC/DeLong, group comparison, logistic regression,
observer agreement and age/sex matching, on plain numpy/pandas inputs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# ROC, DeLong, power, proportions, differences, logistic regression and matching are imported on
# first use (PEP 562): the cohort explorer's first view needs group comparisons only, and
# statsmodels (logistic regression, proportion CIs) slows a cold start by ~0.3 s. Type checkers
# see the imports under TYPE_CHECKING. Agreement stays eager: its functions ``icc`` and
# ``bland_altman`` share their names with submodules, and importing such a submodule later
# would rebind the package attribute to the module.
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

if TYPE_CHECKING:
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
    from vbqcore.stats.power import (
        Alternative,
        AucPower,
        SolvedFor,
        auc_power,
        correlated_auc_power,
    )
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

#: Public name -> the submodule that defines it (imported on first access).
_SOURCES: dict[str, str] = {
    "AucComparison": "vbqcore.stats.delong",
    "Direction": "vbqcore.stats.delong",
    "compare_aucs": "vbqcore.stats.delong",
    "UnpairedAucComparison": "vbqcore.stats.delong_unpaired",
    "compare_aucs_unpaired": "vbqcore.stats.delong_unpaired",
    "LogisticResult": "vbqcore.stats.logistic",
    "LogitModel": "vbqcore.stats.logistic",
    "OddsRatio": "vbqcore.stats.logistic",
    "PerUnit": "vbqcore.stats.logistic",
    "logistic_regression": "vbqcore.stats.logistic",
    "MatchFlow": "vbqcore.stats.matching",
    "MatchResult": "vbqcore.stats.matching",
    "match_pairs": "vbqcore.stats.matching",
    "Alternative": "vbqcore.stats.power",
    "AucPower": "vbqcore.stats.power",
    "SolvedFor": "vbqcore.stats.power",
    "auc_power": "vbqcore.stats.power",
    "correlated_auc_power": "vbqcore.stats.power",
    "ConfusionResult": "vbqcore.stats.proportions",
    "ProportionCi": "vbqcore.stats.proportions",
    "ProportionEstimate": "vbqcore.stats.proportions",
    "confusion_at": "vbqcore.stats.proportions",
    "proportion_ci": "vbqcore.stats.proportions",
    "CiMethod": "vbqcore.stats.roc",
    "RocResult": "vbqcore.stats.roc",
    "roc_analysis": "vbqcore.stats.roc",
    "DifferenceResult": "vbqcore.stats.two_sample",
    "DifferenceTest": "vbqcore.stats.two_sample",
    "paired_t": "vbqcore.stats.two_sample",
    "two_sample_t": "vbqcore.stats.two_sample",
    "wilcoxon_signed_rank": "vbqcore.stats.two_sample",
}

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


def __getattr__(name: str) -> Any:
    """Import the submodule that defines ``name`` on first access and cache the attribute."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
