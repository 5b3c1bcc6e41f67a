"""Where the registry lives: the database URL and the local key file, from the environment.

* ``VBQ_DATABASE_URL``: any SQLAlchemy URL (``postgresql+psycopg://user@host/vbq``); default a
  SQLite file ``registry.sqlite`` in the user's data folder (``platformdirs.user_data_dir``,
  e.g. ``~/.local/share/vbq-dashboard`` on Linux), never inside the checkout.
* ``VBQ_REGISTRY_KEY_FILE``: the secret key of the patient hash (``vbqcore.registry.identity``);
  default ``registry-key`` in the user's config folder (``~/.config/vbq-dashboard``). It is
  never stored in the database: a copied database alone cannot be tested against PatientIDs.
* ``VBQ_DATABASE_TIMEOUT``: seconds to wait for a locked database (default 30).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from vbqcore.errors import RegistryUnavailableError

__all__ = [
    "APP_NAME",
    "URL_VARIABLE",
    "KEY_VARIABLE",
    "TIMEOUT_VARIABLE",
    "RegistrySettings",
    "default_database_path",
    "default_key_path",
    "settings_from_env",
]

logger = logging.getLogger(__name__)

APP_NAME = "vbq-dashboard"
URL_VARIABLE = "VBQ_DATABASE_URL"
KEY_VARIABLE = "VBQ_REGISTRY_KEY_FILE"
TIMEOUT_VARIABLE = "VBQ_DATABASE_TIMEOUT"


def default_database_path() -> Path:
    """``registry.sqlite`` in the user's data folder (created on first use)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "registry.sqlite"


def default_key_path() -> Path:
    """``registry-key`` in the user's config folder (created on first use, mode 0600)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "registry-key"


@dataclass(frozen=True)
class RegistrySettings:
    """The database URL, the key file and the lock timeout (seconds)."""

    url: str
    key_path: Path
    timeout_s: float = 30.0

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, safe to show and log."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.url).get_backend_name() == "sqlite"

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.display_url,
            "key_path": str(self.key_path),
            "timeout_s": self.timeout_s,
        }


def settings_from_env(environ: dict[str, str] | None = None) -> RegistrySettings:
    """Read ``VBQ_DATABASE_URL``, ``VBQ_REGISTRY_KEY_FILE`` and ``VBQ_DATABASE_TIMEOUT``."""
    env = dict(os.environ if environ is None else environ)
    url = env.get(URL_VARIABLE, "").strip() or f"sqlite:///{default_database_path()}"
    try:
        make_url(url)
    except ArgumentError as err:
        raise RegistryUnavailableError(
            f"{URL_VARIABLE}={url!r} is not a database URL ({err}); use e.g. "
            "sqlite:////path/registry.sqlite or postgresql+psycopg://user@host/dbname."
        ) from err
    key = env.get(KEY_VARIABLE, "").strip()
    raw_timeout = env.get(TIMEOUT_VARIABLE, "").strip() or "30"
    try:
        timeout = float(raw_timeout)
    except ValueError as err:
        raise RegistryUnavailableError(
            f"{TIMEOUT_VARIABLE}={raw_timeout!r} is not a number of seconds."
        ) from err
    if not timeout > 0:
        raise RegistryUnavailableError(f"{TIMEOUT_VARIABLE} must be > 0 seconds, got {timeout}.")
    return RegistrySettings(url, Path(key) if key else default_key_path(), timeout)
