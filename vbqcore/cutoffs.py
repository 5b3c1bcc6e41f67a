"""Published VBQ cut-offs, read from one data file (``vbqcore/data/cutoffs.json``)."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from vbqcore.errors import CutoffError
from vbqcore.vbq import Aggregate, ScoreName

__all__ = [
    "Cutoff",
    "load_cutoffs",
    "HIGHER_POSITIVE",
    "count_field",
    "entry_list",
    "number_field",
    "text_field",
]

logger = logging.getLogger(__name__)

#: The only direction the published VBQ cut-offs use: a higher VBQ (more marrow fat) is positive.
HIGHER_POSITIVE = "higher = positive"

_REQUIRED = (
    "id",
    "score",
    "value",
    "direction",
    "sensitivity",
    "specificity",
    "auc",
    "outcome",
    "method",
    "citation",
    "doi",
    "source_note",
)


@dataclass(frozen=True)
class Cutoff:
    """One published threshold for one score, with what it predicts and where it was derived.

    ``sensitivity``, ``specificity`` and ``auc`` are proportions (0–1). ``value`` and any other
    number is ``None`` when it could not be confirmed from the source (``source_note`` says so);
    a cut-off without a ``value`` is listed for reference and never compared with a score.
    ``field_strength_t`` is in tesla. ``n_pos``/``n_neg`` are the derivation cohort's sizes.
    """

    id: str
    score: ScoreName
    value: float | None
    direction: str
    sensitivity: float | None
    specificity: float | None
    auc: float | None
    auc_ci: tuple[float, float] | None
    outcome: str
    outcome_definition: str | None
    positive_group: str
    negative_group: str
    method: Aggregate
    scanner_vendor: str | None
    scanner_model: str | None
    field_strength_t: float | None
    cohort: str | None
    n_pos: int | None
    n_neg: int | None
    citation: str
    doi: str | None
    table: str | None
    source_note: str

    @property
    def usable(self) -> bool:
        """True when a score can be compared with it (a value, sensitivity and specificity)."""
        return None not in (self.value, self.sensitivity, self.specificity)

    @property
    def scanner(self) -> str:
        """``"GE Signa HDx 1.5 T"``, or ``"not reported"``."""
        parts = [self.scanner_vendor, self.scanner_model]
        if self.field_strength_t is not None:
            parts.append(f"{self.field_strength_t:g} T")
        text = " ".join(p for p in parts if p)
        return text or "not reported"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score.value,
            "value": self.value,
            "direction": self.direction,
            "sensitivity": self.sensitivity,
            "specificity": self.specificity,
            "auc": self.auc,
            "auc_ci": None if self.auc_ci is None else list(self.auc_ci),
            "outcome": self.outcome,
            "outcome_definition": self.outcome_definition,
            "positive_group": self.positive_group,
            "negative_group": self.negative_group,
            "method": self.method.value,
            "scanner_vendor": self.scanner_vendor,
            "scanner_model": self.scanner_model,
            "field_strength_t": self.field_strength_t,
            "cohort": self.cohort,
            "n_pos": self.n_pos,
            "n_neg": self.n_neg,
            "citation": self.citation,
            "doi": self.doi,
            "table": self.table,
            "source_note": self.source_note,
        }


def load_cutoffs(path: str | Path | None = None) -> tuple[Cutoff, ...]:
    """Read the cut-off table: the packaged one by default, or a file of the same schema.

    Parameters
    ----------
    path : str or Path, optional
        A JSON file shaped like ``vbqcore/data/cutoffs.json`` (e.g. thresholds derived on your
        own scanner). ``None`` reads the packaged table (cached).

    Raises
    ------
    CutoffError
        The file cannot be read, is not JSON, or an entry is missing a field or has a value out
        of range; the message names the entry and the field.
    """
    if path is None:
        return _packaged()
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise CutoffError(f"Cut-off file {source}: cannot be read ({err.strerror}).") from err
    return _parse(text, source)


@lru_cache(maxsize=1)
def _packaged() -> tuple[Cutoff, ...]:
    text = resources.files("vbqcore").joinpath("data/cutoffs.json").read_text(encoding="utf-8")
    return _parse(text, "vbqcore/data/cutoffs.json")


def entry_list(text: str, *, key: str, where: str) -> list[Any]:
    """The list under ``key`` of a cut-off JSON file (``where`` names it in messages); shared
    by this module and :mod:`vbqcore.literature.library`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise CutoffError(f"{where}: not valid JSON ({err}).") from err
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CutoffError(f"{where}: expected an object with a '{key}' list.")
    return entries


