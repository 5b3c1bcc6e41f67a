"""``python -m vbqcore power``: power, sample size or detectable AUC of a study of one AUC."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from vbqcore.commands._output import EXIT_OK, emit_json
from vbqcore.stats.power import Alternative, auc_power

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """\
Plan an ROC study: leave out one of --power, the sample size (--cases/--controls) or --auc, and
it is solved for, as pROC's power.roc.test does (Obuchowski's variance for one AUC against 0.5;
Obuchowski, Lieber & Wians, Clin Chem 2004;50:1118-1125). Prints JSON with auc, n_cases,
n_controls (whole patients, rounded up when solved for), power, alpha and the exact values.
"""


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from err
    return value


def add_parser(subparsers: Any) -> None:
    """Register ``power`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "power",
        help="power, sample size or detectable AUC of an ROC study (pROC power.roc.test)",
        description=_DESCRIPTION,
    )
    p.add_argument("--auc", type=_probability, help="AUC expected (0.5 < A < 1)")
    p.add_argument("--cases", type=_probability, metavar="N", help="fractured patients")
    p.add_argument("--controls", type=_probability, metavar="M", help="controls")
    p.add_argument("--power", type=_probability, metavar="P", help="power wanted (e.g. 0.8)")
    p.add_argument("--alpha", type=_probability, default=0.05, help="significance level (0.05)")
    p.add_argument(
        "--ratio",
        type=_probability,
        metavar="CONTROLS_PER_CASE",
        help="controls per case when only one group size is given or sizes are solved for (1)",
    )
    p.add_argument("--one-sided", action="store_true", help="one-sided test (default: two-sided)")
    p.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = auc_power(
        auc=args.auc,
        n_cases=args.cases,
        n_controls=args.controls,
        power=args.power,
        alpha=args.alpha,
        ratio=args.ratio,
        alternative=Alternative.ONE_SIDED if args.one_sided else Alternative.TWO_SIDED,
    )
    logger.info("power: solved for %s", result.solved_for.value)
    emit_json(result.to_dict(), args.out)
    return EXIT_OK
