"""``python -m vbqcore reproduce``: Huang et al. 2026 Tables 1–4, published beside computed.

Exit codes: 0 every target met; 1 a target missed (the table is still printed); 2 bad input.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from vbqcore.commands._output import EXIT_OK, emit_json
from vbqcore.paper.demo_cohort import DEMO_COHORT_PATH, load_demo_cohort
from vbqcore.paper.reproduction import ReproductionReport, format_value, reproduce
from vbqcore.tabular import read_table

__all__ = ["add_parser", "run", "render_text", "EXIT_TARGET_MISSED"]

logger = logging.getLogger(__name__)

#: Exit code when the cohort misses a target of the reproduction.
EXIT_TARGET_MISSED = 1

_DESCRIPTION = """\
Compute every figure of Tables 1-4 of Huang et al., Global Spine J 2026;16(1):162-170 from a
cohort with vbqcore's own statistics and print it beside the published figure, with the
difference and the target it must meet. Default cohort: the synthetic demo cohort
(data/demo_cohort.csv; not patient data). Exit code 0 when every target is met, 1 when one is
missed, 2 on bad input.
"""

_HEADERS = (
    "Table",
    "Variable",
    "Subgroup",
    "Statistic",
    "Published",
    "Computed",
    "Difference",
    "Target",
    "Result",
)


def add_parser(subparsers: Any) -> None:
    """Register ``reproduce`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "reproduce",
        help="Tables 1-4 of Huang et al. 2026: published vs computed from a cohort",
        description=_DESCRIPTION,
    )
    p.add_argument(
        "--data",
        metavar="FILE",
        help=f"cohort CSV/.xlsx with the demo cohort's columns (default: {DEMO_COHORT_PATH.name})",
    )
    p.add_argument("--csv", metavar="OUT", help="also write the side-by-side table as CSV to OUT")
    p.add_argument("--json", action="store_true", help="print JSON instead of the text table")
    p.set_defaults(func=run)


def _result(passed: bool | None) -> str:
    return {True: "pass", False: "FAIL", None: "info"}[passed]


def render_text(report: ReproductionReport, *, source: str = "") -> str:
    """The report as a plain-text table with a header, a summary line and numbered notes."""
    notes: list[str] = []
    lines = []
    for row in report.rows:
        mark = ""
        if row.note:
            if row.note not in notes:
                notes.append(row.note)
            mark = f" [{notes.index(row.note) + 1}]"
        diff = row.difference
        lines.append(
            (
                row.table,
                row.variable,
                row.subgroup,
                row.statistic + mark,
                row.published_text,
                format_value(row.computed, row.statistic),
                "" if diff is None else f"{diff:+.3g}",
                row.target,
                _result(row.passed),
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(_HEADERS)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [f"Reproduction of {report.citation}", f"Tables 1-4, computed from {source or 'cohort'}"]
    out += [f"(n = {report.n_patients}) with vbqcore's statistics.", ""]
    out += [fmt(_HEADERS), fmt(tuple("-" * w for w in widths))]
    out += [fmt(r) for r in lines]
    met = report.n_targets - len(report.failures)
    verdict = "all targets met" if report.passed else f"{len(report.failures)} target(s) MISSED"
    out += ["", f"{met} of {report.n_targets} targets met: {verdict}."]
    out += [f"[{i}] {text}" for i, text in enumerate(notes, start=1)]
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.data:
        cohort = read_table(args.data)
        source = str(args.data)
    else:
        cohort = load_demo_cohort()
        source = "the synthetic demo cohort (not patient data)"
    report = reproduce(cohort)
    if args.csv:
        report.to_frame().to_csv(args.csv, index=False, lineterminator="\n")
    if args.json:
        emit_json(report.to_dict())
    else:
        sys.stdout.write(render_text(report, source=source))
    return EXIT_OK if report.passed else EXIT_TARGET_MISSED
