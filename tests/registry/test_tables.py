"""Registry CSV export (the score command's columns) and import (row by row, one transaction)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from vbqcore.cohort.score_table import score_csv
from vbqcore.errors import VbqInputError
from vbqcore.registry.database import Registry
from vbqcore.registry.records import record_from_case_json
from vbqcore.registry.store import audit_log, get_case, list_cases, save_case
from vbqcore.registry.tables import EXPORT_COLUMNS, export_csv, import_csv

HEADER = "case_id,group,sex,age,T2_L1,T2_L2,T2_L3,T2_L4,T2_CSF,fractured\n"


def test_export_is_what_score_computes(registry: Registry, case_json: str) -> None:
    save_case(registry, record_from_case_json(case_json, case_id="R1", group="fracture"), actor="a")
    text = export_csv(registry)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert rows[0]["case_id"] == "R1" and rows[0]["group"] == "fracture"
    assert float(rows[0]["vbq_t2"]) == pytest.approx(330 / 600)  # by hand, see test_store
    # The export is valid input of `python -m vbqcore score`, which recomputes the same scores.
    out = io.StringIO()
    report = score_csv(io.StringIO(text), out, source="export")
    assert report.ok and report.replaced_columns
    again = next(csv.DictReader(io.StringIO(out.getvalue())))
    for score in ("vbq_t1", "vbq_t2", "vbq_stir", "vbq_t2_stir"):
        assert float(again[score]) == float(rows[0][score])


def test_export_import_round_trip(registry: Registry, case_json: str, tmp_path: Path) -> None:
    save_case(registry, record_from_case_json(case_json, case_id="R1", age=70), actor="a")
    text = export_csv(registry)
    from vbqcore.registry.config import RegistrySettings
    from vbqcore.registry.database import open_registry

    other = open_registry(RegistrySettings(f"sqlite:///{tmp_path / 'b.sqlite'}", tmp_path / "k"))
    report = import_csv(other, text, actor="b")
    assert report.imported == ("R1",) and not report.errors and report.committed
    a, b = get_case(registry, "R1").record, get_case(other, "R1").record
    assert (b.scores, b.measurements, b.age) == (a.scores, a.measurements, a.age)
    other.dispose()


def test_bad_rows_skipped_rest_in_one_transaction(registry: Registry) -> None:
    text = HEADER + (
        "C1,control,F,60,345,330,315,330,600,\n"
        "C2,fracture,M,70,345,330,315,330,0,\n"  # CSF 0: no score
        "C3,maybe,F,61,345,330,315,330,600,\n"  # bad group
        "C4,,,200,345,330,315,330,600,\n"  # age out of range
        "C1,control,F,60,345,330,315,330,600,\n"  # duplicate in the file
        ",fracture,F,80,300,300,300,300,600,L2\n"  # no case_id: a new pseudonym
    )
    report = import_csv(registry, text, actor="imp")
    assert [e.row for e in report.errors] == [2, 3, 4, 5]
    assert "C2" not in report.imported and len(report.imported) == 2
    assert "CSF" in report.errors[0].message and "Group 'maybe'" in report.errors[1].message
    assert "age 200 is outside" in report.errors[2].message
    assert "appears twice" in report.errors[3].message
    new = get_case(registry, report.imported[1]).record
    # L2 fractured: L1, L3, L4 kept (T12/L5 not measured) -> 300 / 600 = 0.5 by hand.
    assert new.scores["vbq_t2"] == pytest.approx(0.5)  # type: ignore[index]
    assert new.levels_used == "L1;L3;L4"
    assert {e.action for e in audit_log(registry)} == {"import"}


def test_all_or_nothing(registry: Registry) -> None:
    text = HEADER + "C1,control,F,60,345,330,315,330,600,\nC2,control,F,60,x,330,315,330,600,\n"
    report = import_csv(registry, text, actor="imp", skip_bad_rows=False)
    assert not report.committed and report.imported == () and len(report.errors) == 1
    assert list_cases(registry) == []


def test_existing_case_id_reported_with_its_row(registry: Registry, case_json: str) -> None:
    save_case(registry, record_from_case_json(case_json, case_id="C2"), actor="a")
    text = HEADER + "C1,control,F,60,345,330,315,330,600,\nC2,control,F,60,345,330,315,330,600,\n"
    report = import_csv(registry, text, actor="imp")
    assert report.imported == ("C1",)
    assert [(e.row, e.line) for e in report.errors] == [(2, 3)]
    assert "already in the registry" in report.errors[0].message


def test_table_without_si_columns(registry: Registry) -> None:
    with pytest.raises(VbqInputError, match="no SI columns"):
        import_csv(registry, "case_id,age\nA,3\n", actor="x", source="t.csv")
    with pytest.raises(VbqInputError, match="empty file"):
        import_csv(registry, "", actor="x")
