"""What a VBQ score is computed from: per-sequence ROI SIs, fractured levels and the CSF level."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vbqcore.anatomy import Level, Sequence
from vbqcore.errors import ScoreError

__all__ = [
    "MEASURED_SEQUENCES",
    "CSF_LEVELS",
    "SequenceMeasurement",
    "CaseMeasurements",
    "parse_fractured",
    "si_column",
]

logger = logging.getLogger(__name__)

#: Sequences that carry SIs (``Sequence.UNKNOWN`` cannot be scored).
MEASURED_SEQUENCES: tuple[Sequence, ...] = (Sequence.T1, Sequence.T2, Sequence.STIR)
#: Where the CSF ROI may sit: L3 by default, L2 or L4 when L3 is stenotic (Huang et al., Global
#: Spine J 2026;16(1):162-170, "Measuring VBQ Scores").
CSF_LEVELS: tuple[Level, ...] = (Level.L2, Level.L3, Level.L4)
#: A flat SI key: sequence, underscore, site. Sites that look like a vertebra but are not one of
#: ours (``T2_L6``, ``T1_S1``) are an error; anything else (``T1_notes``) is not an SI key.
_SI_KEY = re.compile(r"^(T1|T2|STIR)_([TLSC]\d{1,2}|CSF)$", re.IGNORECASE)
_MISSING_TEXT = frozenset({"", "na", "n/a", "nan", "none", "null"})


def _check_si(value: float, where: str) -> float:
    si = float(value)
    if not math.isfinite(si):
        raise ScoreError(f"{where}: SI is {si}; enter a finite number.")
    if si < 0:
        raise ScoreError(f"{where}: SI {si:g} is negative; MR magnitude SIs are >= 0.")
    return si


@dataclass(frozen=True)
class SequenceMeasurement:
    """ROI mean SIs (scanner units) on one sequence: each measured body and the CSF.

    ``levels`` maps a vertebral body to its ROI mean SI; bodies not measured are absent. ``csf`` is
    the CSF ROI mean SI, required because every score divides by it. Raises ``ScoreError`` for a
    negative or non-finite SI, a missing CSF or a CSF SI <= 0.
    """

    sequence: Sequence
    levels: Mapping[Level, float]
    csf: float | None

    def __post_init__(self) -> None:
        try:
            seq = Sequence(self.sequence)
        except ValueError as err:
            raise ScoreError(f"Sequence {self.sequence!r}: use T1, T2 or STIR.") from err
        if seq not in MEASURED_SEQUENCES:
            raise ScoreError(f"Sequence {seq.value!r} cannot be scored: use T1, T2 or STIR.")
        named = {_level(k, where=f"{seq.value} SIs"): v for k, v in self.levels.items()}
        levels = {lv: _check_si(v, f"{seq.value} {lv.value}") for lv, v in named.items()}
        if self.csf is None:
            raise ScoreError(
                f"{seq.value}: no CSF SI. Measure the CSF at L3 (L2 or L4 if L3 is stenotic), "
                f"or leave out every {seq.value} SI."
            )
        csf = float(self.csf)
        if not math.isfinite(csf):
            raise ScoreError(f"{seq.value} CSF: SI is {csf}; enter a finite number.")
        if csf <= 0:
            raise ScoreError(
                f"{seq.value} CSF: SI {csf:g} must be > 0 (the VBQ divides by it); "
                "check the CSF ROI lies inside the thecal sac."
            )
        object.__setattr__(self, "sequence", seq)
        object.__setattr__(self, "levels", dict(sorted(levels.items(), key=lambda kv: kv[0].order)))
        object.__setattr__(self, "csf", csf)

    def to_dict(self) -> dict[str, float]:
        """``{"L1": SI, ..., "CSF": SI}`` (JSON-safe)."""
        out = {level.value: si for level, si in self.levels.items()}
        out["CSF"] = float(self.csf) if self.csf is not None else math.nan
        return out


@dataclass(frozen=True)
class CaseMeasurements:
    """Everything one patient's scores are computed from.

    ``sequences`` holds the sequences that were measured (any of T1, T2, STIR); ``fractured`` the
    fractured bodies; ``csf_level`` where the CSF ROI was placed (L3 by default; L2 or L4 when L3
    is stenotic, Huang et al.). It is recorded for the report and does not change the arithmetic.
    """

    sequences: Mapping[Sequence, SequenceMeasurement]
    fractured: frozenset[Level] = frozenset()
    csf_level: Level = Level.L3

    def __post_init__(self) -> None:
        if not self.sequences:
            raise ScoreError(
                "No sequence measured: give the SIs of at least one of T1, T2 or STIR "
                "(columns such as T2_L1 ... T2_L4 and T2_CSF)."
            )
        for seq, meas in self.sequences.items():
            if Sequence(seq) is not meas.sequence:
                raise ScoreError(f"Measurement of {meas.sequence.value} filed under {seq!r}.")
        try:
            csf_level = Level(self.csf_level)
        except ValueError as err:
            raise ScoreError(
                f"csf_level {self.csf_level!r} is not a level: use L2, L3 or L4."
            ) from err
        if csf_level not in CSF_LEVELS:
            raise ScoreError(
                f"csf_level {csf_level.value}: the CSF is measured at L3, or at L2/L4 when L3 is "
                "stenotic; use L2, L3 or L4."
            )
        ordered = {s: self.sequences[s] for s in MEASURED_SEQUENCES if s in self.sequences}
        object.__setattr__(self, "sequences", ordered)
        object.__setattr__(self, "fractured", frozenset(Level(x) for x in self.fractured))
        object.__setattr__(self, "csf_level", csf_level)

    @classmethod
    def from_flat(cls, mapping: Mapping[str, Any]) -> CaseMeasurements:
        """Read flat keys ``{T1|T2|STIR}_{T12|L1..L5|CSF}``, ``fractured`` and ``csf_level``.

        Key names are case-insensitive and stripped. A value that is ``None``, NaN, an empty string
        or ``NA``/``nan``/``null`` means "not measured". ``fractured`` is a string such as
        ``"L2;L3"`` (separators ``;`` ``,`` or spaces) or a list of names. Other keys are ignored,
        except a key shaped like an SI key with an unknown site (``T2_L6``), which is an error.
        A sequence with no value at all is simply not measured.
        """
        values: dict[Sequence, dict[str, float]] = {}
        seen: dict[str, str] = {}
        fractured: frozenset[Level] = frozenset()
        csf_level = Level.L3
        for key, raw in mapping.items():
            name = str(key).strip()
            folded = name.upper()
            if folded in seen:
                raise ScoreError(f"Column {name!r} given twice (also as {seen[folded]!r}).")
            seen[folded] = name
            column = si_column(name)
            if column is not None:
                seq, site = column
                number = _number(raw, where=f"column {name!r}")
                if number is not None:
                    values.setdefault(seq, {})[site] = number
            elif folded == "FRACTURED":
                fractured = parse_fractured(raw)
            elif folded == "CSF_LEVEL" and not _is_missing(raw):
                csf_level = _level(raw, where="csf_level")
        sequences = {
            seq: SequenceMeasurement(
                seq, {Level(k): v for k, v in sites.items() if k != "CSF"}, sites.get("CSF")
            )
            for seq, sites in values.items()
        }
        return cls(sequences, fractured=fractured, csf_level=csf_level)

    @classmethod
    def from_nested(cls, mapping: Mapping[str, Any]) -> CaseMeasurements:
        """Read the nested form ``{"T1": {"L1": SI, ..., "CSF": SI}, ..., "fractured": ...}``.

        Each mapping-valued key is a sequence; other keys are read as in :meth:`from_flat`.
        """
        flat: dict[str, Any] = {}
        for key, value in mapping.items():
            if isinstance(value, Mapping):
                flat.update({f"{str(key).strip()}_{str(k).strip()}": v for k, v in value.items()})
            else:
                flat[key] = value
        return cls.from_flat(flat)

    def to_flat(self) -> dict[str, Any]:
        """The inverse of :meth:`from_flat`: ``{"T1_L1": SI, ..., "fractured": "L2;L3", ...}``."""
        out: dict[str, Any] = {}
        for seq, meas in self.sequences.items():
            out.update({f"{seq.value}_{site}": si for site, si in meas.to_dict().items()})
        out["fractured"] = ";".join(lv.value for lv in self._fractured_sorted())
        out["csf_level"] = self.csf_level.value
        return out

    def to_dict(self) -> dict[str, Any]:
        """Nested, JSON-safe: ``{"T1": {"L1": SI, ..., "CSF": SI}, ..., "fractured": [...]}``."""
        out: dict[str, Any] = {seq.value: meas.to_dict() for seq, meas in self.sequences.items()}
        out["fractured"] = [lv.value for lv in self._fractured_sorted()]
        out["csf_level"] = self.csf_level.value
        return out

    def _fractured_sorted(self) -> list[Level]:
        return sorted(self.fractured, key=lambda lv: lv.order)


def si_column(name: str) -> tuple[Sequence, str] | None:
    """Read an SI key: ``"t2_l3"`` -> ``(Sequence.T2, "L3")``, ``"T1_CSF"`` -> ``(T1, "CSF")``.

    Returns ``None`` for a name that is not an SI key (``age``, ``T1_notes``); raises
    ``ScoreError`` for one shaped like an SI key with an unknown level (``T2_L6``, ``T1_S1``).
    """
    match = _SI_KEY.match(str(name).strip())
    if not match:
        return None
    seq, site = Sequence(match.group(1).upper()), match.group(2).upper()
    if site != "CSF" and site not in Level.__members__:
        raise ScoreError(
            f"Column {name!r}: unknown level {match.group(2)!r}; "
            "expected T12, L1, L2, L3, L4, L5 or CSF."
        )
    return seq, site


def _is_missing(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and raw.strip().lower() in _MISSING_TEXT


def _number(raw: Any, *, where: str) -> float | None:
    if _is_missing(raw):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ScoreError(f"{where}: {raw!r} is not a number.")
    try:
        value = float(raw)
    except ValueError as err:
        raise ScoreError(f"{where}: {raw!r} is not a number.") from err
    if not math.isfinite(value):
        raise ScoreError(f"{where}: SI is {value}; enter a finite number.")
    return value


def _level(raw: Any, *, where: str) -> Level:
    key = str(raw).strip().upper()
    if key not in Level.__members__:
        allowed = ", ".join(lv.value for lv in Level)
        raise ScoreError(f"{where}: unknown level {raw!r}; expected one of {allowed}.")
    return Level(key)


def parse_fractured(raw: Any) -> frozenset[Level]:
    """Read fractured levels from ``"L2;L3"``, ``"L2, L3"``, ``["L2", "L3"]`` or nothing."""
    if _is_missing(raw):
        return frozenset()
    items: Iterable[Any]
    if isinstance(raw, str):
        items = [p for p in re.split(r"[;,\s]+", raw) if p]
    elif isinstance(raw, Iterable):
        items = list(raw)
    else:
        raise ScoreError(f"fractured: {raw!r} is not a list of levels such as 'L2;L3'.")
    return frozenset(_level(item, where="fractured") for item in items)
