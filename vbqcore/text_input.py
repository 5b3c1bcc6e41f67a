"""Text and JSON files read one way everywhere: encodings, delimiters, size and nesting limits.

The CLI (``score``, ``measure``, ``roc``...) and the app (cohort upload, case restore, agreement
tables) read user files through these helpers, so a file one of them accepts the others accept
too, and a hostile file (binary bytes, UTF-16 without a byte-order mark, JSON nested 100 000 deep,
a 2 GB "table") is refused with one readable message instead of a traceback.
"""

from __future__ import annotations

import csv
import json
import logging
from typing import Any

import numpy as np

from vbqcore.errors import VbqInputError

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "decode_text",
    "sniff_delimiter",
    "read_json",
    "json_depth",
    "json_text_depth",
]

logger = logging.getLogger(__name__)

#: Largest JSON file read (bytes). A case file with every ROI of three sequences is a few kB.
MAX_JSON_BYTES = 5 * 1024 * 1024
#: Deepest nesting accepted. A case file is 6 levels deep; 64 leaves room for any sane input and
#: stays far below Python's recursion limit (json raises RecursionError near 1000).
MAX_JSON_DEPTH = 64

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(
    data: bytes,
    label: str,
    encoding: str | None = None,
    *,
    error: type[VbqInputError] = VbqInputError,
) -> str:
    """Decode a text file: UTF-8 (a byte-order mark is accepted), or UTF-16 with its BOM.

    Parameters
    ----------
    data
        The file's bytes.
    label
        What the message calls the file (never a full path the user did not give).
    encoding
        Force an encoding (e.g. ``"latin-1"``) instead of the rule above.
    error
        The ``VbqInputError`` subclass to raise.

    Raises
    ------
    VbqInputError
        Binary data (NUL bytes outside UTF-16), bytes that are not in the encoding (the
        message gives the first bad byte and its offset and says how to re-save the file), or
        an unknown encoding name.
    """
    if encoding is None:
        if data[:2] in _UTF16_BOMS:
            encoding = "utf-16"
        elif b"\x00" in data[:65536]:
            raise error(
                f"{label} holds binary data, not text: give a CSV/JSON text file (Excel: "
                "'CSV UTF-8 (comma delimited)') or an .xlsx workbook."
            )
        else:
            encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except LookupError as err:
        raise error(f"{label}: unknown text encoding {encoding!r}.") from err
    except UnicodeDecodeError as err:
        byte = data[err.start]
        shown = "UTF-8" if encoding.lower() in {"utf-8-sig", "utf-8", "utf8"} else encoding
        raise error(
            f"{label} is not {shown} text (byte 0x{byte:02x} at offset {err.start}); save it "
            "from Excel as 'CSV UTF-8 (comma delimited)' or .xlsx, or give its encoding."
        ) from err


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text among comma, semicolon and tab (comma when unclear).

    A semicolon table comes from a spreadsheet in a locale that writes decimals with a comma
    (0,601); callers read its numbers with ``decimal=","``.
    """
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","  # one column, or too irregular to tell: the parser will say


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0, ``[1]`` is 1), without recursion."""
    if not isinstance(value, dict | list):
        return 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        for child in item.values() if isinstance(item, dict) else item:
            if isinstance(child, dict | list):  # only containers add depth
                stack.append((child, depth + 1))
    return deepest


def json_text_depth(text: str) -> int:
    """Deepest bracket nesting of a JSON text, found before parsing it, linearly and without
    recursion: escaped backslashes and quotes are dropped (``bytes.replace``), every remaining
    quote toggles "inside a string", and the running count of ``[{`` minus ``]}`` outside
    strings is taken with numpy (a few ms for a few MB)."""
    data = text.encode("utf-8").replace(b"\\\\", b"").replace(b'\\"', b"")
    code = np.frombuffer(data, dtype=np.uint8)
    if code.size == 0:
        return 0
    outside = np.cumsum(code == ord('"')) % 2 == 0
    opens = ((code == ord("[")) | (code == ord("{"))) & outside
    closes = ((code == ord("]")) | (code == ord("}"))) & outside
    return int(max(np.cumsum(opens.astype(np.int32) - closes.astype(np.int32)).max(), 0))


def read_json(
    data: bytes | str,
    label: str,
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
    error: type[VbqInputError] = VbqInputError,
) -> Any:
    """Parse a JSON file with bounded work: size, nesting depth and encoding checked first.

    Raises
    ------
    VbqInputError
        Larger than ``max_bytes``; not UTF-8/UTF-16 text; not valid JSON (line and column);
        nested deeper than ``max_depth``.
    """
    size = len(data)
    if size > max_bytes:
        raise error(
            f"{label} is {size / 1e6:.1f} MB; JSON files above {max_bytes / 1e6:.0f} MB are "
            "refused (a case file is a few kB)."
        )
    text = data if isinstance(data, str) else decode_text(data, label, error=error)
    text = text.removeprefix("\ufeff")
    too_deep = error(
        f"{label} is nested more than {max_depth} levels deep; this is not a file this tool "
        "writes or reads."
    )
    if json_text_depth(text) > max_depth:  # before parsing: no deep recursion, no big tree
        raise too_deep
    try:
        return json.loads(text)
    except RecursionError as err:  # not reachable past the check above; kept as a guard
        raise too_deep from err
    except json.JSONDecodeError as err:
        raise error(
            f"{label} is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})."
        ) from err
