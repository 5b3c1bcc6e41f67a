"""Fixtures shared by every test: paths into the repository."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


_REGISTRY_DIR = tempfile.mkdtemp(prefix="vbq-test-registry-")


def pytest_configure(config: pytest.Config) -> None:
    """Never let a test touch the user's case registry or key (``VBQ_DATABASE_URL`` may point
    at a department's server): every test, app run and app server started by the tests uses a
    throw-away SQLite registry and key unless a test sets its own."""
    os.environ["VBQ_DATABASE_URL"] = f"sqlite:///{_REGISTRY_DIR}/registry.sqlite"
    os.environ["VBQ_REGISTRY_KEY_FILE"] = f"{_REGISTRY_DIR}/registry-key"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_REGISTRY_DIR, ignore_errors=True)
