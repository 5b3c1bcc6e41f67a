"""vbqcore.roi.shapes: the pixel-centre rule, masks against analytic shapes, SI statistics."""

from __future__ import annotations

import math
import statistics

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vbqcore.errors import RoiError, VbqInputError
from vbqcore.imaging.slices import Slice, SliceSource
from vbqcore.roi.measure import RoiStats, measure_roi, measure_rois
from vbqcore.roi.shapes import (
    EllipseRoi,
    FreehandRoi,
    PolygonRoi,
    RectRoi,
    roi_from_dict,
    roi_mask,
    rois_from_json,
)

SHAPE = (60, 80)


def _centres(shape: tuple[int, int]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """x, y of every pixel centre: column + 0.5, row + 0.5."""
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    return cols + 0.5, rows + 0.5


def _box_frame(
    cx: float, cy: float, angle: float, shape: tuple[int, int] = SHAPE
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Pixel centres in the shape's own axes (u along its width, v along its height)."""
    x, y = _centres(shape)
    t = math.radians(angle)
    u = (x - cx) * math.cos(t) + (y - cy) * math.sin(t)
    v = -(x - cx) * math.sin(t) + (y - cy) * math.cos(t)
    return u, v


# --- the pixel-centre convention -------------------------------------------------------------


def test_integer_rect_covers_exactly_its_pixels() -> None:
    # x 2..6, y 3..8: centres 2.5..5.5 and 3.5..7.5 are inside, so columns 2-5 and rows 3-7.
    mask = roi_mask(RectRoi(2, 3, 4, 5), (10, 10))
    expected = np.zeros((10, 10), dtype=bool)
    expected[3:8, 2:6] = True
    np.testing.assert_array_equal(mask, expected)


def test_pixel_counts_when_its_centre_is_inside_not_its_corner() -> None:
    # The 1x1 box x 2.4..3.4, y 3.6..4.6 holds one pixel centre, (2.5, 4.5): row 4, column 2.
    # A floor-based rule would have picked row 3.
    mask = roi_mask(RectRoi(2.4, 3.6, 1.0, 1.0), (10, 10))
    assert mask.sum() == 1
    assert mask[4, 2]


def test_rotation_is_clockwise_on_screen_about_the_centre() -> None:
    # A 4x2 rect centred at (5, 5) turned 90 deg clockwise (y down): its unrotated top-left
    # corner (3, 4) goes to the upper right, (6, 3).
    corners = RectRoi(3, 4, 4, 2, angle=90).corners()
    np.testing.assert_allclose(corners[0], [6, 3], atol=1e-12)
    # ... and the mask is that of an upright 2x4 rect with the same centre.
    np.testing.assert_array_equal(
        roi_mask(RectRoi(3, 4, 4, 2, angle=90), (10, 10)), roi_mask(RectRoi(4, 3, 2, 4), (10, 10))
    )


@pytest.mark.parametrize("angle", [0.0, 30.0, -50.0, 90.0, 135.0])
def test_ellipse_mask_matches_the_ellipse_inequality(angle: float) -> None:
    roi = EllipseRoi(20.3, 10.7, 40.2, 22.9, angle=angle)
    u, v = _box_frame(*roi.center, angle)
    expected = (u / 20.1) ** 2 + (v / 11.45) ** 2 < 1
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), expected)


@pytest.mark.parametrize("angle", [0.0, 30.0, -50.0, 90.0, 135.0])
def test_rotated_rect_mask_matches_the_half_plane_test(angle: float) -> None:
    roi = RectRoi(20.3, 10.7, 40.2, 22.9, angle=angle)
    u, v = _box_frame(*roi.center, angle)
    expected = (np.abs(u) <= 20.1) & (np.abs(v) <= 11.45)
    np.testing.assert_array_equal(roi_mask(roi, SHAPE), expected)


def _in_triangle(points: list[tuple[float, float]]) -> npt.NDArray[np.bool_]:
    """Barycentric sign test of every pixel centre (a second, independent rasteriser)."""
    x, y = _centres(SHAPE)
    (x1, y1), (x2, y2), (x3, y3) = points

    def side(ax: float, ay: float, bx: float, by: float) -> npt.NDArray[np.float64]:
        return (x - bx) * (ay - by) - (ax - bx) * (y - by)

    d1, d2, d3 = side(x1, y1, x2, y2), side(x2, y2, x3, y3), side(x3, y3, x1, y1)
    return ~(((d1 < 0) | (d2 < 0) | (d3 < 0)) & ((d1 > 0) | (d2 > 0) | (d3 > 0)))


