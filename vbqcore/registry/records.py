"""What the registry keeps of a case, built from the case JSON the Case page exports.

Scores are recomputed from the SIs in the file (``compute_vbq``) and compared with the published
cut-offs (``interpret``, Huang et al., Global Spine J 2026;16(1):162-170, Table 3), never trusted
from the file. Nothing here names the patient: the case ID is a pseudonym chosen by the user.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from vbqcore import __version__
from vbqcore.anatomy import Level, Sequence, Sex
from vbqcore.case.io import read_case_json
from vbqcore.errors import ScoreError, VbqInputError
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.interpretation import interpret
from vbqcore.measurements import CaseMeasurements
from vbqcore.registry.images import CaseImage
from vbqcore.vbq import Aggregate, ScoreName, VbqResult, compute_vbq

__all__ = [
    "Group",
    "RoiRecord",
    "Zone",
    "CaseRecord",
    "new_case_id",
    "check_case_id",
    "parse_group",
    "parse_number",
    "scored_record",
    "record_from_case_json",
]

_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_STATS = ("n_pixels", "area_mm2", "mean", "median", "sd", "min", "max", "p5", "p95")


class Group(StrEnum):
    """The case's group in a cohort: a fracture case, a control, or not decided yet."""

    FRACTURE = "fracture"
    CONTROL = "control"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RoiRecord:
    """One ROI as kept: sequence, position in its list, label, shape, geometry, stats."""

    sequence: Sequence
    position: int
    label: str | None
    shape: str
    geometry: Mapping[str, Any]
    slice_index: int | None = None
    stats: Mapping[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence.value,
            "position": self.position,
            "label": self.label,
            "shape": self.shape,
            "geometry": dict(self.geometry),
            "slice_index": self.slice_index,
            "stats": dict(self.stats),
        }


@dataclass(frozen=True)
class Zone:
    """A score against one published cut-off: ``position`` is below, at or above."""

    score: ScoreName
    cutoff_id: str
    cutoff: float
    position: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score.value,
            "cutoff_id": self.cutoff_id,
            "cutoff": self.cutoff,
            "position": self.position,
        }


