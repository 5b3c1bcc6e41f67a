"""Time registry saves and listing against bare sqlite3 doing the same writes, in one run.

Run: ``python benchmarks/bench_registry.py [--cases 100]``. On a fresh SQLite file in a temp
folder (WAL, as the registry), for the phantom case measured on T1, T2 and STIR it prints:
(a) bare ``sqlite3``: one transaction per case inserting the case JSON and its 15 ROI rows,
(b) ``save_case`` of a prepared ``CaseRecord`` (ORM, version counter, scores, zones, audit row),
(c) ``record_from_case_json`` (validation, scores recomputed, interpretation) alone,
(d) ``list_cases`` of all cases vs a bare ``SELECT`` of the same rows,
with the ratios b/a and d(list)/d(select). Not asserted anywhere: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tests.registry.cases import phantom_case_json  # noqa: E402
from vbqcore.registry.config import RegistrySettings  # noqa: E402
from vbqcore.registry.database import open_registry  # noqa: E402
from vbqcore.registry.records import record_from_case_json  # noqa: E402
from vbqcore.registry.store import list_cases, save_case  # noqa: E402


def _bare(path: Path, text: str, n: int) -> tuple[float, float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, case_id TEXT UNIQUE, data TEXT)")
    conn.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, case_pk INT, pos INT, geometry TEXT)")
    start = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        pk = conn.execute("INSERT INTO c (case_id, data) VALUES (?, ?)", (f"B{i}", text)).lastrowid
        conn.executemany(
            "INSERT INTO r (case_pk, pos, geometry) VALUES (?, ?, ?)",
            [(pk, j, '{"x": 1}') for j in range(15)],
        )
        conn.execute("COMMIT")
    write = time.perf_counter() - start
    start = time.perf_counter()
    rows = conn.execute("SELECT c.*, r.* FROM c JOIN r ON r.case_pk = c.id").fetchall()
    read = time.perf_counter() - start
    assert len(rows) == 15 * n
    conn.close()
    return write, read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    n = parser.parse_args().cases
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = phantom_case_json(folder / "phantom")
        bare_write, bare_read = _bare(folder / "bare.sqlite", text, n)
        settings = RegistrySettings(f"sqlite:///{folder / 'reg.sqlite'}", folder / "key")
        registry = open_registry(settings)
        start = time.perf_counter()
        records = [record_from_case_json(json.loads(text), case_id=f"R{i}") for i in range(n)]
        build = time.perf_counter() - start
        start = time.perf_counter()
        for record in records:
            save_case(registry, record, actor="bench")
        save = time.perf_counter() - start
        start = time.perf_counter()
        assert len(list_cases(registry)) == n
        listing = time.perf_counter() - start
        registry.dispose()
    per = 1000 / n
    print(f"{n} cases, 15 ROIs each, SQLite WAL")
    print(f"(a) bare sqlite3 writes     {bare_write * per:7.2f} ms/case")
    print(f"(b) save_case               {save * per:7.2f} ms/case   b/a = {save / bare_write:.1f}x")
    print(f"(c) record_from_case_json   {build * per:7.2f} ms/case")
    print(f"(d) list_cases              {listing * 1000:7.1f} ms total vs bare SELECT "
          f"{bare_read * 1000:.1f} ms = {listing / bare_read:.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
