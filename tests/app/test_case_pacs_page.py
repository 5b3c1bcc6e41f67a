"""AppTest: the Case page's "Open from PACS" and "Send to PACS" against a real Orthanc server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import CTImageStorage
from streamlit.testing.v1 import AppTest

from tests.app.test_case_page import all_text, draw, open_case_page
from tests.case_helpers import phantom_rois
from tests.conftest import ROOT
from tests.pacs.orthanc import Orthanc, free_port, running_orthanc
from tests.pacs.study import write_phantom_study
from tests.phantoms import EXPECTED_VBQ
from vbqcore.anatomy import Sequence
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.config import PacsConfig
from vbqcore.pacs.sr_reader import read_measurement_report
from vbqcore.vbq import ScoreName


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Orthanc]:
    with running_orthanc(tmp_path_factory.mktemp("orthanc")) as server:
        yield server


@pytest.fixture(scope="module")
def study(orthanc: Orthanc, tmp_path_factory: pytest.TempPathFactory) -> str:
    study_uid, files = write_phantom_study(tmp_path_factory.mktemp("study"), seed="app")
    client = PacsClient(PacsConfig(orthanc.dicomweb_url, orthanc.user, orthanc.password))
    client.store([pydicom.dcmread(p) for paths in files.values() for p in paths])
    return study_uid


@pytest.fixture
def pacs_env(orthanc: Orthanc, monkeypatch: pytest.MonkeyPatch) -> Orthanc:
    monkeypatch.setenv("VBQ_DICOMWEB_URL", orthanc.dicomweb_url)
    monkeypatch.setenv("VBQ_DICOMWEB_USER", orthanc.user)
    monkeypatch.setenv("VBQ_DICOMWEB_PASSWORD", orthanc.password)
    monkeypatch.delenv("VBQ_DICOMWEB_TOKEN", raising=False)
    return orthanc


def _button(at: AppTest, label: str) -> object:
    return next(b for b in at.button if b.label == label)


def _search(at: AppTest, patient_id: str) -> None:
    next(t for t in at.text_input if t.label == "Patient ID").input(patient_id).run()
    _button(at, "Search PACS").click().run()  # type: ignore[attr-defined]
    assert not at.exception, [e.value for e in at.exception]


def _open_study(at: AppTest) -> None:
    _search(at, "PHANTOM-0001")
    (study,) = [r for r in at.radio if r.label == "Study"]
    assert "Phantom^Test · ID PHANTOM-0001 · 2025-03-14" in study.options[0]
    ticked = [c for c in at.checkbox if "→" in c.label]
    mr = [c.value for c in ticked if "(MR," in c.label]
    assert mr == [True, True, True]  # sagittal T1, T2, STIR proposed
    assert not any(c.value for c in ticked if "(MR," not in c.label)  # an SR sent earlier
    _button(at, "Open selected series").click().run()  # type: ignore[attr-defined]
    assert not at.exception, [e.value for e in at.exception]


def test_without_a_configured_pacs_the_panel_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VBQ_DICOMWEB_URL", raising=False)
    at = open_case_page()
    assert "No PACS configured. Set VBQ_DICOMWEB_URL" in all_text(at)
    assert _button(at, "Search PACS").disabled  # type: ignore[attr-defined]
    assert _button(at, "Send to PACS").disabled  # type: ignore[attr-defined]


def test_open_measure_and_send_back(pacs_env: Orthanc, study: str) -> None:
    at = open_case_page()
    _open_study(at)
    case = at.session_state["case_model"]
    assert all(case[s].loaded for s in MEASURED_SEQUENCES)
    text = all_text(at)
    assert "3 series opened from the PACS (15 images)" in text
    assert "Phantom^Test" not in text and "PHANTOM-0001" not in text  # gone once opened
    assert "case_pacs_results" not in at.session_state
    draw(at, Sequence.T1, phantom_rois())
    next(b for b in at.button if b.label.startswith("Copy to")).click().run()
    next(c for c in at.checkbox if c.label == "Include the PDF report").check().run()
    _button(at, "Send to PACS").click().run()  # type: ignore[attr-defined]
    assert not at.exception, [e.value for e in at.exception]
    assert "Sent to the PACS: an SR with 15 ROIs" in all_text(at)

    client = PacsClient(PacsConfig(pacs_env.dicomweb_url, pacs_env.user, pacs_env.password))
    series = client.search_series(study)
    (sr_series,) = [s for s in series if s.Modality == "SR"]
    assert [s.Modality for s in series].count("DOC") == 1
    (sr,) = client.retrieve_series(study, str(sr_series.SeriesInstanceUID))
    report = read_measurement_report(sr)
    for score in ScoreName:  # round by construction of the phantom (tests/phantom_geometry.py)
        expected = EXPECTED_VBQ[score.label.removeprefix("VBQ-")]
        assert report.score(score) == pytest.approx(expected, rel=1e-12)


def test_failures_are_messages_and_the_case_stays(
    pacs_env: Orthanc, study: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_case_page()
    _open_study(at)
    draw(at, Sequence.T1, phantom_rois())
    before = at.session_state["case_model"]
    rois = before[Sequence.T1].rois

    monkeypatch.setenv("VBQ_DICOMWEB_PASSWORD", "wrong")
    _search(at, "PHANTOM-0001")
    assert "refused authentication (HTTP 401)" in all_text(at)
    monkeypatch.setenv("VBQ_DICOMWEB_URL", f"http://127.0.0.1:{free_port()}/dicom-web")
    _search(at, "PHANTOM-0001")
    assert "Cannot reach the DICOMweb server" in all_text(at)
    monkeypatch.setenv("VBQ_DICOMWEB_URL", pacs_env.dicomweb_url)
    monkeypatch.setenv("VBQ_DICOMWEB_PASSWORD", pacs_env.password)

    # The T1 images are deleted from the PACS after they were opened: sending says so.
    t1_uid = str(before[Sequence.T1].slice.source_name).removesuffix(".dcm")
    client = PacsClient(PacsConfig(pacs_env.dicomweb_url, pacs_env.user, pacs_env.password))
    for series in client.search_series(study):
        uids = [
            str(i.SOPInstanceUID) for i in client.search_instances(study, series.SeriesInstanceUID)
        ]
        if t1_uid in uids:
            pacs_env.delete_series(str(series.SeriesInstanceUID))
    _button(at, "Send to PACS").click().run()  # type: ignore[attr-defined]
    assert not at.exception
    assert f"has no instance {t1_uid}" in all_text(at)
    after = at.session_state["case_model"]
    assert after[Sequence.T1].rois == rois and all(after[s].loaded for s in MEASURED_SEQUENCES)


def test_secrets_configure_the_server(
    orthanc: Orthanc, study: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("VBQ_DICOMWEB_URL", "VBQ_DICOMWEB_USER", "VBQ_DICOMWEB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["dicomweb"] = {
        "url": orthanc.dicomweb_url,
        "username": orthanc.user,
        "password": orthanc.password,
    }
    at.run()
    at.switch_page("pages/case.py").run()
    assert f"DICOMweb server: {orthanc.dicomweb_url}" in all_text(at)
    _search(at, "PHANTOM-0001")
    assert any("Phantom^Test" in o for r in at.radio for o in r.options)


def test_study_without_mr_and_series_gone_before_opening(
    pacs_env: Orthanc, study: str, tmp_path: Path
) -> None:
    client = PacsClient(PacsConfig(pacs_env.dicomweb_url, pacs_env.user, pacs_env.password))
    _, ct_files = write_phantom_study(
        tmp_path / "ct", seed="app-ct", sequences=(Sequence.T1,), patient_id="CT-APP"
    )
    datasets = []
    for path in ct_files[Sequence.T1]:
        ds = pydicom.dcmread(path)
        ds.Modality, ds.SOPClassUID = "CT", CTImageStorage
        ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
        datasets.append(ds)
    client.store(datasets)
    at = open_case_page()
    _search(at, "CT-APP")
    assert "This study has no MR series" in all_text(at)
    assert _button(at, "Open selected series").disabled  # type: ignore[attr-defined]

    _, gone_files = write_phantom_study(tmp_path / "gone", seed="app-gone", patient_id="GONE-APP")
    client.store([pydicom.dcmread(p) for paths in gone_files.values() for p in paths])
    _search(at, "GONE-APP")
    t2 = str(pydicom.dcmread(gone_files[Sequence.T2][0]).SeriesInstanceUID)
    pacs_env.delete_series(t2)  # deleted while the reader was choosing
    _button(at, "Open selected series").click().run()  # type: ignore[attr-defined]
    assert not at.exception
    assert f"has no series {t2}" in all_text(at)
    assert not any(at.session_state["case_model"][s].loaded for s in MEASURED_SEQUENCES)
    assert any("GONE-APP" in o for r in at.radio for o in r.options)  # still choosing
