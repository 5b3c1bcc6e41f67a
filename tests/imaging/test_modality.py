"""Non-MR DICOM (CT, a secondary capture) is refused for scoring: uploads, measure and score."""

from __future__ import annotations

import json
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.uid import SecondaryCaptureImageStorage, generate_uid

from vbqcore.cli import main
from vbqcore.errors import ModalityError
from vbqcore.imaging.modality import is_mr, modality_name, require_mr
from vbqcore.imaging.slices import Protocol
from vbqcore.imaging.uploads import read_uploads


def pydicom_file(name: str) -> Path:
    path = get_testdata_file(name, download=False)
    assert path is not None, f"pydicom's {name} is missing"
    return Path(str(path))


def secondary_capture(tmp_path: Path) -> Path:
    """MR_small's pixels saved as a Secondary Capture (Modality OT), as a screen grabber does."""
    ds = pydicom.dcmread(pydicom_file("MR_small.dcm"))
    ds.Modality = "OT"
    ds.SeriesInstanceUID, ds.SOPInstanceUID = generate_uid(), generate_uid()  # its own series
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    path = tmp_path / "sc.dcm"
    ds.save_as(path)
    return path


def rois(tmp_path: Path) -> Path:
    path = tmp_path / "rois.json"
    box = {"label": "L1", "shape": "rect", "x": 10, "y": 10, "width": 8, "height": 8}
    path.write_text(json.dumps([box]), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("modality", "accepted"), [("MR", True), ("mr ", True), (None, True), ("CT", False)]
)
def test_is_mr(modality: str | None, accepted: bool) -> None:
    assert is_mr(Protocol(modality=modality)) is accepted


def test_require_mr_message() -> None:
    with pytest.raises(ModalityError, match=r"series 2: the DICOM header says Modality CT \(comp"):
        require_mr(Protocol(modality="CT"), "series 2")
    assert modality_name("XYZ") == "XYZ"


def test_uploads_refuse_ct_and_secondary_capture(tmp_path: Path) -> None:
    files = [
        ("a.dcm", pydicom_file("CT_small.dcm").read_bytes()),
        ("b.dcm", secondary_capture(tmp_path).read_bytes()),
        ("c.dcm", pydicom_file("MR_small.dcm").read_bytes()),
    ]
    batch = read_uploads(files)
    assert [u.series.protocol.modality for u in batch.series] == ["MR"]
    assert len(batch.errors) == 2
    assert any("Modality CT (computed tomography), not MR" in e for e in batch.errors)
    assert any("Modality OT (other, e.g. a secondary capture), not MR" in e for e in batch.errors)


@pytest.mark.parametrize("which", ["ct", "sc"])
def test_measure_refuses_non_mr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    image = pydicom_file("CT_small.dcm") if which == "ct" else secondary_capture(tmp_path)
    assert main(["measure", str(image), "--rois", str(rois(tmp_path))]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not MR" in captured.err and "Traceback" not in captured.err


def test_measure_accepts_mr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = pydicom_file("MR_small.dcm")
    assert main(["measure", str(image), "--rois", str(rois(tmp_path))]) == 0
    assert json.loads(capsys.readouterr().out)["rois"][0]["n_pixels"] == 64


def test_score_refuses_non_mr_modality(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = {"T2": {"L1": 560, "L2": 570, "L3": 580, "L4": 610, "CSF": 1000}, "modality": "CT"}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main(["score", str(path)]) == 2
    assert "Modality CT (computed tomography), not MR" in capsys.readouterr().err
    path.write_text(json.dumps(case | {"modality": "MR"}), encoding="utf-8")
    assert main(["score", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["ignored_keys"] == []
