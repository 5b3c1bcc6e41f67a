"""Reading two observers' (or two sessions') SI measurements into one table of reading pairs."""

from __future__ import annotations

import logging
from collections.abc import Sequence as Seq
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.columns import numeric_column, require_columns, row_numbers, value_label
from vbqcore.errors import CohortError, ScoreError
from vbqcore.measurements import si_column

__all__ = [
    "FILE_COLUMN",
    "Layout",
    "ObserverColumns",
    "PairedMeasurements",
    "guess_columns",
    "read_observer_table",
    "stack_observer_files",
]

logger = logging.getLogger(__name__)

#: Column that :func:`stack_observer_files` adds: which file (observer) a row came from.
FILE_COLUMN = "file"


class Layout(StrEnum):
    """How a measurement table is laid out.

    ``paired``: one row per patient, sequence and structure, the two readings in two columns.
    ``long``: one row per patient, sequence, structure and reader, one value column.
    ``si_columns``: one row per patient and reader, one column per SI (``T1_L1`` … ``STIR_CSF``,
    the layout of ``python -m vbqcore score`` tables).
    """

    PAIRED = "paired"
    LONG = "long"
    SI_COLUMNS = "si_columns"


@dataclass(frozen=True)
class ObserverColumns:
    """Which column holds what. ``reader_a``/``reader_b`` pick two reader values (long and
    si_columns layouts); when omitted, the reader column must hold exactly two values."""

    layout: Layout
    patient: str | None = None
    sequence: str | None = None
    structure: str | None = None
    a: str | None = None
    b: str | None = None
    reader: str | None = None
    value: str | None = None
    reader_a: str | None = None
    reader_b: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.value if isinstance(v, Layout) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True, eq=False)
class PairedMeasurements:
    """One row per patient, sequence and structure: columns ``patient`` (text, may be blank),
    ``sequence`` (T1/T2/STIR/unknown), ``structure`` (T12…L5 or CSF), ``a`` and ``b`` (SI; NaN
    when that reading is missing) and ``row`` (spreadsheet row of the first source row)."""

    frame: pd.DataFrame
    label_a: str
    label_b: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "label_a": self.label_a,
            "label_b": self.label_b,
            "source": self.source,
            "n_rows": len(self.frame),
        }


_NAMES = {
    "patient": ("patient", "patient_id", "patientid", "id", "subject", "case", "pid"),
    "sequence": ("sequence", "seq", "series", "weighting", "contrast"),
    "structure": ("structure", "level", "site", "roi", "vertebra", "label"),
    "reader": ("reader", "observer", "rater", "session", "measurer", FILE_COLUMN),
    "value": ("si", "value", "signal", "signal_intensity", "measurement", "mean", "roi_mean"),
}
_PAIR_NAMES = (
    ("observer_a", "observer_b"), ("observer1", "observer2"), ("observer_1", "observer_2"),
    ("obs1", "obs2"), ("reader_a", "reader_b"), ("reader1", "reader2"), ("rater1", "rater2"),
    ("session1", "session2"), ("session_1", "session_2"), ("first", "second"), ("a", "b"),
)  # fmt: skip
_SEQUENCE_WORDS = {
    "t1": Sequence.T1, "t1w": Sequence.T1, "t1wi": Sequence.T1, "t1-weighted": Sequence.T1,
    "t2": Sequence.T2, "t2w": Sequence.T2, "t2wi": Sequence.T2, "t2-weighted": Sequence.T2,
    "stir": Sequence.STIR, "stir-weighted": Sequence.STIR,
}  # fmt: skip


def guess_columns(df: pd.DataFrame) -> ObserverColumns:
    """Guess the layout and columns from the header (case-insensitive common names)."""
    folded = {str(c).strip().casefold(): str(c) for c in df.columns}

    def find(role: str) -> str | None:
        return next((folded[n] for n in _NAMES[role] if n in folded), None)

    patient, reader = find("patient"), find("reader")
    has_si = any(_si_key(c) is not None for c in df.columns)
    if has_si:
        return ObserverColumns(Layout.SI_COLUMNS, patient=patient, reader=reader)
    for a, b in _PAIR_NAMES:
        if a in folded and b in folded:
            return ObserverColumns(
                Layout.PAIRED,
                patient=patient,
                sequence=find("sequence"),
                structure=find("structure"),
                a=folded[a],
                b=folded[b],
            )
    layout = Layout.LONG if reader is not None else Layout.PAIRED
    return ObserverColumns(
        layout,
        patient=patient,
        sequence=find("sequence"),
        structure=find("structure"),
        reader=reader,
        value=find("value"),
    )


