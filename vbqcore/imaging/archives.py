"""Unpack .zip uploads with bounded memory: member count, total size and compression ratio are
checked before anything is decompressed, and members are streamed so a lying header cannot make
a member larger than it claims ("zip bomb": 1.75 MB that expands to 1.8 GB).
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

__all__ = [
    "ArchiveLimits",
    "ArchiveResult",
    "MAX_ARCHIVE_BYTES",
    "MAX_ARCHIVE_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "expand_archives",
]

logger = logging.getLogger(__name__)

#: Most bytes unpacked from the archives of one upload, and of one session. Three sagittal
#: series of 20 slices at 512 x 512 x 2 bytes are ~30 MB; an Enhanced MR file of a 60-slice
#: 1024^2 series is ~130 MB. 512 MB leaves room for that and refuses a PACS export of a study.
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
#: Most files in the archives of one upload (a sagittal series is 15-30 files).
MAX_ARCHIVE_MEMBERS = 2_000
#: Largest uncompressed/compressed ratio of a member above 1 MB. DICOM pixel data deflates about
#: 2-5x; a ratio of 100 or more is blank padding, the signature of a zip bomb.
MAX_COMPRESSION_RATIO = 100
_RATIO_FLOOR_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"

Upload = tuple[str, bytes]


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on unpacking (defaults above); ``session_bytes`` is what this session already
    unpacked, counted against ``max_bytes`` too."""

    max_bytes: int = MAX_ARCHIVE_BYTES
    max_members: int = MAX_ARCHIVE_MEMBERS
    max_ratio: float = MAX_COMPRESSION_RATIO
    session_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_bytes": self.max_bytes,
            "max_members": self.max_members,
            "max_ratio": self.max_ratio,
            "session_bytes": self.session_bytes,
        }


@dataclass(frozen=True, eq=False)
class ArchiveResult:
    """The files of a batch with archives replaced by their members, a message per archive
    refused, and the bytes unpacked (for the session's running total)."""

    files: tuple[Upload, ...]
    errors: tuple[str, ...]
    unpacked_bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [name for name, _ in self.files],
            "errors": list(self.errors),
            "unpacked_bytes": self.unpacked_bytes,
        }


class _Refused(Exception):
    """An archive over a limit; the message is for the user."""


def _skip_member(name: str) -> bool:
    """Archive members that are never images: folders, macOS metadata, DICOMDIR indexes."""
    path = PurePosixPath(name)
    return (
        name.endswith("/")
        or "__MACOSX" in path.parts
        or path.name.startswith(".")
        or path.name.upper() == "DICOMDIR"
    )


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def _check_declared(
    name: str, members: list[zipfile.ZipInfo], room: int, lim: ArchiveLimits
) -> None:
    total = sum(m.file_size for m in members)
    if len(members) > lim.max_members:
        raise _Refused(
            f"{name} holds {len(members):,} files; at most {lim.max_members:,} are unpacked per "
            "upload. Zip the sagittal T1, T2 and STIR series only."
        )
    if total > room:
        raise _Refused(
            f"{name} unpacks to {_mb(total)}, more than the {_mb(room)} this session may still "
            f"unpack (limit {_mb(lim.max_bytes)}). Zip the sagittal T1, T2 and STIR series only."
        )
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > _RATIO_FLOOR_BYTES and ratio > lim.max_ratio:
            raise _Refused(
                f"{name} is refused: one member expands {ratio:,.0f}-fold (a 'zip bomb' pattern; "
                f"images expand at most a few-fold). Create the archive again from the DICOM files."
            )


def _stream(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, room: int) -> bytes:
    """Read one member in chunks, never past its declared size or the room left."""
    limit = min(member.file_size, room)
    out = bytearray()
    with archive.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            out += chunk
            if len(out) > limit:
                raise _Refused(
                    f"{name}: a member unpacks to more than its header says; the archive is "
                    "damaged or hostile. Create it again from the DICOM files."
                )
    return bytes(out)


def expand_archives(
    files: Sequence[Upload], *, limits: ArchiveLimits | None = None
) -> ArchiveResult:
    """Replace each .zip in ``files`` (recognised by content) by the files inside it.

    Members are named ``archive.zip/inner/path``; folders, ``__MACOSX`` metadata, hidden files and
    DICOMDIR indexes are skipped. Before decompressing, each archive's member count, declared
    total (with what the batch and session already unpacked) and per-member compression ratio
    are checked against ``limits``; members are then streamed and cut off past their declared
    size. An archive over a limit, damaged or encrypted gets one message and is skipped.
    """
    lim = limits or ArchiveLimits()
    out: list[Upload] = []
    errors: list[str] = []
    used = 0
    for name, data in files:
        if not data.startswith(_ZIP_MAGIC):
            out.append((name, data))
            continue
        room = lim.max_bytes - lim.session_bytes - used
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if not _skip_member(m.filename)]
                if not members:
                    errors.append(f"{name} holds no files: zip the DICOM files of the series.")
                    continue
                _check_declared(name, members, room, lim)
                unpacked = []
                for m in members:
                    content = _stream(archive, m, name, room)
                    room -= len(content)
                    unpacked.append((f"{name}/{m.filename}", content))
                used += sum(len(c) for _, c in unpacked)
                out.extend(unpacked)
        except _Refused as err:
            errors.append(str(err))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as err:
            errors.append(f"{name} is a damaged .zip archive ({err}); create it again.")
        except (NotImplementedError, RuntimeError) as err:  # encrypted or exotic compression
            errors.append(f"{name} cannot be unpacked ({err}); use a plain, unencrypted .zip.")
    if errors:
        logger.info("%d archive(s) refused", len(errors))
    return ArchiveResult(tuple(out), tuple(errors), used)
