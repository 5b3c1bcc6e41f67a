"""Time the full ROC analysis against scikit-learn's AUC alone and one numpy argsort.

Run: ``python benchmarks/bench_roc.py [--repeats 7] [--sizes 10000 100000 1000000]``. For each n,
balanced-ish outcomes (45 % cases) and scores rounded to 2 decimals (so many tie), it prints the
best-of-N wall time of
(a) ``np.argsort`` of the scores (the floor of any exact ROC method),
(b) ``sklearn.metrics.roc_auc_score`` (the AUC alone, no SE, CI or cut-off),
(c) ``vbqcore.stats.roc_analysis`` with DeLong's CI (curve, AUC, SE, CI, Youden cut-off and its
    sensitivity/specificity CIs), and
(d) ``vbqcore.stats.compare_aucs`` of two scores (DeLong's test),
all on the same arrays in the same run, with the ratios c/b, c/a and d/b. Goal (issue 4):
c/b <= 1. Not asserted in tests: timings depend on the machine; the ratios are what is compared.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from vbqcore.stats import compare_aucs, roc_analysis  # noqa: E402


def best_of(repeats: int, task: Callable[[], object]) -> float:
    """Smallest wall time of ``repeats`` runs, in seconds (the least disturbed run)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs per timing (best is kept)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="patients"
    )
    args = parser.parse_args(argv)
    rng = np.random.default_rng(2026)
    print(
        f"{'n':>9} {'argsort ms':>11} {'sklearn ms':>11} {'roc ms':>9} {'compare ms':>11} "
        f"{'roc/sklearn':>12} {'roc/argsort':>12} {'compare/sklearn':>16}"
    )
    for n in args.sizes:
        y = rng.random(n) < 0.45
        score = np.round(rng.normal(size=n) + 0.8 * y, 2)
        other = np.round(rng.normal(size=n) + 0.5 * y, 2)
        y_int = y.astype(np.int64)  # an outcome as read from a CSV: 0/1 integers
        roc_analysis(y_int, score)  # warm-up (imports, caches)
        t_sort = best_of(args.repeats, lambda s=score: np.argsort(s))
        t_sk = best_of(args.repeats, lambda y=y_int, s=score: roc_auc_score(y, s))
        t_roc = best_of(args.repeats, lambda y=y_int, s=score: roc_analysis(y, s))
        t_cmp = best_of(args.repeats, lambda y=y_int, a=score, b=other: compare_aucs(y, a, b))
        print(
            f"{n:>9} {t_sort * 1e3:>11.2f} {t_sk * 1e3:>11.2f} {t_roc * 1e3:>9.2f} "
            f"{t_cmp * 1e3:>11.2f} {t_roc / t_sk:>12.2f} {t_roc / t_sort:>12.2f} "
            f"{t_cmp / t_sk:>16.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
