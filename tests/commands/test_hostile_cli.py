"""Every CLI command on the hostile corpus: exit 2, one readable message, no traceback, no
identifier from a file name or a DICOM header in the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile_corpus import FILE_NAME_ID, IMAGES, JSONS, TABLES
from tests.imaging.test_imaging import IDENTIFIERS, forbidden_in
from tests.phantoms import write_phantom_series
from vbqcore.cli import main

#: Every command that reads a table, with the options it needs to get as far as reading it.
TABLE_COMMANDS: dict[str, list[str]] = {
    "score": [],
    "roc": ["--outcome", "group", "--positive", "fracture", "--score", "vbq_t2"],
    "compare": ["--group", "group", "--vars", "vbq_t2"],
    "logit": ["--outcome", "group", "--positive", "fracture", "--predictors", "vbq_t2"],
    "agreement": ["--a", "group", "--b", "vbq_t2"],
    "match": ["--group", "group", "--case", "fracture", "--sex", "sex", "--age", "age"],
}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name.replace("/", "_")
    path.write_bytes(data)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))  # in-process: an exception escaping main fails the test
    out, err = capsys.readouterr()
    return code, out, err


def _clean_refusal(code: int, out: str, err: str) -> None:
    assert code == 2, (code, out[:300], err[:300])
    assert err.startswith("error: ") or "\nerror: " in err, err
    assert "Traceback" not in err and "\\x00" not in err
    assert len(err) < 2000  # one paragraph, not a dump of the file
    assert FILE_NAME_ID not in out  # JSON output never names the file


@pytest.mark.parametrize("command", list(TABLE_COMMANDS))
@pytest.mark.parametrize(("name", "data"), TABLES, ids=[n.split("_", 3)[-1] for n, _ in TABLES])
def test_table_commands_refuse_hostile_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, name: str, data: bytes
) -> None:
    path = _write(tmp_path, name, data)
    _clean_refusal(*_run(capsys, command, str(path), *TABLE_COMMANDS[command]))


def test_reproduce_refuses_a_hostile_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, data in TABLES[:4]:
        _clean_refusal(*_run(capsys, "reproduce", "--data", str(_write(tmp_path, name, data))))


@pytest.mark.parametrize(("name", "data"), JSONS, ids=[n.split("_", 3)[-1] for n, _ in JSONS])
def test_score_and_measure_refuse_hostile_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes
) -> None:
    path = _write(tmp_path, name, data)
    code, out, err = _run(capsys, "score", str(path))
    if code == 0:  # a case with too few SIs is still a case: scored with its reasons
        assert json.loads(out)["vbq_t2"] is None
    else:
        _clean_refusal(code, out, err)
    (image,) = write_phantom_series(tmp_path / "img", n_slices=1, rows=32, cols=32)
    _clean_refusal(*_run(capsys, "measure", str(image), "--rois", str(path)))


@pytest.mark.parametrize(("name", "data"), IMAGES, ids=[n.split("_", 3)[-1] for n, _ in IMAGES])
def test_inspect_and_measure_refuse_hostile_images(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes
) -> None:
    path = _write(tmp_path, name, data)
    code, out, err = _run(capsys, "inspect", str(path))
    _clean_refusal(code, out, err)
    assert json.loads(out)[0]["file"] == "file 1" and FILE_NAME_ID not in err
    rois = _write(
        tmp_path, "rois.json", b'[{"shape": "rect", "x": 1, "y": 1, "width": 2, "height": 2}]'
    )
    _clean_refusal(*_run(capsys, "measure", str(path), "--rois", str(rois)))


def test_header_identifiers_never_reach_cli_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write_phantom_series(
        tmp_path / FILE_NAME_ID, n_slices=2, rows=32, cols=32, identifiers=IDENTIFIERS
    )
    code, out, err = _run(capsys, "inspect", *map(str, paths))
    assert code == 0 and forbidden_in(out + err) == [] and FILE_NAME_ID not in out
    rois = _write(
        tmp_path, "rois.json", b'[{"shape": "rect", "x": 1, "y": 1, "width": 9, "height": 9}]'
    )
    code, out, err = _run(capsys, "measure", str(paths[0]), "--rois", str(rois))
    assert code == 0 and forbidden_in(out + err) == [] and FILE_NAME_ID not in out


def test_unexpected_errors_are_one_paragraph_and_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        raise ZeroDivisionError("deep inside /srv/secret/path.py")

    monkeypatch.setattr("vbqcore.commands.demo.run", broken)
    monkeypatch.delenv("VBQ_DEBUG", raising=False)
    code, out, err = _run(capsys, "demo-cohort", "--out", "/dev/null")
    assert code == 1
    assert err.startswith("internal error in 'demo-cohort' (ZeroDivisionError)")
    assert "Traceback" not in err and "/srv/secret" not in err and err.count("\n") == 1
