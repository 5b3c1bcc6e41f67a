"""What every command shares: JSON on stdout or to a file, and the exit codes.

Its own module so that the commands import it, and ``vbqcore.cli`` imports the commands: the
arrows run one way (``cli`` -> ``commands.*`` -> ``commands._output``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["emit_json", "add_raw_cells", "EXIT_OK", "EXIT_BAD_INPUT"]

#: Exit codes are a public interface: 0 success, 2 bad input (one clear line on stderr).
EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_raw_cells(parser: Any) -> None:
    """Add ``--raw-cells``: CSV output keeps text cells starting with = + - @ as they are
    (by default they get a leading ' so a spreadsheet does not run them: the OWASP rule,
    ``vbqcore.csv_safety``)."""
    parser.add_argument(
        "--raw-cells",
        action="store_true",
        help="CSV output: keep text cells starting with = + - @ as they are (by default they "
        "get a leading ' so a spreadsheet does not run them as formulas)",
    )


def emit_json(payload: Any, out: str | None = None) -> None:
    """Write ``payload`` as indented JSON to ``out`` or stdout; NaN becomes null (valid JSON)."""
    text = json.dumps(_nan_to_none(payload), indent=2, ensure_ascii=False)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_to_none(v) for v in value]
    return value
