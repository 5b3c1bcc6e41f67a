"""``python -m vbqcore pacs search|pull|push``: a DICOMweb server (QIDO-RS, WADO-RS, STOW-RS).

``--url URL`` is the DICOMweb root (default: ``VBQ_DICOMWEB_URL``); credentials come from
``VBQ_DICOMWEB_USER`` + ``VBQ_DICOMWEB_PASSWORD`` or ``VBQ_DICOMWEB_TOKEN``, never from the
command line; ``VBQ_DICOMWEB_TIMEOUT`` (s) and ``VBQ_DICOMWEB_CA_BUNDLE`` (PEM) are optional.

- ``pacs search [--patient-id ID] [--accession A] [--study-date D]`` prints ``{"server",
  "studies": [{"study_uid", "study_description", "modalities", "series": [{"series_uid",
  "modality", "series_description", "series_number", "instances", "sequence_guess", "plane",
  "proposed"}]}]}``; patient name, ID, birth date, accession number and study date only with
  ``--show-identifiers``.
- ``pacs pull --study UID [--series UID ...] --out DIR`` writes
  ``DIR/<series UID>/<SOP UID>.dcm`` (default series: the sagittal T1/T2/STIR ones) and prints
  what it wrote.
- ``pacs push FILE.dcm ...`` stores the files (STOW-RS) and prints the UIDs stored.

A bad URL, refused authentication, a server that does not answer in time, or an unknown UID
exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from vbqcore.commands._output import EXIT_OK, emit_json
from vbqcore.pacs.catalogue import StudyQuery, find_studies
from vbqcore.pacs.client import PacsClient
from vbqcore.pacs.config import config_from_env
from vbqcore.pacs.transfer import pull_study, read_dicom_files, write_series

__all__ = ["add_parser", "run_search", "run_pull", "run_push"]

logger = logging.getLogger(__name__)


def _url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", metavar="URL", help="DICOMweb root (default: $VBQ_DICOMWEB_URL)")
    parser.add_argument("--out-json", metavar="FILE", dest="json_out",
                        help="write the JSON here instead of stdout")  # fmt: skip


def add_parser(subparsers: Any) -> None:
    """Register ``pacs`` and its three sub-commands."""
    parser = subparsers.add_parser(
        "pacs",
        help="search, pull from and push to a DICOMweb server (PACS)",
        description=(__doc__ or "").split("\n\n")[0].replace("``", ""),
    )
    sub = parser.add_subparsers(dest="pacs_command", required=True, parser_class=type(parser))

    search = sub.add_parser("search", help="find studies and their series (QIDO-RS)")
    _url(search)
    search.add_argument("--patient-id", metavar="ID")
    search.add_argument("--accession", metavar="A")
    search.add_argument("--study-date", metavar="D", help="YYYYMMDD, YYYY-MM-DD or FROM/TO")
    search.add_argument(
        "--show-identifiers",
        action="store_true",
        help="include patient name, ID, birth date, accession number and study date",
    )
    search.set_defaults(func=run_search)

    pull = sub.add_parser("pull", help="write a study's series as DICOM files (WADO-RS)")
    _url(pull)
    pull.add_argument("--study", required=True, metavar="UID")
    pull.add_argument("--series", nargs="+", metavar="UID", help="default: sagittal T1/T2/STIR")
    pull.add_argument("--out", required=True, metavar="DIR")
    pull.set_defaults(func=run_pull)

    push = sub.add_parser("push", help="store DICOM files (STOW-RS), e.g. an SR")
    _url(push)
    push.add_argument("files", nargs="+", metavar="FILE.dcm")
    push.set_defaults(func=run_push)


def _client(args: argparse.Namespace) -> PacsClient:
    return PacsClient(config_from_env(url=args.url))


def run_search(args: argparse.Namespace) -> int:
    client = _client(args)
    query = StudyQuery(args.patient_id, args.accession, args.study_date)
    studies = find_studies(client, query)
    emit_json(
        {
            "server": client.config.display_url,
            "studies": [s.to_dict(show_identifiers=args.show_identifiers) for s in studies],
        },
        args.json_out,
    )
    return EXIT_OK


def run_pull(args: argparse.Namespace) -> int:
    client = _client(args)
    out = Path(args.out)
    pulled = pull_study(client, args.study, args.series)
    written = []
    for item in pulled:
        folder = write_series(item, out)
        written.append({**item.match.to_dict(), "directory": str(folder),
                        "files": len(item.datasets)})  # fmt: skip
    emit_json({"study_uid": args.study, "out": str(out), "series": written}, args.json_out)
    return EXIT_OK


def run_push(args: argparse.Namespace) -> int:
    client = _client(args)
    datasets = read_dicom_files(args.files)
    client.store(datasets)
    emit_json(
        {
            "server": client.config.display_url,
            "stored": [
                {
                    "file": str(path),
                    "sop_instance_uid": str(ds.SOPInstanceUID),
                    "sop_class_uid": str(ds.SOPClassUID),
                    "study_uid": str(ds.StudyInstanceUID),
                }
                for path, ds in zip(args.files, datasets, strict=True)
            ],
        },
        args.json_out,
    )
    return EXIT_OK
