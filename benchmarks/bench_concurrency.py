"""Ten users at once: N headless sessions open the Home page, then the cohort explorer, together.

Run: ``python benchmarks/bench_concurrency.py [--sessions 10] [--repeats 3]``. Each burst starts
the app on a fresh server (``streamlit run`` on a free 127.0.0.1 port, loopback only), opens
``--sessions`` Chromium contexts (at most 20) on the same page at the same moment and records
each one's first render (see ``benchmarks/sessions.py``); every session and the whole burst are
bounded in time. The baseline is the Home page under the same burst in the same run: ten browsers
on two cores slow even Home several-fold, so the cohort page is judged against it.

Target (issue 17): the cohort page's median first render <= 1.5x Home's. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from benchmarks.sessions import COHORT, HOME, MAX_SESSIONS, burst, ratio_line  # noqa: E402
from tests.browser.conftest import CHROMIUM  # noqa: E402
from tests.browser.server import serve_app  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help=f"1 to {MAX_SESSIONS}")
    parser.add_argument("--repeats", type=int, default=3, help="bursts per page")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per session")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: nothing measured.")
        return 1
    times: dict[str, list[float]] = {HOME.name: [], COHORT.name: []}
    medians: dict[str, list[float]] = {HOME.name: [], COHORT.name: []}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repeats):
            # Alternate the order so that neither page always runs on a cooler machine.
            order = (HOME, COHORT) if rep % 2 == 0 else (COHORT, HOME)
            for ready in order:
                with serve_app(Path(tmp) / f"streamlit-{rep}.log") as url:
                    got = burst(url, ready, args.sessions, timeout_s=args.timeout)
                times[ready.name].extend(got)
                medians[ready.name].append(statistics.median(got))
                print(
                    f"burst {rep + 1} {ready.name:<16} median {statistics.median(got):6.2f} s  "
                    f"min {min(got):6.2f} s  max {max(got):6.2f} s",
                    flush=True,
                )
    print(f"{args.sessions} sessions at once on a fresh server, {args.repeats} bursts per page")
    label = f"cohort / Home median first render ({args.sessions} at once)"
    print(ratio_line(label, medians[COHORT.name], medians[HOME.name], 1.5))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
