"""The Case page in Chromium against a real Orthanc PACS: open a study from the PACS, draw the
ROIs with the mouse, send the SR back, and find every score in it on the server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pydicom
import pytest
from playwright.sync_api import expect

from tests.browser.case_steps import (
    canvas_box,
    draw_phantom_rois,
    metric,
    open_case_page,
    snapshot_on_failure,
)
from tests.browser.conftest import ARTIFACTS, serve_app, wait_for_app
from tests.pacs.orthanc import Orthanc, running_orthanc
from tests.pacs.study import write_phantom_study
from tests.phantoms import EXPECTED_VBQ, PHANTOM_SIZE
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.config import PacsConfig
from vbqcore.pacs.sr_reader import read_measurement_report
from vbqcore.vbq import ScoreName

pytestmark = pytest.mark.browser

_WAIT_MS = 30_000


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orthanc]:
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture(scope="module")
def study_uid(orthanc: Orthanc, tmp_path_factory: pytest.TempPathFactory) -> str:
    uid, files = write_phantom_study(tmp_path_factory.mktemp("study"), seed="browser-pacs")
    client = PacsClient(PacsConfig(orthanc.dicomweb_url, orthanc.user, orthanc.password))
    client.store([pydicom.dcmread(p) for paths in files.values() for p in paths])
    return uid


@pytest.fixture(scope="module")
def pacs_app_url(orthanc: Orthanc, study_uid: str) -> Iterator[str]:
    """This module's own app server, started with the PACS in its environment."""
    names = ("VBQ_DICOMWEB_URL", "VBQ_DICOMWEB_USER", "VBQ_DICOMWEB_PASSWORD")
    saved = {n: os.environ.get(n) for n in names}
    values = (orthanc.dicomweb_url, orthanc.user, orthanc.password)
    os.environ.update(dict(zip(names, values, strict=True)))
    try:
        with serve_app("streamlit-pacs.log") as url:
            yield url
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def pacs_page(browser: object, pacs_app_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 1600})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(_WAIT_MS)
    try:
        yield page
    finally:
        context.close()


def test_open_from_pacs_draw_and_send_back(  # type: ignore[no-untyped-def]
    pacs_page, pacs_app_url: str, orthanc: Orthanc, study_uid: str
) -> None:
    page = pacs_page
    with snapshot_on_failure(page, ARTIFACTS / "case_pacs_failure.png"):
        open_case_page(page, pacs_app_url)
        page.get_by_text("Open from PACS").click()
        page.get_by_label("Patient ID").fill("PHANTOM-0001")
        page.get_by_label("Patient ID").press("Enter")
        page.get_by_role("button", name="Search PACS").click()
        chooser = page.get_by_text("Phantom^Test · ID PHANTOM-0001 · 2025-03-14")
        expect(chooser).to_be_visible(timeout=_WAIT_MS)  # the reader confirms the patient
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "case_pacs_choose.png"), full_page=True)
        page.get_by_role("button", name="Open selected series").click()
        done = page.get_by_text("3 series opened from the PACS (15 images).")
        expect(done).to_be_visible(timeout=_WAIT_MS)
        expect(page.get_by_text("Phantom^Test")).to_have_count(0, timeout=_WAIT_MS)

        scale = canvas_box(page)["width"] / PHANTOM_SIZE
        assert draw_phantom_rois(page, scale=scale) == "T1: 5 ROIs (L1, L2, L3, L4, CSF)"
        page.get_by_role("button", name="Copy to T2, STIR").click()
        expect(metric(page, "VBQ-T2-STIR")).to_contain_text("0.901", timeout=_WAIT_MS)
        wait_for_app(page)  # the whole rerun, not only the metric, before the next click
        page.get_by_role("button", name="Send to PACS").click()
        sent = page.get_by_text("Sent to the PACS: an SR with 15 ROIs")
        expect(sent).to_be_visible(timeout=_WAIT_MS)
        assert page.locator("[data-testid=stException]").count() == 0

    client = PacsClient(PacsConfig(orthanc.dicomweb_url, orthanc.user, orthanc.password))
    (sr_series,) = [s for s in client.search_series(study_uid) if s.Modality == "SR"]
    (sr,) = client.retrieve_series(study_uid, str(sr_series.SeriesInstanceUID))
    report = read_measurement_report(sr)
    assert len(report.rois) == 15
    for score in ScoreName:  # mouse-drawn ROIs lie inside constant regions: exact scores
        expected = EXPECTED_VBQ[score.label.removeprefix("VBQ-")]
        assert report.score(score) == pytest.approx(expected, rel=1e-12)
