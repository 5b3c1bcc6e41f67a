"""``python -m vbqcore score INPUT``: VBQ scores from SIs in a JSON case or a CSV table.

* ``.json`` (one case): flat keys ``{T1|T2|STIR}_{T12|L1..L5|CSF}`` or the nested form
  ``{"T2": {"L1": SI, ..., "CSF": SI}}``, plus optional ``fractured``, ``csf_level``,
  ``field_strength_t``, ``manufacturer``, ``model``, ``modality`` (DICOM Modality; anything but
  ``"MR"`` is refused) and ``source`` (``"dicom"``/``"screenshot"`` or a list of them). Prints
  JSON: every score, levels, substitutions, warnings, the inputs and the interpretation against
  the published cut-offs, each comparison with its ``zone`` (below/borderline/above, ``null``
  when not interpretable) and ``interval`` ``[low, high]`` (``interval_method``: mean SIs carry
  no per-ROI spread, so the observer-agreement model of Huang et al. 2026 is used), and a
  ``bottom_line`` sentence. An optional ``sem`` key, nested like the SIs
  (``{"T2": {"L1": 2.1, ..., "CSF": 6.0}}``: each ROI's standard error of the mean, SD/sqrt(n)),
  gives ``roi_sem`` intervals instead; ``--interval observer_agreement`` forces the observer model.
* ``.csv`` (one row per patient): the same flat columns; every input column is carried through
  and ``vbq_t1, vbq_t2, vbq_stir, vbq_t2_stir, levels_used, warnings`` are appended. A bad row is
  reported on stderr by its 1-based data row (header not counted) and scoring goes on; the exit
  code is then 2.
"""

from __future__ import annotations

import argparse
import io
import logging
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vbqcore.anatomy import Sequence
from vbqcore.cohort.score_table import score_csv
from vbqcore.commands._files import read_input_bytes
from vbqcore.commands._output import EXIT_BAD_INPUT, EXIT_OK, add_raw_cells, emit_json
from vbqcore.errors import ScoreError
from vbqcore.imaging.modality import require_mr
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.interpretation import interpret
from vbqcore.literature import TargetGroup, read_literature
from vbqcore.measurements import CaseMeasurements, si_column
from vbqcore.score_uncertainty import score_intervals
from vbqcore.tabular import MAX_TABLE_BYTES
from vbqcore.text_input import decode_text, read_json, sniff_delimiter
from vbqcore.uncertainty import IntervalMethod
from vbqcore.vbq import Aggregate, compute_vbq

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_CASE_KEYS = {"fractured", "csf_level"}
_PROTOCOL_KEYS = {"field_strength_t", "manufacturer", "model", "source", "modality", "sem"}
_SEQUENCE_KEYS = {s.value.lower() for s in (Sequence.T1, Sequence.T2, Sequence.STIR)}


def add_parser(subparsers: Any) -> None:
    """Register ``score``."""
    doc = __doc__ or ""
    parser = subparsers.add_parser(
        "score",
        help="VBQ-T1/T2/STIR/T2-STIR from SIs in a .json case or a .csv table",
        description=doc.split("\n\n")[0].replace("``", ""),
    )
    parser.add_argument(
        "input", metavar="INPUT", help=".json (one case) or .csv (one row per case)"
    )
    parser.add_argument(
        "--method",
        choices=[a.value for a in Aggregate],
        default=Aggregate.MEAN.value,
        help="aggregate of the levels: mean (Huang et al. 2026, default) or median "
        "(Ehresman et al. 2020)",
    )
    parser.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    parser.add_argument(
        "--pretest",
        type=float,
        metavar="P",
        help="pre-test probability of the outcome (e.g. OVCF) in (0, 1) for the post-test "
        "probability; .json input only",
    )
    parser.add_argument(
        "--target",
        choices=[g.value for g in TargetGroup],
        help="default target of the published thresholds under 'literature' (.json input)",
    )
    parser.add_argument(
        "--interval",
        choices=[m.value for m in IntervalMethod],
        default=IntervalMethod.ROI_SEM.value,
        help="how each score's 95%% interval is made: roi_sem (default; from the 'sem' key, "
        "else the observer model) or observer_agreement (Huang et al. 2026 Figure 3); .json "
        "input only",
    )
    add_raw_cells(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.input)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _run_json(path, args, path.name)
    if suffix == ".csv":
        if args.pretest is not None:
            raise ScoreError(
                "--pretest applies to .json input only (the CSV has no interpretation)."
            )
        if args.target is not None:
            raise ScoreError("--target applies to .json input only (the CSV has no thresholds).")
        if args.interval != IntervalMethod.ROI_SEM.value:
            raise ScoreError(
                "--interval applies to .json input only (the CSV has no interpretation)."
            )
        return _run_csv(path, args)
    raise ScoreError(f"{path.name}: INPUT must end in .json (one case) or .csv (a table).")


