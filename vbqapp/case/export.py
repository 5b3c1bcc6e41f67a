"""Case page, step 4: export (PDF report, CSV and JSON measurements, annotated PNGs) and restore
a session's ROIs from a case JSON."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import streamlit as st

from vbqapp.case.quality import case_flags, sequence_flags
from vbqapp.case.report_inputs import report_inputs
from vbqapp.case.session import (
    clear_notices,
    get_case,
    notify,
    put_case,
    reset,
    reset_key,
    show_notices,
    show_sequence,
)
from vbqapp.case.viewer import current_window
from vbqapp.literature.settings import default_target
from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.io import (
    case_row_csv,
    case_to_json,
    read_case_json,
    restore_case,
    roi_stats_csv,
)
from vbqcore.case.literature import case_literature
from vbqcore.case.model import Case
from vbqcore.case.report import build_report
from vbqcore.errors import VbqError
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.roi.annotate import annotated_png
from vbqcore.roi.redaction import PixelCheck, PixelExport, pixel_check, pixel_statement

__all__ = ["export_panel"]


def _images(
    case: Case, windows: dict[Sequence, tuple[float, float]], pixels: PixelExport
) -> dict[Sequence, bytes]:
    out = {}
    for seq in case.loaded:
        slice_ = case[seq].slice
        assert slice_ is not None  # loaded
        out[seq] = annotated_png(
            slice_,
            case[seq].rois,
            window=windows.get(seq),
            pixels=pixels,
            flagged=sequence_flags(seq).flagged,
        )
    return out


_PIXEL_LABELS = {
    PixelExport.BLANK_OUTSIDE_ROIS: "Blank outside the ROIs",
    PixelExport.CROP_TO_ROIS: "Crop to the ROIs",
    PixelExport.AS_IS: "Whole image, as acquired",
}


def _pixel_choice(case: Case) -> tuple[PixelExport, list[PixelCheck]]:
    """Warn about images whose pixels may show identifiers; the user picks how images are
    exported (blanked by default when one is flagged)."""
    checks = {s: pixel_check(sl) for s in case.loaded if (sl := case[s].slice) is not None}
    flagged = {s: c for s, c in checks.items() if c.flagged}
    for seq, check in flagged.items():
        st.warning(
            f"{seq.value}: {check.reason}. Exported images are blanked outside the ROIs unless "
            "you choose otherwise below.",
            icon=":material/visibility_off:",
        )
    options = list(_PIXEL_LABELS)
    choice = st.radio(
        "Pixels in exported images (PDF and PNGs)",
        options,
        index=0 if flagged else options.index(PixelExport.AS_IS),
        format_func=_PIXEL_LABELS.__getitem__,
        horizontal=True,
        key=f"case_pixels_{bool(flagged)}",
        help="Text burned into the pixels (a viewer's name and date overlay) is not read by this "
        "tool: blanking or cropping to the lumbar region the ROIs cover removes the corners "
        "and margins where such text sits.",
    )
    return PixelExport(choice), list(checks.values())


def _png_zip(images: dict[Sequence, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for seq, png in images.items():
            archive.writestr(f"vbq-{seq.value}.png", png)
    return buffer.getvalue()


def _restore() -> None:
    upload = st.session_state.get(reset_key("restore"))
    if upload is None:
        return
    clear_notices("export")
    try:
        saved = read_case_json(upload.getvalue(), name=upload.name)
        update = restore_case(get_case(), saved)
    except VbqError as err:
        notify("export", "error", str(err))
    else:
        put_case(update.case, redraw=MEASURED_SEQUENCES, widgets=True)
        count = sum(len(s.rois) for s in saved.sequences.values())
        notify(
            "export", "success", f"Restored {count} ROI(s) and the case options from {upload.name}."
        )
        for warning in update.warnings:
            notify("export", "warning", warning)
        first = next((s for s in MEASURED_SEQUENCES if s in saved.sequences), None)
        if first is not None:
            show_sequence(first)
    reset("restore")


def export_panel(evaluation: CaseEvaluation) -> None:
    """Download buttons (files built only when clicked) and the case-file restore."""
    st.subheader("4 · Export and restore")
    show_notices("export")
    case = get_case()
    windows = {s: current_window(s, sl) for s in case.loaded if (sl := case[s].slice) is not None}
    ready = bool(case.loaded)
    fields = report_inputs()
    pixels, checks = _pixel_choice(case)
    statement = pixel_statement(checks, pixels)
    literature = case_literature(evaluation, target_group=default_target())

    def report() -> bytes:
        return build_report(
            case,
            evaluation,
            images=_images(case, windows, pixels),
            fields=fields,
            literature=literature,
            privacy=statement,
            quality=case_flags(),
        )

    def pngs() -> bytes:
        return _png_zip(_images(case, windows, pixels))

    files: list[tuple[str, Callable[[], bytes | str], str, str]] = [
        ("PDF report", report, "vbq-report.pdf", "application/pdf"),
        (
            "Case JSON",
            lambda: case_to_json(case, evaluation, quality=case_flags()),
            "vbq-case.json",
            "application/json",
        ),
        (
            "ROI stats CSV",
            lambda: roi_stats_csv(case, evaluation),
            "vbq-rois.csv",
            "text/csv",
        ),
        (
            "Case row CSV",
            lambda: case_row_csv(evaluation),
            "vbq-case-row.csv",
            "text/csv",
        ),
        ("Images (PNG zip)", pngs, "vbq-images.zip", "application/zip"),
    ]
    columns = st.columns(len(files))
    for column, (label, data, name, mime) in zip(columns, files, strict=True):
        column.download_button(
            label,
            data=data,
            file_name=name,
            mime=mime,
            on_click="ignore",
            disabled=not ready or (name.endswith(".pdf") and fields is None),
            width="stretch",
        )
    st.caption(
        f"{statement} "
        "The JSON restores ROIs, labels, fractured levels, CSF level and method on this page; "
        "the case row CSV has the cohort columns (T1_L1 … STIR_CSF, scores) of the other pages."
    )
    st.file_uploader(
        "Restore ROIs from a case file (.json)",
        type=["json"],
        key=reset_key("restore"),
        on_change=_restore,
    )
