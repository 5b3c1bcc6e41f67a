"""The PDF report (vbqcore.case.report): parsed back with pypdf, it says what the page says, and
names no patient."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.case_helpers import measured_case
from tests.phantoms import DEFAULT_IDENTIFIERS
from vbqcore import __version__
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.literature import case_literature
from vbqcore.case.model import Case, new_case, set_options
from vbqcore.case.report import build_report, pdf_text
from vbqcore.literature import TargetGroup
from vbqcore.roi.annotate import annotated_png

WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


def pdf_text_of(data: bytes, path: Path) -> tuple[str, PdfReader]:
    path.write_bytes(data)
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages), reader


def report(case: Case, tmp_path: Path) -> tuple[str, PdfReader]:
    images = {s: annotated_png(case[s].slice, case[s].rois) for s in case.loaded}  # type: ignore[arg-type]
    data = build_report(case, evaluate_case(case), images=images, generated_at=WHEN)
    assert data.startswith(b"%PDF")
    return pdf_text_of(data, tmp_path / "report.pdf")


def test_report_has_scores_levels_interpretation_method_and_version(tmp_path: Path) -> None:
    case = set_options(measured_case(tmp_path), pretest_probability=0.2)
    text, reader = report(case, tmp_path)
    flat = " ".join(text.split())
    assert "Generated 2026-01-02 03:04 UTC" in flat and f"vbqcore {__version__}" in flat
    # Scores as the page computes them (closed form: 4, 0.55, 0.32, 214 / 237.5 = 0.9011).
    for expected in ("VBQ-T1 4.0000", "VBQ-T2 0.5500", "VBQ-STIR 0.3200", "0.9011"):
        assert expected in flat
    assert "L1 420.0 +/- 0.0" in flat and "CSF 100.0" in flat  # per-level SI table
    assert "is below the 4.285 cut-off" in flat and "is above the 0.805 cut-off" in flat
    assert "Pre-test probability used: 20.0%" in flat
    assert "Derived on GE Signa HDx 1.5 T" in flat and "Chinese" in flat  # cohort statement
    assert "Aggregate of the levels: mean. CSF level: L3." in flat
    assert "Ehresman" in flat and "Huang" in flat  # method with citations
    assert sum(len(page.images) for page in reader.pages) == 3  # one annotated slice each


def test_report_names_no_patient(tmp_path: Path) -> None:
    text, reader = report(measured_case(tmp_path), tmp_path)
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    for value in (*DEFAULT_IDENTIFIERS.values(), "Phantom", "IM000", str(tmp_path)):
        assert value not in text and value not in metadata
    flat = " ".join(text.split())  # honest: headers stripped, pixels not read for text
    assert "from the file headers" in flat and "not checked for burned-in text" in flat


def test_report_on_a_3t_scan_carries_the_warning(tmp_path: Path) -> None:
    case = measured_case(tmp_path, field_strength=3.0)
    text, _ = report(case, tmp_path)
    assert "Scan at 3 T" in " ".join(text.split())


def test_report_without_scores_lists_what_is_missing(tmp_path: Path) -> None:
    text, _ = report(new_case(), tmp_path)
    assert "No score could be computed" in text


@pytest.mark.parametrize(
    ("raw", "printed"),
    [("L1–L4 ≥ 0.8", "L1-L4 >= 0.8"), ("LR− 0.4 → ok", "LR- 0.4 -> ok"), ("中", "?")],
)
def test_pdf_text_is_latin1(raw: str, printed: str) -> None:
    assert pdf_text(raw) == printed


def test_report_lists_the_published_thresholds_used_and_why(tmp_path: Path) -> None:
    # The phantom's VBQ-T1 is 4.000 (L1-L4 = 420, 400, 380, 400; CSF 100): above Hu et al.'s
    # osteoporosis threshold 3.02 and below Huang et al.'s 4.285 (cutoff_library.json).
    case = measured_case(tmp_path)
    evaluation = evaluate_case(case)
    reading = case_literature(evaluation, target_group=TargetGroup.OSTEOPOROSIS_SCREENING)
    assert reading is not None
    data = build_report(case, evaluation, generated_at=WHEN, literature=reading)
    text, _ = pdf_text_of(data, tmp_path / "lit.pdf")
    flat = " ".join(text.split())
    assert "Published thresholds (research use)" in flat
    assert "Default target: osteoporosis screening" in flat  # which thresholds and why
    assert "4.000 is above the 3.02 cut-off" in flat and "doi:10.1007/s00198-024-07190-6" in flat
    assert "Not applicable to this case" in flat
    # Without a reading the section is absent (the PACS SR's encapsulated PDF, the CLI).
    plain, _ = pdf_text_of(build_report(case, evaluation, generated_at=WHEN), tmp_path / "p.pdf")
    assert "Published thresholds" not in plain
