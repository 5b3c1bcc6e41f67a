"""AppTest: what the case page refuses, asks and says so a clinician can trust the result.

Non-MR DICOM is refused; a series whose sequence cannot be told waits for the user's pick; a
screenshot's scores are "not interpretable" with no coloured zone; the bottom line and each
score's interval are shown, and the uncertainty model can be switched.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
from pydicom.uid import SecondaryCaptureImageStorage, generate_uid

from tests.app.test_case_page import (
    all_text,
    draw,
    files_of,
    metrics,
    open_case_page,
    upload,
)
from tests.case_helpers import phantom_rois
from tests.phantoms import phantom_png, pydicom_file
from vbqcore.anatomy import Sequence

T1, T2 = Sequence.T1, Sequence.T2


def _bytes_of(ds: pydicom.Dataset, tmp_path: Path, name: str) -> bytes:
    path = tmp_path / name
    ds.save_as(path)
    return path.read_bytes()


def test_ct_and_secondary_capture_are_refused(tmp_path: Path) -> None:
    sc = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    sc.Modality = "OT"
    sc.SOPClassUID = sc.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    sc.SeriesInstanceUID, sc.SOPInstanceUID = generate_uid(), generate_uid()
    at = open_case_page()
    ct = Path(pydicom_file("CT_small.dcm")).read_bytes()
    upload(at, [("ct.dcm", ct), ("sc.dcm", _bytes_of(sc, tmp_path, "sc.dcm"))])
    errors = [e.value for e in at.error]
    assert any("Modality CT (computed tomography), not MR" in e for e in errors), errors
    assert any("Modality OT (other, e.g. a secondary capture), not MR" in e for e in errors)
    assert at.session_state["case_model"].loaded == ()
    assert not at.success  # nothing was loaded, so nothing is green


def test_unknown_sequence_waits_for_the_users_pick(tmp_path: Path) -> None:
    # MR_small without a description and with TR 2500 / TE 20 ms (proton density): no rule of
    # vbqcore.imaging.sequence_guess tells its weighting.
    ds = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    ds.RepetitionTime, ds.EchoTime = 2500, 20
    if "SeriesDescription" in ds:
        del ds.SeriesDescription
    at = open_case_page()
    upload(at, [("x.dcm", _bytes_of(ds, tmp_path, "x.dcm"))])
    assert at.session_state["case_model"].loaded == ()
    assert not at.success
    assert any("the sequence cannot be told from its header" in w.value for w in at.warning)
    question = next(b for b in at.button_group if b.label == "Sequence of these images")
    assert question.value is None  # no default: a guess is never made for the user
    question.set_value("T2").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["case_model"].loaded == (T2,)
    assert any("→ T2 (your choice)" in s.value for s in at.success)
    assert not [b for b in at.button_group if b.label == "Sequence of these images"]


def test_leave_out_drops_the_held_series(tmp_path: Path) -> None:
    ds = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    ds.RepetitionTime, ds.EchoTime = 2500, 20
    if "SeriesDescription" in ds:
        del ds.SeriesDescription
    at = open_case_page()
    upload(at, [("x.dcm", _bytes_of(ds, tmp_path, "x.dcm"))])
    next(b for b in at.button if b.label == "Leave out").click().run()
    assert not [b for b in at.button_group if b.label == "Sequence of these images"]
    assert at.session_state["case_model"].loaded == ()


def test_screenshot_scores_are_not_interpretable(tmp_path: Path) -> None:
    at = open_case_page()
    upload(at, [("t2.png", phantom_png(sequence=T2))])
    assert not at.success  # a screenshot never gets a green box
    assert any("not interpretable against the published cut-offs" in w.value for w in at.warning)
    draw(at, T2, phantom_rois())
    next(n for n in at.number_input if n.label.startswith("Pre-test")).set_value(20.0).run()
    assert metrics(at)["VBQ-T2"] != "—"
    bottom = next(w.value for w in at.warning if "Bottom line" in w.value)
    assert bottom.startswith("**Bottom line.** Not interpretable against the published cut-offs")
    text = all_text(at)
    assert ":gray-badge[not interpretable]" in text
    for colour in ("green", "orange", "red"):
        assert f":{colour}-badge[" not in text
    assert "Post-test probability" not in text and "post-test probability" not in text
    assert "Green: below the cut-off" not in text


def test_dicom_case_shows_bottom_line_intervals_and_zones(tmp_path: Path) -> None:
    at = open_case_page()
    upload(at, files_of(tmp_path, T2))
    draw(at, T2, phantom_rois())
    bottom = next(i.value for i in at.info if "Bottom line" in i.value)
    assert bottom.startswith("**Bottom line.** VBQ-T2 ")
    assert "leads, as the only independent predictor of OVCF" in bottom
    assert "not validated externally" in bottom
    captions = [c.value for c in at.caption if "95% interval" in c.value]
    assert captions and "(ROI standard error)" in captions[0]
    assert any("-badge[" in m.value and "VBQ-T2" in m.value for m in at.markdown)
    picker = next(b for b in at.button_group if b.label == "Uncertainty of the scores")
    picker.set_value("observer_agreement").run()
    captions = [c.value for c in at.caption if "95% interval" in c.value]
    assert captions and "(observer agreement, Huang et al. 2026)" in captions[0]


def test_report_fields_are_typed_never_read_from_dicom(tmp_path: Path) -> None:
    at = open_case_page()
    upload(at, files_of(tmp_path, T2))
    draw(at, T2, phantom_rois())
    label = next(t for t in at.text_input if t.label == "Case label or pseudonym")
    reader = next(t for t in at.text_input if t.label == "Reader (printed on the report)")
    exam = next(d for d in at.date_input if d.label == "Exam date")
    # Nothing is filled in from the headers (the phantom's headers carry a name, ID and dates).
    assert label.value == "" and reader.value == "" and exam.value is None
    label.input("Pseudo-12").run()
    reader.input("Dr A. Reader").run()
    assert not at.exception and not at.error
    pdf = next(b for b in at.get("download_button") if "PDF report" in str(b.proto.label))
    assert not pdf.proto.disabled


def test_screenshot_with_an_uninformative_name_waits_for_a_pick() -> None:
    at = open_case_page()
    upload(at, [("scan.png", phantom_png(sequence=T2))])
    assert at.session_state["case_model"].loaded == ()
    assert any("cannot be told from its file name" in w.value for w in at.warning)
    next(b for b in at.button_group if b.label == "Sequence of these images").set_value("T2").run()
    assert at.session_state["case_model"].loaded == (T2,)
    assert not at.success  # a screenshot is loaded with a warning, even when the user picked
    assert any("→ T2 (your choice)" in w.value for w in at.warning)
