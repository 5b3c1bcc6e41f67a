"""Any table as a formatted Word (.docx, python-docx) or Excel (.xlsx, openpyxl) document.

Journal layout: the title above, bold column headings with a rule under them, the table in the
body font, footnotes in a smaller font below; numbers stay text exactly as shown on screen.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import pandas as pd

from vbqcore.csv_safety import neutralise_cell

__all__ = ["table_docx", "table_xlsx"]

logger = logging.getLogger(__name__)


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return [["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)]


def table_docx(frame: pd.DataFrame, *, title: str, footnotes: Sequence[str] = ()) -> bytes:
    """``frame`` as a Word table under ``title``, with ``footnotes`` below (bytes of a .docx)."""
    from docx import Document  # imported on use: only exports need python-docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    doc = Document()
    if len(frame.columns) > 6:  # a wide table reads better across the page
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    heading = doc.add_paragraph()
    heading.add_run(title).bold = True
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(name)).bold = True
    for values in _cells(frame):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    for note in footnotes:
        run = doc.add_paragraph().add_run(note)
        run.font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def table_xlsx(
    frame: pd.DataFrame, *, title: str, footnotes: Sequence[str] = (), sheet: str = "Table"
) -> bytes:
    """``frame`` as an Excel sheet: title in A1, bold headings with a rule, widths to fit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([neutralise_cell(title)])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([])
    ws.append([neutralise_cell(str(c)) for c in frame.columns])
    rule = Border(bottom=Side(style="thin"))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.border = rule
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    body = _cells(frame)
    for values in body:
        # A text cell starting with = + - @ would be a live formula in Excel (OWASP).
        ws.append([neutralise_cell(v) for v in values])
    ws.append([])
    for note in footnotes:
        ws.append([note])
        ws.cell(row=ws.max_row, column=1).font = Font(size=8, italic=True)
    for k, name in enumerate(frame.columns, start=1):
        width = max([len(str(name)), *(len(r[k - 1]) for r in body)] or [8])
        ws.column_dimensions[ws.cell(row=3, column=k).column_letter].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
