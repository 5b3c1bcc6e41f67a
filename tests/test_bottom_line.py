"""The bottom line: leads with VBQ-T2 and says why, names disagreements, never overclaims."""

from __future__ import annotations

from typing import Any

from vbqcore.anatomy import Sequence
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.interpretation import interpret
from vbqcore.measurements import CaseMeasurements
from vbqcore.uncertainty import ScoreInterval
from vbqcore.vbq import ScoreName, VbqResult, compute_vbq


def result(t1: float | None, t2: float | None, t2_stir: float | None = None) -> VbqResult:
    """Scores set exactly: every level shares one SI; CSF 1000 (T1 CSF 100)."""
    row: dict[str, Any] = {}
    if t1 is not None:
        row |= {f"T1_L{i}": t1 * 100 for i in range(1, 5)} | {"T1_CSF": 100}
    if t2 is not None:
        row |= {f"T2_L{i}": t2 * 1000 for i in range(1, 5)} | {"T2_CSF": 1000}
    if t2_stir is not None:  # T2 - STIR = t2_stir x (CSF_T2 - CSF_STIR) with CSF_STIR 500
        row |= {f"STIR_L{i}": t2 * 1000 - t2_stir * 500 for i in range(1, 5)} | {"STIR_CSF": 500}
    return compute_vbq(CaseMeasurements.from_flat(row))


def tight(r: VbqResult) -> dict[ScoreName, ScoreInterval]:
    return {s: ScoreInterval(v - 0.002, v + 0.002, "test") for s in r.computed if (v := r.score(s))}


def test_leads_with_t2_and_names_disagreement() -> None:
    # The case: T1 below, T2 above, T2-STIR below.
    r = result(4.0, 0.60, 0.70)
    line = interpret(r, intervals=tight(r)).bottom_line
    assert line.startswith("VBQ-T2 0.600 (0.598–0.602) is above its 0.555 cut-off and leads")
    assert "only independent predictor of OVCF" in line
    assert "VBQ-T1 (below) disagrees" in line and "VBQ-T2-STIR (below) disagrees" in line
    assert "not a diagnosis (derivation-cohort AUC 0.70" in line
    assert "not validated externally" in line and line.count(".") >= 1


def test_agreement_and_borderline() -> None:
    r = result(4.5, 0.56)
    line = interpret(r).bottom_line  # observer intervals: 0.56 +/- 6.1% contains 0.555
    assert line.startswith("VBQ-T2 0.560 (")
    assert "is borderline at its 0.555 cut-off" in line
    r2 = result(4.6, 0.70)
    line2 = interpret(r2, intervals=tight(r2)).bottom_line
    assert "VBQ-T1 (above) agrees" in line2 and "disagrees" not in line2


def test_without_t2_says_it_was_not_measured() -> None:
    r = result(4.0, None)
    line = interpret(r, intervals=tight(r)).bottom_line
    assert line.startswith("VBQ-T1 4.000 (3.998–4.002) is below its 4.285 cut-off")
    assert "VBQ-T2, the only independent predictor" in line and "was not measured" in line


def test_screenshot_is_not_interpretable_first() -> None:
    r = result(4.0, 0.60)
    line = interpret(r, sources=[SliceSource.SCREENSHOT]).bottom_line
    assert line.startswith("Not interpretable against the published cut-offs: the SIs come from")
    assert "above" not in line and "below" not in line


def test_only_t2_from_screenshot() -> None:
    # T1 from DICOM stays interpretable; T2 from a screenshot does not, and the line says so.
    r = result(4.0, 0.60)
    meaning = interpret(
        r, intervals=tight(r), sources=[SliceSource.SCREENSHOT], screenshot_sequences=[Sequence.T2]
    )
    t1, t2 = meaning.comparisons
    assert t1.interpretable and t1.zone is not None and not t2.interpretable and t2.zone is None
    assert "VBQ-T2, the only independent predictor" in meaning.bottom_line
    assert "is not interpretable here" in meaning.bottom_line


def test_warnings_of_the_lead_weaken_the_line() -> None:
    r = result(4.0, 0.60)
    line = interpret(
        r, intervals=tight(r), protocol=Protocol(manufacturer="SIEMENS", field_strength_t=3.0)
    ).bottom_line
    # Two scanner warnings on VBQ-T2: 3 T instead of 1.5 T, Siemens instead of GE.
    assert "the VBQ-T2 comparison carries 2 warning(s)" in line and "may not apply" in line
    ge = interpret(
        r, intervals=tight(r), protocol=Protocol(manufacturer="GE", field_strength_t=1.5)
    )
    assert "warning(s)" not in ge.bottom_line
