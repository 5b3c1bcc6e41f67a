"""The published figures of Huang et al. 2026, Tables 1–4, read from one data file.

Huang X, Cai C, Huang S, et al. Global Spine J 2026;16(1):162–170 (doi 10.1177/21925682251339995).
The numbers live in ``vbqcore/data/huang2026_tables.json`` with their table and row labels, so
that the demo-cohort generator (:mod:`vbqcore.paper.demo_cohort`) builds to them and the
reproduction report (:mod:`vbqcore.paper.reproduction`) compares with them from one source.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = [
    "Group",
    "Subgroup",
    "PValue",
    "Erratum",
    "SummaryRow",
    "AucRow",
    "CutoffRow",
    "PublishedOddsRatio",
    "LogisticRow",
    "PublishedTables",
    "load_published",
    "DATA_FILE",
]

logger = logging.getLogger(__name__)

#: The data file, inside the ``vbqcore`` package.
DATA_FILE = "data/huang2026_tables.json"
_SCHEMA = "vbq-huang2026-tables/1"


class Group(StrEnum):
    """The two arms of the matched study, as the cohort's ``group`` column spells them."""

    FRACTURE = "fracture"  # osteoporotic vertebral compression fracture (OVCF)
    CONTROL = "control"  # degenerative lumbar disease, no fracture


class Subgroup(StrEnum):
    """Table 1's blocks: every patient, then women only and men only."""

    ALL = "all"
    FEMALE = "female"
    MALE = "male"

    @property
    def sex(self) -> str | None:
        """The ``sex`` value the block selects (``None`` for everyone)."""
        return {Subgroup.ALL: None, Subgroup.FEMALE: "F", Subgroup.MALE: "M"}[self]


@dataclass(frozen=True)
class PValue:
    """A p value as printed: ``"0.037"`` (``below`` False) or ``"< 0.001"`` (``below`` True)."""

    value: float
    below: bool
    printed: str

    @classmethod
    def parse(cls, text: str) -> PValue:
        raw = text.strip()
        below = raw.startswith("<")
        return cls(float(raw.lstrip("<").strip()), below, raw)

    def significant(self, alpha: float = 0.05) -> bool:
        """Whether the paper reports significance at ``alpha`` (p < alpha)."""
        return self.value < alpha or (self.below and self.value <= alpha)


@dataclass(frozen=True)
class Erratum:
    """A printed figure that cannot be right, the value used instead, and the reasoning."""

    field: str  # e.g. "fracture.sd"
    printed: float
    used: float
    why: str


@dataclass(frozen=True)
class SummaryRow:
    """One row of Table 1 in one subgroup.

    ``fracture`` and ``control`` hold ``mean``/``sd`` (``summary`` "mean ± SD"),
    ``median``/``q1``/``q3`` ("median (IQR)", SPSS weighted-average quartiles) or
    ``count``/``percent`` ("n (%)", with ``level`` the category). ``n`` is the number of patients
    with a value where it differs from the group size (DEXA); ``n_printed`` says whether the paper
    prints it on this row. ``p`` is ``None`` where the paper prints "-" (matched variables).
    """

    row: str
    variable: str
    subgroup: Subgroup
    summary: str
    fracture: Mapping[str, float]
    control: Mapping[str, float]
    p: PValue | None
    n: Mapping[str, int] | None = None
    n_printed: bool = True
    level: str | None = None
    erratum: Erratum | None = None
    note: str = ""

    def values(self, group: Group | str) -> Mapping[str, float]:
        """The figures of one group (with any erratum already applied)."""
        return self.fracture if Group(group) is Group.FRACTURE else self.control


@dataclass(frozen=True)
class AucRow:
    """Table 2: AUC with its 95% CI and p (H0: AUC = 0.5); ``auc_abstract`` has 3 decimals."""

    row: str
    variable: str
    auc: float
    auc_abstract: float
    ci_low: float
    ci_high: float
    p: PValue


@dataclass(frozen=True)
class CutoffRow:
    """Table 3: Youden cut-off, sensitivity and specificity (percent)."""

    row: str
    variable: str
    cutoff: float
    sensitivity: float
    specificity: float
    note: str = ""


@dataclass(frozen=True)
class PublishedOddsRatio:
    """An odds ratio per 1 unit of the score, its 95% CI and p."""

    odds_ratio: float
    ci_low: float
    ci_high: float
    p: PValue


@dataclass(frozen=True)
class LogisticRow:
    """Table 4: univariable and (for the scores entered) multivariable odds ratios."""

    row: str
    variable: str
    univariate: PublishedOddsRatio
    multivariable: PublishedOddsRatio | None


