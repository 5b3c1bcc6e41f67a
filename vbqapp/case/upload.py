"""Case page, step 1: upload series, see each one's sequence and protocol, reassign or remove."""

from __future__ import annotations

import streamlit as st

from vbqapp.case.sequence_pick import hold_for_pick, needs_pick, pick_panel
from vbqapp.case.session import (
    clear_notices,
    fresh_number,
    get_case,
    notify,
    put_case,
    reset,
    reset_key,
    seed,
    show_notices,
    show_sequence,
    widget_key,
)
from vbqapp.registry.connection import remember_patient
from vbqapp.state import CASE_ACTIVE, CASE_PENDING_UPLOAD
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence
from vbqcore.case.model import load_series, move_series, remove_series
from vbqcore.errors import VbqError
from vbqcore.imaging.archives import ArchiveLimits
from vbqcore.imaging.slices import SliceSource
from vbqcore.imaging.uploads import (
    UploadedSeries,
    assign_sequences,
    describe_protocol,
    describe_series,
    read_uploads,
)
from vbqcore.measurements import MEASURED_SEQUENCES

__all__ = ["upload_panel", "take_files"]

_HELP = (
    "Sagittal T1, T2 and STIR: DICOM files (select all files of a series, or several series at "
    "once), a .zip of them, or PNG/JPEG screenshots. Each series goes to the sequence its header "
    "says (you are asked when it cannot be told); change it below if needed. Only MR is scored: "
    "CT, radiographs and secondary captures are refused."
)


def upload_panel() -> None:
    """Uploader, messages about the last upload, pending questions, and the three slots."""
    st.subheader("1 · Images")
    st.file_uploader(
        "Add T1, T2 and STIR images",
        accept_multiple_files=True,
        key=reset_key("images"),
        help=_HELP,
        on_change=_on_upload,
    )
    st.caption(_HELP)
    show_notices("upload")
    with st.container():
        pick_panel(_picked)
        _pending_uploads()
    columns = st.columns(len(MEASURED_SEQUENCES))
    for column, seq in zip(columns, MEASURED_SEQUENCES, strict=True):
        with column, st.container(border=True):
            _slot(seq)


#: Bytes this session has unpacked from .zip uploads (capped by ``MAX_ARCHIVE_BYTES``).
_UNPACKED_BYTES = "case_unpacked_bytes"


def _on_upload() -> None:
    """Read the files just uploaded (before the page is drawn), then empty the uploader."""
    files = st.session_state.get(reset_key("images")) or []
    try:
        if files:
            _take([(f.name, f.getvalue()) for f in files])
    except VbqError as err:  # every file error is collected by read_uploads; this is a guard
        notify("upload", "error", str(err))
    reset("images")


def take_files(files: list[tuple[str, bytes]]) -> None:
    """Load ``(name, bytes)`` files as if uploaded (e.g. opened from the PACS)."""
    _take(files)


def _take(files: list[tuple[str, bytes]]) -> None:
    """Read a batch and put each series in its slot (asking first where ROIs would be lost)."""
    clear_notices("upload")
    unpacked = int(st.session_state.get(_UNPACKED_BYTES, 0))
    batch = read_uploads(files, limits=ArchiveLimits(session_bytes=unpacked))
    st.session_state[_UNPACKED_BYTES] = unpacked + batch.unpacked_bytes
    remember_patient(files)  # keyed hashes of the PatientIDs only (registry re-measure check)
    for message in batch.errors:
        notify("upload", "error", message)
    known = [u for u in batch.series if not needs_pick(u)]
    for upload in batch.series:
        if needs_pick(upload):
            hold_for_pick(upload)
    _place(known, [u.guess for u in known])


def _picked(target: Sequence, upload: UploadedSeries) -> None:
    """The user picked ``target`` for a held series: place it like a known one."""
    _place([upload], [target], picked=True)


