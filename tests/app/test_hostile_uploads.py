"""Every upload path of the app on the hostile corpus: a clean message, no exception, no live
markdown from a file name, column or value, and the case or cohort already on the page kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_case_page import files_of, upload
from tests.conftest import ROOT
from tests.hostile_corpus import IMAGES, JSONS, MARKDOWN, MARKDOWN_LINK, TABLES, markdown_table
from vbqapp.state import IncomingDataset
from vbqapp.studies import agreement_inputs, matching_inputs
from vbqapp.text import md_escape
from vbqcore.anatomy import Sequence

APP = str(ROOT / "app.py")
_RENDERED = ("markdown", "caption", "info", "warning", "error", "success", "subheader", "title")


def _open(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> list[str]:
    """Everything Streamlit renders as markdown, plus widget labels (also markdown)."""
    texts = [str(e.value) for kind in _RENDERED for e in getattr(at, kind)]
    texts += [str(m.label) for m in at.metric]
    texts += [
        str(w.label) for kind in ("multiselect", "selectbox", "radio") for w in getattr(at, kind)
    ]
    return texts


def _no_live_markdown(at: AppTest) -> None:
    for text in _texts(at):
        for hostile in (MARKDOWN, MARKDOWN_LINK):
            assert hostile not in text, text  # only its escaped form may appear
        assert "Traceback" not in text


def _as_table(name: str) -> str:
    """The uploaders take .csv/.xlsx only (the browser filters, Streamlit refuses the rest): a
    hostile .xls is offered under an accepted name, as a renamed file would be."""
    return name if name.endswith((".csv", ".xlsx")) else f"{name}.csv"


def _refused(at: AppTest, name: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    # a refusal, or (a readable table without the columns needed) the request to pick them
    assert at.error or any("Choose the" in i.value for i in at.info), f"{name}: no message"
    _no_live_markdown(at)


def test_case_page_keeps_the_case_through_hostile_images_and_case_files(tmp_path: Path) -> None:
    at = _open("pages/case.py")
    upload(at, files_of(tmp_path, Sequence.T1))
    series = at.session_state["case_model"][Sequence.T1].series
    assert series is not None
    for name, data in IMAGES:
        upload(at, [(name, data)])
        _refused(at, name)
        assert at.session_state["case_model"][Sequence.T1].series is series, name
    assert IMAGES[-1][0].endswith(f"{MARKDOWN}.png")  # the last one is named in markdown:
    assert any(md_escape(MARKDOWN) in e.value for e in at.error)  # named, as plain text
    for name, data in JSONS:
        at.file_uploader[1].upload(name, data, "application/json").run()
        _refused(at, name)
        assert at.session_state["case_model"][Sequence.T1].series is series, name
        assert at.session_state["case_model"][Sequence.T1].rois == (), name  # nothing half-restored


def _counts(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_cohort_page_keeps_the_demo_through_hostile_tables() -> None:
    at = _open("pages/cohort.py")
    before = _counts(at)
    for name, data in [*TABLES, ("=evil.csv", markdown_table())]:
        at.file_uploader(key="cohort_upload").upload(_as_table(name), data, "text/csv").run()
        _refused(at, name)
        assert _counts(at) == before, name  # the demo cohort is still analysed
        assert any("Demo cohort" in e.value for e in at.error), name


def test_cohort_page_escapes_markdown_column_names_and_group_values() -> None:
    frame = pd.read_csv(__import__("io").BytesIO(markdown_table()))
    frame = frame.rename(columns={MARKDOWN_LINK: "group"})
    incoming = IncomingDataset(f"{MARKDOWN}.csv", frame, None)
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page("pages/cohort.py")
    at.session_state["cohort_incoming_dataset"] = incoming
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    _no_live_markdown(at)
    assert any(md_escape(MARKDOWN) in t for t in _texts(at))  # shown, as plain text


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("pages/agreement.py", agreement_inputs.UPLOAD_KEY),
        ("pages/matching.py", matching_inputs.UPLOAD_KEY),
    ],
)
def test_study_pages_refuse_hostile_tables(page: str, key: str) -> None:
    at = _open(page)
    for name, data in TABLES:
        uploader = at.file_uploader(key=key)
        if getattr(uploader.proto, "multiple_files", False):
            uploader.set_value([(_as_table(name), data, "text/csv")]).run()
        else:
            uploader.upload(_as_table(name), data, "text/csv").run()
        _refused(at, name)
