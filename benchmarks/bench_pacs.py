"""Time PACS in / PACS out against a local Orthanc (Debian ``orthanc`` + ``orthanc-dicomweb``).

Run: ``python benchmarks/bench_pacs.py [--repeats 5] [--slices 20]``. Starts Orthanc on free
loopback ports, stores a phantom T1/T2/STIR study, and prints medians over ``repeats`` of

(a) pulling the three series (WADO-RS) against reading the same files from disk with pydicom
    (``dcmread`` of every file): the network and multipart share of "Open from PACS";
(b) the study search with every series described (QIDO-RS + one WADO-RS metadata per series),
    against one bare QIDO-RS study search;
(c) building the TID 1500 SR with highdicom against ``evaluate_case`` on the same case (what
    measuring costs anyway), and storing it (STOW-RS) against one bare QIDO-RS search.

Not asserted anywhere: timings depend on the machine; the ratios are what is compared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import pydicom  # noqa: E402

from tests.case_helpers import phantom_rois  # noqa: E402
from tests.pacs.orthanc import running_orthanc  # noqa: E402
from tests.pacs.study import write_phantom_study  # noqa: E402
from vbqcore.case.evaluation import evaluate_case  # noqa: E402
from vbqcore.case.model import load_series, new_case, sync_canvas  # noqa: E402
from vbqcore.imaging.reading import read_series  # noqa: E402
from vbqcore.pacs.catalogue import StudyQuery, find_studies  # noqa: E402
from vbqcore.pacs.client import PacsClient  # noqa: E402
from vbqcore.pacs.config import PacsConfig  # noqa: E402
from vbqcore.pacs.sr_writer import SourceImage, build_measurement_report  # noqa: E402
from vbqcore.pacs.transfer import pull_study  # noqa: E402
from vbqcore.roi.shapes import RectRoi  # noqa: E402


def _median(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--slices", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_orthanc(Path(tmp) / "orthanc") as server:
        study_uid, files = write_phantom_study(Path(tmp) / "study", n_slices=args.slices)
        paths = [p for ps in files.values() for p in ps]
        client = PacsClient(PacsConfig(server.dicomweb_url, server.user, server.password))
        client.store([pydicom.dcmread(p) for p in paths])
        query = StudyQuery(patient_id="PHANTOM-0001")

        disk = _median(lambda: [pydicom.dcmread(p) for p in paths], args.repeats)
        pull = _median(lambda: pull_study(client, study_uid), args.repeats)
        bare = _median(lambda: client.search_studies(query.filters()), args.repeats)
        search = _median(lambda: find_studies(client, query), args.repeats)

        case = new_case()
        for seq, ps in files.items():
            case = load_series(case, seq, read_series(ps)).case
            drawn = [RectRoi(r.x, r.y, r.width, r.height) for r in phantom_rois()]  # type: ignore[union-attr]
            case = sync_canvas(case, seq, drawn)
        evaluation = evaluate_case(case)
        sources = {
            seq: SourceImage(pydicom.dcmread(ps[case[seq].slice_index], stop_before_pixels=True))
            for seq, ps in files.items()
        }
        evaluate = _median(lambda: evaluate_case(case), args.repeats)
        build = _median(lambda: build_measurement_report(case, evaluation, sources), args.repeats)
        store = _median(
            lambda: client.store([build_measurement_report(case, evaluation, sources)]),
            args.repeats,
        )
    n = len(paths)
    print(f"{n} instances (3 series x {args.slices} slices, 256 x 256), {args.repeats} repeats")
    print(f"(a) pull 3 series {pull * 1e3:7.1f} ms | read from disk {disk * 1e3:7.1f} ms | "
          f"ratio {pull / disk:5.1f}x")  # fmt: skip
    print(f"(b) search + describe {search * 1e3:7.1f} ms | bare QIDO {bare * 1e3:7.1f} ms | "
          f"ratio {search / bare:5.1f}x")  # fmt: skip
    print(f"(c) build SR {build * 1e3:7.1f} ms | evaluate_case {evaluate * 1e3:7.1f} ms | "
          f"ratio {build / evaluate:5.1f}x; build + STOW {store * 1e3:7.1f} ms "
          f"({store / bare:4.1f}x a bare QIDO)")  # fmt: skip


if __name__ == "__main__":
    main()
