"""``python -m vbqcore registry add|list|export|import|delete`` honouring VBQ_DATABASE_URL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.registry.cases import phantom_case_json
from vbqcore.cli import main


@pytest.fixture(scope="module")
def case_json(tmp_path_factory: pytest.TempPathFactory) -> str:
    return phantom_case_json(tmp_path_factory.mktemp("phantom"))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VBQ_DATABASE_URL", f"sqlite:///{tmp_path / 'reg.sqlite'}")
    monkeypatch.setenv("VBQ_REGISTRY_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("VBQ_READER", "cli reader")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(["registry", *args])
    captured = capsys.readouterr()
    out = json.loads(captured.out) if captured.out.strip() else None
    return code, out, captured.err


def test_add_list_export_delete(
    env: Path, case_json: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = env / "case.json"
    path.write_text(case_json)
    code, out, _ = run(capsys, "add", str(path), "--group", "fracture", "--case-id", "ABC-1")
    assert code == 0 and out["case_id"] == "ABC-1" and out["version"] == 1
    assert out["scores"]["vbq_t2"] == pytest.approx(330 / 600)  # by hand, see test_store
    code, out, _ = run(capsys, "add", str(path))
    assert code == 0 and out["case_id"].startswith("VBQ-")
    generated = out["case_id"]

    code, listing, _ = run(capsys, "list", "--group", "fracture")
    assert code == 0 and listing["count"] == 1
    case = listing["cases"][0]
    assert (case["case_id"], case["group"], case["updated_by"]) == (
        "ABC-1",
        "fracture",
        "cli reader",
    )
    assert "case_json" not in case and "patient_hash" not in case

    out_csv = env / "all.csv"
    code, out, _ = run(capsys, "export", "--out", str(out_csv))
    assert code == 0 and out["count"] == 2
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert {r["case_id"] for r in rows} == {"ABC-1", generated}

    code, out, _ = run(capsys, "delete", generated)
    assert code == 0 and out == {"deleted": generated}
    assert run(capsys, "list")[1]["count"] == 1


def test_import_reports_bad_rows_and_exits_2(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = env / "cases.csv"
    table.write_text(
        "case_id,group,T2_L1,T2_L2,T2_L3,T2_L4,T2_CSF\n"
        "A,control,345,330,315,330,600\n"
        "B,control,345,330,315,330,\n"
    )
    code, out, err = run(capsys, "import", str(table), "--all-or-nothing")
    assert code == 2 and out["committed"] is False and out["imported"] == []
    assert "cases.csv row 2 (line 3)" in err
    code, out, err = run(capsys, "import", str(table))
    assert code == 2 and out["imported"] == ["A"] and len(out["errors"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["delete", "NOPE"], "'NOPE' is not in the registry"),
        (["add", "missing.json"], "No such file"),
        (["add", "{bad}"], "No such file"),
    ],
)
def test_bad_input_exit_2(
    env: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_not_a_case_file(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = env / "x.json"
    path.write_text('{"T2_L1": 1}')
    code, _, err = run(capsys, "add", str(path))
    assert code == 2 and "x.json is not a VBQ Dashboard case file" in err


def test_unreachable_database_exit_2(tmp_path: Path) -> None:
    env = {
        "VBQ_DATABASE_URL": "postgresql+psycopg://vbq@127.0.0.1:1/vbq",
        "VBQ_REGISTRY_KEY_FILE": str(tmp_path / "k"),
        "VBQ_DATABASE_TIMEOUT": "2",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "vbqcore", "registry", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: The registry postgresql+psycopg://vbq@127.0.0.1:1/vbq")
    assert "cannot be reached" in result.stderr and "Traceback" not in result.stderr
