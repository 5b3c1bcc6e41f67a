"""The curated library of published VBQ thresholds (``vbqcore/data/cutoff_library.json``).

One entry per published threshold (or pooled accuracy without one): the score definition
(sequence, levels, aggregate), the target condition and its reference standard, the threshold
and its accuracy, the cohort and scanner, and where in the source each number was read. The
library sits beside ``vbqcore/data/cutoffs.json`` (Huang et al. 2026, the main interpretation)
and repeats Huang et al.'s three thresholds with the same numbers (checked by a test).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from vbqcore.cutoffs import (
    HIGHER_POSITIVE,
    count_field,
    entry_list,
    number_field,
    text_field,
)
from vbqcore.errors import CutoffError
from vbqcore.literature.entries import LibraryEntry, ScoreDefinition
from vbqcore.literature.targets import Target, TargetGroup

__all__ = ["load_library", "select_entries"]

logger = logging.getLogger(__name__)

_SEQUENCES = ("T1", "T2", "STIR", "T2-STIR")
_AGGREGATES = ("mean", "median", "single level", "not stated")
_REGIONS = ("lumbar", "sacral", "cervical")


def load_library(path: str | Path | None = None) -> tuple[LibraryEntry, ...]:
    """Read the library: the packaged one by default, or a JSON file of the same schema.

    Raises
    ------
    CutoffError
        The file cannot be read, is not JSON, or an entry is missing a field, has a number out
        of range or a number without a ``read_from`` note; the message names entry and field.
    """
    if path is None:
        return _packaged()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise CutoffError(f"Cut-off library {path}: cannot be read ({err.strerror}).") from err
    return _parse(text, str(path))


def select_entries(
    entries: Iterable[LibraryEntry],
    *,
    target: Target | TargetGroup | None = None,
    field_strength_t: float | None = None,
) -> tuple[LibraryEntry, ...]:
    """Entries for a target (condition or group) and a field strength.

    A field strength keeps the entries derived at it (within 0.05 T) and those that do not
    report one (their scanner is unknown, so they are not excluded; the output says so).
    """
    out = []
    for entry in entries:
        if isinstance(target, TargetGroup) and entry.target.group is not target:
            continue
        if isinstance(target, Target) and entry.target is not target:
            continue
        if (
            field_strength_t is not None
            and entry.field_strength_t is not None
            and abs(entry.field_strength_t - field_strength_t) > 0.05
        ):
            continue
        out.append(entry)
    return tuple(out)


@lru_cache(maxsize=1)
def _packaged() -> tuple[LibraryEntry, ...]:
    res = resources.files("vbqcore").joinpath("data/cutoff_library.json")
    return _parse(res.read_text(encoding="utf-8"), "vbqcore/data/cutoff_library.json")


_REQUIRED = (
    "id",
    "score",
    "target",
    "target_definition",
    "threshold",
    "direction",
    "auc",
    "sensitivity",
    "specificity",
    "design",
    "citation",
    "doi",
    "read_from",
)
_PROPORTIONS = ("auc", "sensitivity", "specificity", "ppv", "npv", "prevalence")


def _parse(text: str, source: str) -> tuple[LibraryEntry, ...]:
    raw = entry_list(text, key="entries", where=f"Cut-off library {source}")
    entries = tuple(_entry(e, f"{source} entry {i + 1}") for i, e in enumerate(raw))
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise CutoffError(f"Cut-off library {source}: duplicate ids {dup}.")
    return entries


def _entry(raw: Any, where: str) -> LibraryEntry:
    if not isinstance(raw, dict):
        raise CutoffError(f"{where}: expected an object.")
    missing = [k for k in _REQUIRED if k not in raw]
    if missing:
        raise CutoffError(f"{where}: missing field(s) {', '.join(missing)}.")
    where = f"{where} ({raw['id']})"
    if raw["direction"] != HIGHER_POSITIVE:
        raise CutoffError(f"{where}: direction must be {HIGHER_POSITIVE!r}.")
    doi = raw["doi"]
    if not isinstance(doi, str) or not doi.startswith("10."):
        raise CutoffError(f"{where}: doi {doi!r} must be a DOI such as '10.1007/...'.")
    try:
        target = Target(raw["target"])
    except ValueError as err:
        known = ", ".join(t.value for t in Target)
        raise CutoffError(f"{where}: target {raw['target']!r} is not one of {known}.") from err
    read_from = raw["read_from"]
    if not isinstance(read_from, dict):
        raise CutoffError(f"{where}: read_from must map each number to where it was read.")
    nums = {
        k: number_field(raw.get(k), where, k, proportion=k in _PROPORTIONS) for k in _PROPORTIONS
    }
    threshold = number_field(raw["threshold"], where, "threshold", positive=True)
    for name, value in (("threshold", threshold), *nums.items()):
        if value is not None and name not in read_from:
            raise CutoffError(f"{where}: {name} has no read_from note saying where it was read.")
    if nums["auc"] is not None and nums["auc"] < 0.5:
        raise CutoffError(
            f"{where}: auc {nums['auc']:g} < 0.5; every VBQ threshold here is higher = positive."
        )
    scanner = raw.get("scanner") or {}
    cohort = raw.get("cohort") or {}
    return LibraryEntry(
        id=str(raw["id"]),
        score=_score(raw["score"], where),
        target=target,
        target_definition=str(raw["target_definition"]),
        reference_standard=text_field(raw.get("reference_standard")),
        threshold=threshold,
        threshold_kind=text_field(raw.get("threshold_kind")),
        direction=HIGHER_POSITIVE,
        auc=nums["auc"],
        auc_ci=_ci(raw.get("auc_ci"), where),
        sensitivity=nums["sensitivity"],
        specificity=nums["specificity"],
        ppv=nums["ppv"],
        npv=nums["npv"],
        n=count_field(raw.get("n"), where, "n"),
        n_positive=count_field(raw.get("n_positive"), where, "n_positive"),
        prevalence=nums["prevalence"],
        cohort={str(k): text_field(v) for k, v in cohort.items()},
        scanner_vendor=text_field(scanner.get("vendor")),
        scanner_model=text_field(scanner.get("model")),
        field_strength_t=number_field(
            scanner.get("field_strength_t"), where, "field_strength_t", positive=True
        ),
        tr_te=text_field(raw.get("tr_te")),
        design=str(raw["design"]),
        citation=str(raw["citation"]),
        doi=doi,
        year=count_field(raw.get("year"), where, "year"),
        read_from={str(k): str(v) for k, v in read_from.items()},
        source_url=text_field(raw.get("source_url")),
        notes=str(raw.get("notes") or ""),
    )


def _score(raw: Any, where: str) -> ScoreDefinition:
    if not isinstance(raw, dict):
        raise CutoffError(f"{where}: score must be an object (name, sequence, levels, ...).")
    seq, agg, region = raw.get("sequence"), raw.get("aggregate"), raw.get("region")
    if seq not in _SEQUENCES:
        raise CutoffError(f"{where}: score sequence {seq!r} must be one of {_SEQUENCES}.")
    if agg not in _AGGREGATES:
        raise CutoffError(f"{where}: score aggregate {agg!r} must be one of {_AGGREGATES}.")
    if region not in _REGIONS:
        raise CutoffError(f"{where}: score region {region!r} must be one of {_REGIONS}.")
    levels = raw.get("levels") or []
    if not isinstance(levels, list) or not all(isinstance(lv, str) for lv in levels):
        raise CutoffError(f"{where}: score levels must be a list of level names.")
    return ScoreDefinition(
        name=str(raw.get("name")),
        sequence=seq,
        levels=tuple(levels),
        aggregate=agg,
        csf_level=text_field(raw.get("csf_level")),
        region=region,
    )


def _ci(raw: Any, where: str) -> tuple[float, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2:
        raise CutoffError(f"{where}: auc_ci must be [low, high] or null.")
    low = number_field(raw[0], where, "auc_ci", proportion=True)
    high = number_field(raw[1], where, "auc_ci", proportion=True)
    if low is None or high is None or low > high:
        raise CutoffError(f"{where}: auc_ci {raw!r} must be two numbers, low <= high.")
    return low, high
