"""Screenshots: grey kept as is, colour to BT.601 luminance, bad and huge images refused."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from tests.phantoms import PHANTOM_VALUES, SCREENSHOT_VALUES, phantom_png, phantom_regions
from vbqcore.anatomy import Sequence
from vbqcore.errors import FileReadError, ImageReadError
from vbqcore.imaging.reading import read_slice
from vbqcore.imaging.screenshots import DISPLAY_VALUES_NOTE, luminance
from vbqcore.imaging.slices import SliceSource


def encode(image: Image.Image, image_format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("mode", ["L", "LA", "P", "RGB", "RGBA"])
def test_grey_8bit_screenshot_values_are_kept(mode: str) -> None:
    slice_ = read_slice(phantom_png(mode=mode), name=f"shot-{mode}.png")
    assert slice_.source is SliceSource.SCREENSHOT
    assert slice_.pixel_spacing_mm is None
    assert slice_.protocol.sequence_guess is Sequence.UNKNOWN
    assert DISPLAY_VALUES_NOTE in slice_.notes
    assert not any("Colour" in note for note in slice_.notes)  # R = G = B: no colour note
    for label in ("L1", "L3", "CSF"):
        region = phantom_regions()[label]
        assert slice_.pixels[region.index].mean() == SCREENSHOT_VALUES[Sequence.T1][label]


def test_16bit_png_keeps_values_above_255() -> None:
    slice_ = read_slice(phantom_png(mode="I;16", sequence=Sequence.STIR), name="shot16.png")
    csf = phantom_regions(Sequence.STIR)["CSF"]
    assert slice_.pixels[csf.index].mean() == PHANTOM_VALUES[Sequence.STIR]["CSF"] * 100  # 36250


def test_rgb_luminance_by_hand() -> None:
    rgb = np.array(
        [
            [[200, 100, 50], [255, 0, 0]],
            [[0, 255, 0], [0, 0, 255]],
            [[37, 37, 37], [255, 255, 255]],
        ],
        dtype=np.uint8,
    )
    # By hand, 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601):
    # 59.8 + 58.7 + 5.7 = 124.2; 0.299 x 255 = 76.245; 0.587 x 255 = 149.685;
    # 0.114 x 255 = 29.07; grey 37 -> 37; white -> 255.
    expected = np.array([[124.2, 76.245], [149.685, 29.07], [37.0, 255.0]])
    slice_ = read_slice(encode(Image.fromarray(rgb)), name="colour.png")
    np.testing.assert_allclose(slice_.pixels, expected, rtol=0, atol=1e-9)
    assert slice_.pixels[2, 0] == 37.0  # grey stays exactly grey
    assert any("ITU-R BT.601" in note for note in slice_.notes)
    # Cross-check with PIL's own "L" conversion (same weights, rounded to integers).
    pil_grey = np.asarray(Image.fromarray(rgb).convert("L"), dtype=np.float64)
    assert np.abs(slice_.pixels - pil_grey).max() <= 0.5 + 1e-9


def test_rgba_alpha_is_ignored() -> None:
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)
    rgba[..., :3] = (200, 100, 50)
    rgba[..., 3] = [[0, 128], [255, 10]]
    slice_ = read_slice(encode(Image.fromarray(rgba, mode="RGBA")), name="alpha.png")
    np.testing.assert_allclose(slice_.pixels, 124.2, rtol=0, atol=1e-9)


def test_colour_palette_png() -> None:
    image = Image.new("P", (2, 1))
    image.putpalette([200, 100, 50, 10, 20, 30] + [0] * (256 * 3 - 6))
    image.putpixel((0, 0), 0)
    image.putpixel((1, 0), 1)
    slice_ = read_slice(encode(image), name="palette.png")
    # 124.2 as above; (10, 20, 30): 2.99 + 11.74 + 3.42 = 18.15.
    np.testing.assert_allclose(slice_.pixels, [[124.2, 18.15]], rtol=0, atol=1e-9)


def test_bilevel_and_float_tiff() -> None:
    bits = Image.fromarray(np.array([[0, 255]], dtype=np.uint8)).convert("1")
    assert read_slice(encode(bits), name="bits.png").pixels.tolist() == [[0.0, 255.0]]
    floats = np.array([[0.25, 1.5], [-2.0, 1000.125]], dtype=np.float32)
    slice_ = read_slice(encode(Image.fromarray(floats, mode="F"), "TIFF"), name="float.tif")
    np.testing.assert_array_equal(slice_.pixels, floats.astype(np.float64))


def test_16bit_tiff_and_multipage_note() -> None:
    pages = [Image.fromarray(np.full((4, 4), v, dtype=np.uint16)) for v in (1000, 2000)]
    data = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:])
    slice_ = read_slice(data, name="stack.tif")
    assert slice_.pixels.mean() == 1000.0
    assert any("2 pages; the first one is used" in note for note in slice_.notes)


def test_jpeg_screenshot_is_close_inside_regions() -> None:
    data = phantom_png(mode="L", image_format="JPEG")
    slice_ = read_slice(data, name="shot.jpg")
    region = phantom_regions()["L3"]
    inner = slice_.pixels[region.row0 + 6 : region.row1 - 6, region.col0 + 6 : region.col1 - 6]
    assert abs(inner.mean() - SCREENSHOT_VALUES[Sequence.T1]["L3"]) < 2  # lossy, away from edges


def test_exif_orientation_is_applied() -> None:
    image = Image.fromarray(np.zeros((2, 6), dtype=np.uint8))  # 2 rows x 6 columns as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    slice_ = read_slice(encode(image, "JPEG", exif=exif), name="photo.jpg")
    assert slice_.shape == (6, 2)


def test_luminance_refuses_non_rgb() -> None:
    with pytest.raises(ImageReadError, match=r"needs an \(\.\.\., 3\) RGB array"):
        luminance(np.zeros((2, 2, 4)))


# --- bad images -----------------------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width x height; the image data is one empty zlib stream."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (20000, 20000, r"huge\.png declares an image too large to open safely"),  # PIL's guard
        (9000, 100, r"huge\.png is 100 x 9000 pixels, larger than the 8192 pixels per side"),
        (7000, 7000, r"huge\.png is 7000 x 7000 pixels, larger than .*40 megapixels"),
    ],
)
def test_huge_png_is_refused_before_decoding(width: int, height: int, message: str) -> None:
    with pytest.raises(ImageReadError, match=message):
        read_slice(png_header_only(width, height), name="huge.png")


def test_truncated_png() -> None:
    data = phantom_png()
    with pytest.raises(ImageReadError, match=r"cut\.png is damaged or incomplete"):
        read_slice(data[: len(data) // 2], name="cut.png")


def test_png_signature_with_junk() -> None:
    with pytest.raises(ImageReadError, match=r"junk\.png cannot be read as a PNG, JPEG or TIFF"):
        read_slice(b"\x89PNG\r\n\x1a\n" + bytes(200), name="junk.png")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 report", r"report\.x is neither a DICOM file nor .*PDF document"),
        (b"PK\x03\x04 zipped", r"report\.x is neither .*ZIP archive \(unzip it first"),
        (b"GIF89a....", r"report\.x is neither .*GIF image"),
        (b"just some text", r"report\.x is neither .*content is not recognised"),
        (b"", r"report\.x is empty \(0 bytes\)"),
    ],
)
def test_not_an_image_nor_dicom(data: bytes, message: str) -> None:
    with pytest.raises(FileReadError, match=message):
        read_slice(data, name="report.x")