@pytest.mark.parametrize("cls", [PolygonRoi, FreehandRoi])
def test_polygon_and_freehand_masks_match_the_triangle_test(
    cls: type[PolygonRoi] | type[FreehandRoi],
) -> None:
    points = [(5.2, 3.1), (70.7, 20.3), (30.1, 55.9)]
    np.testing.assert_array_equal(roi_mask(cls(tuple(points)), SHAPE), _in_triangle(points))


def test_mask_is_clipped_to_the_image() -> None:
    mask = roi_mask(RectRoi(-5, -5, 10, 10), (10, 10))
    assert mask.shape == (10, 10)
    assert mask.sum() == 25  # columns and rows 0-4


# --- statistics ----------------------------------------------------------------------------


def test_hand_computed_stats_of_a_3x3_rect() -> None:
    # Eight 0s and one 9 under the ROI, surrounded by 1000s that must not leak in.
    # By hand: mean = 9/9 = 1; median = 0; sample SD = sqrt((8*1^2 + 8^2)/8) = sqrt(9) = 3;
    # R: quantile(c(rep(0, 8), 9), c(.05, .95)) (type 7) = 0, 5.4 (0.6 of the way from 0 to 9).
    image = np.full((7, 7), 1000.0)
    image[2:5, 2:5] = 0.0
    image[4, 4] = 9.0
    stats = measure_roi(image, RectRoi(2, 2, 3, 3, label="L1"), pixel_spacing_mm=(0.5, 0.8))
    assert stats.n_pixels == 9
    assert (stats.mean, stats.median, stats.min, stats.max) == (1.0, 0.0, 0.0, 9.0)
    assert stats.sd == pytest.approx(3.0, abs=1e-12)
    assert stats.sd == pytest.approx(statistics.stdev([0] * 8 + [9]))
    assert (stats.p5, stats.p95) == pytest.approx((0.0, 5.4))
    assert stats.area_mm2 == pytest.approx(9 * 0.5 * 0.8)
    assert not stats.clipped and stats.warnings == ()
    assert stats.to_dict()["label"] == "L1"


@pytest.mark.parametrize("spacing", [(0.5, 0.5), (0.7, 1.1), (1.0, 0.3125)])
def test_area_is_pixel_count_times_pixel_area(spacing: tuple[float, float]) -> None:
    roi = EllipseRoi(10.3, 5.1, 30.5, 20.2, angle=20)
    stats = measure_roi(np.ones(SHAPE), roi, pixel_spacing_mm=spacing)
    assert stats.n_pixels == roi_mask(roi, SHAPE).sum()
    assert stats.area_mm2 == pytest.approx(stats.n_pixels * spacing[0] * spacing[1])


def test_slice_spacing_is_used_and_missing_spacing_gives_no_area() -> None:
    pixels = np.arange(100.0).reshape(10, 10)
    slice_ = Slice(pixels, SliceSource.DICOM, "phantom", pixel_spacing_mm=(0.5, 2.0))
    assert measure_roi(slice_, RectRoi(0, 0, 2, 2)).area_mm2 == pytest.approx(4.0)
    screenshot = Slice(pixels, SliceSource.SCREENSHOT, "shot.png")
    assert measure_roi(screenshot, RectRoi(0, 0, 2, 2)).area_mm2 is None
    # the mean of rows 0-1, columns 0-1 of 0..99: (0 + 1 + 10 + 11) / 4
    assert measure_roi(screenshot, RectRoi(0, 0, 2, 2)).mean == pytest.approx(5.5)


_ROI_INSIDE = st.builds(
    lambda kind, cx, cy, w, h, angle: kind(cx - w / 2, cy - h / 2, w, h, angle=angle),
    st.sampled_from([RectRoi, EllipseRoi]),
    st.floats(30, 50),
    st.floats(30, 50),
    st.floats(3, 20),
    st.floats(3, 20),
    st.floats(-180, 180),
)


