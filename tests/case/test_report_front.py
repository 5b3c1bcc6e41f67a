"""Page 1 of the PDF report holds what a reader needs (checked with pypdf), on A4 and Letter."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.case_helpers import measured_case
from vbqcore.case.evaluation import CaseEvaluation, evaluate_case
from vbqcore.case.model import Case
from vbqcore.case.report import build_report
from vbqcore.case.report_fields import ReportFields
from vbqcore.errors import VbqInputError
from vbqcore.imaging.slices import SliceSource
from vbqcore.interpretation import interpret
from vbqcore.roi.annotate import annotated_png

WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
FIELDS = ReportFields("Study 12 / case 7", date(2026, 1, 31), "Dr A. Reader")
# PDF points (1/72 in): A4 210 x 297 mm, US Letter 8.5 x 11 in.
SIZES = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}


def flat(text: str) -> str:
    return " ".join(text.split())


def render(
    case: Case,
    tmp_path: Path,
    evaluation: CaseEvaluation | None = None,
    fields: ReportFields = FIELDS,
) -> PdfReader:
    images = {s: annotated_png(case[s].slice, case[s].rois) for s in case.loaded}  # type: ignore[arg-type]
    data = build_report(
        case,
        evaluation or evaluate_case(case, interval_method="observer_agreement"),
        images=images,
        generated_at=WHEN,
        fields=fields,
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return PdfReader(path)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_page_one_has_everything_a_reader_needs(tmp_path: Path, paper: str) -> None:
    case = measured_case(tmp_path, field_strength=3.0)
    evaluation = evaluate_case(case, interval_method="observer_agreement")
    reader = render(case, tmp_path, evaluation, replace(FIELDS, page_format=paper))
    page1 = reader.pages[0]
    assert (float(page1.mediabox.width), float(page1.mediabox.height)) == pytest.approx(
        SIZES[paper], abs=0.01
    )
    one = flat(page1.extract_text())
    for typed in ("Study 12 / case 7", "2026-01-31", "Dr A. Reader"):
        assert typed in one
    interpretation = evaluation.interpretation
    assert interpretation is not None
    # The bottom line, as computed (en dashes print as "-" in the PDF's Latin-1 fonts).
    assert flat(interpretation.bottom_line.replace("–", "-")) in one
    assert one.index("Bottom line") < one.index("Scores") < one.index("Warnings")
    # Phantom VBQ-T2 0.55 with the observer interval 0.516-0.584 contains 0.555: borderline.
    assert "VBQ-T2 0.550 (0.516-0.584) 0.555 BORDERLINE observer agreement" in one
    assert "Scan at 3 T" in one  # every warning is on page 1
    assert "research use only" in one.lower() and "GE Signa HDx 1.5 T" in one
    assert "not been validated externally" in one
    assert len(page1.images) == 3  # the annotated T1, T2, STIR slices
    assert "Reader signature:" in one and "Date:" in one
    # Methods, the per-level SI table and references come after page 1.
    rest = flat(" ".join(p.extract_text() for p in reader.pages[1:]))
    assert "Method" not in one and "Signal intensity per level" not in one
    assert "Signal intensity per level" in rest and "References" in rest
    assert "Bland JM, Altman DG" in rest and "T2 bodies -7.15% to 7.97%" in rest


def test_blank_fields_are_lines_to_fill_in(tmp_path: Path) -> None:
    one = flat(
        render(measured_case(tmp_path), tmp_path, fields=ReportFields()).pages[0].extract_text()
    )
    assert "Case / pseudonym ________________________ Exam date ________________________" in one


def test_many_warnings_stay_on_page_one_images_move_on(tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    base = evaluate_case(case)
    many = tuple(f"Warning number {k}: a caveat the reader must see." for k in range(30))
    reader = render(case, tmp_path, replace(base, warnings=many))
    one = flat(reader.pages[0].extract_text())
    assert "Warning number 0:" in one and "Warning number 29:" in one
    assert "Annotated slices: on the next page" in one and "Reader signature:" in one
    assert len(reader.pages[0].images) == 0 and len(reader.pages[1].images) == 3


def test_screenshot_case_is_not_interpretable_on_page_one(tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    base = evaluate_case(case)
    assert base.result is not None
    shot = interpret(base.result, sources=[SliceSource.SCREENSHOT])
    reader = render(case, tmp_path, replace(base, interpretation=shot))
    one = flat(reader.pages[0].extract_text())
    assert "Not interpretable against the published cut-offs" in one
    assert "not interpretable (screenshot)" in one
    assert "below" not in one.split("Scores", 1)[1].split("Warnings", 1)[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"case_label": "x" * 81}, "81 characters; shorten it to 80"),
        ({"reader": 12}, "report reader: expected text"),
        ({"page_format": "A5"}, "page format 'A5': use A4 or Letter"),
        ({"exam_date": "31/01/2026"}, "give a date such as 2026-01-31"),
    ],
)
def test_report_fields_refuse_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(VbqInputError, match=message):
        ReportFields(**kwargs)  # type: ignore[arg-type]


def test_report_fields_are_one_line() -> None:
    fields = ReportFields(" Case\n7 ", reader="Dr\tB", page_format="letter")
    assert fields.to_dict() == {
        "case_label": "Case 7",
        "exam_date": None,
        "reader": "Dr B",
        "page_format": "Letter",
    }
