"""A real DICOMweb server for the tests: Debian's Orthanc with its DICOMweb plugin.

Started on free loopback ports with a configuration and storage in a temporary folder; basic
authentication on. Absent locally -> the tests skip; absent with ``CI`` set -> they fail (CI
installs ``orthanc`` and ``orthanc-dicomweb``, see ``.ci/run``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

__all__ = ["Orthanc", "running_orthanc", "free_port", "orthanc_or_skip"]

_PLUGINS = (
    "/usr/share/orthanc/plugins/libOrthancDicomWeb.so",
    "/usr/lib/orthanc/libOrthancDicomWeb.so",
)
USER, PASSWORD = "vbq", "vbq-test-secret"
_START_TIMEOUT_S = 90.0  # a loaded 2-core machine; normally under 2 s


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _binary() -> tuple[str | None, str | None]:
    binary = shutil.which("Orthanc") or ("/usr/sbin/Orthanc" if os.path.exists(
        "/usr/sbin/Orthanc") else None)  # fmt: skip
    plugin = next((p for p in _PLUGINS if os.path.exists(p)), None)
    return binary, plugin


def orthanc_or_skip() -> tuple[str, str]:
    """Orthanc's binary and DICOMweb plugin; skip (locally) or fail (CI) when absent."""
    binary, plugin = _binary()
    if binary and plugin:
        return binary, plugin
    message = (
        "Orthanc with its DICOMweb plugin is not installed "
        "(apt-get install orthanc orthanc-dicomweb)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class Orthanc:
    """A running server: its REST root, DICOMweb root and the credentials it accepts."""

    rest_url: str
    dicomweb_url: str
    user: str = USER
    password: str = PASSWORD

    def rest(self, method: str, path: str, **kwargs: object) -> requests.Response:
        """Call Orthanc's own REST API (to delete a series behind the client's back)."""
        response = requests.request(
            method, self.rest_url + path, auth=(self.user, self.password), timeout=30, **kwargs
        )  # type: ignore[arg-type]
        response.raise_for_status()
        return response

    def delete_series(self, series_uid: str) -> None:
        found = self.rest("POST", "/tools/lookup", data=series_uid).json()
        for item in found:
            if item["Type"] == "Series":
                self.rest("DELETE", f"/series/{item['ID']}")

    def env(self) -> dict[str, str]:
        """Environment of a CLI call that may use this server."""
        return {
            **os.environ,
            "VBQ_DICOMWEB_USER": self.user,
            "VBQ_DICOMWEB_PASSWORD": self.password,
        }


@contextmanager
def running_orthanc(folder: Path) -> Iterator[Orthanc]:
    """Start Orthanc with storage in ``folder``; stop it (and only it) on exit."""
    binary, plugin = orthanc_or_skip()
    http_port, dicom_port = free_port(), free_port()
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "Name": "vbq-test",
        "StorageDirectory": str(folder / "db"),
        "IndexDirectory": str(folder / "db"),
        "HttpPort": http_port,
        "DicomPort": dicom_port,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": True,
        "RegisteredUsers": {USER: PASSWORD},
        "Plugins": [plugin],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
        "HttpCompressionEnabled": False,
    }
    path = folder / "orthanc.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    log = (folder / "orthanc.log").open("wb")
    process = subprocess.Popen([binary, str(path)], stdout=log, stderr=subprocess.STDOUT)
    rest = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"Orthanc exited with {process.returncode}: "
                    + (folder / "orthanc.log").read_text(errors="replace")[-2000:]
                )
            try:
                if requests.get(rest + "/system", auth=(USER, PASSWORD), timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Orthanc did not start within {_START_TIMEOUT_S:g} s.")
            time.sleep(0.1)
        yield Orthanc(rest, rest + "/dicom-web")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        log.close()
