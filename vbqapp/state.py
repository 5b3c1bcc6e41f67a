"""Session-state keys, in one place so pages never collide or misspell them.

Page-only keys carry the page's prefix (``case_``, ``cohort_``, ``agree_``, ``match_``). Values
handed between functions or pages are typed: a small frozen dataclass with a getter and a setter
here, instead of a dict whose shape lives in a comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

from vbqcore.anatomy import Sequence

if TYPE_CHECKING:
    import pandas as pd

    from vbqcore.stats.matching import MatchResult
    from vbqcore.vbq import VbqResult

__all__ = [
    "IncomingDataset",
    "MatchRun",
    "PendingCopy",
    "WindowChoice",
    "get_latest_result",
    "get_match_run",
    "get_pending_copy",
    "get_window",
    "send_to_cohort",
    "set_latest_result",
    "set_match_run",
    "set_pending_copy",
    "set_window",
    "take_incoming_dataset",
    "ACKNOWLEDGED_RESEARCH_USE",
    "AGREE_WIDGET_PREFIX",
    "CASE_MODEL",
    "CASE_VIEWS",
    "CASE_COUNTER",
    "CASE_GENERATION",
    "CASE_RESETS",
    "CASE_ACTIVE",
    "CASE_WINDOWS",
    "CASE_TOOL",
    "CASE_NOTICES",
    "CASE_PENDING_UPLOAD",
    "CASE_PENDING_PICK",
    "CASE_MEASURED",
    "CASE_UPLOAD_VIEW",
    "CASE_PENDING_COPY",
    "CASE_BACKGROUNDS",
    "CASE_ZOOM",
    "CASE_CLICK_LABEL",
    "CASE_QUALITY",
    "CASE_LEVEL_SHIFT",
    "CASE_PENDING_SACRUM",
    "CASE_MIDSAGITTAL",
    "CASE_WIDGET_PREFIX",
    "CASE_LATEST_RESULT",
    "COHORT_INCOMING_DATASET",
    "COHORT_ACTIVE",
    "COHORT_PENDING",
    "COHORT_LAST_UPLOAD",
    "COHORT_BOOTSTRAP",
    "COHORT_THRESHOLDS",
    "COHORT_WIDGET_PREFIX",
    "MATCH_RESULT",
    "MATCH_WIDGET_PREFIX",
    "DEFAULT_TARGET",
]

#: The user has read the research-use notice on the home page.
ACKNOWLEDGED_RESEARCH_USE = "acknowledged_research_use"

# Cross-page hand-offs (written by one page, read by another).

#: The latest VBQ result measured on the case page this session, as ``VbqResult.to_dict()``;
#: the cohort explorer marks it as "this patient" on its distributions and ROC threshold view.
#: Use :func:`get_latest_result` / :func:`set_latest_result`.
CASE_LATEST_RESULT = "case_latest_result"

#: A dataset sent to the cohort explorer by another page (e.g. the matching page's matched set):
#: an :class:`IncomingDataset`; use :func:`send_to_cohort` / :func:`take_incoming_dataset`.
COHORT_INCOMING_DATASET = "cohort_incoming_dataset"

# Cohort explorer (page-only).

#: The table analysed and its column mapping: ``vbqapp.cohort.data.ActiveData``.
COHORT_ACTIVE = "cohort_active"
#: An uploaded table not yet usable, with the reason: ``vbqapp.cohort.data.Pending``.
COHORT_PENDING = "cohort_pending"
#: ``file_id`` of the last upload handled, so that a rerun does not read it again.
COHORT_LAST_UPLOAD = "cohort_last_upload"
#: Bootstrap ROC results asked for: ``{(ViewKey, scores): RocPanel}`` (latest few only).
COHORT_BOOTSTRAP = "cohort_bootstrap"
#: Cut-offs the user picked on the ROC view: ``{score: value}``; a score absent (or None) follows
#: the Youden cut-off of the patients shown.
COHORT_THRESHOLDS = "cohort_thresholds"
#: Prefix of every widget key on the cohort page; the filter and view widgets' keys are also
#: their URL query parameters (``?cohort_sex=F&cohort_view=ROC``).
COHORT_WIDGET_PREFIX = "cohort_"

# Observer-agreement and matching pages (page-only).

#: Prefix of every widget key on the observer-agreement page (``agree_upload``, ``agree_col_…``).
AGREE_WIDGET_PREFIX = "agree_"
#: Prefix of every widget key on the matching page (``match_upload``, ``match_group``, …).
MATCH_WIDGET_PREFIX = "match_"
#: The last matching run: a :class:`MatchRun`, shown only while the file and settings still match
#: its signature; use :func:`get_match_run` / :func:`set_match_run`.
MATCH_RESULT = "match_result"

# Case page (page-only). The Case is the one source of truth; the rest is view state.

#: The case being measured: a ``vbqcore.case.model.Case`` (images, labelled ROIs in image pixels,
#: fractured levels, CSF level, method, pre-test probability).
CASE_MODEL = "case_model"
#: Per sequence, the canvas now shown: ``vbqapp.case.session.CanvasView`` (widget key, display
#: size, initial drawing). Dropped to make the canvas redraw from the case's ROIs.
CASE_VIEWS = "case_views"
#: A counter making fresh widget keys (canvas epochs, table revisions, uploader resets).
CASE_COUNTER = "case_counter"
#: Generation of the page's widget keys: bumped to re-seed every widget from the case (restore).
CASE_GENERATION = "case_generation"
#: Current key numbers of widgets reset by re-keying (``{"images": int, "restore": int,
#: "table_T1": int, ...}``): a new number empties an uploader once its files are read, or
#: gives the ROI table fresh rows once its edits are applied.
CASE_RESETS = "case_resets"
#: The sequence shown in the viewer ("T1", "T2" or "STIR").
CASE_ACTIVE = "case_active"
#: Per sequence, the display window choice: ``{"T2": WindowChoice}``; use :func:`get_window`.
CASE_WINDOWS = "case_windows"
#: The drawing tool chosen ("Rectangle", "Ellipse", "Polygon", "Freehand").
CASE_TOOL = "case_tool"
#: Messages to show once: ``{"upload"|"viewer"|"export": [(kind, text), ...]}``.
CASE_NOTICES = "case_notices"
#: Uploaded series waiting for "keep or discard the ROIs?": ``[(Sequence, UploadedSeries)]``.
CASE_PENDING_UPLOAD = "case_pending_upload"
#: [(number, UploadedSeries)] whose sequence could not be told: held until the user picks one.
CASE_PENDING_PICK = "case_pending_pick"
#: {Sequence: MeasuredSequence}: each sequence's ROI measurements, reused while unchanged.
CASE_MEASURED = "case_measured"
#: What the upload panel showed at the last full run; the ROI fragment reruns the whole page
#: when a change made inside it (a restored case) would alter that panel.
CASE_UPLOAD_VIEW = "case_upload_view"
#: A copy of ROIs waiting for confirmation because the targets have ROIs: a :class:`PendingCopy`.
CASE_PENDING_COPY = "case_pending_copy"
#: Small memo of rendered canvas backgrounds: ``{signature: PNG bytes}``.
CASE_BACKGROUNDS = "case_backgrounds"
#: Per sequence, the zoom/pan window shown: ``{"T2": vbqcore.roi.view_window.ViewWindow}``.
CASE_ZOOM = "case_zoom"
#: The label the "Click to place" tool gives a click (a label or "next").
CASE_CLICK_LABEL = "case_click_label"
#: Memo of ROI quality flags per ROI: ``{(sequence, revision, slice, roi): flags}``.
CASE_QUALITY = "case_quality"
#: Whether relabelling one body ROI in the table shifts the other bodies with it (a bool).
CASE_LEVEL_SHIFT = "case_level_shift"
#: A level anchor proposed from the sacrum, waiting for the reader: a ``SacrumAnchor``
#: (``vbqapp.case.levels``).
CASE_PENDING_SACRUM = "case_pending_sacrum"
#: Memo of mid-sagittal slice proposals: ``{(sequence, revision, slices): proposal}``.
CASE_MIDSAGITTAL = "case_midsagittal"
#: Prefix of every widget key on the case page.
CASE_WIDGET_PREFIX = "case_w_"


# Cut-offs page and case page (shared).

#: The default target for the literature thresholds, set on the Cut-offs page or the case page:
#: a ``vbqcore.literature.TargetGroup`` value, or ``None`` for every target.
DEFAULT_TARGET = "default_target"


# Typed values and their accessors.


@dataclass(frozen=True, eq=False)
class IncomingDataset:
    """A table another page sends to the cohort explorer, with the columns it should use
    (keys of ``vbqcore.cohort.mapping.ColumnMapping``; ``None`` lets the explorer guess)."""

    name: str
    frame: pd.DataFrame
    mapping: Mapping[str, Any] | None = None


def send_to_cohort(dataset: IncomingDataset) -> None:
    st.session_state[COHORT_INCOMING_DATASET] = dataset


def take_incoming_dataset() -> IncomingDataset | None:
    """The dataset sent to the cohort explorer, removed from the session (taken once)."""
    value = st.session_state.pop(COHORT_INCOMING_DATASET, None)
    return value if isinstance(value, IncomingDataset) else None


@dataclass(frozen=True, eq=False)
class MatchRun:
    """A matching result and the signature of the file and settings that produced it."""

    signature: str
    result: MatchResult


def get_match_run() -> MatchRun | None:
    value = st.session_state.get(MATCH_RESULT)
    return value if isinstance(value, MatchRun) else None


def set_match_run(run: MatchRun | None) -> None:
    if run is None:
        st.session_state.pop(MATCH_RESULT, None)
    else:
        st.session_state[MATCH_RESULT] = run


def get_latest_result() -> Mapping[str, Any] | None:
    """``VbqResult.to_dict()`` of the case last measured on the case page, if any."""
    value = st.session_state.get(CASE_LATEST_RESULT)
    return value if isinstance(value, Mapping) else None


def set_latest_result(result: VbqResult | None) -> None:
    if result is None:
        st.session_state.pop(CASE_LATEST_RESULT, None)
    else:
        st.session_state[CASE_LATEST_RESULT] = result.to_dict()


@dataclass(frozen=True)
class PendingCopy:
    """ROIs of ``source`` waiting to be copied onto ``targets``, which already have ROIs."""

    source: Sequence
    targets: tuple[Sequence, ...]


def get_pending_copy() -> PendingCopy | None:
    value = st.session_state.get(CASE_PENDING_COPY)
    return value if isinstance(value, PendingCopy) else None


def set_pending_copy(pending: PendingCopy | None) -> None:
    if pending is None:
        st.session_state.pop(CASE_PENDING_COPY, None)
    else:
        st.session_state[CASE_PENDING_COPY] = pending


@dataclass(frozen=True)
class WindowChoice:
    """A display-window choice: a preset of ``vbqcore.imaging.windowing.WINDOW_PRESETS`` and,
    for "Custom", the centre and width in SI units."""

    preset: str
    center: float | None = None
    width: float | None = None

    @property
    def custom(self) -> tuple[float, float] | None:
        if self.center is None or self.width is None:
            return None
        return self.center, self.width


def get_window(seq: Sequence) -> WindowChoice | None:
    value = st.session_state.get(CASE_WINDOWS, {}).get(Sequence(seq).value)
    return value if isinstance(value, WindowChoice) else None


def set_window(seq: Sequence, choice: WindowChoice) -> None:
    st.session_state.setdefault(CASE_WINDOWS, {})[Sequence(seq).value] = choice
