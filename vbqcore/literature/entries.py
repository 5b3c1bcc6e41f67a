"""One entry of the cut-off library: the score definition and the published threshold."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vbqcore.interpretation import likelihood_ratios
from vbqcore.literature.targets import Target

__all__ = ["ScoreDefinition", "LibraryEntry"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreDefinition:
    """How the source computed its score: sequence, bodies, aggregate, CSF level, region.

    ``name`` is the source's own name (``vbq``, ``vbq_t2``, ``t12_vbq``, ``s1_vbq``, ``c_vbq``);
    ``levels`` are the bodies in the numerator; ``aggregate`` is ``mean``, ``median``,
    ``single level`` or ``not stated`` (when the text read does not say).
    """

    name: str
    sequence: str
    levels: tuple[str, ...]
    aggregate: str
    csf_level: str | None
    region: str

    @property
    def label(self) -> str:
        """``"VBQ-T1 (L1–L4, median, CSF L3)"``."""
        seq = "VBQ-" + self.sequence
        if self.region == "cervical":
            seq = "C-VBQ (" + self.sequence + ")"
        levels = (
            self.levels[0]
            if len(self.levels) == 1
            else f"{self.levels[0]}–{self.levels[-1]}"
            if self.levels
            else "levels not stated"
        )
        parts = [levels, f"aggregate {self.aggregate}" if self.aggregate == "not stated" else None]
        if self.aggregate in ("mean", "median"):
            parts[1] = self.aggregate
        if self.csf_level:
            parts.append(f"CSF {self.csf_level}")
        return f"{seq} ({', '.join(p for p in parts if p)})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sequence": self.sequence,
            "levels": list(self.levels),
            "aggregate": self.aggregate,
            "csf_level": self.csf_level,
            "region": self.region,
        }


@dataclass(frozen=True)
class LibraryEntry:
    """One published threshold (or pooled accuracy) with its provenance.

    Proportions (``sensitivity``, ``specificity``, ``ppv``, ``npv``, ``auc``, ``prevalence``)
    are in [0, 1]; ``field_strength_t`` in tesla. ``threshold`` ``None`` means the source read
    gives none: the entry is listed for reference and never compared with a score.
    ``read_from`` maps a field name to where in the source it was read.
    """

    id: str
    score: ScoreDefinition
    target: Target
    target_definition: str
    reference_standard: str | None
    threshold: float | None
    threshold_kind: str | None
    direction: str
    auc: float | None
    auc_ci: tuple[float, float] | None
    sensitivity: float | None
    specificity: float | None
    ppv: float | None
    npv: float | None
    n: int | None
    n_positive: int | None
    prevalence: float | None
    cohort: Mapping[str, str | None]
    scanner_vendor: str | None
    scanner_model: str | None
    field_strength_t: float | None
    tr_te: str | None
    design: str
    citation: str
    doi: str
    year: int | None
    read_from: Mapping[str, str]
    source_url: str | None
    notes: str

    @property
    def usable(self) -> bool:
        """True when a score can be compared with it (a threshold)."""
        return self.threshold is not None

    @property
    def lr_positive(self) -> float | None:
        """LR+ = sens / (1 − spec), recomputed (Deeks & Altman 2004); ``None`` if not given."""
        return self._lrs()[0]

    @property
    def lr_negative(self) -> float | None:
        """LR− = (1 − sens) / spec, recomputed; ``None`` if not given."""
        return self._lrs()[1]

    def _lrs(self) -> tuple[float | None, float | None]:
        if self.sensitivity is None or self.specificity is None:
            return None, None
        return likelihood_ratios(self.sensitivity, self.specificity)

    @property
    def short_ref(self) -> str:
        """``"Huang 2026"``, or the journal and year when the authors were not recorded."""
        first = self.citation.split(" ", 1)[0].rstrip(",")
        if first.startswith("["):
            return f"doi:{self.doi}"
        return f"{first} {self.year}" if self.year else first

    @property
    def scanner(self) -> str:
        """``"GE Signa HDx 1.5 T"``, or ``"not reported"``."""
        parts = [self.scanner_vendor, self.scanner_model]
        if self.field_strength_t is not None:
            parts.append(f"{self.field_strength_t:g} T")
        return " ".join(p for p in parts if p) or "not reported"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe; ``score`` is the source's score name, as ``python -m vbqcore cutoffs``
        prints it, with the full definition under ``score_definition``."""
        return {
            "id": self.id,
            "score": self.score.name,
            "score_label": self.score.label,
            "score_definition": self.score.to_dict(),
            "target": self.target.value,
            "target_group": self.target.group.value,
            "target_definition": self.target_definition,
            "reference_standard": self.reference_standard,
            "threshold": self.threshold,
            "threshold_kind": self.threshold_kind,
            "direction": self.direction,
            "auc": self.auc,
            "auc_ci": None if self.auc_ci is None else list(self.auc_ci),
            "sensitivity": self.sensitivity,
            "specificity": self.specificity,
            "ppv": self.ppv,
            "npv": self.npv,
            "lr_positive": self.lr_positive,
            "lr_negative": self.lr_negative,
            "n": self.n,
            "n_positive": self.n_positive,
            "prevalence": self.prevalence,
            "cohort": dict(self.cohort),
            "scanner_vendor": self.scanner_vendor,
            "scanner_model": self.scanner_model,
            "field_strength_t": self.field_strength_t,
            "tr_te": self.tr_te,
            "design": self.design,
            "citation": self.citation,
            "doi": self.doi,
            "year": self.year,
            "read_from": dict(self.read_from),
            "source_url": self.source_url,
            "notes": self.notes,
        }
