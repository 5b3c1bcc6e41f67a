"""``python -m vbqcore``: one sub-command a module, each printing JSON (or CSV) and exiting 0 or 2.

Each command module in ``COMMANDS`` defines ``add_parser(subparsers)``, which registers its
sub-command and sets ``func`` (``argparse.Namespace -> int``) as the parser default.
Exit codes are a public interface: 0 success, 2 bad input (one clear line on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

from vbqcore import __version__
from vbqcore.commands._output import EXIT_BAD_INPUT, EXIT_OK, emit_json
from vbqcore.errors import VbqError

__all__ = ["main", "build_parser", "emit_json", "EXIT_OK", "EXIT_BAD_INPUT"]


#: Modules under ``vbqcore.commands`` that provide sub-commands, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "inspect",
    "score",
    "roc",
    "measure",
    "suggest",
    "compare",
    "logit",
    "agreement",
    "match",
    "power",
    "reproduce",
    "demo",
    "pacs",
    "sr",
    "cutoffs",
    "registry",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its message to one line on stderr."""

    def error(self, message: str) -> Any:  # pragma: no cover - argparse plumbing
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser, or, when ``argv`` names a command, one that imports only that command.

    Importing every command pulls in scipy and statsmodels (seconds on a loaded 2-core machine),
    which a batch script calling ``score`` thousands of times should not pay. The other commands
    are then registered as bare names so that usage errors still list them all.
    """
    parser = _Parser(prog="python -m vbqcore", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"vbqcore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    chosen = next((a for a in argv or () if not a.startswith("-")), None)
    lazy = chosen in COMMANDS
    for name in COMMANDS:
        if lazy and name != chosen:
            sub.add_parser(name)
            continue
        module = importlib.import_module(f"vbqcore.commands.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except VbqError as err:
        sys.stderr.write(f"error: {err}\n")
        return EXIT_BAD_INPUT
    except OSError as err:  # a path that does not exist or cannot be written
        sys.stderr.write(f"error: {err.strerror or err}: {err.filename or ''}\n".rstrip() + "\n")
        return EXIT_BAD_INPUT
