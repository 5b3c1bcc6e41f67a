"""The TID 1500 SR and the Encapsulated PDF: content checked against hand-computed values, read
back with highdicom's parser, and validated by dciodvfy (dicom3tools)."""

from __future__ import annotations

import copy
import dataclasses
import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest

from tests.case_helpers import phantom_rois
from tests.pacs.study import write_phantom_study
from tests.phantoms import PHANTOM_VALUES, phantom_png
from vbqcore.anatomy import CSF, Sequence
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.io import case_to_json
from vbqcore.case.model import load_series, new_case, set_rois, sync_canvas
from vbqcore.case.report import build_report
from vbqcore.errors import VbqInputError
from vbqcore.imaging.reading import read_series
from vbqcore.pacs.evidence import SourcedCase, case_from_files, split_frame
from vbqcore.pacs.pdf_document import encapsulated_pdf
from vbqcore.pacs.sr_reader import read_measurement_report
from vbqcore.pacs.sr_writer import SourceImage, build_measurement_report, roi_graphic
from vbqcore.roi.shapes import EllipseRoi, PolygonRoi, RectRoi
from vbqcore.vbq import ScoreName

SPACING_MM = 1.09375  # write_phantom_series' default pixel spacing


@pytest.fixture(scope="module")
def sourced(tmp_path_factory: pytest.TempPathFactory) -> SourcedCase:
    """The phantom study measured (L1-L4 + CSF on each sequence) and rebuilt from its files."""
    folder = tmp_path_factory.mktemp("study")
    _, files = write_phantom_study(folder, seed="sr")
    case = new_case()
    for seq, paths in files.items():
        case = load_series(case, seq, read_series(paths)).case
        drawn = [RectRoi(r.x, r.y, r.width, r.height) for r in phantom_rois()]  # type: ignore[union-attr]
        case = sync_canvas(case, seq, drawn)
    text = case_to_json(case, evaluate_case(case))
    return case_from_files(text, [folder], name="case.json")


def _dciodvfy(path: Path) -> str:
    tool = shutil.which("dciodvfy")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("dciodvfy (Debian dicom3tools) is not installed")
        pytest.skip("dciodvfy (Debian dicom3tools) is not installed")
    done = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def test_every_roi_and_score_is_in_the_sr_with_hand_computed_values(sourced: SourcedCase) -> None:
    sr = build_measurement_report(sourced.case, sourced.evaluation, sourced.sources)
    report = read_measurement_report(sr)
    assert len(report.rois) == 15
    l1 = next(r for r in report.rois if r.sequence is Sequence.T2 and r.label == "L1")
    # phantom_rois: L1 occupies rows 58-86, columns 80-136; the ROI keeps 15 % margins:
    # x 80 + 0.15*56 = 88.4 .. 127.6, y 58 + 0.15*28 = 62.2 .. 81.8. Pixel centres c + 0.5 inside
    # give columns 88..127 (40) and rows 62..81 (20): 800 pixels of 1.09375 mm squares.
    assert l1.area_mm2 == pytest.approx(800 * SPACING_MM**2, rel=1e-12)
    expected_si = PHANTOM_VALUES[Sequence.T2]["L1"]  # constant region: mean = median, SD = 0
    assert (l1.mean, l1.median, l1.sd) == (expected_si, expected_si, 0.0)
    assert l1.graphic_type == "POLYLINE"
    assert np.allclose(l1.points, [(88.4, 62.2), (127.6, 62.2), (127.6, 81.8), (88.4, 81.8),
                                   (88.4, 62.2)], atol=1e-5)  # float32 SCOORD  # fmt: skip
    source = sourced.sources[Sequence.T2].header
    assert l1.sop_instance_uid == str(source.SOPInstanceUID)
    csf = next(r for r in report.rois if r.sequence is Sequence.T2 and r.label == CSF)
    assert csf.mean == PHANTOM_VALUES[Sequence.T2]["CSF"]
    # VBQ-T2 = mean(L1..L4 SI) / CSF SI, by hand from the phantom's region values.
    t2 = PHANTOM_VALUES[Sequence.T2]
    expected = sum(t2[lv] for lv in ("L1", "L2", "L3", "L4")) / 4 / t2["CSF"]
    assert report.score(ScoreName.VBQ_T2) == pytest.approx(expected, rel=1e-12)
    score = next(s for s in report.scores if s.score is ScoreName.VBQ_T2)
    assert score.method == "Mean body SI / CSF SI (Huang 2026)"
    assert any(p.startswith("cut-off 0.555 for OVCF") and "Table 3" in p for p in score.parameters)
    assert any("L1, L2, L3, L4" in p and "CSF SI at L3" in p for p in score.parameters)
    assert str(sr.PatientID) == "PHANTOM-0001"  # filed in the patient's study
    assert sr.CompletionFlag == "COMPLETE" and sr.VerificationFlag == "UNVERIFIED"


