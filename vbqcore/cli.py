"""``python -m vbqcore``: VBQ scores and cohort statistics; JSON (or CSV) out; exit 0, 2 or 1.

Each command module in ``COMMANDS`` defines ``add_parser(subparsers)``, which registers its
sub-command and sets ``func`` (``argparse.Namespace -> int``) as the parser default.
Exit codes are a public interface: 0 success, 2 bad input (one clear paragraph on stderr),
1 ``reproduce`` missed a target, or an unexpected error (a bug: one paragraph on stderr, the
traceback only with ``VBQ_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from vbqcore import __version__
from vbqcore.commands._output import EXIT_BAD_INPUT, EXIT_OK, emit_json
from vbqcore.errors import VbqError

#: An unexpected error (a bug), or ``reproduce`` missing a target.
EXIT_INTERNAL = 1

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
    parser = _Parser(
        prog="python -m vbqcore",
        description=__doc__.splitlines()[0],
        epilog="exit codes: 0 success; 2 bad input (one message on stderr); 1 reproduce "
        "missed a published target, or an unexpected error (set VBQ_DEBUG=1 for the "
        "traceback).",
    )
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
    except (RecursionError, UnicodeError) as err:  # input shaped so that a library gave up
        sys.stderr.write(
            f"error: the input cannot be read ({type(err).__name__}); check that it is the "
            "kind of file this command takes.\n"
        )
        return EXIT_BAD_INPUT
    except MemoryError:
        sys.stderr.write("error: the input is too large to process in memory.\n")
        return EXIT_BAD_INPUT
    except Exception as err:  # a bug: one paragraph, the traceback only on request
        if os.environ.get("VBQ_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"internal error in '{args.command}' ({type(err).__name__}): this is a bug in "
            "vbqcore, not in your data. Please report it with the command line; set "
            "VBQ_DEBUG=1 to print the traceback.\n"
        )
        return EXIT_INTERNAL
