"""``python -m vbqcore inspect FILE...``: what each image file holds, as JSON, with no identifier.

One object per file, in the order given: ``file`` (the path as given), ``source`` ("dicom" or
"screenshot"), ``protocol`` (de-identified: sequence guess, vendor, model, field strength, TR, TE,
TI, series description, scanning sequence), ``rows``, ``columns``, ``slice_count`` (frames in the
file), ``pixel_spacing_mm`` ([row, column] or null), ``si_min``/``si_max`` (over every frame, after
the modality LUT), ``notes``. A file that cannot be read gets ``{"file", "error"}`` instead; the
other files are still inspected, each error is also one line on stderr, and the exit code is 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from vbqcore.commands._output import EXIT_BAD_INPUT, EXIT_OK, emit_json
from vbqcore.errors import VbqInputError
from vbqcore.imaging.reading import read_series

__all__ = ["add_parser", "run", "inspect_file"]

logger = logging.getLogger(__name__)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help="describe DICOM/PNG/JPEG/TIFF files (protocol, size, spacing, SI range) as JSON",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="image files to describe")
    parser.add_argument("--out", metavar="PATH", help="write the JSON here instead of stdout")
    parser.set_defaults(func=run)


def inspect_file(path: str) -> dict[str, Any]:
    """The JSON object for one file (raises ``VbqInputError`` if it cannot be read)."""
    series = read_series([path])
    shown = series.default_slice
    si_min = min(float(s.pixels.min()) for s in series.slices)
    si_max = max(float(s.pixels.max()) for s in series.slices)
    summary = series.to_dict()
    return {
        "file": path,
        "source": summary["source"],
        "protocol": summary["protocol"],
        "rows": shown.shape[0],
        "columns": shown.shape[1],
        "slice_count": summary["slice_count"],
        "pixel_spacing_mm": summary["pixel_spacing_mm"],
        "si_min": si_min,
        "si_max": si_max,
        "notes": summary["notes"],
    }


def run(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    failed = 0
    for path in args.files:
        try:
            results.append(inspect_file(path))
        except VbqInputError as err:
            failed += 1
            results.append({"file": path, "error": str(err)})
            sys.stderr.write(f"error: {err}\n")
    emit_json(results, args.out)
    return EXIT_BAD_INPUT if failed else EXIT_OK