def test_csf_roi_has_the_canal_and_its_level_as_sites(sourced: SourcedCase) -> None:
    sr = build_measurement_report(sourced.case, sourced.evaluation, sourced.sources)
    text = str(sr)
    assert "Spinal canal structure" in text and "L3 vertebra" in text
    assert "Cerebrospinal Fluid" in text and "Bone marrow structure" in text


def test_dciodvfy_finds_no_error_in_the_sr_or_the_pdf(sourced: SourcedCase, tmp_path: Path) -> None:
    sr = build_measurement_report(sourced.case, sourced.evaluation, sourced.sources)
    sr.save_as(tmp_path / "sr.dcm", enforce_file_format=True)
    out = _dciodvfy(tmp_path / "sr.dcm")
    assert "Comprehensive3DSR" in out
    assert [line for line in out.splitlines() if line.startswith("Error")] == []
    evidence = [s.header for s in sourced.sources.values()]
    pdf = build_report(sourced.case, sourced.evaluation)
    encapsulated_pdf(pdf, evidence).save_as(tmp_path / "pdf.dcm", enforce_file_format=True)
    out = _dciodvfy(tmp_path / "pdf.dcm")
    assert "EncapsulatedPDF" in out
    assert [line for line in out.splitlines() if line.startswith(("Error", "Warning"))] == []


def test_encapsulated_pdf_keeps_the_bytes_and_pads_to_even_length(sourced: SourcedCase) -> None:
    header = sourced.sources[Sequence.T1].header
    pdf = b"%PDF-1.4 tiny"  # 13 bytes: odd, padded with one NUL (PS3.5 7.1)
    doc = encapsulated_pdf(pdf, [header])
    assert doc.EncapsulatedDocumentLength == 13 and doc.EncapsulatedDocument == pdf + b"\x00"
    assert doc.StudyInstanceUID == header.StudyInstanceUID and doc.Modality == "DOC"
    with pytest.raises(VbqInputError, match="not a PDF"):
        encapsulated_pdf(b"hello", [header])


def test_roi_graphics_rect_ellipse_polygon() -> None:
    kind, points = roi_graphic(RectRoi(10, 20, 30, 40))
    assert kind.value == "POLYLINE" and points.tolist() == [[10, 20], [40, 20], [40, 60],
                                                             [10, 60], [10, 20]]  # fmt: skip
    # An ellipse 40 wide, 20 high, centred (30, 30), turned 90 degrees clockwise: the major axis
    # (half-length 20) is now vertical, the minor (10) horizontal.
    kind, points = roi_graphic(EllipseRoi(10, 20, 40, 20, angle=90))
    assert kind.value == "ELLIPSE"
    assert np.allclose(points, [[30, 10], [30, 50], [40, 30], [20, 30]])
    kind, points = roi_graphic(PolygonRoi(((1, 1), (5, 1), (3, 4))))
    assert kind.value == "POLYLINE" and points.tolist() == [[1, 1], [5, 1], [3, 4], [1, 1]]


def test_sources_are_required_and_checked(sourced: SourcedCase, tmp_path: Path) -> None:
    case, evaluation, sources = sourced.case, sourced.evaluation, dict(sourced.sources)
    missing = {s: v for s, v in sources.items() if s is not Sequence.STIR}
    with pytest.raises(VbqInputError, match="The DICOM image STIR was measured on is not known"):
        build_measurement_report(case, evaluation, missing)
    other = copy.deepcopy(sources[Sequence.T1].header)
    other.StudyInstanceUID = "1.2.3.4"
    with pytest.raises(VbqInputError, match="different studies"):
        build_measurement_report(case, evaluation, {**sources, Sequence.T1: SourceImage(other)})
    small = copy.deepcopy(sources[Sequence.T2].header)
    small.Rows = 128
    with pytest.raises(VbqInputError, match="not the same image"):
        build_measurement_report(case, evaluation, {**sources, Sequence.T2: SourceImage(small)})
    screenshot = read_series([("shot.png", phantom_png(sequence=Sequence.T1))])
    shot_case = load_series(new_case(), Sequence.T1, screenshot).case
    shot_case = set_rois(shot_case, Sequence.T1, phantom_rois())
    with pytest.raises(VbqInputError, match="measured on a screenshot"):
        build_measurement_report(shot_case, evaluate_case(shot_case), {})
    with pytest.raises(VbqInputError, match="Nothing measured yet"):
        build_measurement_report(new_case(), evaluate_case(new_case()), {})


