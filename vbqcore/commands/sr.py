"""``python -m vbqcore sr CASE.json --out FILE.dcm --images DIR``: the case as a DICOM SR.

CASE.json is the Case page's case file (ROIs, labels, options; de-identified, so it names no
image). ``--images`` gives the DICOM files or folders of the series the case was measured on:
the SR must point at the very image each ROI was drawn on, and it goes into that patient's
study. The scores are recomputed from those images. ``--pdf FILE.dcm`` also writes the PDF
report as an Encapsulated PDF in the same study. Prints ``{"out", "sop_instance_uid",
"study_uid", "rois", "scores", "pdf", "warnings", "problems"}`` (no patient identifier);
``pacs push`` sends the files.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from vbqcore.case.report import build_report
from vbqcore.commands._output import EXIT_OK, emit_json
from vbqcore.errors import FileReadError, VbqInputError
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.pacs.evidence import case_from_files
from vbqcore.pacs.pdf_document import encapsulated_pdf
from vbqcore.pacs.sr_writer import build_measurement_report

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)


def add_parser(subparsers: Any) -> None:
    """Register ``sr``."""
    parser = subparsers.add_parser(
        "sr",
        help="write a case's ROIs and VBQ scores as a DICOM SR (TID 1500)",
        description=(__doc__ or "").split("\n\n")[0].replace("``", ""),
    )
    parser.add_argument("case", metavar="CASE.json", help="the Case page's case file")
    parser.add_argument("--out", required=True, metavar="FILE.dcm", help="the SR to write")
    parser.add_argument(
        "--images",
        nargs="+",
        metavar="PATH",
        help="DICOM files or folders of the series the case was measured on (required)",
    )
    parser.add_argument("--pdf", metavar="FILE.dcm", help="also write an Encapsulated PDF report")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.images:
        raise VbqInputError(
            "Give --images DIR: the DICOM files the case was measured on. The case file is "
            "de-identified, and the SR must reference the images in the patient's study."
        )
    case_path = Path(args.case)
    try:
        text = case_path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise FileReadError(f"{case_path}: no such case file.") from err
    except UnicodeDecodeError as err:
        raise VbqInputError(f"{case_path} is not a UTF-8 JSON case file.") from err
    sourced = case_from_files(text, args.images, name=str(case_path))
    sr = build_measurement_report(sourced.case, sourced.evaluation, sourced.sources)
    out = Path(args.out)
    sr.save_as(out, enforce_file_format=True)
    pdf_out = None
    if args.pdf:
        evidence = [sourced.sources[s].header for s in MEASURED_SEQUENCES if s in sourced.sources]
        document = encapsulated_pdf(build_report(sourced.case, sourced.evaluation), evidence)
        document.save_as(Path(args.pdf), enforce_file_format=True)
        pdf_out = str(args.pdf)
    evaluation = sourced.evaluation
    result = evaluation.result
    emit_json(
        {
            "out": str(out),
            "sop_instance_uid": str(sr.SOPInstanceUID),
            "study_uid": str(sr.StudyInstanceUID),
            "rois": sum(len(sourced.case[s].rois) for s in sourced.sources),
            "scores": {} if result is None else {s.value: result.score(s) for s in result.computed},
            "pdf": pdf_out,
            "warnings": list(sourced.warnings + evaluation.warnings),
            "problems": list(evaluation.problems),
        }
    )
    return EXIT_OK
