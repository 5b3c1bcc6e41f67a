"""AppTest: the case page's logic around the canvas (uploads, label table, scores, restore).

AppTest cannot draw, so a drawing is injected as the canvas component's state, the way the
browser sends it (see /work/shared/notes/canvas-and-browser.md); the real mouse is tested in
tests/browser/test_case_browser.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.case_helpers import phantom_rois
from tests.conftest import ROOT
from tests.phantoms import DEFAULT_IDENTIFIERS, phantom_png, pydicom_file, write_phantom_series
from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.io import case_to_json
from vbqcore.roi.canvas import rois_to_canvas
from vbqcore.roi.shapes import Roi
from vbqcore.roi.sync import relabel

APP = str(ROOT / "app.py")
T1, T2, STIR = Sequence.T1, Sequence.T2, Sequence.STIR


def open_case_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/case.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def files_of(tmp_path: Path, seq: Sequence, **options: Any) -> list[tuple[str, bytes]]:
    folder = tmp_path / f"{seq.value}_{len(list(tmp_path.glob('*')))}"
    paths = write_phantom_series(
        folder, sequence=seq, n_slices=5, series_seed=str(folder), **options
    )
    return [(p.name, p.read_bytes()) for p in paths]


def upload(at: AppTest, files: Iterable[tuple[str, bytes]]) -> None:
    uploader = at.file_uploader[0]  # the images uploader comes first on the page
    for name, data in files:
        uploader.upload(name, data, "application/octet-stream")
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def draw(at: AppTest, seq: Sequence, rois: list[Roi]) -> None:
    """Make the mounted canvas of ``seq`` report ``rois`` (unlabelled, as the canvas sends)."""
    view = at.session_state["case_views"][seq.value]
    scale = (view.size[0] / view.shape[1], view.size[1] / view.shape[0])
    drawing = rois_to_canvas(
        [relabel(r, None) for r in rois], display_scale=scale, image_shape=view.shape
    )
    at.session_state[view.key] = {"drawing": {"raw": drawing, "data": None}, "backgroundFit": None}
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def all_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in (
            "markdown",
            "caption",
            "info",
            "warning",
            "error",
            "success",
            "title",
            "subheader",
        )
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def show(at: AppTest, seq: Sequence) -> None:
    control = next(b for b in at.button_group if b.label == "Sequence shown")
    control.set_value(seq.value).run()


@pytest.fixture
def measured(tmp_path: Path) -> AppTest:
    """T1, T2, STIR uploaded together; L1-L4 + CSF drawn on T1 and copied to the others."""
    at = open_case_page()
    upload(at, [f for s in (STIR, T1, T2) for f in files_of(tmp_path, s)])
    draw(at, T1, phantom_rois())
    next(b for b in at.button if b.label.startswith("Copy to")).click().run()
    return at


def test_empty_page_explains_the_first_step() -> None:
    at = open_case_page()
    assert at.title[0].value == "Case"
    assert "No images yet." in all_text(at)
    assert metrics(at)["VBQ-T1"] == "—"


def test_three_series_in_one_upload_fill_their_slots(tmp_path: Path) -> None:
    at = open_case_page()
    upload(at, [f for s in (STIR, T1, T2) for f in files_of(tmp_path, s)])
    text = all_text(at)
    for seq, description in ((T1, "SAG T1 FSE"), (T2, "SAG T2 FSE"), (STIR, "SAG STIR")):
        assert f"'{description}' (5 slices, 256 x 256 px) → {seq.value}" in text
    assert "GE MEDICAL SYSTEMS Signa HDxt · 1.5 T · TR 4000 ms · TE 40 ms · TI 150 ms" in text
    assert at.session_state["case_model"][T1].slice_index == 2  # mid-sagittal of 5
    for value in DEFAULT_IDENTIFIERS.values():
        assert value not in text


def test_drawn_rois_are_labelled_measured_and_scored(measured: AppTest) -> None:
    case = measured.session_state["case_model"]
    assert case[T1].labels == ("L1", "L2", "L3", "L4", "CSF")  # suggested by position
    table = measured.data_editor[0].value
    assert list(table["Label"]) == ["L1", "L2", "L3", "L4", "CSF"]
    assert list(table["Mean"]) == [420, 400, 380, 400, 100]  # PHANTOM_VALUES T1
    # Closed form (tests/phantoms.py): 4.0, 0.55, 0.32, 214 / 237.5 = 0.901.
    assert metrics(measured) == {
        "VBQ-T1": "4.000",
        "VBQ-T2": "0.550",
        "VBQ-STIR": "0.320",
        "VBQ-T2-STIR": "0.901",
    }
    text = all_text(measured)
    assert "is below the 4.285 cut-off" in text and "LR+ 1.62" in text
    assert "Cut-offs of Huang et al. 2026, derived on GE Signa HDx 1.5 T" in text
    assert measured.session_state["case_latest_result"]["vbq_t1"] == pytest.approx(4.0)


def test_label_table_edits_and_deletes(measured: AppTest) -> None:
    key = measured.data_editor[0].key
    old_view = measured.session_state["case_views"]["T1"].key
    measured.session_state[key] = {
        "edited_rows": {1: {"Label": "L5"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    measured.run()
    assert measured.session_state["case_model"][T1].labels == ("L1", "L5", "L3", "L4", "CSF")
    assert measured.session_state["case_views"]["T1"].key == old_view  # relabel: no remount
    assert "levels L1, L3, L4" in all_text(measured)  # L2 is no longer measured on T1
    key = measured.data_editor[0].key
    measured.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [0, 1]}
    measured.run()
    assert measured.session_state["case_model"][T1].labels == ("L3", "L4", "CSF")
    assert measured.session_state["case_views"]["T1"].key != old_view  # the canvas is redrawn
    assert list(measured.data_editor[0].value["Label"]) == ["L3", "L4", "CSF"]


def test_options_change_the_scores(measured: AppTest) -> None:
    measured.multiselect[0].set_value(["L2"]).run()  # fractured, nothing to substitute
    assert "L2 fractured and no unfractured T12/L5 measured" in all_text(measured)
    number = next(n for n in measured.number_input if n.label.startswith("Pre-test"))
    number.set_value(20.0).run()
    assert "Post-test probability: **13.3%**" in all_text(measured)  # 0.2, LR- 0.6155 (hand)


def test_copy_asks_before_replacing_rois(measured: AppTest) -> None:
    draw(measured, T1, phantom_rois()[:2] + phantom_rois()[4:])  # L3, L4 deleted on T1
    next(b for b in measured.button if b.label.startswith("Copy to")).click().run()
    assert any(
        "replaces the ROIs already drawn on T2 (5), STIR (5)" in w.value for w in measured.warning
    )
    next(b for b in measured.button if b.label == "Replace them").click().run()
    assert measured.session_state["case_model"][T2].labels == ("L1", "L2", "CSF")


@pytest.mark.parametrize(
    ("choice", "labels"),
    [("Discard the ROIs", ()), ("Keep the ROIs", ("L1", "L2", "L3", "L4", "CSF"))],
)
def test_new_upload_of_a_sequence_asks_before_discarding(
    tmp_path: Path, measured: AppTest, choice: str, labels: tuple[str, ...]
) -> None:
    old = measured.session_state["case_model"][T1].series
    upload(measured, files_of(tmp_path, T1))
    assert any("already has 5 ROI(s)" in w.value for w in measured.warning)
    assert measured.session_state["case_model"][T1].series is old  # nothing replaced yet
    next(b for b in measured.button if b.label == choice).click().run()
    case = measured.session_state["case_model"]
    assert case[T1].series is not old and case[T1].labels == labels


def test_bad_uploads_are_named_and_the_case_is_kept(tmp_path: Path) -> None:
    at = open_case_page()
    truncated = Path(pydicom_file("MR_truncated.dcm")).read_bytes()
    upload(at, [*files_of(tmp_path, T1), ("notes.txt", b"not an image"), ("cut.dcm", truncated)])
    errors = [e.value for e in at.error]
    assert any(e.startswith("notes.txt is neither a DICOM file nor a PNG") for e in errors)
    assert any(e.startswith("cut.dcm") for e in errors)
    assert at.session_state["case_model"].loaded == (T1,)
    upload(at, [("broken.zip", b"PK\x03\x04garbage")])
    assert any("broken.zip is a damaged .zip archive" in e.value for e in at.error)
    assert at.session_state["case_model"].loaded == (T1,)  # the rest of the case is kept


def test_screenshot_shows_the_display_values_note(tmp_path: Path) -> None:
    at = open_case_page()
    upload(at, [("t1.png", phantom_png(sequence=T1))])
    assert any("display values" in w.value and "not scanner values" in w.value for w in at.warning)
    draw(at, T1, phantom_rois())
    assert metrics(at)["VBQ-T1"] == "4.000"  # SCREENSHOT_VALUES: (210+200+190+200)/4 / 50
    assert any("Some SIs come from screenshots" in w.value for w in at.warning)


def test_3t_scan_is_warned_in_the_scores(tmp_path: Path) -> None:
    at = open_case_page()
    upload(at, files_of(tmp_path, T2, field_strength=3.0))
    draw(at, T2, phantom_rois())
    assert any("Scan at 3 T" in w.value for w in at.warning)


def test_rois_survive_sequence_switch_page_switch_slice_and_window(measured: AppTest) -> None:
    before = measured.session_state["case_model"][T1].rois
    first_view = measured.session_state["case_views"]["T1"].key
    show(measured, T2)
    show(measured, T1)
    measured.switch_page("pages/home.py").run()
    measured.switch_page("pages/case.py").run()
    window = next(s for s in measured.selectbox if s.label == "Window")
    window.set_value("High contrast").run()
    next(s for s in measured.slider if s.label == "Slice").set_value(1).run()
    case = measured.session_state["case_model"]
    assert case[T1].rois == before and case[T1].slice_index == 0
    view = measured.session_state["case_views"]["T1"]
    assert view.key != first_view  # remounted after the switches ...
    assert len(view.initial["objects"]) == 5  # ... from the case's ROIs
    assert metrics(measured)["VBQ-T1"] == "4.000"  # every slice of the phantom is the same


def test_json_restores_rois_and_options(tmp_path: Path, measured: AppTest) -> None:
    case = measured.session_state["case_model"]
    saved = json.loads(case_to_json(case, evaluate_case(case)))
    saved["options"]["fractured"] = ["L4"]
    at = open_case_page()  # a new session
    upload(at, [f for s in (T1, T2, STIR) for f in files_of(tmp_path, s)])
    restore = at.file_uploader[1]
    restore.upload("case.json", json.dumps(saved).encode(), "application/json").run()
    assert not at.exception
    assert any("Restored 15 ROI(s)" in s.value for s in at.success)
    restored = at.session_state["case_model"]
    assert restored[STIR].labels == ("L1", "L2", "L3", "L4", "CSF")
    assert [lv.value for lv in restored.fractured] == ["L4"]
    assert metrics(at)["VBQ-T2-STIR"] == "0.901"  # (225 + 214 + 203) / 3 / 237.5 = 0.901
    assert at.multiselect[0].value == ["L4"]  # the widget shows the restored option


def test_bad_case_file_is_refused_in_place(measured: AppTest) -> None:
    measured.file_uploader[1].upload("case.json", b"{not json", "application/json").run()
    assert any("case.json is not valid JSON" in e.value for e in measured.error)
    assert metrics(measured)["VBQ-T1"] == "4.000"
