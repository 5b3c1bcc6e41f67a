"""AppTest fixtures: an unexpected error fails the test instead of becoming a reference."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vbqapp.error_report import RAISE_ENV


@pytest.fixture(autouse=True)
def raise_unexpected_errors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(RAISE_ENV, "1")
    yield
