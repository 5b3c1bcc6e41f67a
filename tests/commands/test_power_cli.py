"""``python -m vbqcore power``: solves for what is left out; values as pROC's power.roc.test."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from vbqcore.cli import main

KEYS = {"auc", "n_cases", "n_controls", "power", "alpha"}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    code = main(["power", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


def test_power_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    # pROC: power.roc.test(ncases = 41, ncontrols = 72, auc = 0.73) -> power 0.9897453
    code, out, _ = _run(["--auc", "0.73", "--cases", "41", "--controls", "72"], capsys)
    assert code == 0 and KEYS <= set(out)
    assert out["power"] == pytest.approx(0.9897453, abs=1e-6)
    assert (out["n_cases"], out["n_controls"], out["alpha"]) == (41, 72, 0.05)
    assert out["solved_for"] == "power"


def test_sample_size_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    # pROC: power.roc.test(auc = 0.7313686, sig.level = 0.05, power = 0.95, kappa = 1.7)
    # -> ncases 29.29764, ncontrols 49.806 (r.s100b's AUC); whole patients are rounded up.
    code, out, _ = _run(
        ["--auc", "0.7313685636856367", "--power", "0.95", "--ratio", "1.7"], capsys
    )
    assert code == 0
    assert out["n_cases_exact"] == pytest.approx(29.29764, abs=1e-5)
    assert (out["n_cases"], out["n_controls"]) == (30, 50)
    assert out["solved_for"] == "sample_size"


def test_auc_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    # pROC: power.roc.test(ncases = 41, ncontrols = 72, sig.level = 0.05, power = 0.95)
    # -> auc 0.6961054 (R's uniroot, tolerance ~1.2e-4)
    code, out, _ = _run(["--cases", "41", "--controls", "72", "--power", "0.95"], capsys)
    assert code == 0 and out["auc"] == pytest.approx(0.6961054, abs=1.2e-4)


def test_one_sided_matches_obuchowski_table_4(capsys: pytest.CaptureFixture[str]) -> None:
    # Obuchowski 2004 Table 4: AUC 0.7, kappa 1, one-sided alpha 0.05, power 0.9 -> 33 and 33
    code, out, _ = _run(["--auc", "0.7", "--power", "0.9", "--one-sided"], capsys)
    assert code == 0 and (out["n_cases"], out["n_controls"]) == (33, 33)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--auc", "0.8"], "Give two of"),
        (["--auc", "0.8", "--cases", "30", "--power", "0.8"], "Missing now: none"),
        (["--auc", "1.2", "--power", "0.8"], "auc must be above 0.5"),
        (["--auc", "0.8", "--power", "0.8", "--alpha", "5"], "alpha must be between 0 and 1"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(argv, capsys)
    assert code == 2 and not out
    assert message in err and err.count("\n") == 1


def test_as_a_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vbqcore", "power", "--auc", "0.8", "--power", "0.8"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert KEYS <= set(json.loads(done.stdout))