def stack_observer_files(tables: Seq[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """Stack one table per observer (same columns) with a ``file`` column naming the source."""
    if len(tables) != 2:
        raise CohortError(f"Give exactly two files, one per observer; got {len(tables)}.")
    (name_a, a), (name_b, b) = tables
    if name_a == name_b:
        name_b = f"{name_b} (2)"
    for name, df in tables:
        if FILE_COLUMN in df.columns:
            raise CohortError(f"{name} already has a {FILE_COLUMN!r} column; rename it.")
    if list(a.columns) != list(b.columns):
        only_a = sorted(set(map(str, a.columns)) - set(map(str, b.columns)))
        only_b = sorted(set(map(str, b.columns)) - set(map(str, a.columns)))
        raise CohortError(
            f"The two files must have the same columns: only in {name_a}: {only_a or 'none'}; "
            f"only in {name_b}: {only_b or 'none'}."
        )
    return pd.concat(
        [a.assign(**{FILE_COLUMN: name_a}), b.assign(**{FILE_COLUMN: name_b})], ignore_index=True
    )


def read_observer_table(
    df: pd.DataFrame, columns: ObserverColumns, *, source: str = "Measurement table"
) -> PairedMeasurements:
    """Check a measurement table and pair the two readings of each patient, sequence, structure.

    Parameters
    ----------
    df : pandas.DataFrame
        As read by :func:`vbqcore.tabular.read_table` (index 0..n-1, so messages name the
        spreadsheet rows).
    columns : ObserverColumns
        The layout and the column of each role. ``sequence`` may be None when the table holds
        one sequence (it is then "unknown"); ``patient`` is required except in the paired layout.
    source : str
        What messages call the table (the file name).

    Raises
    ------
    CohortError
        A missing column (named, with the columns available); a sequence or structure value that
        is not T1/T2/STIR or T12–L5/CSF, a negative SI or a patient measured twice (rows named);
        a reader column without exactly two readers, or chosen readers that are not in it.
    StatsInputError
        Text in an SI column (rows named).
    """
    if columns.layout is Layout.PAIRED:
        frame, labels = _paired(df, columns, source)
    elif columns.layout is Layout.LONG:
        frame, labels = _long(df, columns, source)
    else:
        frame, labels = _si_columns(df, columns, source)
    logger.info("Observer table: %d reading pair(s).", len(frame))
    return PairedMeasurements(frame.reset_index(drop=True), labels[0], labels[1], source)


def _need(name: str | None, role: str, source: str, df: pd.DataFrame) -> str:
    if not name:
        available = ", ".join(repr(str(c)) for c in df.columns)
        raise CohortError(
            f"{source}: no {role} column was given or recognised by its name; choose one of "
            f"{available}."
        )
    return name


def _paired(
    df: pd.DataFrame, cols: ObserverColumns, source: str
) -> tuple[pd.DataFrame, tuple[str, str]]:
    a = _need(cols.a, "first observer's SI", source, df)
    b = _need(cols.b, "second observer's SI", source, df)
    structure = _need(cols.structure, "structure (level or CSF)", source, df)
    if a == b:
        raise CohortError(f"{source}: the two readings must be two different columns, not {a!r}.")
    wanted = [c for c in (cols.patient, cols.sequence, structure, a, b) if c]
    require_columns(df, wanted, source=source)
    frame = _keys(df, cols.patient, cols.sequence, structure, source).assign(
        a=_si(df, a, source), b=_si(df, b, source), row=np.arange(len(df)) + 2
    )
    keys = ["patient", "sequence", "structure"] if cols.patient else []
    _refuse_duplicates(df, frame, keys, source)
    return frame, (a, b)


def _long(
    df: pd.DataFrame, cols: ObserverColumns, source: str
) -> tuple[pd.DataFrame, tuple[str, str]]:
    patient = _need(cols.patient, "patient", source, df)
    reader = _need(cols.reader, "reader (observer or session)", source, df)
    value = _need(cols.value, "SI value", source, df)
    structure = _need(cols.structure, "structure (level or CSF)", source, df)
    wanted = [c for c in (patient, cols.sequence, structure, reader, value) if c]
    require_columns(df, wanted, source=source)
    keys = _keys(df, patient, cols.sequence, structure, source)
    frame = keys.assign(
        reader=_readers(df, reader), si=_si(df, value, source), row=np.arange(len(df)) + 2
    )
    return _pivot(df, frame, cols, reader, source)


def _si_columns(
    df: pd.DataFrame, cols: ObserverColumns, source: str
) -> tuple[pd.DataFrame, tuple[str, str]]:
    patient = _need(cols.patient, "patient", source, df)
    reader = _need(cols.reader, "reader (observer or session)", source, df)
    require_columns(df, [patient, reader], source=source)
    keyed = [(c, _si_key(c)) for c in df.columns]
    si_cols = [(c, k) for c, k in keyed if k is not None]
    if not si_cols:
        raise CohortError(
            f"{source}: no SI columns such as 'T1_L1', 'T2_CSF' or 'STIR_L3' "
            f"(sequence_site); columns: {', '.join(map(repr, map(str, df.columns)))}."
        )
    ids = df[patient].map(lambda v: "" if pd.isna(v) else value_label(v))
    parts = [
        pd.DataFrame(
            {
                "patient": ids,
                "sequence": seq.value,
                "structure": site,
                "reader": _readers(df, reader),
                "si": _si(df, col, source),
                "row": np.arange(len(df)) + 2,
            }
        )
        for col, (seq, site) in si_cols
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["si"].notna()]
    return _pivot(df, frame, cols, reader, source)


def _pivot(
    df: pd.DataFrame, frame: pd.DataFrame, cols: ObserverColumns, reader: str, source: str
) -> tuple[pd.DataFrame, tuple[str, str]]:
    present = sorted(set(frame["reader"]) - {""})
    if cols.reader_a or cols.reader_b:
        chosen = (str(cols.reader_a or ""), str(cols.reader_b or ""))
        missing = [r for r in chosen if r not in present]
        if missing or chosen[0] == chosen[1]:
            raise CohortError(
                f"{source}: choose two different readers of column {reader!r} "
                f"(values: {', '.join(map(repr, present))}); got {chosen!r}."
            )
    elif len(present) == 2:
        chosen = (present[0], present[1])
    else:
        raise CohortError(
            f"{source}: column {reader!r} must hold exactly two readers (observers or sessions) "
            f"but holds {len(present)}: {', '.join(map(repr, present[:8])) or 'none'}; "
            "choose the two to compare."
        )
    frame = frame[frame["reader"].isin(chosen)]
    keys = ["patient", "sequence", "structure"]
    _refuse_duplicates(df, frame, [*keys, "reader"], source)
    first_row = frame.groupby(keys, sort=False)["row"].min()
    wide = frame.pivot(index=keys, columns="reader", values="si")
    wide = wide.reindex(columns=list(chosen)).rename(columns={chosen[0]: "a", chosen[1]: "b"})
    wide.columns.name = None
    out = wide.join(first_row).reset_index().sort_values("row", kind="stable")
    return out[["patient", "sequence", "structure", "a", "b", "row"]], chosen


def _keys(
    df: pd.DataFrame, patient: str | None, sequence: str | None, structure: str, source: str
) -> pd.DataFrame:
    n = len(df)
    ids = (
        df[patient].map(lambda v: "" if pd.isna(v) else value_label(v))
        if patient
        else pd.Series([""] * n, index=df.index)
    )
    if sequence:
        seqs = _normalise(df, sequence, source, _parse_sequence, "T1, T2 or STIR")
    else:
        seqs = pd.Series([Sequence.UNKNOWN.value] * n, index=df.index)
    sites = _normalise(df, structure, source, _parse_structure, "T12, L1–L5 or CSF")
    return pd.DataFrame({"patient": ids, "sequence": seqs, "structure": sites}, index=df.index)


def _normalise(df: pd.DataFrame, col: str, source: str, parse: Any, expected: str) -> pd.Series:
    parsed = df[col].map(parse)
    bad = parsed.isna().to_numpy()
    if bad.any():
        found = sorted({"(blank)" if pd.isna(v) else value_label(v) for v in df[col][bad]})[:5]
        raise CohortError(
            f"{source}: column {col!r} must hold {expected} but holds "
            f"{', '.join(map(repr, found))} in {row_numbers(df, bad)}."
        )
    return parsed.astype(object)


def _parse_sequence(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    found = _SEQUENCE_WORDS.get(str(value).strip().casefold().replace(" ", ""))
    return None if found is None else found.value


def _parse_structure(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    key = str(value).strip().upper()
    if key == CSF:
        return CSF
    return key if key in Level.__members__ else None


def _readers(df: pd.DataFrame, col: str) -> pd.Series:
    return df[col].map(lambda v: "" if pd.isna(v) else value_label(v))


def _si(df: pd.DataFrame, col: str, source: str) -> pd.Series:
    values = numeric_column(df, col, source=source)
    negative = (values < 0).to_numpy()
    if negative.any():
        raise CohortError(
            f"{source}: column {col!r} holds a negative SI in {row_numbers(df, negative)}; "
            "MR magnitude signal intensities are >= 0."
        )
    return values


def _si_key(col: object) -> tuple[Sequence, str] | None:
    try:
        return si_column(str(col))
    except ScoreError:
        return None


def _refuse_duplicates(df: pd.DataFrame, frame: pd.DataFrame, keys: list[str], source: str) -> None:
    if not keys:
        return
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        rows = sorted(set(frame.loc[dup, "row"].astype(int)))
        shown = ", ".join(map(str, rows[:6])) + (" …" if len(rows) > 6 else "")
        what = " and ".join(keys).replace("structure", "structure (level/CSF)")
        raise CohortError(
            f"{source}: the same {what} appears more than once in rows {shown} (the header is "
            "row 1); keep one reading per observer."
        )
