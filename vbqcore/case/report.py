"""The de-identified PDF report of one case (fpdf2).

Page 1 (:mod:`vbqcore.case.report_front`) holds what a reader needs: the fields the user typed,
the bottom line, the scores with intervals and zones, what the result is not, every warning, the
annotated images and a signature line. The details follow: images measured, SIs per level, the
comparison with each cut-off, the method and references.

The report names no patient: it is built from the ``Case`` (ROIs, de-identified ``Protocol``),
its ``CaseEvaluation`` and the ``ReportFields`` the user typed, which never hold a DICOM patient
attribute or a file name.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from fpdf import FPDF

from vbqcore import __version__
from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.case.evaluation import CaseEvaluation
from vbqcore.case.model import Case
from vbqcore.case.quality import CaseQuality
from vbqcore.case.report_fields import ReportFields
from vbqcore.case.report_front import front_page
from vbqcore.case.report_pdf import ReportPdf, bullets, heading, para, pdf_text, table
from vbqcore.imaging.uploads import describe_protocol
from vbqcore.interpretation import CutoffComparison
from vbqcore.literature import LiteratureReading
from vbqcore.roi.redaction import PixelExport, pixel_statement
from vbqcore.score_uncertainty import HUANG_2026_INTER_OBSERVER
from vbqcore.vbq import ScoreName

__all__ = ["build_report", "pdf_text"]

logger = logging.getLogger(__name__)

_METHOD = (
    "VBQ = aggregate signal intensity (SI) of the vertebral bodies L1-L4 / SI of the CSF at L3 "
    "(L2 or L4 when L3 is stenotic), on the mid-sagittal slice of each sequence (Ehresman et al., "
    "Spine J 2020;20:556-562). VBQ-T2-STIR = aggregate of the bodies' (T2 SI - STIR SI) / (CSF T2 "
    "SI - CSF STIR SI). A fractured L1-L4 body is left out and replaced by T12 and/or L5 (Huang et "
    "al., Global Spine J 2026;16(1):162-170). SIs are ROI means in scanner units after the DICOM "
    "modality LUT."
)
_UNCERTAINTY = (
    "Intervals (95%): 'roi sem' propagates each ROI's standard error of the mean (SD / sqrt of "
    "its pixels) to the score by the delta method - pixel noise only, the narrowest honest "
    "interval; 'observer agreement' uses the inter-observer 95% limits of agreement of the SIs "
    "in Huang et al. 2026 (Figure 3: {limits}), one reader's relative SD being (upper - lower) / "
    "(2 x 1.96 x sqrt 2), and is used whenever an ROI has no spread. A score whose interval "
    "contains its cut-off is borderline: it is read as neither above nor below. Zones and the "
    "bottom line lead with VBQ-T2, the only independent predictor of OVCF in Huang et al.'s "
    "multivariable analysis."
)
_REFERENCES = (
    "Huang X, Cai C, Huang S, et al. T2-Weighted MRI-Based Vertebral Bone Quality Score is an "
    "Independent Risk Factor of Osteoporotic Vertebral Compression Fracture: An Age- and "
    "Sex-Matched Study. Global Spine J. 2026;16(1):162-170. doi:10.1177/21925682251339995",
    "Ehresman J, Pennington Z, Schilling A, et al. Novel MRI-based score for assessment of bone "
    "density in operative spine patients. Spine J. 2020;20(4):556-562.",
    "Bland JM, Altman DG. Statistical methods for assessing agreement between two methods of "
    "clinical measurement. Lancet. 1986;1(8476):307-310.",
    "Deeks JJ, Altman DG. Diagnostic tests 4: likelihood ratios. BMJ. 2004;329:168-169.",
)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _scan_section(pdf: FPDF, case: Case) -> None:
    heading(pdf, "Images measured")
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
        para(  # the coded protocol only: SeriesDescription is free text and may name someone
            pdf,
            f"{seq.value}: {kind}; "
            f"{describe_protocol(state.series.protocol)}; slice "
            f"{state.slice_index + 1} of {len(state.series.slices)}; {grid}.",
        )


def _si_section(pdf: FPDF, case: Case, evaluation: CaseEvaluation) -> None:
    seqs = [s for s in case.loaded if evaluation.sequences[s].stats]
    if not seqs:
        return
    heading(pdf, "Signal intensity per level (ROI mean +/- SD, pixels)")
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
    table(pdf, rows)


def _quality_section(pdf: FPDF, quality: CaseQuality) -> None:
    heading(pdf, "ROI quality")
    messages = quality.messages()
    if not messages:
        para(
            pdf,
            "No ROI was flagged: each is homogeneous, clear of a disc or endplate step, on its "
            "body and clear of its edge; the CSF ROI is large enough and free of cord or roots.",
            size=8,
        )
        return
    para(
        pdf,
        "Flagged ROIs (marked '!' on the images). Each flag says what to do; the scores above "
        "use the ROIs as drawn.",
        size=8,
    )
    bullets(pdf, messages, colour=60, size=8)


def _comparison_row(c: CutoffComparison) -> list[str]:
    post = "-" if c.posttest_probability is None else f"{100 * c.posttest_probability:.1f}%"
    if c.posttest_range is not None:
        post = f"{100 * c.posttest_range[0]:.1f}-{100 * c.posttest_range[1]:.1f}%"
    zone = "not interpretable" if c.zone is None else c.zone.value
    return [
        c.score.label,
        f"{c.value:.3f}",
        f"{c.cutoff.value:g}",
        zone,
        _fmt(c.cutoff.sensitivity, 3),
        _fmt(c.cutoff.specificity, 3),
        _fmt(c.lr_positive, 2),
        _fmt(c.lr_negative, 2),
        post,
    ]


def _score_section(pdf: FPDF, case: Case, evaluation: CaseEvaluation) -> None:
    heading(pdf, "VBQ scores in detail")
    result = evaluation.result
    if result is None:
        para(pdf, "No score could be computed.")
        bullets(pdf, evaluation.problems)
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
    table(pdf, rows, (30, 25, 70, 45))
    fractured = ", ".join(lv.value for lv in sorted(case.fractured, key=lambda lv: lv.order))
    para(
        pdf,
        f"Aggregate of the levels: {result.method.value}. CSF level: {case.csf_level.value}. "
        f"Fractured: {fractured or 'none'}.",
    )
    interpretation = evaluation.interpretation
    if interpretation is None:
        return
    heading(pdf, "Interpretation against published cut-offs")
    if interpretation.comparisons:
        header = [
            "Score",
            "Value",
            "Cut-off",
            "Zone",
            "Sens",
            "Spec",
            "LR+",
            "LR-",
            "Post-test",
        ]
        rows = [header] + [_comparison_row(c) for c in interpretation.comparisons]
        table(pdf, rows, (26, 16, 16, 26, 14, 14, 14, 14, 24))
        for c in interpretation.comparisons:
            para(pdf, c.sentence)
        sources: dict[str, list[str]] = {}
        for c in interpretation.comparisons:
            where = (
                f"{c.cutoff.citation} Derived on {c.cutoff.scanner}"
                + (f"; cohort: {c.cutoff.cohort}" if c.cutoff.cohort else "")
                + f"; outcome: {c.cutoff.outcome}."
            )
            sources.setdefault(where, []).append(c.score.label)
        bullets(pdf, (f"Cut-offs for {', '.join(v)}: {k}" for k, v in sources.items()), colour=60)
    if interpretation.pretest_probability is not None:
        para(pdf, f"Pre-test probability used: {100 * interpretation.pretest_probability:.1f}%.")
    bullets(pdf, interpretation.notes, colour=60)


def _limits_text() -> str:
    parts = []
    for seq, lim in HUANG_2026_INTER_OBSERVER.items():
        parts.append(
            f"{seq.value} bodies {lim.body_lower_pct:g}% to {lim.body_upper_pct:g}%, CSF "
            f"{lim.csf_lower_pct:g}% to {lim.csf_upper_pct:g}%"
        )
    return "; ".join(parts)


def build_report(
    case: Case,
    evaluation: CaseEvaluation,
    *,
    images: Mapping[Sequence, bytes] | None = None,
    generated_at: datetime | None = None,
    fields: ReportFields | None = None,
    literature: LiteratureReading | None = None,
    privacy: str | None = None,
    quality: CaseQuality | None = None,
) -> bytes:
    """The PDF report as bytes: page 1 for the reader, details after.

    Parameters
    ----------
    case, evaluation : Case, CaseEvaluation
        What was measured and what it gives (``vbqcore.case.evaluation.evaluate_case``).
    images : mapping of Sequence to PNG bytes, optional
        Annotated slices (``vbqcore.roi.annotate.annotated_png``), shown side by side on page 1.
    generated_at : datetime, optional
        Timestamp printed on the report (default: now, UTC).
    fields : ReportFields, optional
        Case label / pseudonym, exam date and reader as the user typed them, and the paper size
        (A4 by default). Blank fields print as lines to fill in by hand; nothing is read from
        the DICOM headers.
    literature : LiteratureReading, optional
        The case against the library of published thresholds
        (:func:`vbqcore.case.literature.case_literature`): a "Published thresholds" section says
        which were used and why (the default target, the applicability rules) and which not.
    privacy : str, optional
        What the report says about identifiers (``vbqcore.roi.redaction.pixel_statement``);
        by default, that header identifiers are left out and pixels were not checked.
    quality : CaseQuality, optional
        The ROI quality flags (:func:`vbqcore.case.quality.case_quality`): an "ROI quality"
        section lists each flag with what to do (or says that none was raised).
    """
    fields = fields or ReportFields()
    when = (generated_at or datetime.now(UTC)).astimezone(UTC)
    pdf = ReportPdf(orientation="P", unit="mm", format=fields.page_format)
    pdf.set_title("VBQ report")
    pdf.set_creator(f"VBQ Dashboard {__version__}")
    pdf.set_creation_date(when)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(14, 12, 14)
    pdf.add_page()
    shown = dict(images or {})
    fitted = front_page(pdf, evaluation, fields, shown, when)
    pdf.add_page()
    heading(pdf, "Details", size=13)
    para(
        pdf,
        f"Generated {when:%Y-%m-%d %H:%M} UTC by VBQ Dashboard (vbqcore {__version__}). "
        "The case label, exam date and reader on page 1 are what the user typed. "
        + (privacy or pixel_statement([], PixelExport.AS_IS))
        + " For research use only; not a medical device.",
        size=8,
        colour=80,
    )
    if not fitted:
        _images_page2(pdf, shown)
    _scan_section(pdf, case)
    _si_section(pdf, case, evaluation)
    if quality is not None:
        _quality_section(pdf, quality)
    _score_section(pdf, case, evaluation)
    if literature is not None:
        _literature_section(pdf, literature)
    if evaluation.problems:
        heading(pdf, "Not measured / incomplete")
        bullets(pdf, evaluation.problems, colour=60)
    heading(pdf, "Method")
    para(pdf, _METHOD, size=8)
    para(pdf, _UNCERTAINTY.format(limits=_limits_text()), size=8)
    heading(pdf, "References")
    bullets(pdf, _REFERENCES, colour=60, size=8)
    return bytes(pdf.output())


def _literature_section(pdf: FPDF, reading: LiteratureReading) -> None:
    """Published thresholds that apply to the case, by target, then those that do not."""
    heading(pdf, "Published thresholds (research use)")
    lines = reading.report_lines()
    para(pdf, lines[0], size=8)
    for line in lines[1:]:
        indent = len(line) - len(line.lstrip(" "))
        para(pdf, ("    " * (indent // 2)) + line.strip(), size=8, colour=30 if indent else 0)


def _images_page2(pdf: FPDF, images: Mapping[Sequence, bytes]) -> None:
    """The annotated slices when page 1 had no room left for them (many warnings)."""
    heading(pdf, "Regions of interest (annotated slices)")
    gap = 4.0
    width = min((pdf.epw - gap * (len(images) - 1)) / max(len(images), 1), 62.0)
    top, bottom = pdf.get_y(), pdf.get_y()
    for k, (seq, png) in enumerate(images.items()):
        x = pdf.l_margin + k * (width + gap)
        pdf.set_xy(x, top)
        pdf.cell(width, 5, pdf_text(seq.value), align="C")
        info = pdf.image(io.BytesIO(png), x=x, y=top + 5, w=width)
        bottom = max(bottom, top + 5 + float(info.rendered_height))
    pdf.set_xy(pdf.l_margin, bottom + 2)
