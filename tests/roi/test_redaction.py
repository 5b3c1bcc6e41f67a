"""Burned-in identifiers: flagged images, and exports blanked outside / cropped to the ROIs."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image, ImageDraw

from tests.case_helpers import phantom_rois
from tests.phantoms import phantom_png, write_phantom_series
from vbqcore.imaging.reading import read_slice
from vbqcore.roi.annotate import annotated_png, display_size
from vbqcore.roi.redaction import (
    PixelCheck,
    PixelExport,
    pixel_check,
    pixel_statement,
    redact_view,
    roi_region,
)
from vbqcore.roi.shapes import RectRoi

BURNED = "DOE^JANE MRN884422 12/03/1947"


def _screenshot_with_text() -> bytes:
    """The phantom screenshot with a viewer's identity overlay burned into the top-left."""
    image = Image.open(io.BytesIO(phantom_png())).convert("L")
    ImageDraw.Draw(image).text((2, 2), BURNED, fill=255)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _dicom(tmp_path: Path, **tags: str) -> Path:
    (path,) = write_phantom_series(tmp_path, n_slices=1, rows=64, cols=64)
    ds = pydicom.dcmread(path)
    for keyword, value in tags.items():
        setattr(ds, keyword, value)
    ds.save_as(path)
    return path


def test_checks_flag_screenshots_and_declared_burned_in_text(tmp_path: Path) -> None:
    assert pixel_check(read_slice(("s.png", phantom_png()))).flagged
    assert pixel_check(read_slice(_dicom(tmp_path / "a", BurnedInAnnotation="YES"))).flagged
    sc = _dicom(tmp_path / "b", SOPClassUID="1.2.840.10008.5.1.4.1.1.7")  # Secondary Capture
    assert pixel_check(read_slice(sc)).flagged
    no = pixel_check(read_slice(_dicom(tmp_path / "c", BurnedInAnnotation="NO")))
    assert no == PixelCheck(False, "the DICOM header says there is no burned-in text")
    silent = pixel_check(read_slice(_dicom(tmp_path / "d")))
    assert silent == PixelCheck(False, None)


def test_region_is_the_rois_bounding_box_plus_margin() -> None:
    rois = [RectRoi(20, 30, 10, 5), RectRoi(40, 60, 5, 10)]  # x 20..45, y 30..70
    # margin 0.1 x min(100, 80) = 8 px: rows 22..78, columns 12..53 (half-open ends)
    assert roi_region(rois, (100, 80), margin=0.1) == (22, 78, 12, 53)
    assert roi_region([RectRoi(0, 0, 5, 5)], (10, 10), margin=0.5) == (0, 10, 0, 10)  # clipped
    assert roi_region([], (10, 10)) is None


@pytest.mark.parametrize("mode", list(PixelExport))
def test_redact_view(mode: PixelExport) -> None:
    preview = np.full((100, 80), 200, dtype=np.uint8)
    rois = [RectRoi(20, 30, 10, 5, label="L1")]
    out, moved = redact_view(preview, rois, mode, margin=0.1)  # region rows 22..43, cols 12..38
    if mode is PixelExport.AS_IS:
        assert out is preview and moved == rois
    elif mode is PixelExport.BLANK_OUTSIDE_ROIS:
        assert out.shape == preview.shape and moved == rois
        assert out[22:43, 12:38].min() == 200 and out.sum() == 200 * 21 * 26
    else:
        assert out.shape == (21, 26) and out.min() == 200
        (roi,) = moved
        assert isinstance(roi, RectRoi) and (roi.x, roi.y, roi.label) == (8, 8, "L1")
    empty, _ = redact_view(preview, [], mode)
    assert mode is PixelExport.AS_IS or not empty.any()  # no ROI: nothing shown


def test_burned_in_name_is_gone_from_blanked_and_cropped_exports() -> None:
    shot = read_slice(("shot.png", _screenshot_with_text()))
    rois = phantom_rois()
    corner = (slice(0, 12), slice(0, 60))  # where the overlay text was drawn, in image pixels

    def exported(mode: PixelExport) -> np.ndarray:
        png = annotated_png(shot, rois, pixels=mode, longest=256)
        return np.asarray(Image.open(io.BytesIO(png)).convert("L"))

    as_is = exported(PixelExport.AS_IS)
    assert (as_is[corner] == 255).sum() > 20  # the test can fail: the text is there
    blanked = exported(PixelExport.BLANK_OUTSIDE_ROIS)
    assert blanked.shape == as_is.shape and (blanked[corner] == 0).all()
    cropped = exported(PixelExport.CROP_TO_ROIS)
    region = roi_region(rois, shot.shape)
    assert region is not None and region[0] > 12  # the crop starts below the overlay
    width, height = display_size((region[1] - region[0], region[3] - region[2]), longest=256)
    assert cropped.shape == (height, width)  # the region only, scaled like any export


def test_statement_never_claims_unchecked_pixels_are_clean() -> None:
    flagged = [PixelCheck(True, "a screenshot")]
    as_is = pixel_statement(flagged, PixelExport.AS_IS)
    assert "not checked for burned-in text" in as_is and "may show identifiers" in as_is
    assert "de-identified" not in as_is.lower()
    assert "blanked" in pixel_statement(flagged, PixelExport.BLANK_OUTSIDE_ROIS)
    assert "cropped" in pixel_statement([], "crop-to-rois")
