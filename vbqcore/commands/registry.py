"""``python -m vbqcore registry add|list|export|import|delete``: the case registry from a shell.

All honour ``VBQ_DATABASE_URL`` (default: a SQLite file in the user's data folder) and upgrade
an older registry schema first. Output is JSON on stdout; exit 2 with one clear line on stderr
for bad input or a database that cannot be used (unreachable, locked, read-only, newer).

* ``registry add CASE.json [--group fracture|control|unknown] [--case-id ID]``: save the case
  JSON the Case page exports (scores recomputed from its SIs); a new pseudonym when no ID.
* ``registry list``: every case as JSON (``--search``, ``--group``, ``--sort`` narrow it).
* ``registry export --out FILE.csv``: every case in the ``score`` command's columns.
* ``registry import FILE.csv``: rows validated one by one; bad rows reported and skipped (or,
  with ``--all-or-nothing``, nothing saved); exit 2 when any row was bad.
* ``registry delete CASE_ID``: delete a case (kept in the audit log).
"""

from __future__ import annotations

import argparse
import csv
import getpass
import io
import os
import sys
from pathlib import Path
from typing import Any

from vbqcore.commands._output import EXIT_BAD_INPUT, EXIT_OK, emit_json
from vbqcore.registry.database import Registry, open_registry
from vbqcore.registry.records import Group, new_case_id, record_from_case_json
from vbqcore.registry.store import SORT_COLUMNS, delete_case, list_cases, save_case
from vbqcore.registry.tables import export_csv, import_csv

__all__ = ["add_parser", "run"]

READER_VARIABLE = "VBQ_READER"


def add_parser(subparsers: Any) -> None:
    """Register ``registry`` and its five actions."""
    doc = __doc__ or ""
    parser = subparsers.add_parser(
        "registry",
        help="the case registry: add, list, export, import, delete",
        description=doc.split("\n\n")[0].replace("``", ""),
    )
    actions = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
    reader = argparse.ArgumentParser(add_help=False)
    reader.add_argument(
        "--reader",
        help=f"who is acting, for the audit log (default ${READER_VARIABLE} or the login name)",
    )

    add = actions.add_parser("add", parents=[reader], help="save a case JSON from the Case page")
    add.add_argument("case_json", metavar="CASE.json")
    add.add_argument("--group", choices=[g.value for g in Group], default=Group.UNKNOWN.value)
    add.add_argument("--case-id", metavar="ID", help="pseudonym (default: a new random one)")
    add.add_argument("--sex", choices=["F", "M"])
    add.add_argument("--age", type=float, metavar="YEARS")
    add.add_argument("--bmi", type=float, metavar="KG_M2")
    add.add_argument("--note", metavar="TEXT")
    add.set_defaults(func=_add)

    listing = actions.add_parser("list", help="every case as JSON")
    listing.add_argument("--search", metavar="TEXT", help="in case ID, reader and note")
    listing.add_argument("--group", choices=[g.value for g in Group])
    listing.add_argument("--sort", choices=SORT_COLUMNS, default="updated_at")
    listing.add_argument("--ascending", action="store_true")
    listing.set_defaults(func=_list)

    export = actions.add_parser("export", help="every case as CSV (score command's columns)")
    export.add_argument("--out", metavar="FILE.csv", required=True)
    export.set_defaults(func=_export)

    imports = actions.add_parser("import", parents=[reader], help="import a CSV of cases")
    imports.add_argument("csv", metavar="FILE.csv")
    imports.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="save nothing if any row is bad (default: skip bad rows, save the rest)",
    )
    imports.set_defaults(func=_import)

    remove = actions.add_parser("delete", parents=[reader], help="delete one case")
    remove.add_argument("case_id", metavar="CASE_ID")
    remove.set_defaults(func=_delete)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the chosen action (argparse sets ``func`` to it)."""
    return int(args.func(args))


def _reader(args: argparse.Namespace) -> str:
    given = getattr(args, "reader", None) or os.environ.get(READER_VARIABLE)
    if given:
        return str(given)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "command line"


def _open() -> Registry:
    return open_registry()


def _add(args: argparse.Namespace) -> int:
    path = Path(args.case_json)
    text = path.read_text(encoding="utf-8-sig")
    record = record_from_case_json(
        text,
        case_id=args.case_id or new_case_id(),
        group=args.group,
        sex=args.sex,
        age=args.age,
        bmi=args.bmi,
        note=args.note,
        name=path.name,
    )
    registry = _open()
    try:
        saved = save_case(registry, record, actor=_reader(args))
    finally:
        registry.dispose()
    emit_json({**saved.to_dict(), "scores": record.to_dict()["scores"]})
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    registry = _open()
    try:
        cases = list_cases(
            registry,
            search=args.search,
            group=args.group,
            sort=args.sort,
            descending=not args.ascending,
        )
    finally:
        registry.dispose()
    emit_json(
        {
            "database": registry.settings.display_url,
            "count": len(cases),
            "cases": [c.to_dict() for c in cases],
        }
    )
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    registry = _open()
    try:
        text = export_csv(registry)
    finally:
        registry.dispose()
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    emit_json({"out": args.out, "count": len(list(csv.reader(io.StringIO(text)))) - 1})
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    path = Path(args.csv)
    text = path.read_text(encoding="utf-8-sig")
    registry = _open()
    try:
        report = import_csv(
            registry,
            text,
            actor=_reader(args),
            skip_bad_rows=not args.all_or_nothing,
            source=path.name,
        )
    finally:
        registry.dispose()
    for err in report.errors:
        sys.stderr.write(f"error: {path.name} row {err.row} (line {err.line}): {err.message}\n")
    emit_json(report.to_dict())
    return EXIT_BAD_INPUT if report.errors else EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    registry = _open()
    try:
        delete_case(registry, args.case_id, actor=_reader(args))
    finally:
        registry.dispose()
    emit_json({"deleted": args.case_id})
    return EXIT_OK
