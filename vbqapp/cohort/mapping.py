"""Cohort explorer, column mapping step: which column is the group, sex, age, BMI, DEXA, scores."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import pandas as pd
import streamlit as st

from vbqcore.cohort.scores import si_columns_of
from vbqcore.cohort.table import ColumnMapping, ScoreSource, guess_mapping
from vbqcore.columns import value_label
from vbqcore.vbq import Aggregate, ScoreName

__all__ = ["NONE", "mapping_editor"]

logger = logging.getLogger(__name__)

#: The choice "no column" in a selectbox.
NONE = "—"
_SOURCES = {
    ScoreSource.COLUMNS.value: "Score columns of the table",
    ScoreSource.SI.value: "Computed from per-level SI columns (T1_L1 … STIR_CSF)",
}


def _index(options: list[str], value: Any) -> int:
    return options.index(value) if value in options else 0


def _has_si(frame: pd.DataFrame) -> bool:
    try:
        return bool(si_columns_of(frame))
    except ValueError:  # a malformed SI column: prepare_cohort will say which
        return True


def mapping_editor(
    frame: pd.DataFrame, token: str, current: ColumnMapping | None
) -> ColumnMapping | None:
    """Widgets for each role, prefilled from ``current`` (or guessed from the column names);
    returns the new mapping when "Apply mapping" is pressed, else None.

    Widget keys carry a hash of the table's token, so each table keeps its own choices and a
    failed apply leaves them as the user set them.
    """
    guess: dict[str, Any] = current.to_dict() if current is not None else guess_mapping(frame)
    tag = hashlib.sha1(token.encode()).hexdigest()[:8]

    def key(name: str) -> str:
        return f"cohort_map_{name}_{tag}"

    columns = [str(c) for c in frame.columns]
    optional = [NONE, *columns]
    roles, people, dexa_col = st.columns(3)
    group = roles.selectbox(
        "Group column", columns, index=_index(columns, guess.get("group")), key=key("group")
    )
    values = sorted({value_label(v) for v in frame[group].dropna().unique()[:200]} - {""})
    positive = roles.selectbox(
        "Value marking a case (e.g. fracture)",
        values or [""],
        index=_index(values, guess.get("positive")),
        key=key(f"positive_{group}"),
    )
    sex = people.selectbox(
        "Sex (F/M)", optional, _index(optional, guess.get("sex")), key=key("sex")
    )
    age = people.selectbox(
        "Age (years)", optional, _index(optional, guess.get("age")), key=key("age")
    )
    bmi = people.selectbox(
        "BMI (kg/m²)", optional, _index(optional, guess.get("bmi")), key=key("bmi")
    )
    dexa = dexa_col.multiselect(
        "DEXA columns (BMD, T-, Z-scores)",
        columns,
        default=[c for c in guess.get("dexa") or [] if c in columns],
        key=key("dexa"),
    )
    sources = list(_SOURCES) if _has_si(frame) else [ScoreSource.COLUMNS.value]
    source = st.radio(
        "Scores",
        sources,
        index=_index(sources, guess.get("score_source")),
        format_func=_SOURCES.__getitem__,
        horizontal=True,
        key=key("source"),
    )
    scores: dict[str, str] = {}
    method = Aggregate.MEAN.value
    if source == ScoreSource.COLUMNS.value:
        cells = st.columns(len(ScoreName))
        guessed = guess.get("scores") or {}
        for cell, name in zip(cells, ScoreName, strict=True):
            col = cell.selectbox(
                name.label,
                optional,
                _index(optional, guessed.get(name.value)),
                key=key(name.value),
            )
            if col != NONE:
                scores[name.value] = col
    else:
        method = st.radio(
            "Average of the vertebral bodies",
            [Aggregate.MEAN.value, Aggregate.MEDIAN.value],
            index=_index([Aggregate.MEAN.value, Aggregate.MEDIAN.value], guess.get("method")),
            format_func=lambda m: {"mean": "mean (Huang et al.)", "median": "median (Ehresman)"}[m],
            horizontal=True,
            key=key("method"),
        )
    if not st.button("Apply mapping", key=key("apply"), type="primary"):
        return None
    return ColumnMapping(
        group=group,
        positive=positive,
        sex=None if sex == NONE else sex,
        age=None if age == NONE else age,
        bmi=None if bmi == NONE else bmi,
        dexa=tuple(dexa),
        scores=tuple(scores.items()),
        score_source=ScoreSource(source),
        method=Aggregate(method),
    )
