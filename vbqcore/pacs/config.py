"""Where the DICOMweb server is and how to log in: a ``PacsConfig`` from flags, env or secrets."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from vbqcore.errors import PacsError

__all__ = [
    "PacsConfig",
    "ENV_URL",
    "ENV_USER",
    "ENV_PASSWORD",
    "ENV_TOKEN",
    "ENV_TIMEOUT",
    "ENV_CA_BUNDLE",
    "DEFAULT_TIMEOUT_S",
    "config_from_env",
    "config_from_mapping",
]

logger = logging.getLogger(__name__)

#: Environment variables read by ``config_from_env`` (credentials never go on a command line,
#: where ``ps`` would show them to every user of the machine).
ENV_URL = "VBQ_DICOMWEB_URL"
ENV_USER = "VBQ_DICOMWEB_USER"
ENV_PASSWORD = "VBQ_DICOMWEB_PASSWORD"
ENV_TOKEN = "VBQ_DICOMWEB_TOKEN"
ENV_TIMEOUT = "VBQ_DICOMWEB_TIMEOUT"
ENV_CA_BUNDLE = "VBQ_DICOMWEB_CA_BUNDLE"

#: Seconds to wait for the server to connect or to send the next bytes of an answer.
DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class PacsConfig:
    """One DICOMweb service: its root URL and how to authenticate.

    ``url`` is the DICOMweb root (QIDO-RS, WADO-RS and STOW-RS below it, e.g.
    ``https://pacs.example.org/dicom-web``). Either ``username`` + ``password`` (HTTP basic) or
    a bearer ``token``, or neither. TLS certificates are always verified, against the system's
    CA store or ``ca_bundle`` (a PEM file of the hospital's CAs). ``timeout_s`` bounds the wait
    for a connection and for each chunk of an answer. Secrets are left out of ``repr``.
    """

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    ca_bundle: str | None = None

    def __post_init__(self) -> None:
        url = (self.url or "").strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PacsError(
                f"{_safe(url) or 'The DICOMweb URL'} is not a DICOMweb URL: give the server's "
                "DICOMweb root, e.g. https://pacs.example.org/dicom-web."
            )
        username, password = self.username, self.password
        if parts.username is not None:  # user:password@host: take them out of the URL
            username = username or parts.username
            password = password or parts.password
            netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
            url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
        if bool(username) != bool(password):
            raise PacsError(
                f"Basic authentication for {_safe(url)} needs both a user name and a password "
                f"({ENV_USER} and {ENV_PASSWORD})."
            )
        if username and self.token:
            raise PacsError(
                f"Give either a user name and password or a bearer token for {_safe(url)}, "
                "not both."
            )
        if not (isinstance(self.timeout_s, int | float) and 0 < self.timeout_s < math.inf):
            raise PacsError(f"The DICOMweb timeout must be a positive number of seconds, got "
                            f"{self.timeout_s!r}.")  # fmt: skip
        if self.ca_bundle is not None and not os.path.isfile(self.ca_bundle):
            raise PacsError(
                f"The CA bundle {self.ca_bundle} does not exist: give the PEM file of the "
                "certificates that sign the PACS's TLS certificate."
            )
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "username", username or None)
        object.__setattr__(self, "password", password or None)
        object.__setattr__(self, "token", self.token or None)
        object.__setattr__(self, "timeout_s", float(self.timeout_s))

    @property
    def display_url(self) -> str:
        """The URL as messages show it (never with credentials)."""
        return _safe(self.url)

    @property
    def auth_kind(self) -> str:
        """``"basic"``, ``"bearer"`` or ``"none"``."""
        return "basic" if self.username else "bearer" if self.token else "none"

    def with_url(self, url: str) -> PacsConfig:
        """The same credentials for another URL (a ``--url`` flag over the environment's)."""
        return replace(self, url=url)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe and secret-free: URL, auth kind, timeout, CA bundle."""
        return {
            "url": self.display_url,
            "auth": self.auth_kind,
            "timeout_s": self.timeout_s,
            "ca_bundle": self.ca_bundle,
        }


def _safe(url: str) -> str:
    """``url`` without any ``user:password@``."""
    try:
        parts = urlsplit(url)
        if parts.username is None:
            return url
        netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    except ValueError:  # an unparsable port: say nothing of what was typed after the host
        return url.split("@")[-1]


def _timeout(raw: Any, where: str) -> float:
    if raw is None or raw == "":
        return DEFAULT_TIMEOUT_S
    try:
        return float(raw)
    except (TypeError, ValueError) as err:
        raise PacsError(f"{where}: the timeout {raw!r} is not a number of seconds.") from err


def config_from_mapping(
    values: Mapping[str, Any], *, where: str = "the app's secrets"
) -> PacsConfig:
    """A config from a mapping with ``url`` and optional ``username``, ``password``, ``token``,
    ``timeout_s`` and ``ca_bundle`` (the ``[dicomweb]`` table of Streamlit's ``secrets.toml``)."""
    url = values.get("url")
    if not url:
        raise PacsError(f"{where} give no DICOMweb 'url'; add one under [dicomweb].")
    return PacsConfig(
        url=str(url),
        username=values.get("username") or None,
        password=values.get("password") or None,
        token=values.get("token") or None,
        timeout_s=_timeout(values.get("timeout_s"), where),
        ca_bundle=values.get("ca_bundle") or None,
    )


def config_from_env(
    environ: Mapping[str, str] | None = None, *, url: str | None = None
) -> PacsConfig:
    """A config from ``VBQ_DICOMWEB_*`` variables; ``url`` (a ``--url`` flag) wins over
    ``VBQ_DICOMWEB_URL``. Raise ``PacsError`` when neither gives a URL."""
    env = os.environ if environ is None else environ
    chosen = url or env.get(ENV_URL)
    if not chosen:
        raise PacsError(f"No DICOMweb server given: pass --url URL or set {ENV_URL}.")
    return PacsConfig(
        url=chosen,
        username=env.get(ENV_USER) or None,
        password=env.get(ENV_PASSWORD) or None,
        token=env.get(ENV_TOKEN) or None,
        timeout_s=_timeout(env.get(ENV_TIMEOUT), ENV_TIMEOUT),
        ca_bundle=env.get(ENV_CA_BUNDLE) or None,
    )
