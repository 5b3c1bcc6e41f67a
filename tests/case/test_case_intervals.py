"""From a case's ROIs to each score's interval: SEM = SD / sqrt(pixels), propagated by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vbqcore.anatomy import Sequence
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.model import load_series, new_case, set_rois
from vbqcore.imaging.reading import Series, slice_from_array
from vbqcore.imaging.slices import Protocol, SliceSource
from vbqcore.roi.shapes import RectRoi
from vbqcore.uncertainty import IntervalMethod, Zone

Z = 1.959963984540054  # scipy.stats.norm.ppf(0.975)
GE = Protocol(manufacturer="GE MEDICAL SYSTEMS", field_strength_t=1.5, modality="MR")


def noisy_t2(body: float = 330.0, seed: int = 7) -> tuple[Series, list[RectRoi]]:
    """A 120 x 120 T2 image: four 10 x 10 bodies of SI ``body`` and a 10 x 10 CSF of SI 600, each
    with Gaussian noise of SD 20; ROIs cover exactly those blocks (100 pixels each)."""
    rng = np.random.default_rng(seed)
    image = np.full((120, 120), 50.0)
    rois = []
    for k, label in enumerate(("L1", "L2", "L3", "L4")):
        image[10 + 25 * k : 20 + 25 * k, 20:30] = body + rng.normal(0, 20, (10, 10))
        rois.append(RectRoi(20, 10 + 25 * k, 10, 10, label=label))
    image[60:70, 80:90] = 600 + rng.normal(0, 20, (10, 10))
    rois.append(RectRoi(80, 60, 10, 10, label="CSF"))
    shown = slice_from_array(
        image, name="t2", source=SliceSource.DICOM, pixel_spacing_mm=(1.0, 1.0), protocol=GE
    )
    return Series((shown,), 0, GE), rois


# SEM about 20 / 10 = 2 per ROI: SE of VBQ-T2 about 0.0025, so the 95% interval is about +/- 0.005.
# Body SI 300 -> VBQ 0.50 (clearly below 0.555), 333 -> 0.555 (on it), 360 -> 0.60 (clearly above).
@pytest.mark.parametrize(
    ("body", "zone"), [(300.0, Zone.BELOW), (333.0, Zone.BORDERLINE), (360.0, Zone.ABOVE)]
)
def test_case_interval_equals_the_hand_formula_on_its_own_rois(body: float, zone: Zone) -> None:
    series, rois = noisy_t2(body)
    case = set_rois(load_series(new_case(), Sequence.T2, series).case, Sequence.T2, rois)
    evaluation = evaluate_case(case)
    st = evaluation.sequences[Sequence.T2]
    # Each ROI's SEM, independently from numpy: sample SD (ddof=1) / sqrt(100).
    pixels = series.slices[0].pixels
    blocks = {r.label: pixels[int(r.y) : int(r.y + 10), int(r.x) : int(r.x + 10)] for r in rois}
    sem = {k: float(np.std(v, ddof=1)) / 10 for k, v in blocks.items()}
    assert st.sems == pytest.approx(sem, rel=1e-12)
    # Delta method by hand: A = mean of the body means, C = CSF mean.
    a = float(np.mean([blocks[k].mean() for k in ("L1", "L2", "L3", "L4")]))
    c = float(blocks["CSF"].mean())
    var_a = sum(sem[k] ** 2 for k in ("L1", "L2", "L3", "L4")) / 16
    se = math.sqrt(var_a / c**2 + a**2 * sem["CSF"] ** 2 / c**4)
    assert evaluation.result is not None and evaluation.interpretation is not None
    iv = evaluation.interpretation.intervals["vbq_t2"]
    assert iv.method == IntervalMethod.ROI_SEM
    assert (iv.low, iv.high) == pytest.approx((a / c - Z * se, a / c + Z * se), rel=1e-9)
    (cmp,) = evaluation.interpretation.comparisons
    assert cmp.zone is zone, (iv, cmp.value)


def test_one_pixel_roi_falls_back_to_observer_agreement() -> None:
    series, rois = noisy_t2()
    rois[-1] = RectRoi(85, 65, 1, 1, label="CSF")  # one pixel: its SD, hence SEM, is undefined
    case = set_rois(load_series(new_case(), Sequence.T2, series).case, Sequence.T2, rois)
    evaluation = evaluate_case(case)
    assert math.isnan(evaluation.sequences[Sequence.T2].sems["CSF"])
    assert evaluation.interpretation is not None
    iv = evaluation.interpretation.intervals["vbq_t2"]
    assert iv.method == IntervalMethod.OBSERVER_AGREEMENT
    forced = evaluate_case(case, interval_method="observer_agreement").interpretation
    assert forced is not None and forced.intervals["vbq_t2"] == iv
