"""Read a cohort table (CSV or Excel .xlsx) into a DataFrame, with errors a user can act on."""

from __future__ import annotations

import csv
import io
import logging
import os
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from vbqcore.errors import CohortError
from vbqcore.text_input import decode_text, sniff_delimiter

__all__ = ["read_table", "MAX_TABLE_BYTES", "MAX_TABLE_ROWS", "MAX_XLSX_UNPACKED_BYTES"]

logger = logging.getLogger(__name__)

#: Largest file read (bytes). A cohort of a few thousand patients is well under 1 MB; the limit
#: keeps an accidental upload of an image archive from filling memory.
MAX_TABLE_BYTES = 50 * 1024 * 1024

#: Most rows (patients) read: the statistics and plots of every page rerun stay bounded.
MAX_TABLE_ROWS = 200_000
#: Most bytes the parts of an .xlsx may unpack to (XML is verbose: ~10x the CSV).
MAX_XLSX_UNPACKED_BYTES = 10 * MAX_TABLE_BYTES

_XLSX_MAGIC = b"PK\x03\x04"  # .xlsx is a zip archive
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other MS Office binaries)


def read_table(
    path_or_bytes: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    sheet: str | int = 0,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read a CSV or Excel (.xlsx) cohort table: one row per patient, a header row of names.

    Parameters
    ----------
    path_or_bytes
        A file path, or the file's bytes (an upload).
    name
        What messages call the table; defaults to the file name (or "uploaded table").
    sheet
        Excel only: sheet name or 0-based position.
    encoding
        CSV only. Default: UTF-8 (a byte-order mark is accepted, as Excel's "CSV UTF-8"
        writes), or UTF-16 when the file starts with a UTF-16 byte-order mark.

    Returns
    -------
    pandas.DataFrame
        Columns named by the header (whitespace trimmed), index 0..n-1; rows and unnamed
        columns that are entirely blank are dropped. The CSV delimiter is detected among
        comma, semicolon and tab; with semicolons the decimal mark is a comma (the convention
        of spreadsheet exports in locales that write 0,601).

    Raises
    ------
    CohortError
        Missing file, empty file, legacy .xls, undecodable text, malformed rows, duplicate or
        blank column names, a header without data rows.
    """
    data, label = _load(path_or_bytes, name)
    if not data.strip():
        raise CohortError(f"{label} is empty: it needs a header row and one row per patient.")
    if data.startswith(_OLE2_MAGIC):
        raise CohortError(
            f"{label} is a legacy Excel (.xls) or other Office binary file, which is not "
            "supported; save it as .xlsx or CSV."
        )
    if data.startswith(_XLSX_MAGIC):
        df = _read_xlsx(data, label, sheet)
    else:
        df = _read_csv(data, label, encoding)
    return _tidy(df, label)


def _load(path_or_bytes: str | os.PathLike[str] | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(path_or_bytes, bytes | bytearray):
        data = bytes(path_or_bytes)
        label = name or "uploaded table"
    else:
        path = Path(path_or_bytes)
        label = name or path.name
        if not path.exists():
            raise CohortError(f"{label}: no such file ({path}); check the path.")
        if path.is_dir():
            raise CohortError(f"{label} is a folder; give the path of a CSV or .xlsx file.")
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise CohortError(
                f"{label} is {size / 1e6:.0f} MB; a cohort table above 50 MB is refused."
            )
        try:
            data = path.read_bytes()
        except OSError as err:
            raise CohortError(f"{label} cannot be read: {err.strerror or err}.") from err
    if len(data) > MAX_TABLE_BYTES:
        raise CohortError(f"{label} is {len(data) / 1e6:.0f} MB; a table above 50 MB is refused.")
    return data, label


def _read_csv(data: bytes, label: str, encoding: str | None) -> pd.DataFrame:
    text = decode_text(data, label, encoding, error=CohortError)
    sep = sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text), delimiter=sep), [])
    _check_header([h.strip() for h in header], label)
    try:
        with warnings.catch_warnings():
            # index_col=False: a row longer than the header must not silently become an index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                io.StringIO(text),
                sep=sep,
                decimal="," if sep == ";" else ".",
                skipinitialspace=True,
                index_col=False,
            )
    except pd.errors.ParserWarning as err:
        raise CohortError(
            f"{label} is not a well-formed table: a row has more cells than the header ({err})."
        ) from err
    except pd.errors.EmptyDataError as err:
        raise CohortError(f"{label} holds no table (no header row).") from err
    except pd.errors.ParserError as err:
        raise CohortError(
            f"{label} is not a well-formed table ({err}); every row needs as many "
            "cells as the header."
        ) from err


def _check_workbook_size(data: bytes, label: str) -> None:
    """Refuse a workbook whose parts unpack past ``MAX_XLSX_UNPACKED_BYTES`` (a zip bomb dressed
    as .xlsx), from the zip directory, before openpyxl decompresses anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(m.file_size for m in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise CohortError(f"{label} is not a readable .xlsx workbook ({err}).") from err
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise CohortError(
            f"{label} unpacks to {unpacked / 1e6:.0f} MB, more than a cohort workbook needs "
            f"(limit {MAX_XLSX_UNPACKED_BYTES / 1e6:.0f} MB); save the table as CSV."
        )


def _read_xlsx(data: bytes, label: str, sheet: str | int) -> pd.DataFrame:
    _check_workbook_size(data, label)
    try:
        raw = pd.read_excel(io.BytesIO(data), sheet_name=sheet, header=None, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, OSError) as err:
        raise CohortError(f"{label} is not a readable .xlsx workbook ({err}).") from err
    except (ValueError, IndexError) as err:
        raise CohortError(f"{label}: sheet {sheet!r} cannot be read ({err}).") from err
    raw = raw.dropna(how="all")
    if raw.empty:
        raise CohortError(f"{label} (sheet {sheet!r}) is empty.")
    header = ["" if pd.isna(v) else str(v).strip() for v in raw.iloc[0]]
    _check_header(header, label)
    body = raw.iloc[1:].reset_index(drop=True)
    body.columns = pd.Index(header)
    return body.infer_objects()


def _check_header(header: list[str], label: str) -> None:
    if not header:
        raise CohortError(f"{label} holds no table (no header row).")
    seen: dict[str, int] = {}
    for position, col in enumerate(header, start=1):
        if col and col in seen:
            raise CohortError(
                f"{label}: column name {col!r} appears twice (columns {seen[col]} and "
                f"{position}); rename one."
            )
        seen[col] = position


def _strip_cell(value: object) -> object:
    """Trim text cells; a cell of spaces only is blank (NaN), like an empty one."""
    if isinstance(value, str):
        value = value.strip()
        return value if value else float("nan")
    return value


def _tidy(df: pd.DataFrame, label: str) -> pd.DataFrame:
    df.columns = pd.Index([str(c).strip() for c in df.columns])
    df = df.dropna(how="all").reset_index(drop=True)
    unnamed = [c for c in df.columns if c == "" or c.startswith("Unnamed: ")]
    for col in unnamed:
        if df[col].isna().all():
            df = df.drop(columns=col)
        else:
            raise CohortError(
                f"{label}: column {list(df.columns).index(col) + 1} holds values but has no "
                "name in the header row; give it one."
            )
    if df.shape[1] == 0:
        raise CohortError(f"{label} has no columns.")
    if df.shape[0] == 0:
        raise CohortError(f"{label} has a header but no data rows.")
    if df.shape[0] > MAX_TABLE_ROWS:
        raise CohortError(
            f"{label} has {df.shape[0]:,} rows; at most {MAX_TABLE_ROWS:,} patients are "
            "analysed (each page rerun works on every row). Filter the table first."
        )
    for col in df.columns:
        if pd.api.types.is_object_dtype(df[col].dtype) or pd.api.types.is_string_dtype(
            df[col].dtype
        ):
            df[col] = df[col].map(_strip_cell)
    logger.debug("read a table of %d rows x %d columns", df.shape[0], df.shape[1])
    return df
