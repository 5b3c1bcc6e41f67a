"""One-click ROI suggestions on synthetic spines whose truth is known (``spine_phantom``)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from tests.roi.spine_phantom import LEVELS, SpinePhantom, make_spine
from vbqcore.errors import RoiError
from vbqcore.imaging.reading import slice_from_array
from vbqcore.imaging.slices import Slice
from vbqcore.roi.bodies import find_body, find_body_at_click
from vbqcore.roi.csf import find_csf
from vbqcore.roi.measure import measure_rois
from vbqcore.roi.regions import normalise
from vbqcore.roi.shapes import roi_mask
from vbqcore.roi.suggest import Seed, suggest_rois

SPACING = (0.6, 0.6)

VARIANTS = {
    "straight-T2": {},
    "lordotic-T2": {"lordosis": 40.0},
    "tilted-noisy-T2": {"tilt": 15.0, "noise": 10.0},
    "lordotic-noisy-T1": {"contrast": "T1", "lordosis": 30.0, "noise": 8.0},
    "dark-discs-T2": {"noise": 5.0, "seed": 3},
}


def _slice(p: SpinePhantom) -> Slice:
    return slice_from_array(p.pixels, pixel_spacing_mm=SPACING)


def _inside(mask: np.ndarray, roi_pixels: np.ndarray) -> float:
    return float(mask[roi_pixels].mean())


@pytest.mark.parametrize("kwargs", VARIANTS.values(), ids=list(VARIANTS))
def test_body_roi_sits_in_the_central_part_clear_of_the_rim(kwargs: dict) -> None:
    p = make_spine(**kwargs)
    image = _slice(p)
    g = normalise(image.pixels)
    for level in ("L1", "L3", "L4"):
        fit = find_body(g, p.seed(level), spacing_mm=SPACING, label=level)
        pixels = roi_mask(fit.roi, image.shape)
        # Clear of the endplates and cortex: the ROI grown by 2 px is still all marrow.
        assert _inside(p.bodies[level], ndimage.binary_dilation(pixels, iterations=2)) == 1.0
        # Not tiny: at least a quarter of the body's marrow.
        assert pixels.sum() >= 0.25 * p.bodies[level].sum()
        # Aligned with the endplates (truth from the phantom's construction).
        assert fit.roi.angle == pytest.approx(p.tilts[level], abs=2.0)


@pytest.mark.parametrize("kwargs", VARIANTS.values(), ids=list(VARIANTS))
def test_csf_roi_is_a_narrow_strip_inside_the_sac(kwargs: dict) -> None:
    p = make_spine(**kwargs)
    image = _slice(p)
    fit = find_csf(normalise(image.pixels), p.seed("CSF"), spacing_mm=SPACING)
    pixels = roi_mask(fit.roi, image.shape)
    assert _inside(p.sac, pixels) == 1.0
    assert pixels.sum() >= 20
    assert fit.roi.width < 22  # narrower than the 22 px sac: clear of its walls
    assert fit.roi.height > fit.roi.width


@pytest.mark.parametrize("kwargs", VARIANTS.values(), ids=list(VARIANTS))
def test_one_click_in_l3_proposes_l1_to_l4_and_csf_on_the_right_bodies(kwargs: dict) -> None:
    p = make_spine(**kwargs)
    image = _slice(p)
    suggestions = suggest_rois(image, [Seed("L3", *p.seed("L3"))], follow=True)
    assert [s.roi.label for s in suggestions] == ["L1", "L2", "L3", "L4", "CSF"]
    for s in suggestions:
        truth = p.sac if s.roi.label == "CSF" else p.bodies[s.roi.label or ""]
        assert _inside(truth, roi_mask(s.roi, image.shape)) == 1.0, s.roi.label
        assert 0.0 <= s.confidence <= 1.0
    # VBQ from the suggestions equals the phantom's true ratio (marrow / CSF), noise aside.
    means = {st.label: st.mean for st in measure_rois(image, [s.roi for s in suggestions])}
    vbq = np.mean([means[k] for k in ("L1", "L2", "L3", "L4")]) / means["CSF"]
    assert vbq == pytest.approx(p.marrow / p.csf, rel=0.02)


@pytest.mark.parametrize("start", ["L1", "L2", "L4", "L5", "T12"])
def test_following_works_from_any_named_level(start: str) -> None:
    p = make_spine(lordosis=30.0, noise=6.0)
    image = _slice(p)
    suggestions = suggest_rois(image, [Seed(start, *p.seed(start))], follow=True)
    labels = [s.roi.label for s in suggestions]
    expected = ["L1", "L2", "L3", "L4", "CSF"]
    if start in ("T12", "L5"):
        expected = sorted({start, *expected}, key=[*LEVELS, "CSF"].index)
    assert labels == expected
    for s in suggestions:
        if s.roi.label != "CSF":
            assert _inside(p.bodies[s.roi.label or ""], roi_mask(s.roi, image.shape)) == 1.0


def test_suggestions_without_pixel_spacing_use_the_image_size() -> None:
    p = make_spine(lordosis=20.0)
    image = slice_from_array(p.pixels)  # a screenshot: no spacing
    suggestions = suggest_rois(image, [Seed("L2", *p.seed("L2")), Seed("CSF", *p.seed("CSF"))])
    assert [s.roi.label for s in suggestions] == ["L2", "CSF"]
    assert _inside(p.bodies["L2"], roi_mask(suggestions[0].roi, image.shape)) == 1.0


def test_a_click_off_centre_still_finds_the_whole_body() -> None:
    p = make_spine(noise=8.0)
    g = normalise(p.pixels)
    x, y = p.centers["L3"]
    fit = find_body_at_click(g, (int(y) - 12, int(x) + 15), spacing_mm=SPACING)
    pixels = roi_mask(fit.roi, p.pixels.shape)
    assert _inside(p.bodies["L3"], pixels) == 1.0
    assert pixels.sum() >= 0.25 * p.bodies["L3"].sum()
    assert fit.center[1] == pytest.approx(y, abs=3.0)


def test_seed_parsing() -> None:
    assert Seed.parse("l3=212,140") == Seed("L3", 212, 140)
    assert Seed.parse(" CSF = 5 , 7 ") == Seed("CSF", 5, 7)
    with pytest.raises(RoiError, match="not LABEL=ROW,COL"):
        Seed.parse("L3:212,140")
    with pytest.raises(RoiError, match="not one of"):
        Seed.parse("S1=10,10")


def test_bad_seeds_are_refused_with_a_clear_message() -> None:
    p = make_spine()
    image = _slice(p)
    with pytest.raises(RoiError, match=r"outside the image, which has rows 0 to 511"):
        suggest_rois(image, [Seed("L3", 600, 10)])
    with pytest.raises(RoiError, match="Two seeds for L3"):
        suggest_rois(image, [Seed("L3", 200, 200), Seed("L3", 210, 200)])
    with pytest.raises(RoiError, match="No seed given"):
        suggest_rois(image, [])


def test_a_seed_in_featureless_signal_finds_no_structure() -> None:
    flat = slice_from_array(np.full((256, 256), 80.0), pixel_spacing_mm=SPACING)
    with pytest.raises(RoiError, match="No structure found around the seed at row 128"):
        suggest_rois(flat, [Seed("L3", 128, 128)])


def test_heterogeneous_body_is_flagged_and_loses_confidence() -> None:
    p = make_spine()
    pixels = p.pixels.copy()
    rng = np.random.default_rng(1)
    body = p.bodies["L3"]
    # Two marrow populations (e.g. patchy fatty marrow): CV ~0.4 inside the body.
    pixels[body] = np.where(rng.random(body.sum()) < 0.5, 60.0, 140.0)
    image = slice_from_array(ndimage.gaussian_filter(pixels, 0.5), pixel_spacing_mm=SPACING)
    suggestion = suggest_rois(image, [Seed("L3", *p.seed("L3"))])[0]
    assert any("heterogeneous" in w for w in suggestion.warnings)
    assert suggestion.confidence < 0.9


def test_to_dict_is_the_measure_roi_format_plus_confidence_and_warnings() -> None:
    p = make_spine()
    s = suggest_rois(_slice(p), [Seed("L3", *p.seed("L3"))])[0]
    d = s.to_dict()
    assert list(d) == ["label", "shape", "x", "y", "width", "height", "angle", "confidence",
                       "warnings", "seed", "suggested"]  # fmt: skip
    assert d["shape"] == "rect" and d["label"] == "L3" and d["suggested"] is True
    assert d["seed"] == list(p.seed("L3"))
