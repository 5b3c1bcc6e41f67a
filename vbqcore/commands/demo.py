"""``python -m vbqcore demo-cohort``: write the synthetic demo cohort (not patient data) as CSV."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vbqcore.commands._output import EXIT_OK
from vbqcore.paper.demo_cohort import (
    DEFAULT_SEED,
    demo_cohort_csv,
    generate_demo_cohort,
    write_demo_cohort,
)

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_DESCRIPTION = f"""\
Generate the synthetic age- and sex-matched demo cohort (84 fracture + 84 control patients) built
to match the published summary statistics of Huang et al., Global Spine J 2026;16(1):162-170.
Not patient data. The default seed ({DEFAULT_SEED}) regenerates data/demo_cohort.csv byte for
byte; other seeds give other patients with the same score distributions.
"""


def add_parser(subparsers: Any) -> None:
    """Register ``demo-cohort`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "demo-cohort",
        aliases=["demo"],
        help="write the synthetic demo cohort (not patient data) as CSV",
        description=_DESCRIPTION,
    )
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed ({DEFAULT_SEED})")
    p.set_defaults(func=run)


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send file descriptor 1 to stderr while generating.

    HiGHS (scipy's ``milp``, used for the DEXA values) can print a diagnostic line from C++
    straight to file descriptor 1, which would corrupt CSV written to stdout.
    """
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # pragma: no cover - no real stdout (embedded interpreter)
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def run(args: argparse.Namespace) -> int:
    with _stdout_to_stderr():
        cohort = generate_demo_cohort(seed=args.seed)
    if args.out:
        write_demo_cohort(cohort, args.out)
    else:
        sys.stdout.write(demo_cohort_csv(cohort))
    return EXIT_OK
