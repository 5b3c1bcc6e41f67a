"""``python -m vbqcore match DATA.csv --group COL --case VALUE --sex COL --age COL``: 1:1 pairs."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from vbqcore.commands._output import add_raw_cells
from vbqcore.csv_safety import safe_csv
from vbqcore.stats.matching import match_pairs
from vbqcore.tabular import read_table

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """\
Match each case 1:1 to a control of the same sex and age (optionally within --caliper years),
choosing among candidates the closest MR acquisition date (--date), as Huang et al. 2026 did.
The matching is optimal over all cases (not first-come) and deterministic. Writes the matched
rows (case then control, with a pair_id column) as CSV to stdout or --out, and a flow summary
(counts only) to stderr.
"""


def add_parser(subparsers: Any) -> None:
    """Register ``match`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "match", help="1:1 sex- and age-matched case-control pairs", description=_DESCRIPTION
    )
    p.add_argument("data", metavar="DATA.csv", help="CSV or .xlsx, one row per patient")
    p.add_argument(
        "--group", required=True, metavar="COL", help="column telling cases from controls"
    )
    p.add_argument("--case", required=True, metavar="VALUE", help="value of --group marking a case")
    p.add_argument(
        "--control",
        metavar="VALUE",
        help="value of --group marking a control (default: every other non-blank value)",
    )
    p.add_argument("--sex", required=True, metavar="COL", help="column of sex (F/M)")
    p.add_argument("--age", required=True, metavar="COL", help="column of age in years")
    p.add_argument("--date", metavar="COL", help="column of MR acquisition dates (YYYY-MM-DD)")
    p.add_argument(
        "--caliper",
        type=float,
        default=0.0,
        metavar="YEARS",
        help="largest age difference still matched (default 0: exact age, as in the paper)",
    )
    p.add_argument("--id", dest="id_col", metavar="COL", help="patient ID column for --pairs")
    p.add_argument("--out", metavar="FILE", help="write the matched CSV here instead of stdout")
    p.add_argument("--pairs", metavar="FILE", help="also write one row per pair (gaps) as CSV")
    p.add_argument("--flow", metavar="FILE.json", help="also write the flow-chart counts as JSON")
    add_raw_cells(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Match, write the CSV(s) and the flow counts; return 0."""
    from vbqcore.commands._output import EXIT_OK, emit_json

    table = read_table(args.data)
    result = match_pairs(
        table,
        group=args.group,
        case=args.case,
        control=args.control,
        sex=args.sex,
        age=args.age,
        date=args.date,
        caliper=args.caliper,
        id_col=args.id_col,
    )
    raw = args.raw_cells
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(safe_csv(result.matched, raw=raw))
    else:
        sys.stdout.write(safe_csv(result.matched, raw=raw))
    if args.pairs:
        with open(args.pairs, "w", encoding="utf-8", newline="") as fh:
            fh.write(safe_csv(result.pairs, raw=raw))
    if args.flow:
        emit_json(result.flow.to_dict(), args.flow)
    sys.stderr.write(result.flow.summary() + "\n")
    return EXIT_OK