@settings(max_examples=60, deadline=None)
@given(roi=_ROI_INSIDE, value=st.floats(-1e4, 1e4))
def test_roi_inside_a_constant_region_has_that_mean_and_no_spread(
    roi: RectRoi | EllipseRoi, value: float
) -> None:
    # A 60x60 constant square (x, y 10..70) inside noise; every ROI above fits in it (centre
    # 30..50, half-diagonal at most sqrt(10^2 + 10^2) = 14.2 px).
    image = np.random.default_rng(0).normal(0, 100, (80, 80))
    image[10:70, 10:70] = value
    stats = measure_roi(image, roi)
    tol = 1e-9 * max(1.0, abs(value))
    assert stats.mean == pytest.approx(value, abs=tol)
    assert stats.median == stats.min == stats.max == value
    assert stats.sd == pytest.approx(0.0, abs=tol)


def test_single_pixel_roi_has_undefined_sd() -> None:
    stats = measure_roi(np.ones((5, 5)), RectRoi(2, 2, 1, 1, label="CSF"))
    assert stats.n_pixels == 1 and math.isnan(stats.sd)
    assert stats.to_dict()["sd"] is None
    assert any("single pixel" in w for w in stats.warnings)


def test_nan_pixels_are_left_out_with_a_warning() -> None:
    image = np.ones((5, 5))
    image[1, 1] = np.nan
    stats = measure_roi(image, RectRoi(0, 0, 3, 3, label="L2"))
    assert stats.n_pixels == 8 and stats.mean == 1.0
    assert any("NaN" in w and "L2" in w for w in stats.warnings)


# --- bad input ------------------------------------------------------------------------------


def test_partly_outside_roi_is_clipped_with_a_warning() -> None:
    # Columns -5..4 of which 0..4 are in the image: half of the 40 pixels.
    stats = measure_roi(np.ones((10, 10)), RectRoi(-5, 0, 10, 4, label="L4"))
    assert stats.clipped and stats.n_pixels == 20
    assert stats.fraction_inside == pytest.approx(0.5)
    assert len(stats.warnings) == 1
    assert "'L4'" in stats.warnings[0] and "50%" in stats.warnings[0]


@pytest.mark.parametrize(
    ("roi", "pattern"),
    [
        (RectRoi(20, 20, 5, 5, label="L3"), "'L3' lies wholly outside"),
        (EllipseRoi(-30, -30, 10, 10, label="L5"), "'L5' lies wholly outside"),
        (RectRoi(2.6, 2.6, 0.8, 0.8, label="T12"), "'T12' has zero area"),
        (PolygonRoi(((1.6, 1.6), (1.9, 1.6), (1.7, 1.9)), label="L1"), "'L1' has zero area"),
        (RectRoi(0, 0, 1e6, 1e6, label="L2"), "'L2' is far larger"),
    ],
)
def test_unmeasurable_rois_raise(roi: RectRoi | EllipseRoi | PolygonRoi, pattern: str) -> None:
    with pytest.raises(RoiError, match=pattern):
        measure_roi(np.ones((10, 10)), roi)


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda: PolygonRoi(((0, 0), (1, 1)), label="L1"), "'L1': a polygon needs at least 3"),
        (lambda: FreehandRoi(((0, 0),), label="CSF"), "'CSF': a freehand needs at least 3"),
        (lambda: PolygonRoi(((0, 0), (1, np.nan), (2, 0)), label="L2"), "'L2'.*NaN or inf"),
        (lambda: RectRoi(np.inf, 0, 1, 1, label="L3"), "'L3': key 'x' is inf"),
        (lambda: RectRoi(0, 0, 0, 5, label="L4"), "'L4': rect of 0 x 5 px has zero area"),
        (lambda: EllipseRoi(0, 0, 5, -1, label="L5"), "'L5': ellipse .* zero area"),
        (lambda: RectRoi("a", 0, 1, 1), "key 'x' must be a number"),  # type: ignore[arg-type]
    ],
)
def test_bad_shapes_raise_naming_the_label(make: object, pattern: str) -> None:
    with pytest.raises(RoiError, match=pattern):
        make()  # type: ignore[operator]


def test_measure_rois_names_the_index_of_the_bad_roi() -> None:
    rois = [RectRoi(0, 0, 2, 2, label="L1"), RectRoi(50, 50, 2, 2, label="L2")]
    with pytest.raises(RoiError, match=r"ROI at index 1 \(label 'L2'\) lies wholly outside"):
        measure_rois(np.ones((10, 10)), rois)


