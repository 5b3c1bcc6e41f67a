"""How commands read the files named on the command line, and how they name them in output.

A file name can name the patient ("DOE_JANE_MRN884422.dcm"), so JSON output and messages call a
file by its position in the argument list ("file 1") unless the user passes ``--show-paths``.
Files are read whole after a size check, so no command loads an unbounded file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from vbqcore.errors import FileReadError, VbqInputError

__all__ = ["MAX_INPUT_BYTES", "add_show_paths", "file_label", "read_input_bytes"]

#: Largest single input file a command reads (bytes): a multi-frame DICOM of a whole sagittal
#: series is tens of MB; 512 MB keeps an accidental disk image from filling memory.
MAX_INPUT_BYTES = 512 * 1024 * 1024


def add_show_paths(parser: argparse.ArgumentParser) -> None:
    """Add ``--show-paths``: name files by the path given instead of their position."""
    parser.add_argument(
        "--show-paths",
        action="store_true",
        help="name files by the path given (default: by position, 'file 1', as a file name "
        "may identify the patient)",
    )


def file_label(path: str, position: int, args: argparse.Namespace | Any) -> str:
    """``path`` with ``--show-paths``, else ``"file N"`` (N = 1-based position)."""
    return path if getattr(args, "show_paths", False) else f"file {position}"


def read_input_bytes(
    path: str | Path,
    label: str,
    *,
    max_bytes: int = MAX_INPUT_BYTES,
    error: type[VbqInputError] = FileReadError,
) -> bytes:
    """The bytes of ``path``, after checking it exists, is a file and is not too large.

    Raises
    ------
    VbqInputError
        No such file, a folder, unreadable, empty, or larger than ``max_bytes``; the message
        calls the file ``label``.
    """
    file = Path(path)
    try:
        if file.is_dir():
            raise error(f"{label} is a folder; give the path of a file.")
        size = file.stat().st_size
        if size > max_bytes:
            raise error(
                f"{label} is {size / 1e6:.0f} MB; files above {max_bytes / 1e6:.0f} MB are refused."
            )
        data = file.read_bytes()
    except FileNotFoundError as err:
        raise error(f"No such file: {label}; check the path.") from err
    except OSError as err:
        raise error(f"{label} cannot be read ({err.strerror or err}).") from err
    if not data:
        raise error(f"{label} is empty (0 bytes); copy the file again.")
    return data
