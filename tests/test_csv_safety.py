"""vbqcore.csv_safety: the OWASP CSV-injection rule on every CSV export."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from vbqcore.csv_safety import neutralise_cell, neutralise_frame, safe_csv


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # OWASP "CSV Injection": prefix = + - @ tab CR with a single quote.
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # Left alone: ordinary text, numbers written as text, real numbers, missing values.
        ("fracture", "fracture"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("-0,601", "-0,601"),
        (-2.0, -2.0),
        (None, None),
    ],
)
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


def test_frame_and_csv_round_trip() -> None:
    frame = pd.DataFrame(
        {"=name": ["=1+1", "ok", None], "si": [-1.5, 2.0, 3.0], "group": ["@x", "a", "b"]}
    )
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=name", "si", "group"]
    assert safe["'=name"].tolist()[:2] == ["'=1+1", "ok"]
    assert safe["si"].tolist() == [-1.5, 2.0, 3.0]  # numbers untouched
    assert frame.loc[0, "=name"] == "=1+1"  # the input is not modified
    back = pd.read_csv(io.StringIO(safe_csv(frame)))
    assert back["group"].tolist() == ["'@x", "a", "b"]
    assert back["si"].tolist() == [-1.5, 2.0, 3.0]
    raw = pd.read_csv(io.StringIO(safe_csv(frame, raw=True)))
    assert raw["group"].tolist() == ["@x", "a", "b"]