def _run_json(path: Path, args: argparse.Namespace, label: str) -> int:
    data = read_json(read_input_bytes(path, label), label, error=ScoreError)
    if not isinstance(data, dict):
        raise ScoreError(
            f"{path.name}: expected one JSON object (one case), not {type(data).__name__}."
        )
    spread = _spread(data.get("sem", data.get("SEM")), path.name)
    data = {k: v for k, v in data.items() if str(k).strip().lower() != "sem"}
    nested = any(
        str(k).strip().lower() in _SEQUENCE_KEYS and isinstance(v, Mapping) for k, v in data.items()
    )
    case = CaseMeasurements.from_nested(data) if nested else CaseMeasurements.from_flat(data)
    protocol, sources = _protocol(data, path.name)
    result = compute_vbq(case, method=args.method)
    intervals = score_intervals(result, spread=spread, method=args.interval)
    meaning = interpret(
        result,
        protocol=protocol,
        pretest_probability=args.pretest,
        sources=sources,
        intervals=intervals,
    )
    payload = result.to_dict()
    payload["interpretation"] = meaning.to_dict()
    target = None if args.target is None else TargetGroup(args.target)
    own = {s: (iv.low, iv.high) for s, iv in meaning.intervals.items()}
    literature = read_literature(result, protocol=protocol, target_group=target, intervals=own)
    payload["literature"] = literature.to_dict()
    payload["protocol"] = None if protocol is None else protocol.to_dict()
    payload["ignored_keys"] = [k for k in data if not _known(k, nested)]
    emit_json(payload, args.out)
    return EXIT_OK


def _spread(raw: Any, where: str) -> dict[Sequence, dict[str, float]] | None:
    """The optional ``sem`` key: ``{"T2": {"L1": 2.1, ..., "CSF": 6.0}, ...}`` in SI units."""
    if raw is None:
        return None
    shape = 'e.g. {"T2": {"L1": 2.1, "L2": 2.0, "L3": 2.2, "L4": 2.4, "CSF": 6.0}}'
    if not isinstance(raw, Mapping):
        raise ScoreError(
            f"{where}: sem must be an object of standard errors per sequence, {shape}."
        )
    out: dict[Sequence, dict[str, float]] = {}
    for seq_key, sites in raw.items():
        name = str(seq_key).strip().upper()
        if name not in {"T1", "T2", "STIR"} or not isinstance(sites, Mapping):
            raise ScoreError(f"{where}: sem key {seq_key!r} must be T1, T2 or STIR, {shape}.")
        for site, value in sites.items():
            label = str(site).strip().upper()
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ScoreError(f"{where}: sem {name} {label} {value!r} must be a number >= 0.")
            if not math.isfinite(value) or value < 0:
                raise ScoreError(f"{where}: sem {name} {label} {value!r} must be a number >= 0.")
            out.setdefault(Sequence(name), {})[label] = float(value)
    return out


def _known(key: str, nested: bool) -> bool:
    name = str(key).strip().lower()
    if name in _CASE_KEYS or name in _PROTOCOL_KEYS:
        return True
    if nested and name in _SEQUENCE_KEYS:
        return True
    return si_column(name) is not None


def _protocol(
    data: Mapping[str, Any], where: str
) -> tuple[Protocol | None, tuple[SliceSource, ...]]:
    keys = {str(k).strip().lower(): v for k, v in data.items()}
    field = keys.get("field_strength_t")
    if field is not None:
        if (
            isinstance(field, bool)
            or not isinstance(field, int | float)
            or not math.isfinite(field)
            or field <= 0
        ):
            raise ScoreError(
                f"{where}: field_strength_t {field!r} must be a number of tesla > 0, e.g. 1.5."
            )
        field = float(field)
    modality = keys.get("modality")
    if modality is not None:
        require_mr(Protocol(modality=str(modality)), where)
    maker, model = keys.get("manufacturer"), keys.get("model")
    raw_sources = keys.get("source")
    items = (
        []
        if raw_sources is None
        else [raw_sources]
        if isinstance(raw_sources, str)
        else raw_sources
    )
    try:
        sources = tuple(SliceSource(str(s).strip().lower()) for s in items)
    except (ValueError, TypeError) as err:
        raise ScoreError(
            f"{where}: source {raw_sources!r} must be 'dicom' or 'screenshot' (or a list)."
        ) from err
    if field is None and maker is None and model is None:
        return None, sources
    protocol = Protocol(
        manufacturer=None if maker is None else str(maker),
        model=None if model is None else str(model),
        field_strength_t=field,
    )
    return protocol, sources


def _run_csv(path: Path, args: argparse.Namespace) -> int:
    # Decoded and split exactly as the cohort page reads a table (vbqcore.text_input), so a
    # semicolon file with decimal commas scores here as it does there.
    text = decode_text(
        read_input_bytes(path, path.name, max_bytes=MAX_TABLE_BYTES, error=ScoreError),
        path.name,
        error=ScoreError,
    )
    delimiter = sniff_delimiter(text)
    options: dict[str, Any] = {
        "method": args.method,
        "source": path.name,
        "delimiter": delimiter,
        "decimal": "," if delimiter == ";" else ".",
        "neutralise_formulas": not args.raw_cells,
    }
    src = io.StringIO(text, newline="")
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as dst:
            report = score_csv(src, dst, **options)
    else:
        report = score_csv(src, sys.stdout, **options)
    for column in report.replaced_columns:
        sys.stderr.write(f"note: input column {column} was replaced by the recomputed value\n")
    for err in report.errors:
        sys.stderr.write(f"error: {path.name} row {err.row} (line {err.line}): {err.message}\n")
    if report.errors:
        sys.stderr.write(f"{len(report.errors)} of {report.n_rows} row(s) could not be scored\n")
        return EXIT_BAD_INPUT
    return EXIT_OK
