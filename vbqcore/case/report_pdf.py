"""Drawing primitives of the PDF report (fpdf2): Latin-1 text, headings, paragraphs, tables."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from vbqcore import __version__

__all__ = [
    "PAGE_FORMATS",
    "Colour",
    "WARNING_RED",
    "ReportPdf",
    "pdf_text",
    "heading",
    "para",
    "bullets",
    "table",
]

logger = logging.getLogger(__name__)

#: Paper sizes the report is laid out for (fpdf2 names).
PAGE_FORMATS: tuple[str, ...] = ("A4", "Letter")

# The PDF core fonts are Latin-1: map the few other characters the messages use.
_LATIN1 = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "−": "-",
        "≥": ">=",
        "≤": "<=",
        "→": "->",
        "…": "...",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "≈": "~",
        "√": "sqrt ",
        "±": "+/-",
    }
)

Colour = int | tuple[int, int, int]  # grey level or RGB
WARNING_RED = (150, 30, 30)


def pdf_text(text: str) -> str:
    """``text`` as the PDF core fonts can print it (Latin-1; other characters replaced)."""
    return text.translate(_LATIN1).encode("latin-1", errors="replace").decode("latin-1")


class ReportPdf(FPDF):
    """The report's pages: a footer that says what the document is not, on every page."""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110)
        self.cell(
            0,
            5,
            pdf_text(
                f"VBQ Dashboard {__version__} - research use only, not a "
                f"medical device - page {self.page_no()}"
            ),
            align="C",
        )


def heading(pdf: FPDF, text: str, *, size: float = 11) -> None:
    pdf.ln(1.5)
    pdf.set_font("Helvetica", "B", size)
    pdf.set_text_color(20)
    pdf.cell(0, 6, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)


def para(
    pdf: FPDF, text: str, *, size: float = 9, colour: Colour = 30, style: str = "", line: float = 0
) -> None:
    pdf.set_font("Helvetica", style, size=size)
    pdf.set_text_color(*colour) if isinstance(colour, tuple) else pdf.set_text_color(colour)
    height = line or size * 0.5
    pdf.multi_cell(0, height, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def bullets(pdf: FPDF, items: Iterable[str], *, colour: Colour = 30, size: float = 9) -> None:
    for item in items:
        para(pdf, f"- {item}", colour=colour, size=size)


def table(
    pdf: FPDF,
    rows: list[list[str]],
    widths: tuple[float, ...] | None = None,
    *,
    size: float = 8.5,
) -> None:
    pdf.set_font("Helvetica", size=size)
    pdf.set_text_color(20)
    with pdf.table(col_widths=widths, text_align="CENTER", line_height=size * 0.6) as grid:
        for row in rows:
            cells = grid.row()
            for value in row:
                cells.cell(pdf_text(value))
