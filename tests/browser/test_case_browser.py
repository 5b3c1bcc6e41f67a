"""The case page in Chromium: upload a phantom exam, draw ROIs with the mouse, read the scores,
download the report and the case file, restore it in a new session."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.case_steps import (
    RESTORE_UPLOADER,
    canvas,
    canvas_box,
    click_polygon,
    download,
    drag_box,
    drag_path,
    draw_phantom_rois,
    metric,
    open_case_page,
    pick_tool,
    snapshot_on_failure,
    upload_images,
    wait_for_rois,
    write_exam,
)
from tests.browser.conftest import ARTIFACTS, wait_for_app
from tests.phantoms import DEFAULT_IDENTIFIERS, PHANTOM_SIZE, PHANTOM_VALUES
from vbqcore.anatomy import Sequence

pytestmark = pytest.mark.browser

# Closed-form scores of the phantom (tests/phantoms.py): mean SI of L1-L4 over the CSF SI.
_V = PHANTOM_VALUES
_MEAN = {s: sum(_V[s][lv] for lv in ("L1", "L2", "L3", "L4")) / 4 for s in Sequence if s in _V}
EXPECTED = {
    "vbq_t1": _MEAN[Sequence.T1] / _V[Sequence.T1]["CSF"],  # 400 / 100 = 4.0
    "vbq_t2": _MEAN[Sequence.T2] / _V[Sequence.T2]["CSF"],  # 330 / 600 = 0.55
    "vbq_stir": _MEAN[Sequence.STIR] / _V[Sequence.STIR]["CSF"],  # 116 / 362.5 = 0.32
    "vbq_t2_stir": (_MEAN[Sequence.T2] - _MEAN[Sequence.STIR])
    / (_V[Sequence.T2]["CSF"] - _V[Sequence.STIR]["CSF"]),  # 214 / 237.5
}
SHOWN = {"VBQ-T1": "4.000", "VBQ-T2": "0.550", "VBQ-STIR": "0.320", "VBQ-T2-STIR": "0.901"}


def _measure_exam(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_case_page(page, app_url)
    upload_images(page, write_exam(tmp_path / "exam"))
    scale = canvas_box(page)["width"] / PHANTOM_SIZE
    labels = draw_phantom_rois(page, scale=scale)
    assert labels == "T1: 5 ROIs (L1, L2, L3, L4, CSF)"  # suggested by position
    expect(metric(page, "VBQ-T1")).to_contain_text(SHOWN["VBQ-T1"])
    page.get_by_role("button", name="Copy to T2, STIR").click()
    for label, value in SHOWN.items():
        expect(metric(page, label)).to_contain_text(value)


def test_draw_copy_score_and_export(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with snapshot_on_failure(page, ARTIFACTS / "case_failure_export.png"):
        _check_exports(page, app_url, tmp_path)


def _check_exports(page, app_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _measure_exam(page, app_url, tmp_path)
    assert page.locator("[data-testid=stException]").count() == 0

    case = json.loads(download(page, "Case JSON", tmp_path / "case.json").read_text())
    for name, value in EXPECTED.items():
        assert case["scores"][name] == pytest.approx(value, abs=1e-12)
    assert [r["label"] for r in case["sequences"]["STIR"]["rois"]] == [
        "L1",
        "L2",
        "L3",
        "L4",
        "CSF",
    ]
    pdf = PdfReader(download(page, "PDF report", tmp_path / "report.pdf"))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "VBQ-T1 4.0000" in text and "VBQ-T2-STIR 0.9011" in text
    assert "is above the 0.805 cut-off" in text and "Derived on GE Signa HDx 1.5 T" in text
    with zipfile.ZipFile(download(page, "Images (PNG zip)", tmp_path / "images.zip")) as z:
        assert sorted(z.namelist()) == ["vbq-STIR.png", "vbq-T1.png", "vbq-T2.png"]
    exported = json.dumps(case) + text
    for value in DEFAULT_IDENTIFIERS.values():
        assert value not in exported
    assert not any(v in page.content() for v in DEFAULT_IDENTIFIERS.values())

    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 3300})
    expect(metric(page, "VBQ-T2-STIR")).to_contain_text(SHOWN["VBQ-T2-STIR"])
    page.get_by_text("Green: below the cut-off").wait_for()
    page.screenshot(path=str(ARTIFACTS / "case_page.png"), full_page=True)


def test_rois_survive_page_switch_and_restore_from_json(  # type: ignore[no-untyped-def]
    page, app_url: str, tmp_path: Path
) -> None:
    with snapshot_on_failure(page, ARTIFACTS / "case_failure_switch.png"):
        _measure_exam(page, app_url, tmp_path)
        case_file = download(page, "Case JSON", tmp_path / "case.json")
        _leave_and_come_back(page)
    fresh = page.context.new_page()  # a new session: images again, then the case file
    fresh.set_default_timeout(30_000)
    with snapshot_on_failure(fresh, ARTIFACTS / "case_failure_restore.png"):
        _restore(fresh, app_url, tmp_path, case_file)


def _leave_and_come_back(page) -> None:  # type: ignore[no-untyped-def]
    wait_for_app(page)
    page.get_by_role("link", name="Home").first.click()
    page.get_by_role("heading", name="VBQ Dashboard").first.wait_for()
    page.get_by_role("link", name="Case").first.click()
    assert wait_for_rois(page, "T1", 5) == "T1: 5 ROIs (L1, L2, L3, L4, CSF)"
    expect(metric(page, "VBQ-T2-STIR")).to_contain_text(SHOWN["VBQ-T2-STIR"])


def _restore(fresh, app_url: str, tmp_path: Path, case_file: Path) -> None:  # type: ignore[no-untyped-def]
    open_case_page(fresh, app_url)
    upload_images(fresh, write_exam(tmp_path / "again"))
    canvas(fresh)
    wait_for_app(fresh)
    fresh.locator(RESTORE_UPLOADER).first.set_input_files(str(case_file))
    fresh.get_by_text("Restored 15 ROI(s)").wait_for()
    for label, value in SHOWN.items():
        expect(metric(fresh, label)).to_contain_text(value)
    shown = fresh.get_by_text(re.compile(r"^(T1|T2|STIR): 5 ROIs \(L1, L2, L3, L4, CSF\)$"))
    shown.wait_for()
    assert fresh.locator("[data-testid=stException]").count() == 0


def test_ellipse_polygon_and_freehand_measure_their_regions(  # type: ignore[no-untyped-def]
    page, app_url: str, tmp_path: Path
) -> None:
    """Each tool's shape, drawn inside one phantom body, measures exactly that body's SI."""
    with snapshot_on_failure(page, ARTIFACTS / "case_failure_shapes.png"):
        open_case_page(page, app_url)
        upload_images(page, write_exam(tmp_path / "exam"))
        scale = canvas_box(page)["width"] / PHANTOM_SIZE
        pick_tool(page, "Ellipse")  # a circle dragged across its diameter, inside L1 (58-86)
        drag_box(page, (95, 72, 115, 72), scale=scale)
        wait_for_rois(page, "T1", 1)
        pick_tool(page, "Polygon")  # inside L2 (rows 94-122, columns 80-136)
        click_polygon(page, [(90, 100), (125, 100), (125, 115), (90, 115)], scale=scale)
        wait_for_rois(page, "T1", 2)
        pick_tool(page, "Freehand")  # inside L3 (rows 130-158)
        drag_path(page, [(90, 138), (120, 138), (125, 150), (95, 152), (90, 140)], scale=scale)
        assert wait_for_rois(page, "T1", 3) == "T1: 3 ROIs (L1, L2, L3)"
        case = json.loads(download(page, "Case JSON", tmp_path / "case.json").read_text())
        t1 = case["sequences"]["T1"]
        assert [r["shape"] for r in t1["rois"]] == ["ellipse", "polygon", "freehand"]
        assert [s["mean"] for s in t1["stats"]] == [
            _V[Sequence.T1][lv] for lv in ("L1", "L2", "L3")
        ]
        assert all(s["sd"] == 0 for s in t1["stats"])  # wholly inside: one value each
