"""ROI quality of a whole case (vbqcore.case.quality) on the real T2 slice, and the flags in
the case JSON, the PDF report and the annotated images."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pypdf import PdfReader

from tests.roi.real_images import DATA, load_cases
from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.io import case_to_dict, case_to_json, read_case_json
from vbqcore.case.model import Case, load_series, new_case, set_rois
from vbqcore.case.quality import case_quality
from vbqcore.case.report import build_report
from vbqcore.imaging.reading import read_series
from vbqcore.roi.annotate import FLAG_BACKGROUND, FLAG_MARK, annotated_image
from vbqcore.roi.shapes import RectRoi

NAME = "tptbox_T2_sag_T9-S1.png"
WHEN = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
# The reader's boxes on the real slice (tests/data/real/reference_rois.json, see its README).
REF = next(c for c in load_cases() if c.name == NAME).reference
# Straddles the L1/L2 disc: L1 body rows ~221-268, L2 ~287-338 on this slice.
ACROSS_DISC = RectRoi(185, 255, 35, 45)


def _case() -> Case:
    series = read_series(DATA / NAME)
    case = new_case()
    for seq in (Sequence.T1, Sequence.T2):
        case = load_series(case, seq, series).case
    t1 = [REF["L1"], REF["L2"], REF["L3"], REF["CSF"], ACROSS_DISC]
    # T2: the same boxes "copied" but L2 moved 60 px back into the canal, as after a patient
    # movement between the series.
    t2 = [REF["L1"], dataclasses.replace(REF["L2"], x=REF["L2"].x + 60), REF["L3"], REF["CSF"]]
    return set_rois(set_rois(case, Sequence.T1, t1), Sequence.T2, t2)


CASE = _case()
QUALITY = case_quality(CASE)


def _names(seq: Sequence, i: int) -> set[str]:
    return {f.flag.value for f in QUALITY.sequences[seq].flags[i]}


def test_careful_boxes_are_clean_and_the_disc_straddler_is_flagged() -> None:
    t1 = QUALITY.sequences[Sequence.T1]
    assert t1.flagged == (False, False, False, False, True)
    # A 50 % step across the ROI (its two halves: marrow and disc) and CV 0.36 > 0.25.
    assert {"intensity_step", "heterogeneous"} <= _names(Sequence.T1, 4)


def test_a_copied_roi_off_its_body_is_flagged_on_that_sequence_only() -> None:
    assert "off_body" in _names(Sequence.T2, 1)
    assert _names(Sequence.T1, 1) == set()
    assert QUALITY.sequences[Sequence.T2].flagged == (False, True, False, False)


def test_messages_name_the_sequence_and_the_table_row_of_an_unlabelled_roi() -> None:
    messages = QUALITY.messages()
    assert any(m.startswith("T1 ROI #5: the signal jumps by") for m in messages), messages
    assert any(m.startswith("T2 L2: only") and "Move it onto the body" in m for m in messages)
    assert QUALITY.count == len(messages)


def test_case_json_carries_the_flags(tmp_path: Path) -> None:
    evaluation = evaluate_case(CASE)
    assert "quality" not in case_to_dict(CASE, evaluation, exported_at=WHEN)  # unchanged default
    data = json.loads(case_to_json(CASE, evaluation, exported_at=WHEN, quality=QUALITY))
    quality = data["quality"]
    assert quality["flag_count"] == QUALITY.count
    t1 = quality["sequences"]["T1"]["rois"]
    assert [r["roi"] for r in t1] == [1, 2, 3, 4, 5]
    assert t1[0]["flags"] == []
    flags = {f["flag"]: f for f in t1[4]["flags"]}
    assert flags["intensity_step"]["value"] > 0.3 and "disc" in flags["intensity_step"]["message"]


def test_pdf_report_lists_each_flag_with_what_to_do(tmp_path: Path) -> None:
    data = build_report(CASE, evaluate_case(CASE), generated_at=WHEN, quality=QUALITY)
    (tmp_path / "r.pdf").write_bytes(data)
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    text = " ".join(text.split())
    assert "ROI quality" in text
    assert "T1 ROI #5: the signal jumps by 50 %" in text
    assert "T2 L2: only" in text


def test_pdf_report_says_when_no_roi_was_flagged(tmp_path: Path) -> None:
    clean = set_rois(CASE, Sequence.T1, [REF["L1"], REF["L2"], REF["CSF"]])
    clean = set_rois(clean, Sequence.T2, [REF["L1"], REF["CSF"]])
    quality = case_quality(clean)
    assert quality.count == 0
    data = build_report(clean, evaluate_case(clean), generated_at=WHEN, quality=quality)
    (tmp_path / "r.pdf").write_bytes(data)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages).split())
    assert "No ROI was flagged" in text


def _red_boxes(image) -> int:
    rgb = np.asarray(image)
    return int(np.all(rgb == FLAG_BACKGROUND, axis=-1).sum())


def test_flagged_rois_are_marked_on_the_annotated_image() -> None:
    slice_ = CASE[Sequence.T1].slice
    assert slice_ is not None
    rois = CASE[Sequence.T1].rois
    plain = annotated_image(slice_, rois)
    marked = annotated_image(slice_, rois, flagged=QUALITY.sequences[Sequence.T1].flagged)
    assert _red_boxes(plain) == 0  # greyscale image, black label boxes
    assert _red_boxes(marked) > 50  # the label box of ROI #5, dark red
    assert FLAG_MARK.strip() == "!"


def test_a_case_file_with_flags_restores_its_rois() -> None:
    text = case_to_json(CASE, evaluate_case(CASE), exported_at=WHEN, quality=QUALITY)
    saved = read_case_json(text.encode(), name="vbq-case.json")
    assert saved.sequences[Sequence.T1].rois == CASE[Sequence.T1].rois
    assert saved.sequences[Sequence.T2].rois == CASE[Sequence.T2].rois
