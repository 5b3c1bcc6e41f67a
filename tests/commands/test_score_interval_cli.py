"""``score``: per-ROI standard errors in the JSON (``sem``) and ``--interval``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vbqcore.cli import main

T2 = {"L1": 560, "L2": 570, "L3": 580, "L4": 610, "CSF": 1000}
SEM = {"T2": {"L1": 2.1, "L2": 2.0, "L3": 2.2, "L4": 2.4, "CSF": 6.0}}


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Any, *extra: str) -> Any:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["score", str(path), *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_sem_gives_roi_sem_interval_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(tmp_path, capsys, {"T2": T2, "sem": SEM})
    # A = 580, Var A = (2.1^2 + 2.0^2 + 2.2^2 + 2.4^2) / 16 = 19.01 / 16 = 1.188125; C = 1000.
    # Var = 1.188125 / 1e6 + 580^2 x 6^2 / 1e12 = 1.188125e-6 + 1.21104e-5 = 1.3298525e-5
    # SE = 0.0036467143; x 1.959964 = 0.0071474 -> 0.5728526 to 0.5871474: clear of 0.555.
    (t2,) = out["interpretation"]["comparisons"]
    assert t2["interval_method"] == "roi_sem"
    assert t2["interval"] == pytest.approx([0.5728526, 0.5871474], abs=5e-8)
    assert t2["zone"] == "above" and out["ignored_keys"] == []


def test_interval_option_forces_the_observer_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run(tmp_path, capsys, {"T2": T2, "sem": SEM}, "--interval", "observer_agreement")
    (t2,) = out["interpretation"]["comparisons"]
    assert t2["interval_method"] == "observer_agreement" and t2["zone"] == "borderline"


def test_sem_missing_a_roi_falls_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    partial = {"T2": {k: v for k, v in SEM["T2"].items() if k != "CSF"}}
    out = run(tmp_path, capsys, {"T2": T2, "sem": partial})
    assert out["interpretation"]["intervals"]["vbq_t2"]["method"] == "observer_agreement"


@pytest.mark.parametrize(
    ("sem", "message"),
    [
        ([1, 2], "sem must be an object"),
        ({"T3": {"L1": 1}}, "sem key 'T3' must be T1, T2 or STIR"),
        ({"T2": {"L1": -1}}, "sem T2 L1 -1 must be a number >= 0"),
        ({"T2": {"L1": "x"}}, "sem T2 L1 'x' must be a number >= 0"),
    ],
)
def test_bad_sem_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sem: Any, message: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"T2": T2, "sem": sem}), encoding="utf-8")
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_interval_option_is_json_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("T2_L1,T2_CSF\n560,1000\n", encoding="utf-8")
    assert main(["score", str(path), "--interval", "observer_agreement"]) == 2
    assert "--interval applies to .json input only" in capsys.readouterr().err
