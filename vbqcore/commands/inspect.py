"""``python -m vbqcore inspect FILE...``: what each image file holds, as JSON, with no identifier.

One object per file, in the order given: ``file`` ("file 1", "file 2"... by position in the
argument list, as a file name may name the patient; the path as given with ``--show-paths``),
``source`` ("dicom" or "screenshot"), ``protocol`` (de-identified: sequence guess, vendor,
model, field strength, TR, TE, TI, scanning sequence; no free text), ``rows``, ``columns``,
``slice_count`` (frames in the file), ``pixel_spacing_mm`` ([row, column] or null),
``si_min``/``si_max`` (over every frame, after the modality LUT), ``notes``. A file that cannot
be read gets ``{"file", "error"}`` instead; the other files are still inspected, each error is
also one line on stderr, and the exit code is 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from vbqcore.commands._files import add_show_paths, file_label, read_input_bytes
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
    add_show_paths(parser)
    parser.set_defaults(func=run)


def inspect_file(path: str, label: str | None = None) -> dict[str, Any]:
    """The JSON object for one file (raises ``VbqInputError`` if it cannot be read).

    ``label`` is what the output and messages call the file (default: ``path``).
    """
    label = path if label is None else label
    series = read_series([(label, read_input_bytes(path, label))])
    shown = series.default_slice
    si_min = min(float(s.pixels.min()) for s in series.slices)
    si_max = max(float(s.pixels.max()) for s in series.slices)
    summary = series.to_dict()
    return {
        "file": label,
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
    for position, path in enumerate(args.files, start=1):
        label = file_label(path, position, args)
        try:
            results.append(inspect_file(path, label))
        except VbqInputError as err:
            failed += 1
            results.append({"file": label, "error": str(err)})
            sys.stderr.write(f"error: {err}\n")
    emit_json(results, args.out)
    return EXIT_BAD_INPUT if failed else EXIT_OK
