"""The cut-off table: packaged data matches the published numbers; bad files fail clearly."""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from vbqcore.cutoffs import HIGHER_POSITIVE, Cutoff, load_cutoffs
from vbqcore.errors import CutoffError
from vbqcore.vbq import Aggregate, ScoreName

PACKAGED = Path(__file__).resolve().parents[1] / "vbqcore" / "data" / "cutoffs.json"


def by_id() -> dict[str, Cutoff]:
    return {c.id: c for c in load_cutoffs()}


# Huang et al., Global Spine J 2026;16(1):162-170: Table 3 (cut-off, sensitivity %,
# specificity %) and Table 2 (AUC, 95% CI), typed from the paper.
HUANG = [
    ("huang2026-vbq-t1", ScoreName.VBQ_T1, 4.285, 61.9, 61.9, 0.64, (0.56, 0.72)),
    ("huang2026-vbq-t2", ScoreName.VBQ_T2, 0.555, 76.2, 59.3, 0.70, (0.62, 0.78)),
    ("huang2026-vbq-t2-stir", ScoreName.VBQ_T2_STIR, 0.805, 73.8, 53.6, 0.64, (0.56, 0.73)),
]


@pytest.mark.parametrize(("cid", "score", "value", "sens_pct", "spec_pct", "auc", "ci"), HUANG)
def test_huang_table_3(
    cid: str,
    score: ScoreName,
    value: float,
    sens_pct: float,
    spec_pct: float,
    auc: float,
    ci: tuple[float, float],
) -> None:
    c = by_id()[cid]
    assert c.score is score
    assert c.value == value
    assert c.sensitivity == pytest.approx(sens_pct / 100)
    assert c.specificity == pytest.approx(spec_pct / 100)
    assert c.auc == auc and c.auc_ci == ci
    assert c.method is Aggregate.MEAN
    assert (c.scanner_vendor, c.scanner_model, c.field_strength_t) == ("GE", "Signa HDx", 1.5)
    assert c.scanner == "GE Signa HDx 1.5 T"
    assert (c.n_pos, c.n_neg) == (84, 84)  # 84 OVCF vs 84 matched controls (Results)
    assert c.outcome == "OVCF" and c.doi == "10.1177/21925682251339995"
    assert c.direction == HIGHER_POSITIVE and c.usable
    assert "Table 3" in (c.table or "") and "Table 3" in c.source_note


def test_no_vbq_stir_cutoff() -> None:
    # VBQ-STIR did not differ between groups (Table 1, P = 0.831): Table 3 gives no cut-off.
    assert not [c for c in load_cutoffs() if c.score is ScoreName.VBQ_STIR]


def test_ehresman_records_only_what_was_confirmed() -> None:
    c = by_id()["ehresman2020-vbq-t1"]
    assert c.method is Aggregate.MEDIAN and c.score is ScoreName.VBQ_T1
    # Abstract: 68 patients, 37 osteopenia/osteoporosis -> 31 without; "accuracy of 81%".
    assert (c.n_pos, c.n_neg) == (37, 31) and c.auc == 0.81
    assert c.doi == "10.1016/j.spinee.2019.10.018"
    # The threshold and its sensitivity/specificity could not be confirmed: left null.
    assert c.value is None and c.sensitivity is None and c.specificity is None
    assert not c.usable and c.scanner == "not reported"
    assert "NOT confirmed" in c.source_note


def test_every_entry_names_its_source() -> None:
    for c in load_cutoffs():
        assert c.citation and c.source_note and c.outcome
        assert json.loads(json.dumps(c.to_dict(), allow_nan=False))["id"] == c.id


def test_packaged_table_is_cached_and_immutable() -> None:
    assert load_cutoffs() is load_cutoffs()
    assert isinstance(load_cutoffs(), tuple)


def test_package_data_declared(repo_root: Path) -> None:
    config = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "data/*.json" in config["tool"]["setuptools"]["package-data"]["vbqcore"]


def test_load_from_path_same_as_packaged() -> None:
    assert load_cutoffs(PACKAGED) == load_cutoffs()


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "cutoffs.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PACKAGED.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["cutoffs"][1].update(sensitivity=76.2),
            r"sensitivity 76.2 must be a proportion",
        ),
        (lambda d: d["cutoffs"][1].pop("doi"), r"entry 2: missing field\(s\) doi"),
        (lambda d: d["cutoffs"][1].update(score="vbq_t3"), r"huang2026-vbq-t2\).*vbq_t3"),
        (lambda d: d["cutoffs"][1].update(method="mode"), r"'mode'"),
        (lambda d: d["cutoffs"][1].update(direction="lower = positive"), r"direction must be"),
        (lambda d: d["cutoffs"][1].update(value=-1), r"value -1 must be > 0"),
        (lambda d: d["cutoffs"][1].update(value="0.555"), r"value must be a finite number"),
        (lambda d: d["cutoffs"][1].update(auc_ci=[0.6]), r"auc_ci must be \[low, high\]"),
        (lambda d: d["cutoffs"][1].update(n_pos=-3), r"n_pos must be a count"),
        (lambda d: d["cutoffs"][2].update(id="huang2026-vbq-t2"), r"duplicate ids"),
        (lambda d: d.pop("cutoffs"), r"expected an object with a 'cutoffs' list"),
    ],
)
def test_bad_cutoff_file(tmp_path: Path, edit: Any, message: str) -> None:
    data = copy.deepcopy(_table())
    edit(data)
    with pytest.raises(CutoffError, match=message):
        load_cutoffs(_write(tmp_path, data))


def test_unreadable_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(CutoffError, match="cannot be read"):
        load_cutoffs(tmp_path / "missing.json")
    with pytest.raises(CutoffError, match="not valid JSON"):
        load_cutoffs(_write(tmp_path, "{oops"))
