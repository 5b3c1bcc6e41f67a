"""What the user types on the report: a case label or pseudonym, the exam date, the reader, and
the paper size. Nothing here is ever read from a DICOM header."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from vbqcore.case.report_pdf import PAGE_FORMATS
from vbqcore.errors import VbqInputError

__all__ = ["MAX_FIELD_CHARS", "ReportFields"]

logger = logging.getLogger(__name__)

#: Longest case label or reader name printed (one line of the page-1 field table).
MAX_FIELD_CHARS = 80


def _clean(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise VbqInputError(f"report {name}: expected text, got {type(value).__name__}.")
    text = " ".join(value.split())  # one line: newlines and tabs become spaces
    if len(text) > MAX_FIELD_CHARS:
        raise VbqInputError(
            f"report {name}: {len(text)} characters; shorten it to {MAX_FIELD_CHARS} or fewer."
        )
    return text


@dataclass(frozen=True)
class ReportFields:
    """Page-1 fields of the report, all optional.

    ``case_label`` is a case number or pseudonym the user chooses (use a pseudonym, not the
    patient's name: the report is meant to be de-identified unless the user decides otherwise);
    ``exam_date`` the date of the MR exam as the user types it; ``reader`` who placed the ROIs;
    ``page_format`` ``"A4"`` or ``"Letter"``. Blank fields print as lines to fill in by hand.
    """

    case_label: str = ""
    exam_date: date | None = None
    reader: str = ""
    page_format: str = "A4"

    def __post_init__(self) -> None:
        object.__setattr__(self, "case_label", _clean(self.case_label, "case label"))
        object.__setattr__(self, "reader", _clean(self.reader, "reader"))
        if self.exam_date is not None and not isinstance(self.exam_date, date):
            raise VbqInputError(
                f"report exam date {self.exam_date!r}: give a date such as 2026-01-31."
            )
        fmt = next((f for f in PAGE_FORMATS if f.lower() == str(self.page_format).lower()), None)
        if fmt is None:
            raise VbqInputError(
                f"report page format {self.page_format!r}: use {' or '.join(PAGE_FORMATS)}."
            )
        object.__setattr__(self, "page_format", fmt)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_label": self.case_label,
            "exam_date": None if self.exam_date is None else self.exam_date.isoformat(),
            "reader": self.reader,
            "page_format": self.page_format,
        }
