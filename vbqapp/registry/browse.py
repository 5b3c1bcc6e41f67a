"""Registry page: search, filter and sort the cases; open, relabel or delete the one chosen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vbqapp.registry.connection import notify, reader, show_notices
from vbqapp.registry.keys import REGISTRY_READER, REGISTRY_SEEN_VERSIONS, REGISTRY_WIDGET_PREFIX
from vbqapp.registry.reopen import open_on_case_page
from vbqcore.errors import StaleEditError, VbqError
from vbqcore.registry.database import Registry
from vbqcore.registry.images import stored_sequences
from vbqcore.registry.records import Group
from vbqcore.registry.store import (
    SORT_COLUMNS,
    StoredCase,
    delete_case,
    list_cases,
    update_labels,
)
from vbqcore.vbq import ScoreName

__all__ = ["reader_input", "case_list", "case_actions"]

_ALL = "all"


def _key(name: str) -> str:
    return f"{REGISTRY_WIDGET_PREFIX}{name}"


def reader_input() -> None:
    """The reader's name, shared with the Case page's save panel."""
    if _key("reader") not in st.session_state:
        st.session_state[_key("reader")] = reader()
    name = st.text_input("Reader", key=_key("reader"), help="Your name or initials (audit log).")
    st.session_state[REGISTRY_READER] = name


def _frame(cases: list[StoredCase]) -> pd.DataFrame:
    rows = []
    for c in cases:
        r = c.record
        row: dict[str, object] = {
            "case_id": r.case_id,
            "group": r.group.value,
            "sex": None if r.sex is None else r.sex.value,
            "age": r.age,
            "bmi": r.bmi,
        }
        row.update({s.value: r.scores.get(s) for s in ScoreName})
        row.update(
            levels_used=r.levels_used,
            rois=len(r.rois),
            reader=c.updated_by,
            updated=c.to_dict()["updated_at"],
            version=c.version,
            note=r.note,
        )
        rows.append(row)
    return pd.DataFrame(rows)


def case_list(registry: Registry) -> list[StoredCase]:
    """Search, group filter and sort; the table of matching cases. Returns them."""
    a, b, c, d = st.columns([3, 2, 2, 1])
    search = a.text_input("Search", key=_key("search"), placeholder="case ID, reader or note")
    group = b.selectbox("Group", [_ALL, *(g.value for g in Group)], key=_key("group"))
    sort = c.selectbox("Sort by", SORT_COLUMNS, key=_key("sort"))
    descending = d.toggle("Newest / largest first", value=True, key=_key("descending"))
    cases = list_cases(
        registry,
        search=search or None,
        group=None if group == _ALL else group,
        sort=sort or "updated_at",
        descending=descending,
    )
    seen = st.session_state.setdefault(REGISTRY_SEEN_VERSIONS, {})
    for case in cases:
        seen.setdefault(case.record.case_id, case.version)
    st.caption(f"{len(cases)} case(s)")
    if cases:
        st.dataframe(_frame(cases), hide_index=True, width="stretch")
    return cases


def _relabel(registry: Registry, case: StoredCase) -> None:
    cid = case.record.case_id
    seen = st.session_state.setdefault(REGISTRY_SEEN_VERSIONS, {})
    expected = int(seen.get(cid, case.version))
    changes = {
        "group": st.session_state.get(_key(f"edit_group_{cid}")),
        "sex": st.session_state.get(_key(f"edit_sex_{cid}")) or None,
        "age": st.session_state.get(_key(f"edit_age_{cid}")),
        "bmi": st.session_state.get(_key(f"edit_bmi_{cid}")),
        "note": st.session_state.get(_key(f"edit_note_{cid}")),
    }
    try:
        result = update_labels(registry, cid, actor=reader(), expected_version=expected, **changes)
    except StaleEditError as err:
        notify("page", "error", str(err))
        return
    except VbqError as err:
        notify("page", "error", f"Not saved: {err}")
        return
    seen[cid] = result.version
    notify("page", "success", f"Saved the labels of {cid} (version {result.version}).")


def _delete(registry: Registry, case: StoredCase) -> None:
    cid = case.record.case_id
    seen = st.session_state.setdefault(REGISTRY_SEEN_VERSIONS, {})
    try:
        delete_case(registry, cid, actor=reader(), expected_version=int(seen.get(cid, 0)) or None)
    except VbqError as err:
        notify("page", "error", f"Not deleted: {err}")
        return
    seen.pop(cid, None)
    st.session_state.pop(_key("selected"), None)
    notify("page", "success", f"Deleted case {cid} (the audit log keeps a record of it).")


def case_actions(registry: Registry, cases: list[StoredCase]) -> None:
    """Pick a case: open it on the Case page, edit its labels, or delete it (confirmed)."""
    show_notices("page")
    if not cases:
        return
    by_id = {c.record.case_id: c for c in cases}
    chosen = st.selectbox("Case", list(by_id), key=_key("selected"))
    case = by_id.get(str(chosen))
    if case is None:
        return
    cid = case.record.case_id
    seen = st.session_state.setdefault(REGISTRY_SEEN_VERSIONS, {})
    if int(seen.get(cid, case.version)) != case.version:
        st.warning(
            f"{cid} was changed by {case.updated_by} (now version {case.version}) since you "
            f"first saw it (version {seen[cid]}). Press 'Reload' to take their changes.",
            icon=":material/sync_problem:",
        )
        if st.button("Reload", key=_key(f"reload_{cid}")):
            seen[cid] = case.version
            for name in ("group", "sex", "age", "bmi", "note"):
                st.session_state.pop(_key(f"edit_{name}_{cid}"), None)
            st.rerun()
    record = case.record
    images = stored_sequences(registry, cid)
    zones = "; ".join(
        f"{z.score.label} {z.position} {z.cutoff:g} ({z.cutoff_id})" for z in record.zones
    )
    st.markdown(
        f"**{cid}** · {record.group.value} · {len(record.rois)} ROI(s) · levels "
        f"{record.levels_used or '—'} · scanner {record.manufacturer or '?'} "
        f"{record.model or ''} {record.field_strength_t or '?'} T · saved by {case.updated_by}"
        f" · images: {', '.join(s.value for s in images) or 'not stored'}"
    )
    if zones:
        st.caption(f"Against the published cut-offs (Huang et al. 2026): {zones}")
    if st.button(
        "Open on the Case page",
        key=_key(f"open_{cid}"),
        icon=":material/open_in_new:",
        disabled=record.case_json is None,
        help="Replaces the case now on the Case page with this one's ROIs and options.",
    ):
        try:
            open_on_case_page(registry, case)
        except VbqError as err:
            st.error(str(err))
    with st.form(_key(f"edit_{cid}")):
        a, b, c, d = st.columns(4)
        groups = [g.value for g in Group]
        a.selectbox(
            "Group", groups, index=groups.index(record.group.value), key=_key(f"edit_group_{cid}")
        )
        sexes = ["", "F", "M"]
        b.selectbox(
            "Sex",
            sexes,
            index=sexes.index("" if record.sex is None else record.sex.value),
            key=_key(f"edit_sex_{cid}"),
            format_func=lambda s: s or "not given",
        )
        c.number_input("Age (years)", 0.0, 120.0, value=record.age, key=_key(f"edit_age_{cid}"))
        d.number_input("BMI (kg/m²)", 5.0, 100.0, value=record.bmi, key=_key(f"edit_bmi_{cid}"))
        st.text_input("Note", value=record.note or "", key=_key(f"edit_note_{cid}"))
        st.form_submit_button(
            "Save labels", on_click=_relabel, args=(registry, case), icon=":material/save:"
        )
    with st.expander("Delete this case"):
        sure = st.checkbox(f"Yes, delete {cid} and its ROIs and scores", key=_key(f"sure_{cid}"))
        st.button(
            f"Delete {cid}",
            key=_key(f"delete_{cid}"),
            type="primary",
            disabled=not sure,
            on_click=_delete,
            args=(registry, case),
            icon=":material/delete:",
        )
