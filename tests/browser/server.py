"""Start the app with ``streamlit run`` on a free loopback port: used by the browser tests'
fixtures and by the browser benchmarks, so both measure the app exactly as a user starts it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

__all__ = ["ROOT", "AppStartError", "free_port", "serve_app"]

ROOT = Path(__file__).resolve().parents[2]


class AppStartError(RuntimeError):
    """Streamlit exited or did not answer its health check in time."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_app(log: Path, *, timeout_s: float = 60) -> Iterator[str]:
    """Run ``streamlit run app.py`` on 127.0.0.1:<free port>; yield its URL; stop it after."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as log_fh:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log_fh, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout_s
        try:
            while True:
                if proc.poll() is not None:
                    raise AppStartError(f"streamlit exited early; see {log}")
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    message = f"streamlit did not answer within {timeout_s:.0f} s; see {log}"
                    raise AppStartError(message)
                time.sleep(0.25)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
