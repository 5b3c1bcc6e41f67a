"""Time loading a 20-slice 512² series plus its 8-bit previews against pydicom's bare read.

Run: ``python benchmarks/bench_imaging.py [--repeats 7]``. Prints the best-of-N wall time of
(a) ``pydicom.dcmread`` + ``.pixel_array`` of every file (the floor any DICOM loader stands on) and
(b) ``vbqcore.imaging.reading.read_series`` + ``to_preview`` of every slice, on the same files
in the same run, and the ratio b / a. Goal: ratio <= 1.5 (issue 2). Not asserted in tests:
timings depend on the machine; the ratio is what is compared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pydicom

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tests.phantoms import write_phantom_series  # noqa: E402
from vbqcore.anatomy import Sequence  # noqa: E402
from vbqcore.imaging.reading import read_series, to_preview  # noqa: E402


def best_of_interleaved(
    repeats: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[float, float]:
    """Smallest wall time (s) of each task over ``repeats`` alternating runs.

    Alternating a, b, a, b, ... exposes both to the same background load; the minimum is the
    least disturbed run of each.
    """
    best_a = best_b = float("inf")
    for _ in range(repeats):
        for task, is_first in ((first, True), (second, False)):
            start = time.perf_counter()
            task()
            elapsed = time.perf_counter() - start
            if is_first:
                best_a = min(best_a, elapsed)
            else:
                best_b = min(best_b, elapsed)
    return best_a, best_b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--slices", type=int, default=20)
    parser.add_argument("--size", type=int, default=512)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        print(f"series: {args.slices} slices of {args.size}x{args.size}, uint16, best of "
              f"{args.repeats}")  # fmt: skip
        for label, window in (("header window", "auto"), ("no header window", None)):
            paths = write_phantom_series(
                Path(tmp) / label.replace(" ", "_"),
                sequence=Sequence.T2,
                rows=args.size,
                cols=args.size,
                n_slices=args.slices,
                window=window,
            )

            def bare(paths: list[Path] = paths) -> None:
                for path in paths:
                    _ = pydicom.dcmread(path).pixel_array

            def ours(paths: list[Path] = paths) -> None:
                series = read_series(paths)
                for slice_ in series.slices:
                    to_preview(slice_)

            bare()  # warm caches and imports once, outside the timing
            ours()
            a, b = best_of_interleaved(args.repeats, bare, ours)
            print(f"[{label}]")
            print(f"  (a) pydicom dcmread + pixel_array : {a * 1000:8.1f} ms")
            print(f"  (b) read_series + to_preview      : {b * 1000:8.1f} ms")
            print(f"  ratio b/a                          : {b / a:8.2f}  (goal <= 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
