"""Session-state keys, in one place so pages never collide or misspell them.

Page-only keys carry the page's prefix (``case_``, ``cohort_``, ``agree_``, ``match_``).
"""

from __future__ import annotations

__all__ = [
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
    "CASE_PENDING_COPY",
    "CASE_BACKGROUNDS",
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
]

#: The user has read the research-use notice on the home page.
ACKNOWLEDGED_RESEARCH_USE = "acknowledged_research_use"

# Cross-page hand-offs (written by one page, read by another).

#: The latest VBQ result measured on the case page this session, as ``VbqResult.to_dict()``;
#: the cohort explorer marks it as "this patient" on its distributions and ROC threshold view.
CASE_LATEST_RESULT = "case_latest_result"

#: A dataset sent to the cohort explorer by another page (e.g. the matching page's matched set):
#: ``{"name": str, "frame": pandas.DataFrame, "mapping": dict | None}``.
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
#: The last matching run: ``{"signature": str, "result": MatchResult, "source": str}``; shown
#: only while the file and settings still match its signature.
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
#: Per sequence, the display window choice: ``{"preset": str, "center": float, "width": float}``.
CASE_WINDOWS = "case_windows"
#: The drawing tool chosen ("Rectangle", "Ellipse", "Polygon", "Freehand").
CASE_TOOL = "case_tool"
#: Messages to show once: ``{"upload"|"viewer"|"export": [(kind, text), ...]}``.
CASE_NOTICES = "case_notices"
#: Uploaded series waiting for "keep or discard the ROIs?": ``[(Sequence, UploadedSeries)]``.
CASE_PENDING_UPLOAD = "case_pending_upload"
#: [(number, UploadedSeries)] whose sequence could not be told: held until the user picks one.
CASE_PENDING_PICK = "case_pending_pick"
#: A copy of ROIs waiting for confirmation because the targets have ROIs: ``(source, targets)``.
CASE_PENDING_COPY = "case_pending_copy"
#: Small memo of rendered canvas backgrounds: ``{signature: PNG bytes}``.
CASE_BACKGROUNDS = "case_backgrounds"
#: Prefix of every widget key on the case page.
CASE_WIDGET_PREFIX = "case_w_"
