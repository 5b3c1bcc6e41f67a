"""Case page, step 4: what the user types for the PDF report's page 1 (all optional)."""

from __future__ import annotations

import streamlit as st

from vbqapp.case.session import seed, widget_key
from vbqcore.case.report_fields import MAX_FIELD_CHARS, ReportFields
from vbqcore.case.report_pdf import PAGE_FORMATS
from vbqcore.errors import VbqError

__all__ = ["report_inputs"]


def report_inputs() -> ReportFields | None:
    """Case label / pseudonym, exam date, reader and paper size; ``None`` (with the reason shown)
    while a field cannot be used. Nothing is filled in from the DICOM headers."""
    keys = {n: widget_key("report", n) for n in ("label", "date", "reader", "paper")}
    seed(keys["paper"], PAGE_FORMATS[0])
    with st.expander("PDF report: case label, exam date, reader", expanded=False):
        left, middle, right, paper = st.columns([3, 2, 3, 2])
        left.text_input(
            "Case label or pseudonym",
            key=keys["label"],
            max_chars=MAX_FIELD_CHARS,
            placeholder="optional, e.g. study code",
            help="Printed on page 1. Use a pseudonym, not the patient's name: the report is "
            "otherwise de-identified.",
        )
        middle.date_input("Exam date", value=None, key=keys["date"], format="YYYY-MM-DD")
        right.text_input(
            "Reader (printed on the report)",
            key=keys["reader"],
            max_chars=MAX_FIELD_CHARS,
            placeholder="optional",
        )
        paper.segmented_control("Paper", list(PAGE_FORMATS), key=keys["paper"], required=True)
        st.caption(
            "Blank fields print as lines to fill in by hand. Nothing here is read from the "
            "DICOM headers, and none of it goes into the case JSON or CSV exports."
        )
    try:
        return ReportFields(
            case_label=st.session_state.get(keys["label"]) or "",
            exam_date=st.session_state.get(keys["date"]),
            reader=st.session_state.get(keys["reader"]) or "",
            page_format=st.session_state.get(keys["paper"]) or PAGE_FORMATS[0],
        )
    except VbqError as err:
        st.error(f"{err} The PDF report is available again once this is fixed.")
        return None
