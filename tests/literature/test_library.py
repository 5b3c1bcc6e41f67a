"""The cut-off library: schema, internal consistency, published numbers, bad files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from vbqcore.cutoffs import HIGHER_POSITIVE, load_cutoffs
from vbqcore.errors import CutoffError
from vbqcore.literature import (
    LibraryEntry,
    Target,
    TargetGroup,
    load_library,
    parse_target,
    select_entries,
)

PACKAGED = Path(__file__).resolve().parents[2] / "vbqcore" / "data" / "cutoff_library.json"
_NUMBERS = ("threshold", "auc", "sensitivity", "specificity", "ppv", "npv", "prevalence")


def raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PACKAGED.read_text(encoding="utf-8"))
    return data


def by_id() -> dict[str, LibraryEntry]:
    return {e.id: e for e in load_library()}


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "lib.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_library_size_and_provenance() -> None:
    entries = load_library()
    assert len(entries) >= 15
    for e in entries:
        assert e.doi.startswith("10."), e.id
        assert e.direction == HIGHER_POSITIVE
        assert e.citation and e.design
        for name in _NUMBERS:
            if getattr(e, name) is not None:
                assert name in e.read_from, (e.id, name)


def test_every_number_in_range() -> None:
    for e in load_library():
        for name in ("sensitivity", "specificity", "ppv", "npv", "prevalence"):
            value = getattr(e, name)
            assert value is None or 0.0 <= value <= 1.0, (e.id, name)
        assert e.auc is None or 0.5 <= e.auc <= 1.0, e.id
        if e.auc_ci is not None:
            assert e.auc is not None and e.auc_ci[0] <= e.auc <= e.auc_ci[1], e.id
        if e.threshold is not None:
            assert e.threshold > 0
        if e.n is not None and e.n_positive is not None:
            assert e.n_positive <= e.n
            if e.prevalence is not None:  # prevalence = n_positive / n, to the printed digits
                assert e.prevalence == pytest.approx(e.n_positive / e.n, abs=0.001)


@pytest.mark.parametrize("entry", [e for e in load_library() if e.sensitivity is not None])
def test_likelihood_ratios_recomputed(entry: LibraryEntry) -> None:
    sens, spec = entry.sensitivity, entry.specificity
    assert sens is not None and spec is not None
    # Deeks & Altman, BMJ 2004;329:168: LR+ = sens/(1-spec), LR- = (1-sens)/spec.
    assert entry.lr_positive == pytest.approx(sens / (1 - spec))
    assert entry.lr_negative == pytest.approx((1 - sens) / spec)
    assert entry.to_dict()["lr_positive"] == pytest.approx(sens / (1 - spec))


def test_likelihood_ratio_values_by_hand() -> None:
    lib = by_id()
    # Hu et al. 2024: 0.76 / (1 - 0.74) = 0.76 / 0.26 = 2.923; (1 - 0.76) / 0.74 = 0.324.
    assert lib["hu2024-oi-osteoporosis"].lr_positive == pytest.approx(2.9231, abs=1e-4)
    assert lib["hu2024-oi-osteoporosis"].lr_negative == pytest.approx(0.3243, abs=1e-4)
    # Wang et al. 2025: 0.889 / 0.304 = 2.924; 0.111 / 0.696 = 0.1595.
    assert lib["wang2025-wneu-vbq-screw-loosening"].lr_positive == pytest.approx(2.9243, abs=1e-4)
    assert lib["wang2025-wneu-vbq-screw-loosening"].lr_negative == pytest.approx(0.1595, abs=1e-4)
    # No sensitivity in the source read: no likelihood ratio.
    assert lib["t12vbq2024-osteoporosis"].lr_positive is None


def test_published_numbers_as_read() -> None:
    """Typed from the abstracts named in each entry's read_from."""
    lib = by_id()
    hu = lib["hu2024-oi-osteoporosis"]  # Osteoporos Int 2024;35:1881-1895, abstract
    assert (hu.threshold, hu.sensitivity, hu.specificity, hu.auc) == (3.02, 0.76, 0.74, 0.81)
    assert hu.doi == "10.1007/s00198-024-07190-6" and hu.target is Target.OSTEOPOROSIS
    wang = lib["wang2025-wneu-vbq-screw-loosening"]  # World Neurosurg 2025, abstract
    assert (wang.threshold, wang.sensitivity, wang.specificity) == (3.585, 0.889, 0.696)
    assert (wang.auc, wang.auc_ci) == (0.787, (0.699, 0.875))
    t12 = lib["t12vbq2024-reduced-bmd"]  # J Orthop Surg Res 2024, abstract
    assert (t12.threshold, t12.auc, t12.score.levels) == (2.94, 0.756, ("T12",))
    pu = lib["pu2023-jns-vbq-osteoporosis"]  # J Neurosurg Spine 2023;38:705-714, abstract
    assert (pu.threshold, pu.auc, pu.sensitivity, pu.specificity) == (3.05, 0.81, 0.875, 0.618)
    assert (pu.ppv, pu.npv) == (0.519, 0.913)
    pu_low = lib["pu2023-jns-vbq-reduced-bmd"]
    assert (pu_low.threshold, pu_low.auc, pu_low.ppv, pu_low.npv) == (3.06, 0.793, 0.942, 0.417)
    zpc = lib["wneu2024-cvbq-zero-profile-cage-subsidence"]  # World Neurosurg 2024, abstract
    assert (zpc.threshold, zpc.auc, zpc.sensitivity, zpc.specificity) == (2.68, 0.785, 0.727, 0.821)
    assert (zpc.n, zpc.n_positive, zpc.score.region) == (89, 16, "cervical")


