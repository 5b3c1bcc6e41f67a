"""Case page, step 4 (PACS): send the measurements back as a DICOM SR (and the PDF report).

The SR references the images opened from the PACS (``CASE_PACS_REFS``); their headers are
fetched again at send time, so the patient's identifiers are never kept in the session. A
failure is shown as a message and leaves the case as it is.
"""

from __future__ import annotations

import logging

import streamlit as st

from vbqapp.case.pacs_open import pacs_config, pacs_refs
from vbqapp.case.quality import case_flags
from vbqapp.case.session import clear_notices, get_case, notify, show_notices, widget_key
from vbqapp.case.verdict import interval_method
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.report import build_report
from vbqcore.errors import VbqError
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.config import ENV_URL
from vbqcore.pacs.evidence import sources_from_pacs
from vbqcore.pacs.pdf_document import encapsulated_pdf
from vbqcore.pacs.sr_writer import build_measurement_report

__all__ = ["pacs_send_panel"]

logger = logging.getLogger(__name__)


def _send(with_pdf: bool) -> None:
    # The case as it is at the click, evaluated now: an evaluation bound when the button was
    # drawn can predate the last change (a copy to T2/STIR still being drawn on a busy machine),
    # and the SR must hold exactly the ROIs the message counts.
    clear_notices("pacs_send")
    case = get_case()
    evaluation = evaluate_case(case, interval_method=interval_method())
    try:
        config = pacs_config()
        if config is None:
            raise VbqError(f"No PACS is configured: set {ENV_URL} or [dicomweb] in the secrets.")
        client = PacsClient(config)
        sources = sources_from_pacs(client, case, pacs_refs())
        sr = build_measurement_report(case, evaluation, sources)
        instances = [sr]
        if with_pdf:
            evidence = [sources[s].header for s in MEASURED_SEQUENCES if s in sources]
            instances.append(
                encapsulated_pdf(build_report(case, evaluation, quality=case_flags()), evidence)
            )
        client.store(instances)
    except VbqError as err:
        notify("pacs_send", "error", str(err))
        return
    result = evaluation.result
    scores = (
        ""
        if result is None
        else "; ".join(f"{s.label} {result.score(s):.3f}" for s in result.computed)
    )
    rois = sum(len(case[s].rois) for s in sources)
    notify(
        "pacs_send",
        "success",
        f"Sent to the PACS: an SR with {rois} ROIs"
        + (f" and the scores ({scores})" if scores else "")
        + (", and the PDF report" if with_pdf else "")
        + ", in the patient's study.",
    )


def pacs_send_panel() -> None:
    """ "Send to PACS": a DICOM SR of the ROIs and scores (optional PDF) into the study."""
    case = get_case()
    ready = any(case[s].rois for s in MEASURED_SEQUENCES) and bool(pacs_refs())
    left, right = st.columns([1, 2], vertical_alignment="center")
    with_pdf = right.checkbox(
        "Include the PDF report", key=widget_key("pacs_send_pdf"), value=False
    )
    left.button(
        "Send to PACS",
        key=widget_key("pacs_send"),
        on_click=_send,
        args=(with_pdf,),
        disabled=not ready,
        help="A DICOM SR (TID 1500) of every ROI and VBQ score, into the study the images "
        "were opened from.",
    )
    if not ready:
        st.caption("Send to PACS needs images opened from the PACS and at least one ROI.")
    show_notices("pacs_send")
