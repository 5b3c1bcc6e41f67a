"""Spotting a re-measured patient without storing who it is: a keyed hash of the PatientID.

HMAC-SHA256 (RFC 2104 with SHA-256; test vectors RFC 4231) of the DICOM PatientID under a
random 256-bit key kept in a local file (``vbqcore.registry.config``), never in the database.
Without the key the hash cannot be checked against a list of hospital IDs, unlike a plain hash.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import secrets
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

from vbqcore.errors import RegistryUnavailableError

__all__ = ["load_or_create_key", "patient_hash", "dicom_patient_ids"]

logger = logging.getLogger(__name__)

_KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """The key in ``path`` (64 hex characters), created with ``secrets`` on first use (0600)."""
    try:
        if path.exists():
            text = path.read_text(encoding="ascii").strip()
            key = bytes.fromhex(text)
            if len(key) < 16:
                raise ValueError("shorter than 16 bytes")
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(_KEY_BYTES)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
        logger.info("created the registry key file %s", path)
        return key
    except FileExistsError:  # another process created it a moment ago
        return load_or_create_key(path)
    except (OSError, ValueError) as err:
        raise RegistryUnavailableError(
            f"The registry key file {path} cannot be read or created ({err}); check the file "
            "(64 hex characters) or set VBQ_REGISTRY_KEY_FILE to a writable location."
        ) from err


def patient_hash(patient_id: str, key: bytes) -> str | None:
    """HMAC-SHA256 of the stripped PatientID as 64 hex characters; ``None`` for a blank ID."""
    text = patient_id.strip()
    if not text:
        return None
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def dicom_patient_ids(files: Iterable[tuple[str, bytes]]) -> tuple[str, ...]:
    """The distinct non-blank PatientIDs in the DICOM files of an upload (.zip opened; files
    that are not DICOM are skipped).

    Only the header up to PatientID is parsed. The IDs are meant to be hashed at once and
    dropped: never show, log or store them.
    """
    found: dict[str, None] = {}
    for _, data in _members(files):
        try:
            header = pydicom.dcmread(
                io.BytesIO(data), stop_before_pixels=True, specific_tags=["PatientID"]
            )
        except (InvalidDicomError, OSError, ValueError, EOFError, TypeError):
            continue
        value = str(getattr(header, "PatientID", "") or "").strip()
        if value:
            found[value] = None
    return tuple(found)


def _members(files: Iterable[tuple[str, bytes]]) -> Iterable[tuple[str, bytes]]:
    """The files, with a .zip upload opened into its members (as the Case page reads them)."""
    for name, data in files:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            yield name, data
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    if not info.is_dir() and info.file_size < 512 * 2**20:
                        yield info.filename, archive.read(info)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            continue
