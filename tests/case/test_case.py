"""The case model and its pure updates (vbqcore.case.model): exact pixels at any display size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.case_helpers import loaded_case, measured_case, phantom_rois, phantom_series
from tests.phantoms import PHANTOM_VALUES
from vbqcore.anatomy import Level, Sequence
from vbqcore.case.model import (
    apply_suggestions,
    copy_rois,
    delete_rois,
    load_series,
    move_series,
    new_case,
    remove_series,
    set_label,
    set_options,
    set_rois,
    set_slice,
    sync_canvas,
)
from vbqcore.errors import RoiError, VbqInputError
from vbqcore.roi.annotate import display_size
from vbqcore.roi.canvas import rois_from_canvas
from vbqcore.roi.measure import measure_roi
from vbqcore.roi.shapes import RectRoi, roi_mask
from vbqcore.roi.sync import relabel
from vbqcore.vbq import Aggregate

T1, T2, STIR = Sequence.T1, Sequence.T2, Sequence.STIR


def test_new_case_is_empty_with_published_defaults() -> None:
    case = new_case()
    assert case.loaded == () and case.roi_count == 0
    assert case.csf_level is Level.L3 and case.method is Aggregate.MEAN
    assert set(case.sequences) == {T1, T2, STIR}


def test_load_series_shows_the_mid_sagittal_slice(tmp_path: Path) -> None:
    case = loaded_case(tmp_path, (T2,), n_slices=7)
    state = case[T2]
    assert state.slice_index == 3 and state.slice is state.series.slices[3]  # type: ignore[union-attr]
    assert state.grid is not None and state.grid.shape == (256, 256)
    assert state.revision == 1 and case.loaded == (T2,)


def test_new_upload_discards_rois_unless_kept(tmp_path: Path) -> None:
    case = set_rois(loaded_case(tmp_path, (T1,)), T1, phantom_rois())
    again = phantom_series(tmp_path, T1, series_seed="again")
    assert load_series(case, T1, again).case[T1].rois == ()
    kept = load_series(case, T1, again, keep_rois=True)
    assert kept.case[T1].rois == case[T1].rois and kept.warnings == ()


def test_kept_rois_are_rescaled_to_a_new_grid(tmp_path: Path) -> None:
    case = set_rois(loaded_case(tmp_path, (T1,)), T1, phantom_rois())
    bigger = phantom_series(tmp_path, T1, rows=512, cols=512, pixel_spacing=(0.546875, 0.546875))
    update = load_series(case, T1, bigger, keep_rois=True)
    assert "rescaled" in update.warnings[0]
    first = update.case[T1].rois[0]
    assert isinstance(first, RectRoi)
    # Same field of view at half the spacing: every coordinate doubles.
    assert first.x == pytest.approx(2 * case[T1].rois[0].x)  # type: ignore[union-attr]


def test_set_slice_keeps_rois_and_checks_range(tmp_path: Path) -> None:
    case = set_rois(loaded_case(tmp_path, (T1,)), T1, phantom_rois())
    moved = set_slice(case, T1, 0).case
    assert moved[T1].slice_index == 0 and moved[T1].rois == case[T1].rois
    with pytest.raises(VbqInputError, match="slice 6 does not exist"):
        set_slice(case, T1, 5)
    with pytest.raises(VbqInputError, match="no images yet"):
        set_slice(case, T2, 0)


def test_labels_are_checked_and_normalised(tmp_path: Path) -> None:
    case = set_rois(loaded_case(tmp_path, (T1,)), T1, phantom_rois())
    assert set_label(case, T1, 0, " l5 ")[T1].rois[0].label == "L5"
    assert set_label(case, T1, 0, None)[T1].rois[0].label is None
    assert set_label(case, T1, 0, float("nan"))[T1].rois[0].label is None  # empty table cell
    with pytest.raises(RoiError, match="label 'S1' is not one of T12, L1"):
        set_label(case, T1, 0, "S1")
    with pytest.raises(RoiError, match="no ROI #9"):
        set_label(case, T1, 8, "L1")


def test_delete_and_suggest(tmp_path: Path) -> None:
    case = set_rois(loaded_case(tmp_path, (T1,)), T1, [relabel(r, None) for r in phantom_rois()])
    labelled = apply_suggestions(case, T1)
    assert labelled[T1].labels == ("L1", "L2", "L3", "L4", "CSF")
    assert delete_rois(labelled, T1, [1, 3])[T1].labels == ("L1", "L3", "CSF")


def test_sync_canvas_suggests_labels_for_new_rois_only(tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    assert case[T1].labels == ("L1", "L2", "L3", "L4", "CSF")
    relabelled = set_label(case, T1, 0, None)  # the user cleared L1 on purpose
    extra = RectRoi(90, 206, 40, 18)  # drawn inside L5
    synced = sync_canvas(relabelled, T1, [relabel(r, None) for r in case[T1].rois] + [extra])
    assert synced[T1].labels == (None, "L2", "L3", "L4", "CSF", "L5")
    assert sync_canvas(synced, T1, [relabel(r, None) for r in synced[T1].rois]) is synced


def test_copy_rois_keeps_physical_geometry(tmp_path: Path) -> None:
    case = loaded_case(tmp_path, (T1,))
    # T2 at 512 x 512 with half the spacing: the same 280 mm field of view.
    t2 = phantom_series(tmp_path, T2, rows=512, cols=512, pixel_spacing=(0.546875, 0.546875))
    case = set_rois(load_series(case, T2, t2).case, T1, phantom_rois())
    update = copy_rois(case, T1)
    assert update.warnings == ("STIR has no images yet: nothing copied there.",)
    copied = update.case[T2]
    assert copied.labels == case[T1].labels
    for roi in copied.rois:  # each copied ROI still lies inside its region on T2
        stats = measure_roi(copied.slice, roi)  # type: ignore[arg-type]
        assert stats.mean == PHANTOM_VALUES[T2][roi.label or ""]
        assert stats.sd == 0.0


def test_copy_warns_when_fields_of_view_differ(tmp_path: Path) -> None:
    case = loaded_case(tmp_path, (T1,))
    t2 = phantom_series(tmp_path, T2, pixel_spacing=(1.5, 1.5))
    case = set_rois(load_series(case, T2, t2).case, T1, phantom_rois())
    update = copy_rois(case, T1, [T2])
    assert any("fields of view differ" in w for w in update.warnings)
    with pytest.raises(RoiError, match="T2 has no ROIs to copy"):
        copy_rois(new_case(), T2)


def test_move_series_swaps_images_and_rois(tmp_path: Path) -> None:
    case = set_rois(loaded_case(tmp_path, (T1, T2)), T1, phantom_rois())
    moved = move_series(case, T1, T2)
    assert moved[T2].series is case[T1].series and moved[T2].rois == case[T1].rois
    assert moved[T1].series is case[T2].series and moved[T1].rois == ()
    assert moved[T2].sequence is T2
    gone = remove_series(moved, T2)
    assert not gone[T2].loaded and gone[T2].rois == ()


def test_set_options_checks_values() -> None:
    case = set_options(
        new_case(),
        fractured=["l2", "T12"],
        csf_level="L4",
        method="MEDIAN",
        pretest_probability=0.3,
    )
    assert case.fractured == {Level.L2, Level.T12} and case.csf_level is Level.L4
    assert case.method is Aggregate.MEDIAN and case.pretest_probability == 0.3
    assert set_options(case, pretest_probability=None).pretest_probability is None
    assert set_options(case, csf_level="L2").pretest_probability == 0.3  # others kept
    with pytest.raises(VbqInputError, match="use L2, L3 or L4"):
        set_options(case, csf_level="L5")
    with pytest.raises(VbqInputError, match="between 0 and 1"):
        set_options(case, pretest_probability=1.5)
    with pytest.raises(VbqInputError, match="Fractured levels must be"):
        set_options(case, fractured=["S1"])
    with pytest.raises(VbqInputError, match="use 'mean' or 'median'"):
        set_options(case, method="mode")


def _drag(x: float, y: float, w: float, h: float, scale: tuple[float, float]) -> dict[str, object]:
    """The rect the canvas's rect tool sends for a drag over the image-pixel box (x, y, w, h)
    shown at ``scale``: left/top at the outer stroke corner, width/height between the stroke
    centres (vbqcore.roi.canvas docstring; strokeWidth 2, strokeUniform)."""
    sx, sy = scale
    return {
        "type": "Rect",
        "left": x * sx - 1,
        "top": y * sy - 1,
        "width": w * sx,
        "height": h * sy,
        "originX": "left",
        "originY": "top",
        "strokeWidth": 2,
        "strokeUniform": True,
        "scaleX": 1,
        "scaleY": 1,
        "angle": 0,
    }


@settings(max_examples=60, deadline=None)
@example(longest=600, x=0.0, y=1.5, w=3.0, h=4.0)  # read back as y = 1.5000000000000004
@given(
    longest=st.sampled_from([400, 464, 512, 560, 600]),
    x=st.floats(0, 400),
    y=st.floats(0, 400),
    w=st.floats(3, 100),
    h=st.floats(3, 100),
)
def test_a_512_slice_measures_the_same_pixels_at_any_display_size(
    longest: int, x: float, y: float, w: float, h: float
) -> None:
    """The case page shows a slice at ``display_size`` and maps the canvas back per axis: the
    ROI measured is the one drawn, to the pixel, whatever the display size."""
    shape = (512, 512)
    size = display_size(shape, longest=longest)
    scale = (size[0] / shape[1], size[1] / shape[0])
    drawn = rois_from_canvas(
        {"objects": [_drag(x, y, w, h, scale)]}, display_scale=scale, image_shape=shape
    )[0]
    direct = RectRoi(x, y, w, h)
    assert isinstance(drawn, RectRoi)
    np.testing.assert_allclose(
        [drawn.x, drawn.y, drawn.width, drawn.height], [x, y, w, h], atol=1e-9
    )
    assert np.array_equal(roi_mask(drawn, shape), roi_mask(direct, shape))


@pytest.mark.parametrize(
    ("shape", "longest", "size"),
    [
        ((512, 512), 464, (464, 464)),
        ((320, 256), 464, (371, 464)),
        ((64, 64), 464, (464, 464)),
        ((256, 1024), 464, (464, 116)),
    ],
)
def test_display_size_keeps_proportions(
    shape: tuple[int, int], longest: int, size: tuple[int, int]
) -> None:
    assert display_size(shape, longest=longest) == size
