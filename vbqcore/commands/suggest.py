"""``python -m vbqcore suggest IMAGE --seed LABEL=ROW,COL [--seed ...]``: one-click ROI suggestions.

Each seed is a click inside a vertebral body (LABEL T12, L1 ... L5) or the thecal sac (CSF), in
image pixels, row first. Prints ``{"file", "rows", "columns", "rois": [...]}`` where each ROI is
in exactly the format ``measure --rois`` reads (label, shape "rect", x, y, width, height, angle)
plus ``confidence`` (0-1), ``warnings`` (plain sentences), ``seed`` ([row, col], null for a
followed level) and ``suggested`` (true): the reader checks them before measuring. With
``--follow``, one body seed also proposes the other L1-L4 bodies and the CSF at L3. A seed
outside the image, a bad LABEL=ROW,COL, or no structure around a seed exits 2.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from vbqcore.commands._output import EXIT_OK, emit_json
from vbqcore.errors import VbqInputError
from vbqcore.imaging.reading import read_series, read_slice
from vbqcore.imaging.slices import Slice
from vbqcore.roi.suggest import Seed, suggest_rois

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)


def add_parser(subparsers: Any) -> None:
    """Register ``suggest``."""
    parser = subparsers.add_parser(
        "suggest",
        help="one-click ROIs: a body or CSF ROI around each seed pixel, in measure's format",
        description=(__doc__ or "").split("\n\n")[0].replace("``", ""),
    )
    parser.add_argument("image", metavar="IMAGE", help="DICOM file or PNG/JPEG/TIFF screenshot")
    parser.add_argument(
        "--seed",
        action="append",
        required=True,
        metavar="LABEL=ROW,COL",
        help="a click inside body LABEL (T12, L1-L5) or the CSF, image pixels, row first; "
        "repeat for more",
    )
    parser.add_argument(
        "--frame",
        type=int,
        metavar="N",
        help="0-based slice of the series in IMAGE (default: the middle frame)",
    )
    parser.add_argument(
        "--follow",
        action="store_true",
        help="from the first body seed, also propose the other L1-L4 bodies and the CSF at L3",
    )
    parser.add_argument(
        "--canal-left",
        action="store_true",
        help="the spinal canal is to the left of the bodies (patient facing right); used by "
        "--follow to find the CSF",
    )
    parser.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    parser.set_defaults(func=run)


def _image(path: str, frame: int | None) -> Slice:
    """The slice to work on: the middle frame, or ``--frame N`` of the series (as ``measure``)."""
    if frame is None:
        return read_slice(path)
    series = read_series(path)
    if not 0 <= frame < len(series.slices):
        raise VbqInputError(
            f"--frame {frame} is outside {path}: it has {len(series.slices)} slice(s), "
            f"0 to {len(series.slices) - 1}."
        )
    return series.slices[frame]


def run(args: argparse.Namespace) -> int:
    seeds = [Seed.parse(text) for text in args.seed]
    image = _image(args.image, args.frame)
    suggestions = suggest_rois(
        image, seeds, follow=args.follow, posterior=-1 if args.canal_left else 1
    )
    payload = {
        "file": args.image,
        "rows": image.shape[0],
        "columns": image.shape[1],
        "rois": [s.to_dict() for s in suggestions],
    }
    emit_json(payload, args.out)
    return EXIT_OK