def test_huang_entries_match_the_main_cutoff_table() -> None:
    main = {c.id: c for c in load_cutoffs()}
    for e in load_library():
        if not e.id.startswith("huang2026"):
            continue
        c = main[e.id]
        assert (e.threshold, e.sensitivity, e.specificity, e.auc) == (
            c.value,
            c.sensitivity,
            c.specificity,
            c.auc,
        )
        assert e.auc_ci == c.auc_ci and e.field_strength_t == c.field_strength_t
        assert e.doi == c.doi and e.score.aggregate == c.method.value


def test_targets_and_groups() -> None:
    groups = {e.target.group for e in load_library()}
    assert groups == set(TargetGroup)
    assert parse_target("Surgical planning") is TargetGroup.SURGICAL_PLANNING
    assert parse_target("screw-loosening") is Target.SCREW_LOOSENING
    with pytest.raises(CutoffError, match="not known: use one of fracture-risk"):
        parse_target("bone age")


def test_select_by_target_and_field_strength() -> None:
    lib = load_library()
    osteo = select_entries(lib, target=TargetGroup.OSTEOPOROSIS_SCREENING)
    assert osteo and all(e.target.group is TargetGroup.OSTEOPOROSIS_SCREENING for e in osteo)
    at3 = select_entries(lib, field_strength_t=3.0)
    # Huang et al. were derived at 1.5 T: gone at 3 T; unreported field strengths stay.
    assert not any(e.id.startswith("huang") for e in at3)
    assert any(e.field_strength_t is None for e in at3)
    at15 = select_entries(lib, field_strength_t=1.5)
    assert {e.id for e in at15} == {e.id for e in lib}


def _mutated(change: dict[str, Any], index: int = 3) -> dict[str, Any]:
    data = copy.deepcopy(raw())
    data["entries"][index].update(change)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sensitivity": 1.2}, r"sensitivity 1.2 must be a proportion in \[0, 1\]"),
        ({"auc": 0.45}, "auc 0.45 < 0.5"),
        ({"doi": None}, "doi None must be a DOI"),
        ({"target": "fracture"}, "target 'fracture' is not one of"),
        ({"direction": "lower = positive"}, "direction must be"),
        ({"threshold": -1}, "threshold -1 must be > 0"),
        ({"read_from": {}}, "threshold has no read_from note"),
        ({"auc_ci": [0.9, 0.8]}, "low <= high"),
    ],
)
def test_bad_entry_names_entry_and_field(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(CutoffError, match=message) as info:
        load_library(write(tmp_path, _mutated(change)))
    assert "entry 4 (hu2024-oi-osteoporosis)" in str(info.value)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(CutoffError, match="cannot be read"):
        load_library(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(CutoffError, match="not valid JSON"):
        load_library(bad)
    with pytest.raises(CutoffError, match="'entries' list"):
        load_library(write(tmp_path, {"cutoffs": []}))
    data = raw()
    data["entries"].append(data["entries"][0])
    with pytest.raises(CutoffError, match="duplicate ids"):
        load_library(write(tmp_path, data))
    missing = copy.deepcopy(raw())
    del missing["entries"][0]["citation"]
    with pytest.raises(CutoffError, match="missing field"):
        load_library(write(tmp_path, missing))
