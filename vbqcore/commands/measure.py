"""``python -m vbqcore measure IMAGE --rois ROIS.json``: signal-intensity statistics per stored ROI.

``ROIS.json`` is a list of ``{"label", "shape": "rect"|"ellipse", "x", "y", "width", "height",
"angle"}`` or ``{"label", "shape": "polygon"|"freehand", "points": [[x, y], ...]}`` in image
pixels (x = column, y = row, origin at the top-left corner of the image; for rect and ellipse,
x/y is the top-left of the unrotated bounding box, rotated by ``angle`` degrees clockwise about
its centre). Prints ``{"file", "rois": [{label, shape, n_pixels, area_mm2, mean, median, sd, min,
max, p5, p95, clipped, warnings}, ...]}``; a bad ROI file or an ROI off the image exits 2 with a
line naming the ROI's index and the key at fault. A DICOM image whose Modality is not MR (CT,
radiograph, secondary capture) is refused with exit 2: its values are not MR signal intensities.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from vbqcore.commands._files import add_show_paths, file_label, read_input_bytes
from vbqcore.commands._output import EXIT_OK, emit_json
from vbqcore.errors import RoiError, VbqInputError
from vbqcore.imaging.modality import require_mr
from vbqcore.imaging.reading import read_series, read_slice
from vbqcore.imaging.slices import Slice
from vbqcore.roi.limits import check_roi_items
from vbqcore.roi.measure import measure_rois
from vbqcore.roi.shapes import rois_from_json
from vbqcore.text_input import MAX_JSON_BYTES, read_json

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)


def add_parser(subparsers: Any) -> None:
    """Register ``measure``."""
    parser = subparsers.add_parser(
        "measure",
        help="SI statistics (mean, median, SD, ...) inside stored ROIs on one image",
        description=(__doc__ or "").split("\n\n")[0].replace("``", ""),
    )
    parser.add_argument("image", metavar="IMAGE", help="DICOM file or PNG/JPEG/TIFF screenshot")
    parser.add_argument(
        "--rois", required=True, metavar="ROIS.json", help="JSON list of ROIs in image pixels"
    )
    parser.add_argument(
        "--frame",
        type=int,
        metavar="N",
        help="0-based slice of the series in IMAGE, sorted along the stack (default: the "
        "middle frame of a multi-frame file)",
    )
    parser.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    add_show_paths(parser)
    parser.set_defaults(func=run)


def _read_rois_file(path: Path) -> Any:
    data = read_input_bytes(path, str(path), max_bytes=MAX_JSON_BYTES, error=RoiError)
    return read_json(data, str(path), error=RoiError)


def _image(path: str, label: str, frame: int | None) -> Slice:
    source = (label, read_input_bytes(path, label))
    if frame is None:
        return read_slice(source)
    series = read_series([source])
    if not 0 <= frame < len(series.slices):
        raise VbqInputError(
            f"--frame {frame} is outside {label}: it has {len(series.slices)} slice(s), "
            f"0 to {len(series.slices) - 1}."
        )
    return series.slices[frame]


def run(args: argparse.Namespace) -> int:
    rois_path = Path(args.rois)
    try:
        raw = _read_rois_file(rois_path)
        if isinstance(raw, list):
            check_roi_items(raw, str(rois_path))
        rois = rois_from_json(raw)
    except RoiError as err:
        message = str(err)
        prefix = "" if message.startswith(str(rois_path)) else f"{rois_path}: "
        raise RoiError(prefix + message) from err
    label = file_label(args.image, 1, args)
    image = _image(args.image, label, args.frame)
    require_mr(image.protocol, label)
    stats = measure_rois(image, rois)
    payload = {
        "file": label,
        "rows": image.shape[0],
        "columns": image.shape[1],
        "pixel_spacing_mm": list(image.pixel_spacing_mm) if image.pixel_spacing_mm else None,
        "source": image.source.value,
        "notes": list(image.notes),
        "rois": [s.to_dict() for s in stats],
    }
    emit_json(payload, args.out)
    return EXIT_OK
