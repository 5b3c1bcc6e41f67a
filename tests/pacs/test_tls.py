"""TLS is always verified: a self-signed server is refused with a clear message, and accepted
once its certificate is given as the CA bundle."""

from __future__ import annotations

import http.server
import os
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from vbqcore.errors import PacsError
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.config import PacsConfig


class _EmptyQido(http.server.BaseHTTPRequestHandler):
    """Answers every QIDO-RS search with no match."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/dicom+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep pytest's output clean
        return


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTPS server with a self-signed certificate for 127.0.0.1."""
    openssl = shutil.which("openssl")
    if openssl is None:
        if os.environ.get("CI"):
            pytest.fail("openssl is not installed (apt-get install openssl)")
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EmptyQido)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/dicom-web", cert
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


def test_self_signed_server_is_refused_then_trusted_with_its_ca(
    https_server: tuple[str, Path],
) -> None:
    url, cert = https_server
    with pytest.raises(PacsError, match="TLS certificate of .* could not be verified") as err:
        PacsClient(PacsConfig(url, timeout_s=30)).search_studies({"PatientID": "P-SECRET-9"})
    assert "P-SECRET-9" not in str(err.value)
    trusted = PacsClient(PacsConfig(url, timeout_s=30, ca_bundle=str(cert)))
    assert trusted.search_studies({"PatientID": "X"}) == []