def _parse(text: str, source: str) -> tuple[Cutoff, ...]:
    entries = entry_list(text, key="cutoffs", where=f"Cut-off file {source}")
    cutoffs = tuple(_entry(e, f"{source} entry {i + 1}") for i, e in enumerate(entries))
    ids = [c.id for c in cutoffs]
    if len(set(ids)) != len(ids):
        raise CutoffError(f"Cut-off file {source}: duplicate ids in {ids}.")
    return cutoffs


def _entry(raw: Any, where: str) -> Cutoff:
    if not isinstance(raw, dict):
        raise CutoffError(f"{where}: expected an object.")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise CutoffError(f"{where}: missing field(s) {', '.join(missing)}.")
    where = f"{where} ({raw['id']})"
    try:
        score, method = ScoreName(raw["score"]), Aggregate(raw["method"])
    except ValueError as err:
        raise CutoffError(f"{where}: {err}.") from err
    if raw["direction"] != HIGHER_POSITIVE:
        raise CutoffError(f"{where}: direction must be {HIGHER_POSITIVE!r}.")
    ci = raw.get("auc_ci")
    if ci is not None and (not isinstance(ci, list) or len(ci) != 2):
        raise CutoffError(f"{where}: auc_ci must be [low, high] or null.")
    return Cutoff(
        id=str(raw["id"]),
        score=score,
        value=number_field(raw["value"], where, "value", positive=True),
        direction=HIGHER_POSITIVE,
        sensitivity=number_field(raw["sensitivity"], where, "sensitivity", proportion=True),
        specificity=number_field(raw["specificity"], where, "specificity", proportion=True),
        auc=number_field(raw["auc"], where, "auc", proportion=True),
        auc_ci=None
        if ci is None
        else (
            _req(number_field(ci[0], where, "auc_ci", proportion=True), where),
            _req(number_field(ci[1], where, "auc_ci", proportion=True), where),
        ),
        outcome=str(raw["outcome"]),
        outcome_definition=text_field(raw.get("outcome_definition")),
        positive_group=str(raw.get("positive_group") or "cases"),
        negative_group=str(raw.get("negative_group") or "controls"),
        method=method,
        scanner_vendor=text_field(raw.get("scanner_vendor")),
        scanner_model=text_field(raw.get("scanner_model")),
        field_strength_t=number_field(
            raw.get("field_strength_t"), where, "field_strength_t", positive=True
        ),
        cohort=text_field(raw.get("cohort")),
        n_pos=count_field(raw.get("n_pos"), where, "n_pos"),
        n_neg=count_field(raw.get("n_neg"), where, "n_neg"),
        citation=str(raw["citation"]),
        doi=text_field(raw["doi"]),
        table=text_field(raw.get("table")),
        source_note=str(raw["source_note"]),
    )


def number_field(
    raw: Any, where: str, name: str, *, proportion: bool = False, positive: bool = False
) -> float | None:
    """A finite number (a proportion in [0, 1], or > 0, when asked) or ``None`` for null;
    shared by the cut-off files (this module and :mod:`vbqcore.literature.library`)."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise CutoffError(f"{where}: {name} must be a finite number or null, not {raw!r}.")
    value = float(raw)
    if proportion and not 0.0 <= value <= 1.0:
        raise CutoffError(f"{where}: {name} {value:g} must be a proportion in [0, 1].")
    if positive and value <= 0:
        raise CutoffError(f"{where}: {name} {value:g} must be > 0.")
    return value


def _req(value: float | None, where: str) -> float:
    if value is None:
        raise CutoffError(f"{where}: auc_ci bounds must be numbers.")
    return value


def count_field(raw: Any, where: str, name: str) -> int | None:
    """A count >= 0 or ``None`` for null."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise CutoffError(f"{where}: {name} must be a count >= 0 or null, not {raw!r}.")
    return raw


def text_field(raw: Any) -> str | None:
    """The text of a field, ``None`` for null."""
    return None if raw is None else str(raw)