@dataclass(frozen=True)
class CaseRecord:
    """Everything saved for one case (no patient identifier; ``patient_hash`` is keyed).

    ``images`` are stored only when given (the user opted in); read back, a record has none:
    ``vbqcore.registry.images.read_images`` fetches them when a case is re-opened.
    """

    case_id: str
    group: Group = Group.UNKNOWN
    sex: Sex | None = None
    age: float | None = None
    bmi: float | None = None
    fractured: tuple[Level, ...] = ()
    csf_level: Level = Level.L3
    method: Aggregate = Aggregate.MEAN
    pretest_probability: float | None = None
    manufacturer: str | None = None
    model: str | None = None
    field_strength_t: float | None = None
    software_version: str = __version__
    measurements: Mapping[str, float] | None = None
    scores: Mapping[ScoreName, float | None] = field(default_factory=dict)
    zones: tuple[Zone, ...] = ()
    levels_used: str = ""
    warnings: tuple[str, ...] = ()
    rois: tuple[RoiRecord, ...] = ()
    case_json: str | None = None
    patient_hash: str | None = None
    note: str | None = None
    images: tuple[CaseImage, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, without the stored case file and without the patient hash."""
        return {
            "case_id": self.case_id,
            "group": self.group.value,
            "sex": None if self.sex is None else self.sex.value,
            "age": self.age,
            "bmi": self.bmi,
            "fractured": [lv.value for lv in self.fractured],
            "csf_level": self.csf_level.value,
            "method": self.method.value,
            "pretest_probability": self.pretest_probability,
            "manufacturer": self.manufacturer,
            "model": self.model,
            "field_strength_t": self.field_strength_t,
            "software_version": self.software_version,
            "measurements": None if self.measurements is None else dict(self.measurements),
            "scores": {s.value: self.scores.get(s) for s in ScoreName},
            "zones": [z.to_dict() for z in self.zones],
            "levels_used": self.levels_used,
            "warnings": list(self.warnings),
            "rois": [r.to_dict() for r in self.rois],
            "note": self.note,
        }


def new_case_id() -> str:
    """A random pseudonym such as ``VBQ-3F9A1C07`` (32 random bits, unrelated to the patient)."""
    return f"VBQ-{secrets.token_hex(4).upper()}"


def check_case_id(value: object) -> str:
    """A case ID: 1-64 letters, digits, ``.``, ``_`` or ``-``, starting with a letter or digit."""
    text = "" if value is None else str(value).strip()
    if not _CASE_ID.match(text):
        raise VbqInputError(
            f"Case ID {text!r}: use 1-64 letters, digits, '.', '_' or '-' (a pseudonym, never "
            "the patient's name or hospital ID)."
        )
    return text


def parse_group(value: object) -> Group:
    """fracture / control / unknown (any case; blank is unknown)."""
    text = "" if value is None else str(value).strip().lower()
    if text in ("", "nan", "none"):
        return Group.UNKNOWN
    try:
        return Group(text)
    except ValueError as err:
        raise VbqInputError(f"Group {value!r}: use fracture, control or unknown.") from err


def parse_number(value: object, name: str, low: float, high: float) -> float | None:
    """A number in [low, high] or ``None`` for a blank; ``VbqInputError`` naming ``name`` else."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "NA", "nan")):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise VbqInputError(f"{name} {value!r} is not a number.") from err
    if math.isnan(number):
        return None
    if not low <= number <= high:
        raise VbqInputError(f"{name} {number:g} is outside {low:g} to {high:g}.")
    return number


def scored_record(
    base: CaseRecord,
    measurements: CaseMeasurements | None,
    *,
    protocol: Protocol | None = None,
    sources: tuple[SliceSource, ...] = (),
) -> CaseRecord:
    """``base`` with SIs, scores, levels, warnings and zones recomputed from ``measurements``."""
    if measurements is None:
        return base
    result: VbqResult = compute_vbq(measurements, method=base.method)
    meaning = interpret(
        result,
        protocol=protocol,
        pretest_probability=base.pretest_probability,
        sources=set(sources),
    )
    zones = tuple(
        Zone(c.score, c.cutoff.id, float(c.cutoff.value), c.to_dict()["position"])
        for c in meaning.comparisons
        if c.cutoff.value is not None
    )
    flat = {k: float(v) for k, v in measurements.to_flat().items() if isinstance(v, float)}
    return dataclasses.replace(
        base,
        measurements=flat,
        scores={s: result.score(s) for s in ScoreName},
        zones=zones,
        levels_used=result.levels_used_text(),
        warnings=tuple(dict.fromkeys(result.warnings)),
        fractured=tuple(sorted(measurements.fractured, key=lambda lv: lv.order)),
        csf_level=measurements.csf_level,
    )


def _protocol(data: Mapping[str, Any]) -> tuple[Protocol | None, tuple[SliceSource, ...]]:
    sequences = data.get("sequences") or {}
    protocol: Protocol | None = None
    sources: list[SliceSource] = []
    for raw in sequences.values():
        if not isinstance(raw, Mapping):
            continue
        try:
            source = SliceSource(str(raw.get("source")))
        except ValueError:
            continue
        sources.append(source)
        info = raw.get("protocol")
        if protocol is None and source is SliceSource.DICOM and isinstance(info, Mapping):
            strength = info.get("field_strength_t")
            protocol = Protocol(
                manufacturer=info.get("manufacturer"),
                model=info.get("model"),
                field_strength_t=float(strength) if isinstance(strength, int | float) else None,
            )
    return protocol, tuple(dict.fromkeys(sources))


def _roi_records(data: Mapping[str, Any], name: str) -> tuple[RoiRecord, ...]:
    saved = read_case_json(data, name=name)  # validates every ROI and label
    out: list[RoiRecord] = []
    raw_sequences = data.get("sequences") or {}
    for seq, item in saved.sequences.items():
        stats_raw = raw_sequences.get(seq.value, {}).get("stats") or []
        for i, roi in enumerate(item.rois):
            geometry = {k: v for k, v in roi.to_dict().items() if k not in ("label", "shape")}
            st = stats_raw[i] if i < len(stats_raw) and isinstance(stats_raw[i], Mapping) else {}
            stats = {k: st.get(k) for k in _STATS if isinstance(st.get(k), int | float)}
            out.append(RoiRecord(seq, i, roi.label, roi.shape, geometry, item.slice_index, stats))
    return tuple(out)


def record_from_case_json(
    data: Mapping[str, Any] | str | bytes,
    *,
    case_id: str,
    group: Group | str = Group.UNKNOWN,
    sex: Sex | str | None = None,
    age: float | None = None,
    bmi: float | None = None,
    patient_hash: str | None = None,
    note: str | None = None,
    images: tuple[CaseImage, ...] = (),
    name: str = "case file",
) -> CaseRecord:
    """A ``CaseRecord`` from a case JSON (``vbqcore.case.io.case_to_dict``), scores recomputed.

    Raises ``VbqInputError`` naming the file and what is wrong (not a case file, a bad ROI, SIs
    from which no score can be computed, an age outside 0-120).
    """
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise VbqInputError(f"{name} is not valid JSON ({err}); choose a case file.") from err
    if not isinstance(data, Mapping):
        raise VbqInputError(f"{name} is not a VBQ Dashboard case file (a JSON object).")
    rois = _roi_records(data, name)
    options = data.get("options") or {}
    parsed_sex = sex if isinstance(sex, Sex) or sex is None else Sex.parse(sex)
    if sex is not None and parsed_sex is None:
        raise VbqInputError(f"Sex {sex!r}: use F or M (or leave it blank).")
    try:
        method = Aggregate(str(options.get("method") or "mean").lower())
        csf = Level(str(options.get("csf_level") or "L3").upper())
        fractured = tuple(Level(str(v).upper()) for v in options.get("fractured") or [])
    except ValueError as err:
        raise VbqInputError(f"{name}: the options hold an unknown value ({err}).") from err
    pretest = parse_number(options.get("pretest_probability"), "pre-test probability", 0, 1)
    protocol, sources = _protocol(data)
    base = CaseRecord(
        case_id=check_case_id(case_id),
        group=parse_group(group),
        sex=parsed_sex,
        age=parse_number(age, "Age", 0, 120),
        bmi=parse_number(bmi, "BMI", 5, 100),
        fractured=fractured,
        csf_level=csf,
        method=method,
        pretest_probability=pretest,
        manufacturer=None if protocol is None else protocol.manufacturer,
        model=None if protocol is None else protocol.model,
        field_strength_t=None if protocol is None else protocol.field_strength_t,
        rois=rois,
        case_json=json.dumps(data, allow_nan=False),
        patient_hash=patient_hash,
        note=(note or "").strip() or None,
        images=images,
    )
    result = data.get("result")
    if not isinstance(result, Mapping) or not isinstance(result.get("inputs"), Mapping):
        return base
    try:
        measurements = CaseMeasurements.from_nested(result["inputs"])
        return scored_record(base, measurements, protocol=protocol, sources=sources)
    except ScoreError as err:
        raise VbqInputError(f"{name}: the SIs in the file give no score ({err}).") from err
