"""``pacs search|pull|push`` and ``sr`` against a real Orthanc DICOMweb server (no mock)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import CTImageStorage

from tests.case_helpers import phantom_rois
from tests.pacs.orthanc import Orthanc
from tests.pacs.study import write_phantom_study
from tests.phantoms import EXPECTED_VBQ
from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.io import case_to_json
from vbqcore.case.model import load_series, new_case, sync_canvas
from vbqcore.cli import main
from vbqcore.imaging.reading import read_series
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.sr_reader import read_measurement_report
from vbqcore.roi.shapes import RectRoi
from vbqcore.vbq import ScoreName


@pytest.fixture
def env(orthanc: Orthanc, monkeypatch: pytest.MonkeyPatch) -> Orthanc:
    monkeypatch.setenv("VBQ_DICOMWEB_USER", orthanc.user)
    monkeypatch.setenv("VBQ_DICOMWEB_PASSWORD", orthanc.password)
    monkeypatch.delenv("VBQ_DICOMWEB_TOKEN", raising=False)
    monkeypatch.delenv("VBQ_DICOMWEB_URL", raising=False)
    return orthanc


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_lists_series_with_sequence_guess_and_no_identifiers(
    env: Orthanc,
    stored_study: tuple[str, dict[Sequence, list[Path]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    study_uid, files = stored_study
    code, out, err = _run(
        capsys, "pacs", "search", "--url", env.dicomweb_url, "--patient-id", "PHANTOM-0001"
    )
    assert code == 0, err
    data = json.loads(out)
    (study,) = [s for s in data["studies"] if s["study_uid"] == study_uid]
    guesses = {s["series_description"]: s for s in study["series"]}
    for seq, description in (
        (Sequence.T1, "SAG T1 FSE"),
        (Sequence.T2, "SAG T2 FSE"),
        (Sequence.STIR, "SAG STIR"),
    ):
        series = guesses[description]
        assert series["sequence_guess"] == seq.value
        assert series["modality"] == "MR" and series["plane"] == "sagittal" and series["proposed"]
        assert series["instances"] == len(files[seq])
        assert series["series_uid"] == str(pydicom.dcmread(files[seq][0]).SeriesInstanceUID)
    assert "PHANTOM-0001" not in out and "Phantom" not in out and "ACC-0001" not in out
    url = env.dicomweb_url
    code, out, _ = _run(
        capsys, "pacs", "search", "--url", url, "--accession", "ACC-0001", "--show-identifiers"
    )
    shown = next(s for s in json.loads(out)["studies"] if s["study_uid"] == study_uid)
    assert shown["patient_id"] == "PHANTOM-0001" and shown["patient_name"] == "Phantom^Test"
    code, out, _ = _run(
        capsys, "pacs", "search", "--url", env.dicomweb_url, "--study-date", "2025-03-14"
    )
    assert study_uid in out
    code, out, _ = _run(
        capsys, "pacs", "search", "--url", env.dicomweb_url, "--study-date", "19990101"
    )
    assert code == 0 and json.loads(out)["studies"] == []


def _measure(folder: Path) -> Path:
    """Measure the pulled series as the Case page would and save its case file."""
    case = new_case()
    for seq_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        series = read_series(sorted(seq_dir.iterdir()))
        seq = series.protocol.sequence_guess
        case = load_series(case, seq, series).case
        drawn = [RectRoi(r.x, r.y, r.width, r.height) for r in phantom_rois()]  # type: ignore[union-attr]
        case = sync_canvas(case, seq, drawn)
    path = folder.parent / "case.json"
    path.write_text(case_to_json(case, evaluate_case(case)), encoding="utf-8")
    return path


def test_pull_measure_sr_push_and_read_back_from_the_server(
    env: Orthanc,
    stored_study: tuple[str, dict[Sequence, list[Path]]],
    pacs_client: PacsClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    study_uid, files = stored_study
    pulled = tmp_path / "pulled"
    code, out, err = _run(capsys, "pacs", "pull", "--url", env.dicomweb_url, "--study", study_uid,
                          "--out", str(pulled))  # fmt: skip
    assert code == 0, err
    written = json.loads(out)["series"]
    assert sorted(s["sequence_guess"] for s in written) == ["STIR", "T1", "T2"]
    for seq, paths in files.items():
        originals = {str(pydicom.dcmread(p).SOPInstanceUID): pydicom.dcmread(p) for p in paths}
        folder = next(Path(s["directory"]) for s in written if s["sequence_guess"] == seq.value)
        for path in folder.iterdir():  # bit-identical pixels, every instance
            ds = pydicom.dcmread(path)
            assert ds.PixelData == originals.pop(str(ds.SOPInstanceUID)).PixelData
        assert not originals
    case_path = _measure(pulled)

    sr_path, pdf_path = tmp_path / "sr.dcm", tmp_path / "pdf.dcm"
    code, out, err = _run(capsys, "sr", str(case_path), "--out", str(sr_path), "--images",
                          str(pulled), "--pdf", str(pdf_path))  # fmt: skip
    assert code == 0, err
    summary = json.loads(out)
    assert summary["study_uid"] == study_uid and summary["rois"] == 15
    assert "PHANTOM" not in out
    code, out, err = _run(
        capsys, "pacs", "push", "--url", env.dicomweb_url, str(sr_path), str(pdf_path)
    )
    assert code == 0, err

    # Read the SR back from the server, not from the file written.
    sr_series = [s for s in pacs_client.search_series(study_uid) if s.Modality == "SR"]
    assert len(sr_series) == 1
    (stored,) = pacs_client.retrieve_series(study_uid, str(sr_series[0].SeriesInstanceUID))
    assert str(stored.PatientID) == "PHANTOM-0001"  # filed in the patient's study
    report = read_measurement_report(stored)
    for score in ScoreName:
        # EXPECTED_VBQ: the phantom's region SIs chosen so the scores are round (tests/phantoms.py)
        assert report.score(score) == pytest.approx(
            EXPECTED_VBQ[score.label.removeprefix("VBQ-")], rel=1e-12
        )
    assert len(report.rois) == 15
    referenced = {str(pydicom.dcmread(p).SOPInstanceUID) for paths in files.values() for p in paths}
    assert {r.sop_instance_uid for r in report.rois} <= referenced
    labels = sorted((r.sequence.value, r.label) for r in report.rois if r.sequence and r.label)
    assert labels == sorted(
        (s, lab) for s in ("T1", "T2", "STIR") for lab in ("L1", "L2", "L3", "L4", "CSF")
    )
    docs = [s for s in pacs_client.search_series(study_uid) if s.Modality == "DOC"]
    (doc,) = pacs_client.retrieve_series(study_uid, str(docs[0].SeriesInstanceUID))
    assert bytes(doc.EncapsulatedDocument)[: int(doc.EncapsulatedDocumentLength)].startswith(
        b"%PDF"
    )


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers (a hung PACS)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/dicom-web"
    stop.set()
    thread.join(timeout=30)
    for conn in held:
        conn.close()
    sock.close()


def test_a_server_that_does_not_answer_in_time(
    env: Orthanc,
    silent_server: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("VBQ_DICOMWEB_TIMEOUT", "1")
    code, out, err = _run(capsys, "pacs", "search", "--url", silent_server, "--patient-id", "X")
    assert code == 2 and out == ""
    assert "did not answer a study search within 1 s" in err


def test_bad_server_wrong_credentials_and_bad_url(
    env: Orthanc, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.pacs.orthanc import free_port

    nothing = f"http://127.0.0.1:{free_port()}/dicom-web"
    code, _, err = _run(capsys, "pacs", "search", "--url", nothing, "--patient-id", "X")
    assert code == 2 and "Cannot reach the DICOMweb server" in err and "connection refused" in err
    monkeypatch.setenv("VBQ_DICOMWEB_PASSWORD", "wrong")
    code, _, err = _run(capsys, "pacs", "search", "--url", env.dicomweb_url, "--patient-id", "X")
    assert code == 2 and "refused authentication (HTTP 401)" in err and "wrong" not in err
    code, _, err = _run(capsys, "pacs", "search", "--url", "pacs.example.org", "--patient-id", "X")
    assert code == 2 and "is not a DICOMweb URL" in err
    code, _, err = _run(capsys, "pacs", "search", "--url", env.dicomweb_url)
    assert code == 2 and "at least one" in err


def test_unknown_study_study_without_mr_and_a_series_gone_before_pull(
    env: Orthanc,
    pacs_client: PacsClient,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = env.dicomweb_url
    code, _, err = _run(
        capsys, "pacs", "pull", "--url", url, "--study", "1.2.3.4", "--out", str(tmp_path)
    )
    assert code == 2 and "has no study 1.2.3.4" in err

    ct_uid, ct_files = write_phantom_study(tmp_path / "ct", seed="ct", sequences=(Sequence.T1,),
                                           patient_id="CT-ONLY")  # fmt: skip
    datasets = []
    for path in ct_files[Sequence.T1]:
        ds = pydicom.dcmread(path)
        ds.Modality, ds.SOPClassUID = "CT", CTImageStorage
        ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
        datasets.append(ds)
    pacs_client.store(datasets)
    code, out, _ = _run(capsys, "pacs", "search", "--url", url, "--patient-id", "CT-ONLY")
    (study,) = json.loads(out)["studies"]
    assert study["modalities"] == ["CT"] and not any(s["proposed"] for s in study["series"])
    code, _, err = _run(
        capsys, "pacs", "pull", "--url", url, "--study", ct_uid, "--out", str(tmp_path / "o")
    )
    assert code == 2 and f"Study {ct_uid} has no MR series (CT)" in err

    gone_uid, gone_files = write_phantom_study(tmp_path / "gone", seed="gone", patient_id="GONE")
    pacs_client.store([pydicom.dcmread(p) for paths in gone_files.values() for p in paths])
    code, out, _ = _run(capsys, "pacs", "search", "--url", url, "--patient-id", "GONE")
    series_uid = json.loads(out)["studies"][0]["series"][1]["series_uid"]
    env.delete_series(series_uid)  # deleted by someone else between search and pull
    code, _, err = _run(capsys, "pacs", "pull", "--url", url, "--study", gone_uid, "--series",
                        series_uid, "--out", str(tmp_path / "o2"))  # fmt: skip
    assert code == 2 and f"has no series {series_uid}" in err and "search again" in err


def test_push_refuses_a_file_that_is_not_dicom(
    env: Orthanc, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.dcm"
    bogus.write_text("not DICOM")
    code, _, err = _run(capsys, "pacs", "push", "--url", env.dicomweb_url, str(bogus))
    assert code == 2 and "notes.dcm is not a DICOM file" in err
