"""vbqcore.imaging.archives: zip bombs, member floods and session budgets are refused before
anything large is decompressed."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile

from vbqcore.imaging.archives import (
    MAX_ARCHIVE_MEMBERS,
    ArchiveLimits,
    expand_archives,
)
from vbqcore.imaging.uploads import read_uploads


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(mb: int = 32) -> bytes:
    return _zip([("IM0001.dcm", bytes(mb * 1024 * 1024))])  # zeros deflate ~1000-fold


def test_a_zip_bomb_is_refused_before_decompressing() -> None:
    bomb = _bomb()
    assert len(bomb) < 100_000  # 32 MB of zeros in well under 0.1 MB: the ratio gives it away
    tracemalloc.start()
    result = expand_archives([("scan.zip", bomb)] * 3)  # three in one drop
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.files == () and result.unpacked_bytes == 0
    assert len(result.errors) == 3
    assert all("zip bomb" in e and e.startswith("scan.zip") for e in result.errors)
    assert peak < 8 * 1024 * 1024  # nothing near the 32 MB a member would take


def test_too_many_members() -> None:
    flood = _zip([(f"f{i}.dcm", b"x") for i in range(MAX_ARCHIVE_MEMBERS + 1)])
    result = expand_archives([("flood.zip", flood)])
    assert result.files == ()
    assert f"holds {MAX_ARCHIVE_MEMBERS + 1:,} files" in result.errors[0]


def test_session_budget_counts_earlier_uploads() -> None:
    data = _zip([("a.dcm", bytes(range(256)) * 40)])  # 10 240 bytes, incompressible enough
    first = expand_archives([("a.zip", data)], limits=ArchiveLimits(max_bytes=15_000))
    assert first.errors == () and first.unpacked_bytes == 10_240
    second = expand_archives(
        [("b.zip", data)],
        limits=ArchiveLimits(max_bytes=15_000, session_bytes=first.unpacked_bytes),
    )
    assert second.files == () and "may still unpack" in second.errors[0]
    # within one batch too: the second copy does not fit beside the first
    both = expand_archives(
        [("a.zip", data), ("b.zip", data)], limits=ArchiveLimits(max_bytes=15_000)
    )
    assert len(both.files) == 1 and len(both.errors) == 1


def test_a_member_larger_than_its_header_says_is_refused() -> None:
    data = bytearray(_zip([("IM1.dcm", b"A" * 5000)]))
    # Shrink the declared uncompressed size (local header offset 22, central directory +24):
    # a hostile archive that hides how much it expands to.
    data[22:26] = struct.pack("<I", 100)
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 100)
    result = expand_archives([("liar.zip", bytes(data))])
    assert result.files == ()
    assert result.errors and result.errors[0].startswith("liar.zip")


def test_read_uploads_reports_the_bytes_unpacked() -> None:
    batch = read_uploads([("scan.zip", _bomb(4))])
    assert batch.series == () and batch.unpacked_bytes == 0 and "zip bomb" in batch.errors[0]
