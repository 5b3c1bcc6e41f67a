"""The de-identified PDF report of one case (fpdf2): images, SIs per level, scores, meaning.

The report names no patient: it is built from the ``Case`` (ROIs, de-identified ``Protocol``)
and its ``CaseEvaluation`` only, which never hold a DICOM patient attribute or a file name.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from vbqcore import __version__
from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.model import Case
from vbqcore.imaging.uploads import describe_protocol
from vbqcore.interpretation import CutoffComparison
from vbqcore.roi.redaction import PixelExport, pixel_statement
from vbqcore.vbq import ScoreName

__all__ = ["build_report", "pdf_text"]

logger = logging.getLogger(__name__)

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
    }
)
_METHOD = (
    "VBQ = aggregate signal intensity (SI) of the vertebral bodies L1-L4 / SI of the CSF at L3 "
    "(L2 or L4 when L3 is stenotic), on the mid-sagittal slice of each sequence (Ehresman et al., "
    "Spine J 2020;20:556-562). VBQ-T2-STIR = aggregate of the bodies' (T2 SI - STIR SI) / (CSF T2 "
    "SI - CSF STIR SI). A fractured L1-L4 body is left out and replaced by T12 and/or L5 (Huang et "
    "al., Global Spine J 2026;16(1):162-170). SIs are ROI means in scanner units after the DICOM "
    "modality LUT."
)


def pdf_text(text: str) -> str:
    """``text`` as the PDF core fonts can print it (Latin-1; other characters replaced)."""
    return text.translate(_LATIN1).encode("latin-1", errors="replace").decode("latin-1")


class _Report(FPDF):
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


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_text_color(20)
    pdf.cell(0, 7, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)


Colour = int | tuple[int, int, int]  # grey level or RGB
_WARNING_RED = (150, 30, 30)


def _para(pdf: FPDF, text: str, *, size: float = 9, colour: Colour = 30) -> None:
    pdf.set_font("Helvetica", size=size)
    pdf.set_text_color(*colour) if isinstance(colour, tuple) else pdf.set_text_color(colour)
    pdf.multi_cell(0, 4.6, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")


def _bullets(pdf: FPDF, items: Iterable[str], *, colour: Colour = 30) -> None:
    for item in items:
        _para(pdf, f"- {item}", colour=colour)


def _table(pdf: FPDF, rows: list[list[str]], widths: tuple[float, ...] | None = None) -> None:
    pdf.set_font("Helvetica", size=8.5)
    pdf.set_text_color(20)
    with pdf.table(col_widths=widths, text_align="CENTER", line_height=5.2) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(pdf_text(value))


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _scan_section(pdf: FPDF, case: Case) -> None:
    _heading(pdf, "Images measured")
    for seq in case.loaded:
        state = case[seq]
        assert state.series is not None and state.slice is not None  # loaded
        shown = state.slice
        spacing = shown.pixel_spacing_mm
        grid = f"{shown.shape[1]} x {shown.shape[0]} px"
        grid += (
            f", {spacing[1]:.3g} x {spacing[0]:.3g} mm pixels" if spacing else ", spacing unknown"
        )
        kind = "DICOM" if shown.source.value == "dicom" else "screenshot (display values)"
        _para(  # the coded protocol only: SeriesDescription is free text and may name someone
            pdf,
            f"{seq.value}: {kind}; "
            f"{describe_protocol(state.series.protocol)}; slice "
            f"{state.slice_index + 1} of {len(state.series.slices)}; {grid}.",
        )


def _images(pdf: FPDF, images: Mapping[Sequence, bytes]) -> None:
    if not images:
        return
    _heading(pdf, "Regions of interest")
    gap = 4.0
    width = (pdf.epw - gap * (len(images) - 1)) / max(len(images), 1)
    width = min(width, 62.0)
    top = pdf.get_y()
    bottom = top
    for k, (seq, png) in enumerate(images.items()):
        x = pdf.l_margin + k * (width + gap)
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(width, 5, pdf_text(seq.value), align="C")
        info = pdf.image(io.BytesIO(png), x=x, y=top + 5, w=width)
        bottom = max(bottom, top + 5 + float(info.rendered_height))
    pdf.set_xy(pdf.l_margin, bottom + 2)


def _si_section(pdf: FPDF, case: Case, evaluation: CaseEvaluation) -> None:
    seqs = [s for s in case.loaded if evaluation.sequences[s].stats]
    if not seqs:
        return
    _heading(pdf, "Signal intensity per level (ROI mean +/- SD, pixels)")
    rows = [["Site", *(s.value for s in seqs)]]
    for site in [*(lv.value for lv in Level), CSF]:
        cells = []
        for seq in seqs:
            state, stats = case[seq], evaluation.sequences[seq]
            found = [
                st
                for r, st in zip(state.rois, stats.stats, strict=False)
                if r.label == site and st is not None
            ]
            if not found:
                cells.append("")
                continue
            st = found[0]
            sd = "" if st.sd != st.sd else f" +/- {st.sd:.1f}"  # NaN SD for one pixel
            more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
            cells.append(f"{st.mean:.1f}{sd} ({st.n_pixels} px){more}")
        if any(cells):
            marker = " (fractured)" if site in {lv.value for lv in case.fractured} else ""
            rows.append([site + marker, *cells])
    _table(pdf, rows)


def _comparison_row(c: CutoffComparison) -> list[str]:
    post = "-" if c.posttest_probability is None else f"{100 * c.posttest_probability:.1f}%"
    position = "at/above" if c.at_or_above else "below"
    return [
        c.score.label,
        f"{c.value:.3f}",
        f"{c.cutoff.value:g}",
        position,
        _fmt(c.cutoff.sensitivity, 3),
        _fmt(c.cutoff.specificity, 3),
        _fmt(c.lr_positive, 2),
        _fmt(c.lr_negative, 2),
        post,
    ]


def _score_section(pdf: FPDF, case: Case, evaluation: CaseEvaluation) -> None:
    _heading(pdf, "VBQ scores")
    result = evaluation.result
    if result is None:
        _para(pdf, "No score could be computed.")
        _bullets(pdf, evaluation.problems)
        return
    rows = [["Score", "Value", "Levels used", "Substituted"]]
    for name in ScoreName:
        value = result.score(name)
        if value is None:
            rows.append([name.label, "-", result.not_computed.get(name, ""), ""])
            continue
        subs = result.substitutions.get(name) or {}
        rows.append(
            [
                name.label,
                f"{value:.4f}",
                ", ".join(lv.value for lv in result.levels_used[name]),
                ", ".join(f"{k.value}->{v.value}" for k, v in subs.items()) or "none",
            ]
        )
    _table(pdf, rows, (30, 25, 70, 45))
    fractured = ", ".join(lv.value for lv in sorted(case.fractured, key=lambda lv: lv.order))
    _para(
        pdf,
        f"Aggregate of the levels: {result.method.value}. CSF level: {case.csf_level.value}. "
        f"Fractured: {fractured or 'none'}.",
    )
    interpretation = evaluation.interpretation
    if interpretation is None:
        return
    _heading(pdf, "Interpretation against published cut-offs")
    if interpretation.comparisons:
        header = [
            "Score",
            "Value",
            "Cut-off",
            "Position",
            "Sens",
            "Spec",
            "LR+",
            "LR-",
            "Post-test",
        ]
        rows = [header] + [_comparison_row(c) for c in interpretation.comparisons]
        _table(pdf, rows, (28, 17, 17, 20, 16, 16, 16, 16, 20))
        for c in interpretation.comparisons:
            _para(pdf, c.sentence)
        sources: dict[str, list[str]] = {}
        for c in interpretation.comparisons:
            where = (
                f"{c.cutoff.citation} Derived on {c.cutoff.scanner}"
                + (f"; cohort: {c.cutoff.cohort}" if c.cutoff.cohort else "")
                + f"; outcome: {c.cutoff.outcome}."
            )
            sources.setdefault(where, []).append(c.score.label)
        _bullets(pdf, (f"Cut-offs for {', '.join(v)}: {k}" for k, v in sources.items()), colour=60)
    if interpretation.pretest_probability is not None:
        _para(pdf, f"Pre-test probability used: {100 * interpretation.pretest_probability:.1f}%.")
    _bullets(pdf, interpretation.notes, colour=60)


def build_report(
    case: Case,
    evaluation: CaseEvaluation,
    *,
    images: Mapping[Sequence, bytes] | None = None,
    generated_at: datetime | None = None,
    privacy: str | None = None,
) -> bytes:
    """The PDF report as bytes.

    Parameters
    ----------
    case, evaluation : Case, CaseEvaluation
        What was measured and what it gives (``vbqcore.case.evaluation.evaluate_case``).
    images : mapping of Sequence to PNG bytes, optional
        Annotated slices (``vbqcore.roi.annotate.annotated_png``), shown side by side.
    generated_at : datetime, optional
        Timestamp printed on the report (default: now, UTC); no scan or birth date is printed.
    privacy : str, optional
        What the report says about identifiers (``vbqcore.roi.redaction.pixel_statement``);
        by default, that header identifiers are left out and pixels were not checked.
    """
    when = (generated_at or datetime.now(UTC)).astimezone(UTC)
    pdf = _Report(orientation="P", unit="mm", format="A4")
    pdf.set_title("VBQ report")
    pdf.set_creator(f"VBQ Dashboard {__version__}")
    pdf.set_creation_date(when)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(14, 14, 14)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, "VBQ report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _para(
        pdf,
        f"Generated {when:%Y-%m-%d %H:%M} UTC by VBQ Dashboard (vbqcore {__version__}). "
        + (privacy or pixel_statement([], PixelExport.AS_IS))
        + " For research use only; not a medical device.",
        size=8,
        colour=80,
    )
    _scan_section(pdf, case)
    _images(pdf, images or {})
    _si_section(pdf, case, evaluation)
    _score_section(pdf, case, evaluation)
    if evaluation.warnings:
        _heading(pdf, "Warnings")
        _bullets(pdf, evaluation.warnings, colour=_WARNING_RED)
    if evaluation.problems:
        _heading(pdf, "Not measured / incomplete")
        _bullets(pdf, evaluation.problems, colour=60)
    _heading(pdf, "Method")
    _para(pdf, _METHOD, size=8)
    return bytes(pdf.output())