def test_multiframe_slice_names_carry_the_frame() -> None:
    assert split_frame("a b.dcm [frame 12]") == ("a b.dcm", 12)
    assert split_frame("1.2.3.dcm") == ("1.2.3.dcm", None)
    image = SourceImage(pydicom.Dataset(), frame=3)
    image.header.SOPClassUID, image.header.SOPInstanceUID = "1.2.840.10008.5.1.4.1.1.4.1", "1.2"
    assert image.region_source().ReferencedSOPSequence[0].ReferencedFrameNumber == 3


def test_one_pixel_roi_has_no_sd_in_the_sr(sourced: SourcedCase) -> None:
    case = sourced.case
    rois = list(case[Sequence.T1].rois)
    rois[0] = dataclasses.replace(rois[0], width=0.5, height=0.5)  # one pixel centre inside
    case = set_rois(case, Sequence.T1, rois)
    report = read_measurement_report(
        build_measurement_report(case, evaluate_case(case), sourced.sources)
    )
    first = next(r for r in report.rois if r.tracking_id.startswith("T1") and r.label == "L1")
    assert first.sd is None and first.mean is not None and not math.isnan(first.mean)
    assert first.area_mm2 == pytest.approx(SPACING_MM**2)


def test_images_not_opened_from_the_pacs_cannot_be_referenced_there(sourced: SourcedCase) -> None:
    from vbqcore.pacs.client import PacsClient
    from vbqcore.pacs.config import PacsConfig
    from vbqcore.pacs.evidence import sources_from_pacs

    client = PacsClient(PacsConfig("http://127.0.0.1:9/dicom-web"))  # never called
    with pytest.raises(VbqInputError, match="The T1 images were not opened from the PACS"):
        sources_from_pacs(client, sourced.case, {})


def test_the_images_must_hold_every_measured_series(tmp_path: Path) -> None:
    _, files = write_phantom_study(tmp_path / "study", seed="partial")
    case = new_case()
    for seq, paths in files.items():
        case = load_series(case, seq, read_series(paths)).case
        case = set_rois(case, seq, phantom_rois())
    text = case_to_json(case, evaluate_case(case))
    with pytest.raises(VbqInputError, match="None of the series under --images is the STIR"):
        case_from_files(text, [tmp_path / "study" / "T1", tmp_path / "study" / "T2"], name="c")
    with pytest.raises(VbqInputError, match="not a VBQ Dashboard case file"):
        case_from_files('{"format": "other"}', [tmp_path / "study"], name="c")


def test_a_multiframe_image_is_referenced_with_its_frame(tmp_path: Path) -> None:
    from tests.phantoms import write_phantom_multiframe

    (tmp_path / "mf").mkdir()
    path = write_phantom_multiframe(tmp_path / "mf" / "enhanced.dcm", n_frames=5)
    series = read_series([path])
    case = load_series(new_case(), Sequence.T2, series).case
    case = set_rois(case, Sequence.T2, phantom_rois(rows=128, cols=128))
    sourced = case_from_files(case_to_json(case, evaluate_case(case)), [tmp_path / "mf"], name="c")
    shown = sourced.case[Sequence.T2].slice
    assert shown is not None
    frame = int(shown.source_name.rsplit("frame ", 1)[1].rstrip("]"))
    assert sourced.sources[Sequence.T2].frame == frame
    report = read_measurement_report(
        build_measurement_report(sourced.case, sourced.evaluation, sourced.sources)
    )
    header = sourced.sources[Sequence.T2].header
    assert {r.sop_instance_uid for r in report.rois} == {str(header.SOPInstanceUID)}
    assert report.score(ScoreName.VBQ_T2) == pytest.approx(
        sum(PHANTOM_VALUES[Sequence.T2][lv] for lv in ("L1", "L2", "L3", "L4"))
        / 4
        / PHANTOM_VALUES[Sequence.T2]["CSF"],
        rel=1e-12,
    )
