"""Observer agreement in one import: Bland–Altman limits (``bland_altman``) and ICCs (``icc``)."""

from __future__ import annotations

from vbqcore.stats.bland_altman import BlandAltmanResult, ProportionalBias, bland_altman
from vbqcore.stats.icc import IccEstimate, IccKind, IccResult, icc, icc_wide

__all__ = [
    "BlandAltmanResult",
    "IccEstimate",
    "IccKind",
    "IccResult",
    "ProportionalBias",
    "bland_altman",
    "icc",
    "icc_wide",
]
