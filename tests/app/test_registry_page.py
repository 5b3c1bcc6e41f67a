"""AppTest: saving a measured case to the registry from the Case page, the Registry page
(search, relabel, stale edits, delete, open on the Case page, import) and the registry as a
cohort explorer data source. Each test has its own SQLite registry in ``tmp_path``."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_case_page import (
    STIR,
    T1,
    T2,
    all_text,
    draw,
    files_of,
    open_case_page,
    upload,
)
from tests.case_helpers import phantom_rois
from tests.conftest import ROOT
from vbqcore.registry.config import settings_from_env
from vbqcore.registry.database import open_registry
from vbqcore.registry.identity import load_or_create_key
from vbqcore.registry.store import get_case, list_cases, update_labels

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def own_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VBQ_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.sqlite'}")
    monkeypatch.setenv("VBQ_REGISTRY_KEY_FILE", str(tmp_path / "registry-key"))
    return tmp_path


def _measured(tmp_path: Path) -> AppTest:
    at = open_case_page()
    upload(at, [f for s in (STIR, T1, T2) for f in files_of(tmp_path, s)])
    draw(at, T1, phantom_rois())
    next(b for b in at.button if b.label.startswith("Copy to")).click().run()
    return at


def _key(at: AppTest, label: str) -> str:
    return next(w for w in at.text_input if w.label == label).key or ""


def _save(at: AppTest, *, reader: str = "Dr A", group: str = "fracture") -> None:
    at.text_input(key=_key(at, "Reader")).set_value(reader)
    next(s for s in at.selectbox if s.label == "Group").set_value(group)
    next(b for b in at.button if b.label in ("Save to registry", "Update")).click().run()
    assert not at.exception, [e.value for e in at.exception]


def _registry_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/registry.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_save_update_and_same_patient(tmp_path: Path) -> None:
    at = _measured(tmp_path)
    case_id = at.text_input(key=_key(at, "Case ID (pseudonym)")).value
    _save(at)
    assert f"Saved case {case_id} (version 1)." in all_text(at)
    registry = open_registry()
    stored = get_case(registry, case_id)
    # Closed form (tests/phantoms.py): VBQ-T2 = 330 / 600 = 0.55, as the Case page shows.
    assert stored.record.scores["vbq_t2"] == pytest.approx(0.55)  # type: ignore[index]
    assert (stored.updated_by, stored.record.group.value, len(stored.record.rois)) == (
        "Dr A",
        "fracture",
        15,
    )
    # The keyed hash of the phantom's PatientID, never the ID itself.
    key = load_or_create_key(settings_from_env().key_path)
    expected = hmac.new(key, b"PHANTOM-0001", hashlib.sha256).hexdigest()
    assert stored.record.patient_hash == expected
    assert "PHANTOM-0001" not in (stored.record.case_json or "")

    _save(at)  # the button now reads "Update"
    assert f"Updated case {case_id} (version 2)." in all_text(at)
    # Someone else changes the case: this session's next update is refused, its work kept.
    update_labels(registry, case_id, actor="Dr B", expected_version=2, group="control")
    _save(at)
    text = all_text(at)
    assert "changed by Dr B" in text and "Your changes were not saved" in text
    assert at.session_state["case_model"].roi_count == 15
    # Saved as a new case: the same patient is recognised by the hash.
    next(b for b in at.button if b.label == "Save as a new case instead").click().run()
    _save(at)
    assert f"already in the registry as {case_id}" in all_text(at)
    assert len(list_cases(registry)) == 2
    registry.dispose()


def test_registry_page_relabel_stale_delete_and_reopen(tmp_path: Path) -> None:
    at = _measured(tmp_path)
    case_id = at.text_input(key=_key(at, "Case ID (pseudonym)")).value
    _save(at)
    page = _registry_page()
    assert page.title[0].value == "Registry"
    assert list(page.dataframe[0].value["case_id"]) == [case_id]
    page.text_input(key=_key(page, "Reader")).set_value("Dr C").run()
    page.text_input(key=_key(page, "Search")).set_value("nobody").run()
    assert "0 case(s)" in all_text(page)
    page.text_input(key=_key(page, "Search")).set_value("dr a").run()
    assert "1 case(s)" in all_text(page)

    # A form sends its values with the submit: set, then click, then one run.
    next(w for w in page.text_input if w.label == "Note").set_value("re-read")
    next(b for b in page.button if b.label == "Save labels").click().run()
    assert f"Saved the labels of {case_id} (version 2)." in all_text(page)
    registry = open_registry()
    assert get_case(registry, case_id).record.note == "re-read"

    update_labels(registry, case_id, actor="Dr D", expected_version=2, note="theirs")
    page.run()
    assert "was changed by Dr D" in all_text(page)
    next(w for w in page.text_input if w.label == "Note").set_value("mine")
    next(b for b in page.button if b.label == "Save labels").click().run()
    assert "your edit was not saved" in all_text(page)
    assert get_case(registry, case_id).record.note == "theirs"
    next(b for b in page.button if b.label == "Reload").click().run()

    delete = next(b for b in page.button if b.label == f"Delete {case_id}")
    assert delete.disabled  # until confirmed
    next(c for c in page.checkbox if c.label.startswith("Yes, delete")).check().run()
    next(b for b in page.button if b.label == f"Delete {case_id}").click().run()
    assert f"Deleted case {case_id}" in all_text(page)
    assert list_cases(registry) == []
    registry.dispose()


def test_open_on_case_page_restores_rois(tmp_path: Path) -> None:
    at = _measured(tmp_path)
    case_id = at.text_input(key=_key(at, "Case ID (pseudonym)")).value
    _save(at)
    page = _registry_page()
    next(b for b in page.button if b.label == "Open on the Case page").click().run()
    assert not page.exception, [e.value for e in page.exception]
    assert page.title[0].value == "Case"
    case = page.session_state["case_model"]
    assert case.roi_count == 15 and case.loaded == ()  # ROIs waiting for the images
    text = all_text(page)
    assert f"Registry case **{case_id}**, version 1" in text and "VBQ-T2 0.550" in text
    assert any(b.label == "Update" for b in page.button)


def test_import_and_cohort_source(tmp_path: Path) -> None:
    rows = ["case_id,group,sex,age,T2_L1,T2_L2,T2_L3,T2_L4,T2_CSF"]
    for i in range(12):
        group = "fracture" if i % 2 else "control"
        rows.append(f"C{i},{group},{'FM'[i % 2]},{60 + i},{300 + 10 * i},330,315,330,600")
    rows.append("BAD,control,F,70,1,2,3,4,")
    page = _registry_page()
    page.text_input(key=_key(page, "Reader")).set_value("importer").run()
    uploader = next(u for u in page.get("file_uploader"))
    page.file_uploader(key=uploader.key).upload(
        "cases.csv", ("\n".join(rows) + "\n").encode(), "text/csv"
    ).run()
    next(b for b in page.button if b.label == "Import").click().run()
    text = all_text(page)
    assert "Imported 12 of 13 row(s)." in text and "Row 13 (line 14)" in text
    assert len(page.dataframe[0].value) == 12

    cohort = AppTest.from_file(APP, default_timeout=60).run()
    cohort.switch_page("pages/cohort.py").run()
    next(b for b in cohort.button if b.label == "Use the registry").click().run()
    assert not cohort.exception, [e.value for e in cohort.exception]
    assert "**Data:** Registry (12 cases)" in all_text(cohort)


def test_unreachable_database_keeps_the_app_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _measured(tmp_path)
    monkeypatch.setenv("VBQ_DATABASE_URL", "postgresql+psycopg://vbq@127.0.0.1:1/vbq")
    monkeypatch.setenv("VBQ_DATABASE_TIMEOUT", "2")
    _save(at, reader="Dr E")
    text = all_text(at)
    assert "Not saved: The registry postgresql+psycopg://vbq@127.0.0.1:1/vbq cannot be" in text
    assert at.text_input(key=_key(at, "Reader")).value == "Dr E"
    assert at.session_state["case_model"].roi_count == 15
    page = _registry_page()
    assert "cannot be reached" in page.error[0].value


def test_opt_in_images_reopen_with_scores(tmp_path: Path) -> None:
    at = _measured(tmp_path)
    next(c for c in at.checkbox if c.label.startswith("Also store the images")).check()
    _save(at)
    page = _registry_page()
    assert "images: T1, T2, STIR" in all_text(page)
    next(b for b in page.button if b.label == "Open on the Case page").click().run()
    assert not page.exception, [e.value for e in page.exception]
    case = page.session_state["case_model"]
    assert [s.value for s in case.loaded] == ["T1", "T2", "STIR"] and case.roi_count == 15
    shown = {m.label: m.value for m in page.metric}
    # Closed form (tests/phantoms.py), as the Case page showed before saving.
    assert shown["VBQ-T2"] == "0.550" and shown["VBQ-T1"] == "4.000"
    assert "Upload the same images" not in all_text(page)


def test_newer_database_is_refused_with_a_message(own_registry: Path) -> None:
    import sqlite3

    open_registry().dispose()
    with sqlite3.connect(own_registry / "registry.sqlite") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    page = _registry_page()
    assert "written by a newer VBQ Dashboard" in page.error[0].value
    at = _measured(own_registry)  # the rest of the app keeps working
    _save(at)
    assert "Not saved: The registry" in all_text(at) and "newer VBQ Dashboard" in all_text(at)
