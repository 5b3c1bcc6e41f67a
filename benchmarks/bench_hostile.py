"""How much work a hostile file costs before it is refused, against reading a legitimate one.

Run: ``python benchmarks/bench_hostile.py [--repeats 5]``. Each row prints the best-of-N wall time
of refusing a hostile input and of reading its ordinary counterpart in the same run, and their
ratio (goal: refusing costs no more than a few ordinary reads), plus the peak Python memory
(tracemalloc) of the refusal:

* three 64 MB zip bombs in one drop (``vbqcore.imaging.archives``) vs unpacking a zip of 20
  DICOM-sized members (512 KB each);
* a case file with 50 000 ROIs (``vbqcore.case.io.read_case_json``; 63 s per rerun before the
  limit) vs a case file with 5 ROIs;
* JSON nested 100 000 deep (``vbqcore.text_input.read_json``) vs a 5-ROI case file as JSON.

Not asserted in tests: timings depend on the machine; the ratios are what is compared.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from vbqcore.case.io import read_case_json  # noqa: E402
from vbqcore.errors import VbqInputError  # noqa: E402
from vbqcore.imaging.archives import expand_archives  # noqa: E402
from vbqcore.text_input import read_json  # noqa: E402


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _case(n: int) -> bytes:
    roi = {"shape": "rect", "x": 1, "y": 1, "width": 2, "height": 2}
    doc = {
        "format": "vbq-dashboard-case",
        "format_version": 1,
        "sequences": {"T2": {"rois": [roi] * n}},
    }
    return json.dumps(doc).encode()


def _refuse(call: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            result = call()
        except VbqInputError:
            return
        errors = getattr(result, "errors", ())
        assert errors, "expected a refusal"

    return run


def _best(call: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def _peak(call: Callable[[], object]) -> float:
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    series = _zip([(f"IM{i:04d}.dcm", rng.integers(0, 4096, 262_144, dtype=np.uint16).tobytes())
                   for i in range(20)])  # fmt: skip
    bomb = _zip([("IM0001.dcm", bytes(64 * 1024 * 1024))])
    huge_case, small_case = _case(50_000), _case(5)
    deep = b"[" * 100_000 + b"]" * 100_000
    cases = [
        (
            "3 zip bombs (64 MB each) vs a 20-file series zip",
            _refuse(lambda: expand_archives([("b.zip", bomb)] * 3)),
            lambda: expand_archives([("s.zip", series)]),
        ),
        (
            "case file, 50 000 ROIs vs 5 ROIs",
            _refuse(lambda: read_case_json(huge_case)),
            lambda: read_case_json(small_case),
        ),
        (
            "JSON 100 000 deep vs a 5-ROI case as JSON",
            _refuse(lambda: read_json(deep, "deep.json")),
            lambda: read_json(small_case, "case.json"),
        ),
    ]
    print(f"{'input':52s} {'refuse':>10s} {'ordinary':>10s} {'ratio':>8s} {'peak MB':>8s}")
    for name, refuse, ordinary in cases:
        t_refuse = _best(refuse, args.repeats)
        t_ok = _best(ordinary, args.repeats)
        print(
            f"{name:52s} {t_refuse * 1e3:8.2f}ms {t_ok * 1e3:8.2f}ms "
            f"{t_refuse / t_ok:7.2f}x {_peak(refuse):8.1f}"
        )


if __name__ == "__main__":
    main()
