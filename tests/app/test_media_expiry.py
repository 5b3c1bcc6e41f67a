"""Downloads expire: a file no live session references is deleted within two sweeps."""

from __future__ import annotations

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from vbqapp.media_expiry import sweep_once


def test_a_closed_sessions_download_is_gone_after_two_sweeps() -> None:
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    # Outside a script run Streamlit files everything under the session id "dontcare".
    manager.add(
        b"a,b\n1,2\n", "text/csv", "coord-1", file_name="rows.csv", is_for_static_download=True
    )
    (file_id,) = storage._files_by_id  # what /media/<id>.csv serves
    sweep_once(manager)
    assert file_id in storage._files_by_id  # the session still references it
    manager.clear_session_refs("dontcare")  # the session ends (AppSession.shutdown does this)
    sweep_once(manager)
    assert file_id in storage._files_by_id  # marked only: a browser may still be fetching it
    sweep_once(manager)
    assert file_id not in storage._files_by_id  # served no more


def test_a_failing_sweep_does_not_raise() -> None:
    class Broken:
        def remove_orphaned_files(self) -> None:
            raise RuntimeError("boom")

    sweep_once(Broken())


def test_a_closed_tabs_session_ends_within_30_seconds() -> None:
    # The session's end is what frees its downloads; Streamlit's default TTL is 120 s.
    import tomllib
    from pathlib import Path

    config = tomllib.loads(
        (Path(__file__).resolve().parents[2] / ".streamlit/config.toml").read_text()
    )
    assert config["server"]["disconnectedSessionTTL"] <= 30
