"""A corpus of hostile or broken inputs, generated (no binary blobs in the repository).

Each item is ``(name, bytes)``; the names themselves carry a patient-like identifier and
markdown, as a careless export from PACS or a malicious colleague would, so tests can check that
neither leaks into output nor renders. Used by tests/commands/test_hostile_cli.py (every CLI
command) and tests/app/test_hostile_uploads.py (every upload path of the app).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

__all__ = [
    "FILE_NAME_ID",
    "MARKDOWN",
    "MARKDOWN_LINK",
    "TABLES",
    "JSONS",
    "IMAGES",
    "markdown_table",
    "deep_json",
]

#: A patient identifier hidden in file names: it must not appear in any JSON output.
FILE_NAME_ID = "DOE_JANE_MRN884422"
#: An image beacon to an outside address and a phishing link, as markdown.
MARKDOWN = "![b](https://evil.example/beacon.png)"
MARKDOWN_LINK = "[Click to re-login](https://evil.example/login)"

_CSV_OK = "group,vbq_t2,T2_L1,T2_L2,T2_L3,T2_L4,T2_CSF\n" + "".join(
    f"{'fracture' if i % 2 else 'control'},{0.5 + i / 100:.2f},{560 + i},570,580,610,1000\n"
    for i in range(12)
)


def deep_json(depth: int = 100_000) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
    )


def markdown_table() -> bytes:
    """A valid cohort whose column names and group values are markdown and formulas."""
    lines = [f'{MARKDOWN_LINK},vbq_t2,=HYPERLINK("https://evil.example")']
    for i in range(40):
        group = MARKDOWN if i % 2 else "control"
        lines.append(f'{group},{0.45 + (i % 7) / 40 + (i % 2) / 10:.3f},"=1+{i}"')
    return ("\n".join(lines) + "\n").encode()


#: Files offered where a table (CSV/.xlsx) is expected.
TABLES: list[tuple[str, bytes]] = [
    (f"{FILE_NAME_ID}_empty.csv", b""),
    (f"{FILE_NAME_ID}_spaces.csv", b"   \n\n  "),
    (f"{FILE_NAME_ID}_binary.csv", bytes(range(256)) * 8),
    (f"{FILE_NAME_ID}_png.csv", _png_header_only(10, 10)),
    (f"{FILE_NAME_ID}_latin1.csv", "group,vbq_t2\nFraktur\u00e9,0.6\n".encode("latin-1")),
    (f"{FILE_NAME_ID}_utf16_nobom.csv", "group,vbq_t2\nfracture,0.6\n".encode("utf-16-le")),
    (f"{FILE_NAME_ID}_corrupt.xlsx", b"PK\x03\x04" + b"\x00" * 600),
    (f"{FILE_NAME_ID}_legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    (f"{FILE_NAME_ID}_header_only.csv", b"group,vbq_t2\n"),
    (f"{FILE_NAME_ID}_ragged.csv", b"group,vbq_t2\nfracture,0.6,9,9\n"),
    (f"{FILE_NAME_ID}_dup.csv", b"group,group\nfracture,control\n"),
    (f"{FILE_NAME_ID}_blank_scores.csv", b"group,vbq_t2\nfracture,\ncontrol,\n" * 3),
    (f"{FILE_NAME_ID}_json.csv", json.dumps({"a": 1}).encode()),
    (f"{FILE_NAME_ID}_zipbomb.xlsx", _zip([("xl/workbook.xml", bytes(40 * 1024 * 1024))])),
]

#: Files offered where JSON (a case file, a score case, an ROI list) is expected.
JSONS: list[tuple[str, bytes]] = [
    (f"{FILE_NAME_ID}_deep_list.json", deep_json()),
    (f"{FILE_NAME_ID}_deep_obj.json", ('{"a":' * 100_000 + "1" + "}" * 100_000).encode()),
    (f"{FILE_NAME_ID}_latin1.json", '{"T2_L1": 560, "model": "Signa\u00e9"}'.encode("latin-1")),
    (f"{FILE_NAME_ID}_binary.json", bytes(range(256))),
    (f"{FILE_NAME_ID}_empty.json", b""),
    (f"{FILE_NAME_ID}_list.json", b"[1, 2, 3]"),
    (f"{FILE_NAME_ID}_truncated.json", b'{"format": "vbq-dashboard-case", "seq'),
    (f"{FILE_NAME_ID}_nan.json", b'{"T2_L1": NaN, "T2_CSF": Infinity}'),
    (
        f"{FILE_NAME_ID}_50k_rois.json",
        json.dumps(
            {
                "format": "vbq-dashboard-case",
                "format_version": 1,
                "sequences": {
                    "T2": {
                        "rois": [{"shape": "rect", "x": 1, "y": 1, "width": 2, "height": 2}]
                        * 50_000
                    }
                },
            }
        ).encode(),
    ),
]

#: Files offered where an image (DICOM, screenshot, .zip of DICOM) is expected.
IMAGES: list[tuple[str, bytes]] = [
    (f"{FILE_NAME_ID}_empty.dcm", b""),
    (f"{FILE_NAME_ID}_text.dcm", b"not an image at all"),
    (f"{FILE_NAME_ID}_preamble_only.dcm", b"\x00" * 128 + b"DICM"),
    (f"{FILE_NAME_ID}_giant.png", _png_header_only(60_000, 60_000)),
    (f"{FILE_NAME_ID}_broken.zip", b"PK\x03\x04garbage"),
    (f"{FILE_NAME_ID}_bomb.zip", _zip([("IM0001.dcm", bytes(64 * 1024 * 1024))])),
    (f"{FILE_NAME_ID}_empty.zip", _zip([("__MACOSX/._x", b"x")])),
    (f"{FILE_NAME_ID}_{MARKDOWN}.png", b"\x89PNG\r\n\x1a\n broken"),
]
