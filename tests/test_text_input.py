"""vbqcore.text_input: one reading of encodings, delimiters and JSON, with bounded work."""

from __future__ import annotations

import json

import pytest

from vbqcore.errors import ScoreError, VbqInputError
from vbqcore.text_input import (
    MAX_JSON_DEPTH,
    decode_text,
    json_depth,
    json_text_depth,
    read_json,
    sniff_delimiter,
)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"a,b\n1,2\n", "a,b\n1,2\n"),
        (b"\xef\xbb\xbfa,b\n", "a,b\n"),  # Excel's "CSV UTF-8" writes a BOM
        ("a;b\n1,5;2\n".encode("utf-16"), "a;b\n1,5;2\n"),  # BOM + UTF-16 (LE or BE)
        ("grün\n".encode(), "grün\n"),
    ],
)
def test_decodes_utf8_and_utf16(data: bytes, text: str) -> None:
    assert decode_text(data, "t.csv") == text


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ("Frakt\u00fcr\n".encode("latin-1"), r"not UTF-8 text \(byte 0xfc at offset 5\)"),
        ("group\n".encode("utf-16-le"), "binary data"),  # UTF-16 without a BOM: NUL bytes
        (bytes(range(256)), "binary data"),
    ],
)
def test_refuses_what_it_cannot_read(data: bytes, match: str) -> None:
    with pytest.raises(ScoreError, match=match):
        decode_text(data, "t.csv", error=ScoreError)


def test_forced_encoding_and_unknown_encoding() -> None:
    assert decode_text("Frakt\u00fcr".encode("latin-1"), "t", "latin-1") == "Frakt\u00fcr"
    with pytest.raises(VbqInputError, match="unknown text encoding 'klingon'"):
        decode_text(b"x", "t", "klingon")


@pytest.mark.parametrize(
    ("text", "sep"),
    [("a,b\n1,2\n", ","), ("a;b\n1,5;2,5\n", ";"), ("a\tb\n1\t2\n", "\t"), ("a\n1\n", ",")],
)
def test_sniff_delimiter(text: str, sep: str) -> None:
    assert sniff_delimiter(text) == sep


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ([], 1), ([1], 1), ({"a": [1, {"b": 2}]}, 3), ([[[[]]]], 4)],
)
def test_json_depth_counts_containers(value: object, depth: int) -> None:
    assert json_depth(value) == depth


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deep_json_is_refused_not_a_recursion_error(opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    for n in (MAX_JSON_DEPTH + 1, 100_000):  # past our limit; past Python's recursion limit
        text = opener * n + ("1" if opener != "[" else "") + closer * n
        with pytest.raises(VbqInputError, match=f"nested more than {MAX_JSON_DEPTH} levels"):
            read_json(text.encode(), "deep.json")
    ok = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert json_depth(read_json(ok, "ok.json")) == MAX_JSON_DEPTH


def test_read_json_size_encoding_and_syntax() -> None:
    assert read_json(json.dumps({"a": 1}).encode("utf-16"), "u16.json") == {"a": 1}
    assert read_json(b"\xef\xbb\xbf[1]", "bom.json") == [1]
    with pytest.raises(VbqInputError, match=r"line 2, column 1"):
        read_json(b"[1,\n]", "bad.json")
    with pytest.raises(VbqInputError, match="refused"):
        read_json(b"[" + b" " * 100 + b"]", "big.json", max_bytes=50)


TRICKY = {"s": '[[[{{{ not structure " ]'}  # brackets and a quote inside a string


@pytest.mark.parametrize(
    "value", [1, [], [1], {"a": [1, {"b": 2}]}, [[[[]]]], TRICKY, ["]]]", [["{"]]]]
)
def test_text_depth_matches_the_parsed_depth(value: object) -> None:
    assert json_text_depth(json.dumps(value)) == json_depth(value)
