"""One-click ROI suggestions on the real test images: coverage, VBQ error and time per click.

Run: ``python benchmarks/bench_suggest.py [--repeats 5]``. For each real slice in
``tests/data/real`` (see its README), with one seed per label and with one click in L3
(``--follow``), prints the coverage of each suggested ROI (share of its pixels inside the
reader's outline of the intended structure; bar >= 0.90), its pixel count, and the relative
error of the VBQ (mean SI L1-L4 / SI CSF) against the reader's hand-placed boxes (bar 5 %).
Then the best-of-N time per click (one body seed) on each real slice and on a 512 x 512
synthetic spine (target <= 0.3 s), and its ratio to a baseline measured in the same run:
``measure_rois`` of the five reference ROIs on the same slice. Not asserted in tests: timings
depend on the machine.
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

from tests.roi.real_images import CORE, coverage, load_cases, vbq_error  # noqa: E402
from tests.roi.spine_phantom import make_spine  # noqa: E402
from vbqcore.imaging.reading import slice_from_array  # noqa: E402
from vbqcore.roi.measure import measure_rois  # noqa: E402
from vbqcore.roi.shapes import roi_mask  # noqa: E402
from vbqcore.roi.suggest import Seed, suggest_rois  # noqa: E402


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
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    cases = load_cases()
    print("image                                 mode     " + "  ".join(
        f"{k:>11}" for k in (*CORE, "CSF")) + "   VBQ err")  # fmt: skip
    worst_cov, worst_err = 1.0, 0.0
    for case in cases:
        for mode, seeds, follow in (
            ("seeds", case.seed_list(), False),
            ("follow", [Seed("L3", *case.seeds["L3"])], True),
        ):
            found = {s.roi.label: s for s in suggest_rois(case.image, seeds, follow=follow)}
            cells = []
            for label in (*CORE, "CSF"):
                s = found.get(label)
                if s is None:
                    cells.append(f"{'missing':>11}")
                    continue
                cov = coverage(case, s)
                n = int(roi_mask(s.roi, case.image.shape).sum())
                worst_cov = min(worst_cov, cov)
                cells.append(f"{cov:5.2f}/{n:>4}px")
            err = vbq_error(case, list(found.values())) if len(found) == 5 else float("nan")
            worst_err = max(worst_err, abs(err))
            print(f"{case.name:<37} {mode:<8} " + "  ".join(cells) + f"   {100 * err:+6.2f} %")
    print(f"worst coverage {worst_cov:.3f} (bar 0.90); worst |VBQ error| "
          f"{100 * worst_err:.2f} % (bar 5 %)")  # fmt: skip
    print()
    title = f"time per click (best of {args.repeats})"
    print(f"{title:<37} click (s)  measure 5 ROIs (s)  ratio")
    phantom = make_spine(size=512, lordosis=30.0, noise=8.0)
    phantom_slice = slice_from_array(phantom.pixels, pixel_spacing_mm=(0.6, 0.6))
    timed = [(c.name, c.image, Seed("L3", *c.seeds["L3"]), list(c.reference.values()))
             for c in cases]  # fmt: skip
    phantom_rois = [s.roi for s in suggest_rois(
        phantom_slice, [Seed("L3", *phantom.seed("L3"))], follow=True)]  # fmt: skip
    timed.append(("phantom 512x512 (0.6 mm)", phantom_slice, Seed("L3", *phantom.seed("L3")),
                  phantom_rois))  # fmt: skip
    for name, image, seed, rois in timed:
        click = best_of(args.repeats, lambda: suggest_rois(image, [seed]))  # noqa: B023
        base = best_of(args.repeats, lambda: measure_rois(image, rois))  # noqa: B023
        print(f"{name:<37} {click:8.3f}  {base:18.4f}  {click / base:6.1f}x")
    follow = best_of(args.repeats, lambda: suggest_rois(
        phantom_slice, [Seed("L3", *phantom.seed("L3"))], follow=True))  # fmt: skip
    print(f"one click + follow to L1-L4 + CSF, phantom 512x512: {follow:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
