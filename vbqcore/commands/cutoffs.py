"""``python -m vbqcore cutoffs``: the curated library of published VBQ thresholds, as JSON."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from vbqcore.commands._output import EXIT_OK, emit_json
from vbqcore.errors import CutoffError
from vbqcore.literature import Target, TargetGroup, load_library, parse_target, select_entries

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """\
Print the library of published VBQ thresholds (vbqcore/data/cutoff_library.json) as a JSON list,
one object per threshold: score, target, threshold, direction, auc, sensitivity, specificity,
field_strength_t, doi, and the rest of the entry (score definition, cohort, scanner, LR+/LR-
recomputed from sensitivity and specificity, and where in the source each number was read).
A null threshold means the source gives none: the entry is for reference only.
"""


def add_parser(subparsers: Any) -> None:
    """Register ``cutoffs``."""
    p = subparsers.add_parser(
        "cutoffs", help="the library of published VBQ thresholds (JSON)", description=_DESCRIPTION
    )
    targets = [g.value for g in TargetGroup] + [t.value for t in Target]
    p.add_argument(
        "--target",
        metavar="TARGET",
        help=f"a target group or condition: {', '.join(targets)}",
    )
    p.add_argument(
        "--field-strength",
        type=float,
        metavar="T",
        help="keep thresholds derived at this field strength (1.5 or 3) and those whose "
        "source does not report one",
    )
    p.add_argument("--library", metavar="FILE", help="a JSON library of the same schema")
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = None if args.target is None else parse_target(args.target)
    field = args.field_strength
    if field is not None and not field > 0:
        raise CutoffError(f"--field-strength {field:g}: give the field in tesla, e.g. 1.5 or 3.")
    entries = select_entries(load_library(args.library), target=target, field_strength_t=field)
    emit_json([e.to_dict() for e in entries], args.out)
    return EXIT_OK
