"""Annotated slice images (vbqcore.roi.annotate): ROI outlines, labels, clean PNGs."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from vbqcore.imaging.reading import slice_from_array
from vbqcore.roi.annotate import LABEL_COLOURS, annotated_png, display_size, render_view
from vbqcore.roi.shapes import EllipseRoi, RectRoi

GREY = np.full((64, 64), 100, dtype=np.uint8)


def test_rect_outline_is_drawn_on_its_edges_at_display_scale() -> None:
    roi = RectRoi(8, 16, 24, 8, label="L1")  # image px; shown 4x at 256 x 256
    image = np.asarray(render_view(GREY, [roi], size=(256, 256), labels=False))
    yellow = np.array(LABEL_COLOURS["body"])
    # Left edge at x = 8 * 4 = 32, top edge at y = 16 * 4 = 64 (display pixels).
    assert (image[80, 32] == yellow).all() and (image[64, 60] == yellow).all()
    assert (image[80, 60] == 100).all()  # inside: untouched grey
    assert (image[10, 10] == 100).all()  # far outside: untouched grey


def test_labels_use_their_colours_and_unlabelled_rois_show_their_number() -> None:
    rois = [EllipseRoi(10, 30, 20, 10, label="CSF"), RectRoi(40, 30, 10, 10)]
    image = np.asarray(render_view(GREY, rois, size=(256, 256), outlines=False))
    px = image.reshape(-1, 3).astype(int)

    def near(colour: tuple[int, int, int]) -> int:  # text is anti-aliased: count close pixels
        return int((np.abs(px - np.array(colour)).max(axis=1) < 40).sum())

    assert near(LABEL_COLOURS["CSF"]) > 2  # the "CSF" text
    assert near(LABEL_COLOURS[None]) > 2  # the "#2" of the unlabelled ROI
    assert near(LABEL_COLOURS["body"]) == 0  # no body label here
    plain = np.asarray(render_view(GREY, [], size=(256, 256)))
    assert (plain == 100).all()


def test_annotated_png_is_a_plain_png_of_the_display_size() -> None:
    pixels = np.arange(128 * 96, dtype=float).reshape(128, 96)
    slice_ = slice_from_array(pixels, name="Doe^John.dcm")
    data = annotated_png(slice_, [RectRoi(10, 10, 20, 20, label="L2")], longest=512)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (384, 512)
    assert not image.info.get("text") and "Doe" not in data.decode("latin-1")


@pytest.mark.parametrize(("shape", "size"), [((256, 256), (512, 512)), ((100, 50), (256, 512))])
def test_display_size(shape: tuple[int, int], size: tuple[int, int]) -> None:
    assert display_size(shape, longest=512) == size
