"""Levels and ROI quality on the real test images: the sacrum anchor and the quality flags.

Run: ``python benchmarks/bench_levels.py [--repeats 3]``. For each real slice in
``tests/data/real`` and each of the reader's body boxes L1-L4 as the lowest body ROI, prints the
level the sacrum proposes for it (``vbqcore.roi.sacrum``; "none" when no sacrum is found) and
whether that is the reader's level, then the best-of-N time of the walk and of the quality flags
of the five reference ROIs (``vbqcore.roi.quality``), each as a ratio to a baseline measured in
the same run: ``measure_rois`` of the same five ROIs. Not asserted in tests: timings depend on
the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tests.roi.real_images import CORE, load_cases  # noqa: E402
from vbqcore.roi.measure import measure_rois  # noqa: E402
from vbqcore.roi.quality import roi_quality  # noqa: E402
from vbqcore.roi.sacrum import propose_anchor_from_sacrum  # noqa: E402


def best_of(repeats: int, task: Callable[[], object]) -> float:
    """Smallest wall time (s) of ``task`` over ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'image':<37} {'from':<5} {'proposed':<9} {'right':<6} {'walk (s)':>9} {'ratio':>7}")
    for case in load_cases():
        rois = list(case.reference.values())
        base = best_of(args.repeats, lambda: measure_rois(case.image, rois))  # noqa: B023
        for level in CORE:
            start = [case.reference[level]]
            found = propose_anchor_from_sacrum(case.image, start)
            proposed = "none" if found is None else found[1].value
            right = "-" if found is None else ("yes" if proposed == level else "NO")
            walk = best_of(args.repeats, lambda: propose_anchor_from_sacrum(case.image, start))  # noqa: B023
            print(
                f"{case.name:<37} {level:<5} {proposed:<9} {right:<6} {walk:9.3f} "
                f"{walk / base:6.0f}x"
            )
        flags = best_of(args.repeats, lambda: [roi_quality(case.image, r) for r in rois])  # noqa: B023
        print(
            f"{case.name:<37} quality flags of 5 ROIs {flags:.3f} s ({flags / base:.0f}x "
            f"measure_rois {base:.4f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
