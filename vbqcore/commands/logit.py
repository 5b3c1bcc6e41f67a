"""``python -m vbqcore logit``: univariable and multivariable logistic regression (Table 4)."""

from __future__ import annotations

import argparse
import logging
import math
from typing import Any

from vbqcore.commands._output import emit_json
from vbqcore.commands.compare import parse_pairs
from vbqcore.errors import StatsInputError
from vbqcore.stats.logistic import logistic_regression
from vbqcore.tabular import read_table

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """\
Logistic regression of a two-valued outcome: one univariable model per predictor, then one
multivariable model on the predictors with univariable p < alpha (or all, or a chosen set).
Odds ratios with Wald 95% CIs and p (as SPSS), per 1.0 of each predictor and, with --unit, per a
chosen unit (--unit vbq_t2=0.1). Rows missing the outcome or a predictor are dropped per model;
each model reports its n. Prints JSON.
"""


def add_parser(subparsers: Any) -> None:
    """Register ``logit`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "logit",
        help="univariable and multivariable logistic regression (odds ratios)",
        description=_DESCRIPTION,
    )
    p.add_argument("data", metavar="DATA.csv", help="CSV or .xlsx file, one row per patient")
    p.add_argument("--outcome", required=True, metavar="COL", help="column of the outcome")
    p.add_argument(
        "--positive",
        metavar="VALUE",
        help="outcome value of an event, as written in the file (default: 1 of 0/1, True)",
    )
    p.add_argument(
        "--predictors", required=True, nargs="+", metavar="COL", help="numeric predictor columns"
    )
    p.add_argument(
        "--multivariable",
        nargs="+",
        default=["significant"],
        metavar="HOW",
        help="'significant' (default: univariable p < alpha), 'all', or predictor columns",
    )
    p.add_argument(
        "--unit",
        action="append",
        default=[],
        metavar="COL=UNIT",
        help="also give the OR per UNIT of COL (e.g. vbq_t2=0.1); repeatable",
    )
    p.add_argument("--alpha", type=float, default=0.05, help="selection level (0.05)")
    p.add_argument("--sheet", default="0", help="Excel sheet name or 0-based number (0)")
    p.add_argument("--encoding", help="text encoding of a CSV (default UTF-8)")
    p.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    p.set_defaults(func=run)


def _units(items: list[str]) -> dict[str, float]:
    units: dict[str, float] = {}
    for col, text in parse_pairs(items, option="--unit").items():
        try:
            value = float(text)
        except ValueError as err:
            raise StatsInputError(f"--unit {col}={text}: the unit must be a number.") from err
        if not math.isfinite(value) or value == 0.0:
            raise StatsInputError(f"--unit {col}={text}: the unit must be a non-zero number.")
        units[col] = value
    return units


def run(args: argparse.Namespace) -> int:
    sheet: str | int = int(args.sheet) if str(args.sheet).isdigit() else args.sheet
    table = read_table(args.data, sheet=sheet, encoding=args.encoding)
    how: str | list[str] = args.multivariable
    if len(args.multivariable) == 1 and args.multivariable[0] in ("significant", "all"):
        how = args.multivariable[0]
    result = logistic_regression(
        table,
        args.outcome,
        args.predictors,
        positive=args.positive,
        multivariable=how,
        alpha=args.alpha,
        units=_units(args.unit),
    )
    emit_json(result.to_dict(), args.out)
    return 0
