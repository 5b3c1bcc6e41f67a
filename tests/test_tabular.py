"""read_table: CSV and .xlsx cohort files, and the errors a user sees for bad ones."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vbqcore.errors import CohortError, VbqInputError
from vbqcore.tabular import MAX_TABLE_ROWS, read_table


def test_csv_from_path_and_bytes(tmp_path: Path) -> None:
    text = "id,group,vbq_t2,sex\n1,fracture,0.61,F\n2,control,0.55,M\n"
    path = tmp_path / "cohort.csv"
    path.write_text(text, encoding="utf-8")
    for source in (path, str(path), text.encode()):
        df = read_table(source)
        assert list(df.columns) == ["id", "group", "vbq_t2", "sex"]
        assert df["vbq_t2"].tolist() == [0.61, 0.55]
        assert df["id"].dtype.kind == "i"


def test_excel_utf8_bom_and_whitespace_are_handled() -> None:
    data = "\ufeff group , vbq_t2 \n fracture , 0.61\ncontrol,0.55\n".encode()
    df = read_table(data, name="upload.csv")
    assert list(df.columns) == ["group", "vbq_t2"]
    assert df["group"].tolist() == ["fracture", "control"]
    assert df["vbq_t2"].tolist() == [0.61, 0.55]


def test_semicolon_csv_uses_decimal_comma() -> None:
    df = read_table(b"group;vbq_t2\nfracture;0,601\ncontrol;0,548\n")
    assert df["vbq_t2"].tolist() == [0.601, 0.548]


def test_tab_separated_and_utf16_with_bom() -> None:
    df = read_table("group\tvbq_t2\nfracture\t0.6\n".encode("utf-16"))
    assert df.loc[0, "vbq_t2"] == 0.6


def test_blank_rows_and_trailing_empty_columns_are_dropped() -> None:
    df = read_table(b"group,vbq,\nfracture,0.6,\n,,\ncontrol,0.5,\n")
    assert list(df.columns) == ["group", "vbq"]
    assert len(df) == 2 and list(df.index) == [0, 1]


def test_trailing_delimiters_and_short_rows_are_read() -> None:
    df = read_table(b"a,b\n1,2,\n3\n")
    assert df["a"].tolist() == [1, 3]
    assert df["b"].iloc[0] == 2 and pd.isna(df["b"].iloc[1])


def test_cells_of_spaces_are_blank() -> None:
    df = read_table(b"group,note\na,   \nb,x\n")
    assert pd.isna(df.loc[0, "note"])


def test_xlsx_round_trip_from_path_and_bytes(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"group": ["fracture", "control"], "vbq_t2": [0.61, 0.55], "age": [70, 71]}
    )
    path = tmp_path / "cohort.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="cohort", index=False)
        pd.DataFrame({"other": [1]}).to_excel(writer, sheet_name="notes", index=False)
    for source in (path, path.read_bytes()):
        df = read_table(source)
        pd.testing.assert_frame_equal(df, frame, check_dtype=False)
        assert df["vbq_t2"].dtype == np.float64
    assert list(read_table(path, sheet="notes").columns) == ["other"]
    assert list(read_table(path, sheet=1).columns) == ["other"]


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"group,vbq\n", "header but no data rows"),
        (b"a,b\n1,2,3,4\n", "not a well-formed table: a row has more cells"),
        (b"a,b\n1,2\n3,4,5,6\n", "not a well-formed table"),
        (b"a,a\n1,2\n", "column name 'a' appears twice"),
        (b"a,,b\n1,2,3\n", "column 2 holds values but has no name"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "holds binary data, not text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy Excel"),
        (b"PK\x03\x04not really a zip", "not a readable .xlsx"),
        ("group\nFrakt\u00fcr\n".encode("latin-1"), "not UTF-8 text.*CSV UTF-8"),
    ],
)
def test_bad_tables_raise_cohort_errors(data: bytes, match: str) -> None:
    with pytest.raises(CohortError, match=match):
        read_table(data, name="cohort.csv")


def test_other_encodings_on_request() -> None:
    df = read_table("group\nFrakt\u00fcr\n".encode("latin-1"), encoding="latin-1")
    assert df.loc[0, "group"] == "Frakt\u00fcr"
    with pytest.raises(CohortError, match="unknown text encoding 'klingon'"):
        read_table(b"a\n1\n", encoding="klingon")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CohortError, match=r"nope.csv: no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(CohortError, match="is a folder"):
        read_table(tmp_path)


def test_missing_sheet(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, index=False)
    with pytest.raises(CohortError, match="sheet 'cohort' cannot be read"):
        read_table(path, sheet="cohort")


def test_duplicate_header_in_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    pd.DataFrame([["vbq", "vbq"], [0.6, 0.5]]).to_excel(path, index=False, header=False)
    with pytest.raises(CohortError, match="'vbq' appears twice"):
        read_table(path)


def test_errors_are_input_errors() -> None:
    assert issubclass(CohortError, VbqInputError)


def test_row_and_workbook_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = b"g\n" + b"1\n" * (MAX_TABLE_ROWS + 1)
    with pytest.raises(CohortError, match=f"{MAX_TABLE_ROWS + 1:,} rows; at most"):
        read_table(rows, name="big.csv")
    assert len(read_table(b"g\n" + b"1\n" * MAX_TABLE_ROWS)) == MAX_TABLE_ROWS
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", bytes(2_000_001))
    monkeypatch.setattr("vbqcore.tabular.MAX_XLSX_UNPACKED_BYTES", 2_000_000)  # 500 MB in use
    with pytest.raises(CohortError, match="unpacks to .* save the table as CSV"):
        read_table(buffer.getvalue(), name="bomb.xlsx")
