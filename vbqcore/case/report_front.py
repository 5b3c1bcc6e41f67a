"""Page 1 of the PDF report: everything a reader needs at a glance.

Fields the user typed, the bottom line, each score with its interval and zone, what the result
is not, every warning, the annotated images and a signature line. Details follow on page 2.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.report_fields import ReportFields
from vbqcore.case.report_pdf import WARNING_RED, bullets, heading, para, pdf_text, table
from vbqcore.interpretation import CutoffComparison, Interpretation
from vbqcore.scanner_match import cutoff_source
from vbqcore.vbq import ScoreName

__all__ = ["front_page"]

logger = logging.getLogger(__name__)

_BLANK = "________________________"
_SIGNATURE_MM = 12.0
_MAX_IMAGE_MM = 62.0
_LABEL = FontFace(emphasis="BOLD")


def _fields(pdf: FPDF, fields: ReportFields, when: datetime) -> None:
    exam = fields.exam_date.isoformat() if fields.exam_date else _BLANK
    rows = [
        ["Case / pseudonym", fields.case_label or _BLANK, "Exam date", exam],
        ["Reader", fields.reader or _BLANK, "Report generated", f"{when:%Y-%m-%d %H:%M} UTC"],
    ]
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(20)
    with pdf.table(col_widths=(33, 57, 33, 57), text_align="LEFT", line_height=5.4) as grid:
        for row in rows:
            cells = grid.row()
            for k, value in enumerate(row):
                cells.cell(pdf_text(value), style=_LABEL if k % 2 == 0 else None)


def _first(interpretation: Interpretation | None) -> dict[ScoreName, CutoffComparison]:
    out: dict[ScoreName, CutoffComparison] = {}
    for c in () if interpretation is None else interpretation.comparisons:
        out.setdefault(c.score, c)
    return out


def _zone_text(c: CutoffComparison | None) -> str:
    if c is None:
        return "no published cut-off"
    if c.zone is None:
        return "not interpretable (screenshot)"
    return c.zone.value.upper() if c.zone.value == "borderline" else c.zone.value


def _scores(pdf: FPDF, evaluation: CaseEvaluation) -> None:
    result, interpretation = evaluation.result, evaluation.interpretation
    heading(pdf, "Scores")
    if result is None:
        para(pdf, "No score could be computed:")
        bullets(pdf, evaluation.problems, colour=60)
        return
    first = _first(interpretation)
    rows = [["Score", "Value (95% interval)", "Cut-off", "Zone", "Interval from"]]
    for name in result.computed:
        value = result.score(name)
        assert value is not None  # computed
        interval = None if interpretation is None else interpretation.intervals.get(name)
        shown = f"{value:.3f}" + ("" if interval is None else f" ({interval.text()})")
        c = first.get(name)
        cut = "-" if c is None or c.cutoff.value is None else f"{c.cutoff.value:g}"
        method = "-" if interval is None else str(interval.method).replace("_", " ")
        rows.append([name.label, shown, cut, _zone_text(c), method])
    table(pdf, rows, (28, 52, 22, 44, 36), size=9)
    missing = [f"{s.label}: {why}" for s, why in result.not_computed.items()]
    if missing:
        para(pdf, "Not computed - " + "; ".join(missing) + ".", size=8, colour=60)


def _limits(pdf: FPDF, interpretation: Interpretation | None) -> None:
    sources: dict[str, None] = {}
    for c in () if interpretation is None else interpretation.comparisons:
        cut = c.cutoff
        size = f"{cut.n_pos} cases and {cut.n_neg} controls, " if cut.n_pos and cut.n_neg else ""
        cohort = f" ({cut.cohort})" if cut.cohort else ""
        sources[
            f"the cut-offs come from one derivation cohort{cohort}, {size}scanned on "
            f"{cut.scanner} ({cutoff_source(cut)}); they have not been validated "
            "externally and may not apply to other scanners, field strengths or populations"
        ] = None
    text = (
        "What this result is not: a diagnosis or a measurement of bone density. For research use "
        "only; not a medical device"
    )
    text += "; " + "; ".join(sources) if sources else ""
    text += (
        ". A borderline score's 95% interval contains its cut-off: measurement uncertainty alone "
        "could put it on either side."
    )
    para(pdf, text, size=8, colour=60)


def _images(pdf: FPDF, images: Mapping[Sequence, bytes], room: float) -> bool:
    """Annotated slices side by side, scaled to ``room`` mm of height; False if they do not fit."""
    if not images:
        return True
    gap = 4.0
    width = min((pdf.epw - gap * (len(images) - 1)) / len(images), _MAX_IMAGE_MM)
    aspects = [Image.open(io.BytesIO(png)).size for png in images.values()]
    tallest = max(h / w for w, h in aspects)
    width = min(width, (room - 6.0) / tallest)
    if width < 25.0:
        return False
    heading(pdf, "Regions of interest (annotated slices)", size=10)
    top = pdf.get_y()
    bottom = top
    for k, (seq, png) in enumerate(images.items()):
        x = pdf.l_margin + k * (width + gap)
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 8)
        pdf.cell(width, 4, pdf_text(seq.value), align="C")
        info = pdf.image(io.BytesIO(png), x=x, y=top + 4, w=width)
        bottom = max(bottom, top + 4 + float(info.rendered_height))
    pdf.set_xy(pdf.l_margin, bottom + 1)
    return True


def _signature(pdf: FPDF) -> None:
    if pdf.page_no() == 1:
        pdf.set_y(max(pdf.get_y() + 2, pdf.h - pdf.b_margin - _SIGNATURE_MM))
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(20)
    pdf.cell(
        0,
        6,
        "Reader signature: ______________________________      Date: ________________",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def front_page(
    pdf: FPDF,
    evaluation: CaseEvaluation,
    fields: ReportFields,
    images: Mapping[Sequence, bytes],
    when: datetime,
) -> bool:
    """Draw page 1; returns False when the images did not fit there (the caller puts them next).

    Parameters
    ----------
    pdf : FPDF
        A document with its first page added and margins set.
    evaluation : CaseEvaluation
        Scores, interpretation (intervals, zones, bottom line) and warnings.
    fields : ReportFields
        What the user typed (case label, exam date, reader).
    images : mapping of Sequence to PNG bytes
        Annotated slices.
    when : datetime
        Generation time, UTC.
    """
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 8, "VBQ report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    para(
        pdf,
        "MRI-based vertebral bone quality (VBQ) score. Research use only; not a medical device. "
        "De-identified: no patient name, ID, birth date or file name is taken from the images.",
        size=8,
        colour=80,
    )
    pdf.ln(1)
    _fields(pdf, fields, when)
    interpretation = evaluation.interpretation
    if interpretation is not None and interpretation.bottom_line:
        heading(pdf, "Bottom line")
        para(pdf, interpretation.bottom_line, size=10, style="B", colour=20)
    _scores(pdf, evaluation)
    _limits(pdf, interpretation if evaluation.result is not None else None)
    heading(pdf, "Warnings", size=10)
    if evaluation.warnings:
        bullets(pdf, evaluation.warnings, colour=WARNING_RED, size=7.5)
    else:
        para(pdf, "None.", size=8, colour=60)
    room = pdf.h - pdf.b_margin - _SIGNATURE_MM - pdf.get_y() - 8.0
    fitted = pdf.page_no() == 1 and _images(pdf, images, room)
    if images and not fitted:
        para(pdf, "Annotated slices: on the next page (no room left on this one).", size=8)
    _signature(pdf)
    return fitted or not images
