"""``python -m vbqcore agreement DATA.csv --a COL --b COL``: Bland–Altman limits and ICCs."""

from __future__ import annotations

import argparse
import logging
import warnings
from typing import Any

import numpy as np

from vbqcore.columns import numeric_column, require_columns
from vbqcore.errors import DegenerateInputWarning
from vbqcore.stats.bland_altman import bland_altman
from vbqcore.stats.icc import icc_wide
from vbqcore.tabular import read_table

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """\
Agreement of two measurements of the same patients (two observers, or one observer twice):
Bland-Altman bias, SD of the differences (a - b), 95% limits of agreement with their confidence
intervals and a proportional-bias check, plus the six ICCs with the two columns as two raters.
Rows missing either value are left out and counted in "n_dropped". Prints JSON.
"""


def add_parser(subparsers: Any) -> None:
    """Register ``agreement`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "agreement", help="Bland-Altman limits of agreement and ICC", description=_DESCRIPTION
    )
    p.add_argument("data", metavar="DATA.csv", help="CSV or .xlsx, one row per patient")
    p.add_argument("--a", required=True, metavar="COL", help="first measurement (e.g. observer 1)")
    p.add_argument("--b", required=True, metavar="COL", help="second measurement (observer 2)")
    p.add_argument(
        "--percent",
        action="store_true",
        help="differences as 100*(a - b)/mean(a, b), in %% (GraphPad Prism's '%% difference')",
    )
    p.add_argument(
        "--acceptance",
        type=float,
        metavar="X",
        help="acceptable disagreement (%% with --percent; the paper uses 10): reports whether "
        "both limits lie within +-X",
    )
    p.add_argument("--confidence", type=float, default=0.95, help="level of the CIs (default 0.95)")
    p.add_argument(
        "--no-points",
        action="store_true",
        help="leave the per-patient means and differences (the plot's points) out of the JSON",
    )
    p.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compute Bland-Altman and ICC for columns ``--a`` and ``--b``; print JSON; return 0."""
    from vbqcore.commands._output import EXIT_OK, emit_json

    table = read_table(args.data)
    source = str(args.data)
    require_columns(table, [args.a, args.b], source=source)
    a = numeric_column(table, args.a, source=source).to_numpy()
    b = numeric_column(table, args.b, source=source).to_numpy()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateInputWarning)
        result = bland_altman(
            a, b, percent=args.percent, confidence=args.confidence, acceptance=args.acceptance
        )
        complete = ~(np.isnan(a) | np.isnan(b))
        reliability = icc_wide(
            np.column_stack([a[complete], b[complete]]), confidence=args.confidence
        )
    payload: dict[str, Any] = {"a": args.a, "b": args.b, **result.to_dict()}
    if args.no_points:
        payload.pop("means")
        payload.pop("differences")
    # The README documented these as [low, high] pairs; keep them beside the flat keys so
    # scripts written from either keep working.
    for name in ("bias", "loa_low", "loa_high"):
        payload[f"{name}_ci"] = [payload[f"{name}_ci_low"], payload[f"{name}_ci_high"]]
    payload["icc"] = reliability.to_dict()
    payload["notes"] = [str(w.message) for w in caught]
    emit_json(payload, args.out)
    return EXIT_OK