def _place(uploads: list[UploadedSeries], wanted: list[Sequence], *, picked: bool = False) -> None:
    """Load each series in its slot (asking first where ROIs would be lost)."""
    case = get_case()
    targets = assign_sequences(wanted, occupied=case.loaded)
    pending = list(st.session_state.get(CASE_PENDING_UPLOAD, []))
    changed: list[Sequence] = []
    for upload, target in zip(uploads, targets, strict=True):
        if target is None:
            notify(
                "upload",
                "error",
                f"{upload.description}: more than three series in one "
                "upload; it was not used. Upload it alone and pick its sequence.",
            )
            continue
        if not picked and target is not upload.guess:  # its own slot is taken: ask, never guess
            hold_for_pick(
                upload,
                reason=f"its header says {upload.guess.value}, but another series of this "
                f"upload is {upload.guess.value} too",
            )
            continue
        state = case[target]
        if state.loaded and state.rois:
            pending.append((fresh_number(), target, upload))
            continue
        update = load_series(case, target, upload.series, keep_rois=bool(state.rois))
        case = update.case
        changed.append(target)
        screenshot = upload.series.default_slice.source is SliceSource.SCREENSHOT
        how = (
            "your choice"
            if picked
            else "its file name says so"
            if screenshot
            else "its header says so"
        )
        if screenshot:  # never a green box: its scores cannot be read against the cut-offs
            notify(
                "upload",
                "warning",
                f"{upload.description} → {target.value} ({how}). A screenshot "
                "holds display values, not scanner SIs: its scores are not interpretable "
                "against the published cut-offs.",
            )
        else:
            notify(
                "upload",
                "success",
                f"{upload.description} → {target.value} ({how}).",
            )
        if state.rois:
            notify(
                "upload",
                "info",
                f"The {len(state.rois)} ROIs of the case file were placed "
                f"on the new {target.value} images.",
            )
        for warning in update.warnings:
            notify("upload", "warning", f"{target.value}: {warning}")
    put_case(case, redraw=changed)
    st.session_state[CASE_PENDING_UPLOAD] = pending
    active = st.session_state.get(CASE_ACTIVE)
    if changed and (active is None or not case[active].loaded):
        show_sequence(changed[0])


def _resolve(number: int, choice: str) -> None:
    """Answer a pending "keep or discard the ROIs?" question."""
    clear_notices("upload")
    pending = list(st.session_state.get(CASE_PENDING_UPLOAD, []))
    found = [p for p in pending if p[0] == number]
    st.session_state[CASE_PENDING_UPLOAD] = [p for p in pending if p[0] != number]
    if not found or choice == "cancel":
        return
    _, target, upload = found[0]
    update = load_series(get_case(), target, upload.series, keep_rois=choice == "keep")
    put_case(update.case, redraw=[target])
    kept = "kept on the new images" if choice == "keep" else "discarded"
    notify("upload", "success", f"{upload.description} → {target.value}; ROIs {kept}.")
    for warning in update.warnings:
        notify("upload", "warning", f"{target.value}: {warning}")


def _pending_uploads() -> None:
    pending: list[tuple[int, Sequence, UploadedSeries]] = st.session_state.get(
        CASE_PENDING_UPLOAD, []
    )
    for number, target, upload in pending:
        count = len(get_case()[target].rois)
        with st.container(border=True):
            st.warning(
                f"New **{target.value}** images ({md_escape(upload.description)}), but "
                f"{target.value} already has {count} ROI(s). Keep them on the new images, or "
                "discard them?"
            )
            keep, discard, cancel = st.columns(3)
            keep.button(
                "Keep the ROIs",
                key=widget_key("pending_keep", number),
                on_click=_resolve,
                args=(number, "keep"),
            )
            discard.button(
                "Discard the ROIs",
                key=widget_key("pending_discard", number),
                on_click=_resolve,
                args=(number, "discard"),
            )
            cancel.button(
                "Cancel this upload",
                key=widget_key("pending_cancel", number),
                on_click=_resolve,
                args=(number, "cancel"),
            )


def _move(source: Sequence, key: str) -> None:
    clear_notices("upload")
    target = Sequence(st.session_state[key])
    put_case(move_series(get_case(), source, target), redraw=MEASURED_SEQUENCES)
    show_sequence(target)
    notify("upload", "info", f"{source.value} images moved to {target.value}.")


def _remove(seq: Sequence) -> None:
    clear_notices("upload")
    put_case(remove_series(get_case(), seq), redraw=[seq])
    notify("upload", "info", f"{seq.value} images and ROIs removed.")


def _slot(seq: Sequence) -> None:
    state = get_case()[seq]
    st.markdown(f"**{seq.value}**")
    if state.series is None:
        if state.rois:
            st.caption(f"{len(state.rois)} ROI(s) from a case file wait for these images.")
        else:
            st.caption("No images yet.")
        return
    series = state.series
    st.caption(md_escape(describe_series(series)))  # SeriesDescription is free text
    if series.default_slice.source is SliceSource.DICOM:
        st.caption(md_escape(describe_protocol(series.protocol)))
    notes = dict.fromkeys(series.notes + series.default_slice.notes)
    for note in notes:
        if series.default_slice.source is SliceSource.SCREENSHOT and note.startswith("Screenshot"):
            st.warning(md_escape(note), icon=":material/warning:")
        else:
            st.caption(md_escape(note))
    key = widget_key("assign", seq.value, state.revision)
    seed(key, seq.value)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.selectbox(
        "Sequence",
        [s.value for s in MEASURED_SEQUENCES],
        key=key,
        on_change=_move,
        args=(seq, key),
        help="Move these images (and their ROIs) to another sequence.",
    )
    right.button(
        "Remove", key=widget_key("remove", seq.value, state.revision), on_click=_remove, args=(seq,)
    )