@dataclass(frozen=True)
class PublishedTables:
    """Tables 1–4 of Huang et al. 2026 as data."""

    citation: str
    doi: str
    group_sizes: Mapping[str, int]
    table1: tuple[SummaryRow, ...]
    table2: tuple[AucRow, ...]
    table3: tuple[CutoffRow, ...]
    table4: tuple[LogisticRow, ...]
    multivariable_predictors: tuple[str, ...]
    errata: tuple[tuple[str, Erratum], ...] = field(default=())

    def summary(self, variable: str, subgroup: Subgroup | str = Subgroup.ALL) -> SummaryRow:
        """The Table 1 row of ``variable`` (a cohort column) in ``subgroup``.

        For ``sex`` this is the female row. Raises ``KeyError`` when the paper has no such row.
        """
        sub = Subgroup(subgroup)
        for row in self.table1:
            if row.variable == variable and row.subgroup is sub and row.level in (None, "F"):
                return row
        raise KeyError(f"Table 1 has no row for {variable!r} in subgroup {sub.value!r}")

    def to_dict(self) -> dict[str, Any]:
        """Counts of rows per table and the citation (the figures themselves are in the file)."""
        return {
            "citation": self.citation,
            "doi": self.doi,
            "rows": {
                "table1": len(self.table1),
                "table2": len(self.table2),
                "table3": len(self.table3),
                "table4": len(self.table4),
            },
        }


def _p(raw: Any) -> PValue | None:
    return None if raw is None else PValue.parse(str(raw))


def _odds(raw: Mapping[str, Any] | None) -> PublishedOddsRatio | None:
    if raw is None:
        return None
    low, high = (float(v) for v in raw["ci"])
    p = _p(raw["p"])
    if p is None:  # pragma: no cover - the data file always has a p for an odds ratio
        raise ValueError("an odds ratio without a p value in the published tables")
    return PublishedOddsRatio(float(raw["or"]), low, high, p)


def _summary_row(raw: Mapping[str, Any]) -> SummaryRow:
    erratum = None
    if raw.get("erratum"):
        e = raw["erratum"]
        erratum = Erratum(str(e["field"]), float(e["printed"]), float(e["used"]), str(e["why"]))
    n = raw.get("n")
    return SummaryRow(
        row=str(raw["row"]),
        variable=str(raw["variable"]),
        subgroup=Subgroup(raw["subgroup"]),
        summary=str(raw["summary"]),
        fracture={k: float(v) for k, v in raw["fracture"].items()},
        control={k: float(v) for k, v in raw["control"].items()},
        p=_p(raw.get("p")),
        n=None if n is None else {str(k): int(v) for k, v in n.items()},
        n_printed=bool(raw.get("n_printed", True)),
        level=raw.get("level"),
        erratum=erratum,
        note=str(raw.get("note", "")),
    )


def _parse(doc: Mapping[str, Any]) -> PublishedTables:
    if doc.get("schema") != _SCHEMA:
        raise ValueError(f"{DATA_FILE}: schema {doc.get('schema')!r}, expected {_SCHEMA!r}")
    table1 = tuple(_summary_row(r) for r in doc["table1"]["rows"])
    table2 = tuple(
        AucRow(
            row=str(r["row"]),
            variable=str(r["variable"]),
            auc=float(r["auc"]),
            auc_abstract=float(r["auc_abstract"]),
            ci_low=float(r["ci"][0]),
            ci_high=float(r["ci"][1]),
            p=PValue.parse(str(r["p"])),
        )
        for r in doc["table2"]["rows"]
    )
    table3 = tuple(
        CutoffRow(
            row=str(r["row"]),
            variable=str(r["variable"]),
            cutoff=float(r["cutoff"]),
            sensitivity=float(r["sensitivity"]),
            specificity=float(r["specificity"]),
            note=str(r.get("note", "")),
        )
        for r in doc["table3"]["rows"]
    )
    table4 = []
    for r in doc["table4"]["rows"]:
        uni = _odds(r["univariate"])
        if uni is None:  # pragma: no cover - every Table 4 row has a univariable model
            raise ValueError(f"{DATA_FILE}: Table 4 row {r['row']!r} has no univariate OR")
        table4.append(
            LogisticRow(str(r["row"]), str(r["variable"]), uni, _odds(r["multivariable"]))
        )
    errata = tuple(
        (f"Table 1, {s.row}, {s.subgroup.value}", s.erratum) for s in table1 if s.erratum
    )
    for _, erratum in errata:
        if not math.isfinite(erratum.used):  # pragma: no cover - guards hand edits of the file
            raise ValueError(f"{DATA_FILE}: erratum without a usable value")
    return PublishedTables(
        citation=str(doc["citation"]),
        doi=str(doc["doi"]),
        group_sizes={str(k): int(v) for k, v in doc["table1"]["groups"].items()},
        table1=table1,
        table2=table2,
        table3=table3,
        table4=tuple(table4),
        multivariable_predictors=tuple(str(v) for v in doc["table4"]["predictors_multivariable"]),
        errata=errata,
    )


@lru_cache(maxsize=1)
def load_published() -> PublishedTables:
    """Tables 1–4 of Huang et al., Global Spine J 2026;16(1):162–170, from the package data.

    Returns
    -------
    PublishedTables
        Figures as printed, except where an ``erratum`` records a value that cannot be right
        (the male fracture VBQ-T1 SD, printed 0.79, used 0.579; see the data file).
    """
    text = resources.files("vbqcore").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return _parse(json.loads(text))
