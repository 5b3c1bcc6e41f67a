"""Unexpected errors: the page shows a reference, the log gets the traceback, nothing leaks."""

from __future__ import annotations

import logging
import re
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from vbqapp.error_report import RAISE_ENV

APP = str(ROOT / "app.py")


def test_config_hides_error_details_and_caps_uploads() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] == 256  # MB, as the README documents
    assert "maxUploadSize` is 256 MB" in (ROOT / "README.md").read_text()


def test_a_bug_shows_a_reference_and_logs_the_traceback(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(RAISE_ENV, raising=False)
    secret_path = "/srv/secret/path/reproduction_tables.py"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom in {secret_path}")

    # The home page, run by app.py's router (AppTest's switch_page bypasses app.py), breaks.
    monkeypatch.setattr("vbqapp.routing.require_router", broken)
    with caplog.at_level(logging.ERROR, logger="vbqapp.error_report"):
        at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception  # nothing for Streamlit to render as a traceback
    (message,) = [e.value for e in at.error if "reference" in e.value]
    reference = re.search(r"VBQ-[0-9A-F]{8}", message)
    assert reference is not None
    assert secret_path not in message and "RuntimeError" not in message
    logged = [r for r in caplog.records if reference.group(0) in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the server log
    assert secret_path in str(logged[0].exc_info[1])
