"""AppTest: the case page lists the published thresholds that apply, grouped by target."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_case_page import T1, T2, draw, files_of, open_case_page, upload
from tests.case_helpers import phantom_rois
from vbqapp.state import DEFAULT_TARGET


@pytest.fixture
def measured(tmp_path: Path) -> AppTest:
    """T1 and T2 phantoms (GE Signa HDxt 1.5 T), L1-L4 + CSF drawn on T1 and copied to T2."""
    at = open_case_page()
    upload(at, [f for s in (T1, T2) for f in files_of(tmp_path, s)])
    draw(at, T1, phantom_rois())
    next(b for b in at.button if b.label.startswith("Copy to")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expanders(at: AppTest) -> dict[str, str]:
    """Expander label -> the markdown and captions inside it."""
    out = {}
    for exp in at.expander:
        texts = [m.value for m in exp.markdown] + [c.value for c in exp.caption]
        out[exp.label] = "\n".join(texts)
    return out


def test_no_panel_before_a_score() -> None:
    at = open_case_page()
    assert not any(s.value == "Published thresholds for this case" for s in at.subheader)


def test_applicable_thresholds_grouped_by_target(measured: AppTest) -> None:
    assert any(s.value == "Published thresholds for this case" for s in measured.subheader)
    groups = expanders(measured)
    # Phantom T1: L1-L4 = 420, 400, 380, 400, CSF 100 -> VBQ-T1 4.000 (mean and median).
    ovcf = groups["Osteoporotic vertebral compression fracture — 2 threshold(s)"]
    assert "4.000 is below the 4.285 cut-off" in ovcf  # Huang et al. VBQ-T1
    assert "0.550 is below the 0.555 cut-off" in ovcf  # Huang et al. VBQ-T2
    assert "field strength matches" in ovcf  # the phantom is a 1.5 T GE scan
    osteo = groups["Osteoporosis (DXA) — 2 threshold(s)"]
    assert "4.000 is above the 3.02 cut-off" in osteo and "doi:10.1007/s00198-024-07190-6" in osteo
    assert "4.000 is above the 3.05 cut-off" in osteo  # Pu et al. 2023
    assert "field strength cannot be compared" in osteo
    screws = groups["Pedicle screw loosening — 1 threshold(s)"]
    assert "4.000 is above the 3.585 cut-off" in screws
    folded = next(v for k, v in groups.items() if k.startswith("Not applicable to this case"))
    assert "needs STIR SIs" in folded and "T12 was not measured on T1" in folded
    assert "cervical VBQ" in folded


def test_default_target_orders_and_is_stated(measured: AppTest) -> None:
    box = next(s for s in measured.selectbox if s.label == "Default target (question)")
    box.set_value("surgical-planning").run()
    assert not measured.exception
    assert measured.session_state[DEFAULT_TARGET] == "surgical-planning"
    # The threshold groups, in page order (other panels, e.g. "Open from PACS", have expanders too).
    panel = [e for e in measured.expander if "threshold(s)" in e.label]
    assert panel[0].label.startswith("Pedicle screw loosening")
    assert any("Default target: surgical planning" in c.value for c in measured.caption)
    assert panel[0].proto.expanded and not panel[1].proto.expanded
