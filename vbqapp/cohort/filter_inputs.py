"""Cohort explorer: filter values from a shared link or an earlier data set, made safe to show.

The filter widgets are bound to query parameters (``?cohort_sex=Women&cohort_age=60
&cohort_age=80``). Streamlit silently drops a URL value it cannot use and raises
``StreamlitValueBelowMinError`` when a slider's value (kept in the session by "Reset filters" or a
link) lies outside the range of the data set now loaded (issue 12: the demo cohort's age 56–90 on
a matched set starting at 58). Before each widget is drawn, :func:`prepare_range`,
:func:`prepare_sex` and :func:`prepare_choice` read what the link or the session holds, accept
the obvious spellings (``M``, ``men``, ``female``), clamp ranges to the data, and record a notice
for whatever had to be changed or ignored; :func:`show_notices` says so in the sidebar.

The pure parts (:func:`clamp_range`, :func:`parse_range`, :func:`sex_option`) hold no Streamlit.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence

import streamlit as st

from vbqcore.anatomy import Sex

__all__ = [
    "NOTICES_KEY",
    "clamp_range",
    "parse_range",
    "sex_option",
    "prepare_range",
    "prepare_sex",
    "prepare_choice",
    "prepare_columns",
    "show_notices",
    "clear_notices",
]

logger = logging.getLogger(__name__)

#: Page-only session key: ``(data token, [notice, ...])`` for the filters of that data set.
NOTICES_KEY = "cohort_filter_notices"


def clamp_range(value: Sequence[float], bounds: tuple[float, float]) -> tuple[float, float] | None:
    """``value`` (low, high) cut to ``bounds``; None when the two do not overlap at all.

    >>> clamp_range((56, 90), (58, 93)), clamp_range((40, 50), (58, 93))
    ((58, 90), None)
    """
    low, high = sorted((value[0], value[1]))
    lo, hi = bounds
    if high < lo or low > hi:
        return None
    return max(low, lo), min(high, hi)


def parse_range(raw: Sequence[str]) -> tuple[float, float] | None:
    """Two numbers from a URL's repeated parameter (``["60", "80"]``); None if not two finite
    numbers."""
    if len(raw) != 2:
        return None
    try:
        low, high = float(raw[0]), float(raw[1])
    except ValueError:
        return None
    if not (math.isfinite(low) and math.isfinite(high)):
        return None
    return (low, high) if low <= high else (high, low)


def sex_option(raw: str, labels: Mapping[str, str]) -> str | None:
    """The radio option (``"all"``, ``"F"``, ``"M"``) a URL's ``cohort_sex`` means, or None.

    Accepts the labels shown (``Women``), the codes (``F``) and every spelling
    :meth:`vbqcore.anatomy.Sex.parse` reads (``female``, ``men``, ``w``), in any case.

    >>> sex_option("men", {"all": "All", "F": "Women", "M": "Men"})
    'M'
    """
    text = raw.strip()
    for option, label in labels.items():
        if text.casefold() in (option.casefold(), label.casefold()):
            return option
    if text.casefold() in ("both", "any", "everyone"):
        return next(iter(labels))
    sex = Sex.parse(text)
    return sex.value if sex is not None and sex.value in labels else None


def _notes(token: str) -> list[str]:
    held = st.session_state.get(NOTICES_KEY)
    if not (isinstance(held, tuple) and len(held) == 2 and held[0] == token):
        held = (token, [])
        st.session_state[NOTICES_KEY] = held
    notes: list[str] = held[1]
    return notes


def _note(token: str, text: str) -> None:
    notes = _notes(token)
    if text not in notes:
        notes.append(text)
    logger.info("Cohort filter adjusted: %s", text)


def _fmt(low: float, high: float, integer: bool) -> str:
    if integer:
        return f"{int(round(low))}–{int(round(high))}"
    return f"{low:g}–{high:g}"


def prepare_range(
    key: str, label: str, bounds: tuple[float, float], *, integer: bool, token: str
) -> None:
    """Before the slider ``key`` is drawn: clamp the value the session or the link holds to
    ``bounds`` (the data's range), or drop it when it lies wholly outside, with a notice."""
    held = st.session_state.get(key)
    if isinstance(held, list | tuple) and len(held) == 2:
        current = (float(held[0]), float(held[1]))
        source = "the filter kept from the previous data set"
    else:
        raw = st.query_params.get_all(key)
        if not raw:
            return
        parsed = parse_range(raw)
        if parsed is None:
            _note(token, f"{label}: '{'&'.join(raw)}' in the link is not a range; ignored.")
            return
        current, source = parsed, "the link's filter"
    lo, hi = bounds
    if lo <= current[0] and current[1] <= hi:
        return
    clamped = clamp_range(current, bounds)
    span = _fmt(lo, hi, integer)
    if clamped is None:
        st.session_state.pop(key, None)
        _note(
            token,
            f"{label}: {source} ({_fmt(*current, integer)}) lies outside this data set "
            f"({span}); showing everyone.",
        )
        return
    value = (int(round(clamped[0])), int(round(clamped[1]))) if integer else clamped
    st.session_state[key] = value
    if clamped == (lo, hi):
        _note(
            token,
            f"{label}: {source} ({_fmt(*current, integer)}) covers all of this data set "
            f"({span}); no {label.split(' (')[0].lower()} filter.",
        )
        return
    _note(
        token,
        f"{label}: {source} ({_fmt(*current, integer)}) narrowed to {_fmt(*clamped, integer)}, "
        f"the range of this data set ({span}).",
    )


def prepare_sex(key: str, labels: Mapping[str, str], *, enabled: bool, token: str) -> None:
    """Before the sex radio is drawn: read ``M``/``men``/``female`` … from the link."""
    raw = st.query_params.get_all(key)
    if not raw:
        return
    text = raw[-1]
    if text in labels.values():
        if not enabled:
            _note(token, f"Sex: '{text}' in the link ignored: this data set has no sex column.")
        return  # the widget reads its own label
    option = sex_option(text, labels)
    if option is None:
        shown = ", ".join(labels.values())
        _note(token, f"Sex: '{text}' in the link is not recognised (use {shown}); ignored.")
        return
    if not enabled:
        _note(token, f"Sex: '{text}' in the link ignored: this data set has no sex column.")
        return
    st.session_state[key] = option


def prepare_choice(
    key: str, label: str, labels: Mapping[str, str], aliases: Mapping[str, str], *, token: str
) -> None:
    """Before a radio bound to ``key`` is drawn: accept ``aliases`` (lower-case word → option) and
    say so when the link's value means nothing."""
    raw = st.query_params.get_all(key)
    if not raw or raw[-1] in labels.values():
        return
    text = raw[-1].strip().casefold()
    option = next((o for o, lab in labels.items() if text in (o, lab.casefold())), None)
    option = option or aliases.get(text)
    if option is None:
        shown = ", ".join(labels.values())
        _note(token, f"{label}: '{raw[-1]}' in the link is not recognised (use {shown}); ignored.")
        return
    st.session_state[key] = option


def prepare_columns(key: str, offered: Sequence[str], *, token: str) -> None:
    """Before the "other columns" multiselect is drawn: name the link's columns this data set
    lacks (Streamlit would drop them without a word)."""
    missing = [c for c in st.query_params.get_all(key) if c not in offered]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        _note(token, f"Filter on {names} in the link ignored: no such column in this data set.")


def show_notices(token: str) -> None:
    """The notices recorded for this data set, in the sidebar (under the filters)."""
    for text in _notes(token):
        st.sidebar.warning(text, icon=":material/link_off:")


def clear_notices() -> None:
    """Forget the notices (the user reset the filters)."""
    st.session_state.pop(NOTICES_KEY, None)
