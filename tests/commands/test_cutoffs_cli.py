"""``python -m vbqcore cutoffs``: the library as JSON, filters, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from vbqcore.cli import main
from vbqcore.literature import load_library

KEYS = {
    "score",
    "target",
    "threshold",
    "direction",
    "auc",
    "sensitivity",
    "specificity",
    "field_strength_t",
    "doi",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["cutoffs", *args]) == 0
    out: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return out


def test_whole_library(capsys: pytest.CaptureFixture[str]) -> None:
    out = run(capsys)
    assert isinstance(out, list) and len(out) == len(load_library())
    for item in out:
        assert KEYS <= item.keys()
        assert item["direction"] == "higher = positive" and item["doi"].startswith("10.")
    hu = next(i for i in out if i["id"] == "hu2024-oi-osteoporosis")
    assert (hu["score"], hu["target"], hu["threshold"]) == ("vbq", "osteoporosis", 3.02)
    assert hu["lr_positive"] == pytest.approx(0.76 / 0.26)


def test_filters(capsys: pytest.CaptureFixture[str]) -> None:
    surgical = run(capsys, "--target", "surgical-planning")
    assert surgical and {i["target_group"] for i in surgical} == {"surgical-planning"}
    osteo = run(capsys, "--target", "osteoporosis")
    assert osteo and {i["target"] for i in osteo} == {"osteoporosis"}
    at3 = run(capsys, "--field-strength", "3")
    assert all(i["field_strength_t"] in (None, 3.0) for i in at3)
    assert not any(i["id"].startswith("huang") for i in at3)
    at15 = run(capsys, "--target", "ovcf", "--field-strength", "1.5")
    assert {i["id"] for i in at15} == {
        "huang2026-vbq-t1",
        "huang2026-vbq-t2",
        "huang2026-vbq-t2-stir",
    }


def test_out_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lib.json"
    assert main(["cutoffs", "--out", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert len(json.loads(out.read_text(encoding="utf-8"))) == len(load_library())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "bone age"], "target 'bone age' is not known"),
        (["--field-strength", "0"], "--field-strength 0: give the field in tesla"),
        (["--library", "/nonexistent/lib.json"], "cannot be read"),
    ],
)
def test_bad_input_exits_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cutoffs", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vbqcore", "cutoffs", "--target", "fracture-risk"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert {i["target_group"] for i in json.loads(done.stdout)} == {"fracture-risk"}