@pytest.mark.parametrize("image", [np.ones(5), np.ones((2, 3, 4)), np.ones((0, 4))])
def test_non_2d_image_raises(image: npt.NDArray[np.float64]) -> None:
    with pytest.raises(VbqInputError, match="2-D image"):
        measure_roi(image, RectRoi(0, 0, 1, 1))


def test_bad_spacing_raises() -> None:
    with pytest.raises(VbqInputError, match="spacing must be positive"):
        measure_roi(np.ones((5, 5)), RectRoi(0, 0, 2, 2), pixel_spacing_mm=(0.0, 1.0))


# --- the ROI JSON format ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "roi",
    [
        RectRoi(1.5, 2, 3, 4, angle=30, label="L1"),
        EllipseRoi(1, 2, 3, 4, label="CSF"),
        PolygonRoi(((0, 0), (4, 0), (0, 3)), label="L2"),
        FreehandRoi(((0, 0), (4, 0), (4, 4), (0, 5))),
    ],
)
def test_to_dict_from_dict_round_trip(roi: RectRoi | EllipseRoi | PolygonRoi) -> None:
    assert roi_from_dict(roi.to_dict()) == roi
    assert type(roi).from_dict(roi.to_dict()) == roi


def test_json_input_format() -> None:
    data = [
        {"label": "L1", "shape": "rect", "x": 1, "y": 2, "width": 3, "height": 4, "angle": 10},
        {"label": "L2", "shape": "ellipse", "x": 1, "y": 2, "width": 3, "height": 4},
        {"label": "CSF", "shape": "polygon", "points": [[0, 0], [4, 0], [0, 3]]},
        {"shape": "freehand", "points": [{"x": 0, "y": 0}, {"x": 4, "y": 0}, {"x": 0, "y": 3}]},
    ]
    rois = rois_from_json(data)
    assert rois[0] == RectRoi(1, 2, 3, 4, angle=10, label="L1")
    assert rois[1] == EllipseRoi(1, 2, 3, 4, label="L2")  # angle defaults to 0
    assert rois[2] == PolygonRoi(((0, 0), (4, 0), (0, 3)), label="CSF")
    assert rois[3] == FreehandRoi(((0, 0), (4, 0), (0, 3)))
    assert rois_from_json({"rois": data}) == rois


@pytest.mark.parametrize(
    ("item", "pattern"),
    [
        ({"label": "L3", "shape": "rect", "x": 1, "y": 2, "height": 4}, "missing key 'width'"),
        ({"label": "L3", "x": 1}, "missing key 'shape'"),
        ({"label": "L3", "shape": "star", "x": 1}, "key 'shape' is 'star'; expected one of"),
        (
            {"label": "L3", "shape": "ellipse", "x": "1", "y": 2, "width": 3, "height": 4},
            "key 'x' must be a number",
        ),
        ({"label": "L3", "shape": "polygon"}, "missing key 'points'"),
        (
            {"label": "L3", "shape": "polygon", "points": [[0, 0], [1], [2, 2]]},
            "key 'points' item 1 must be",
        ),
        ({"label": "L3", "shape": "polygon", "points": [[0, 0], [1, 1]]}, "at least 3 points"),
        ({"label": 3, "shape": "rect"}, "label must be text"),
        ("rect", "expected a JSON object"),
    ],
)
def test_bad_json_items_name_index_and_key(item: object, pattern: str) -> None:
    good = {"label": "L1", "shape": "rect", "x": 0, "y": 0, "width": 2, "height": 2}
    with pytest.raises(RoiError, match=r"ROI at index 1\b.*" + pattern):
        rois_from_json([good, item])


def test_json_must_be_a_list() -> None:
    with pytest.raises(RoiError, match="Expected a JSON list"):
        rois_from_json({"label": "L1"})


def test_roistats_to_dict_is_json_safe() -> None:
    stats = RoiStats("L1", "rect", 4, None, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0)
    d = stats.to_dict()
    assert list(d)[:13] == [
        "label", "shape", "n_pixels", "area_mm2", "mean", "median", "sd", "min", "max",
        "p5", "p95", "clipped", "fraction_inside",
    ]  # fmt: skip
    assert d["warnings"] == []
