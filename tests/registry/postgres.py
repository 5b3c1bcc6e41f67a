"""A throw-away PostgreSQL cluster for the registry tests: ``initdb`` in a temp folder, started
with ``pg_ctl`` on a free loopback port, stopped and deleted afterwards.

PostgreSQL refuses to run as root, so under root (CI) the cluster runs as ``nobody`` via
``runuser``. Without PostgreSQL's binaries the tests skip on a developer machine and fail when
``CI`` is set (``.ci/run`` installs Debian's ``postgresql``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["postgres_bin", "require_postgres", "postgres_cluster"]


def postgres_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return None if initdb is None else Path(initdb).resolve().parent


def require_postgres() -> Path:
    """The binaries' folder, or skip (locally) / fail (in CI) when PostgreSQL is absent."""
    folder = postgres_bin()
    if folder is not None and (folder / "pg_ctl").exists():
        return folder
    message = "PostgreSQL not installed (apt-get install postgresql)"
    if os.environ.get("CI"):
        pytest.fail(message + ": the PostgreSQL registry tests are required in CI", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_cluster_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--", *args]
    return args


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh, empty database on a private cluster."""
    folder = require_postgres()
    root = Path(tempfile.mkdtemp(prefix="vbq-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        nobody = int(subprocess.check_output(["id", "-u", "nobody"], text=True))
        for path in (root, sockets):
            os.chown(path, nobody, -1)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "HOME": str(root)}
    log = root / "server.log"

    def run(*args: str) -> None:
        result = subprocess.run(
            _as_cluster_user(list(args)),
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if result.returncode != 0:
            tail = log.read_text()[-2000:] if log.exists() else ""
            pytest.fail(
                f"{args[0]} failed ({result.returncode}): {result.stderr[-2000:]}\n{tail}",
                pytrace=False,
            )

    try:
        run(str(folder / "initdb"), "-D", str(data), "-A", "trust", "-U", "vbq", "-E", "UTF8")
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(str(folder / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w",
            "-t", "120", "start")  # fmt: skip
        try:
            yield f"postgresql+psycopg://vbq@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                _as_cluster_user(
                    [str(folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                cwd=root,
                env=env,
                capture_output=True,
                timeout=120,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
