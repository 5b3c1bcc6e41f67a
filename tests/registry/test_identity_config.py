"""The keyed patient hash, its key file, and where the registry lives."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.phantoms import write_phantom_series
from vbqcore.errors import RegistryUnavailableError
from vbqcore.registry.config import default_database_path, settings_from_env
from vbqcore.registry.identity import dicom_patient_ids, load_or_create_key, patient_hash


def test_hmac_sha256_rfc4231_test_case_2() -> None:
    # RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert patient_hash("what do ya want for nothing?", b"Jefe") == expected


def test_hash_depends_on_key_and_ignores_padding() -> None:
    assert patient_hash(" P1 ", b"k" * 32) == patient_hash("P1", b"k" * 32)
    assert patient_hash("P1", b"k" * 32) != patient_hash("P1", b"j" * 32)
    assert patient_hash("   ", b"k" * 32) is None


def test_key_created_once_private(tmp_path: Path) -> None:
    path = tmp_path / "config" / "registry-key"
    key = load_or_create_key(path)
    assert len(key) == 32 and load_or_create_key(path) == key
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_bad_key_file_message(tmp_path: Path) -> None:
    path = tmp_path / "registry-key"
    path.write_text("not hex")
    with pytest.raises(RegistryUnavailableError, match="64 hex characters"):
        load_or_create_key(path)


def test_patient_ids_from_dicom_and_zip(tmp_path: Path) -> None:
    paths = write_phantom_series(tmp_path / "s", n_slices=2, series_seed="id")
    files = [(p.name, p.read_bytes()) for p in paths]
    assert dicom_patient_ids(files + [("x.png", b"\x89PNG not dicom")]) == ("PHANTOM-0001",)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(f"dir/{name}", data)
    assert dicom_patient_ids([("exam.zip", buffer.getvalue())]) == ("PHANTOM-0001",)


def test_settings_default_outside_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from_env({})
    assert settings.url == f"sqlite:///{default_database_path()}"
    checkout = Path(__file__).resolve().parents[2]
    assert checkout not in default_database_path().parents
    assert checkout not in settings.key_path.parents


def test_settings_from_environment(tmp_path: Path) -> None:
    env = {
        "VBQ_DATABASE_URL": "postgresql+psycopg://u:secret@db.example/vbq",
        "VBQ_REGISTRY_KEY_FILE": str(tmp_path / "k"),
        "VBQ_DATABASE_TIMEOUT": "5",
    }
    settings = settings_from_env(env)
    assert settings.display_url == "postgresql+psycopg://u:***@db.example/vbq"
    assert settings.key_path == tmp_path / "k" and settings.timeout_s == 5.0
    with pytest.raises(RegistryUnavailableError, match="not a database URL"):
        settings_from_env({"VBQ_DATABASE_URL": "no url"})
    with pytest.raises(RegistryUnavailableError, match="not a number of seconds"):
        settings_from_env({"VBQ_DATABASE_TIMEOUT": "soon"})
