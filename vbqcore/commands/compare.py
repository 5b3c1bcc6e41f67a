"""``python -m vbqcore compare``: the two-group table of Huang et al. 2026 (Table 1) as JSON/CSV."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from vbqcore.commands._output import add_raw_cells, emit_json
from vbqcore.csv_safety import safe_csv
from vbqcore.errors import StatsInputError
from vbqcore.stats.compare import compare_groups
from vbqcore.tabular import read_table

__all__ = ["add_parser", "run", "parse_pairs"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """\
Compare two groups on each variable with the paper's rule: Shapiro-Wilk in each group and
Levene's test (mean-centred, as SPSS) choose Student's t-test (mean ± SD) or the Mann-Whitney U
test (median (Q1, Q3), SPSS quartiles); categorical variables get n (%) with Pearson's chi-square,
or Fisher's exact test when an expected count is below 5. Missing values are dropped per variable
and each row reports the n used per group. Prints the table as JSON; --csv also writes it as CSV.
"""


def add_parser(subparsers: Any) -> None:
    """Register ``compare`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "compare",
        help="two-group comparison table (t-test/Mann-Whitney, chi-square/Fisher)",
        description=_DESCRIPTION,
    )
    p.add_argument("data", metavar="DATA.csv", help="CSV or .xlsx file, one row per patient")
    p.add_argument("--group", required=True, metavar="COL", help="column of the two groups")
    p.add_argument(
        "--vars", required=True, nargs="+", metavar="COL", help="columns to compare, in order"
    )
    p.add_argument(
        "--groups", nargs=2, metavar=("A", "B"), help="the two group values in display order"
    )
    p.add_argument(
        "--categorical",
        nargs="+",
        metavar="COL",
        help="treat exactly these columns as categorical (default: text, boolean and 0/1 columns)",
    )
    p.add_argument(
        "--force",
        action="append",
        default=[],
        metavar="COL=TEST",
        help="use TEST (t-test, mwu, chi2, fisher) for COL whatever the pre-tests say; repeatable",
    )
    p.add_argument("--alpha", type=float, default=0.05, help="level of the pre-tests (0.05)")
    p.add_argument("--decimals", type=int, help="decimals of summaries (default: automatic)")
    p.add_argument("--sheet", default="0", help="Excel sheet name or 0-based number (0)")
    p.add_argument("--encoding", help="text encoding of a CSV (default UTF-8)")
    p.add_argument("--csv", metavar="OUT", help="also write the table as CSV to OUT")
    p.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    add_raw_cells(p)
    p.set_defaults(func=run)


def parse_pairs(items: list[str], *, option: str) -> dict[str, str]:
    """``["vbq_t2=0.1", …]`` → ``{"vbq_t2": "0.1"}``; the value follows the last "="."""
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.rpartition("=")
        if not sep or not key.strip() or not value.strip():
            raise StatsInputError(f"{option} {item!r}: write COL=VALUE, e.g. {option} vbq_t2=0.1.")
        pairs[key.strip()] = value.strip()
    return pairs


def run(args: argparse.Namespace) -> int:
    sheet: str | int = int(args.sheet) if str(args.sheet).isdigit() else args.sheet
    table = read_table(args.data, sheet=sheet, encoding=args.encoding)
    result = compare_groups(
        table,
        args.group,
        args.vars,
        groups=args.groups,
        alpha=args.alpha,
        categorical=args.categorical,
        force=parse_pairs(args.force, option="--force"),
        decimals=args.decimals,
    )
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as fh:
            fh.write(safe_csv(result.to_frame(), raw=args.raw_cells))
    emit_json(result.to_dict(), args.out)
    return 0
