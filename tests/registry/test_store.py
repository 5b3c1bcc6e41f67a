"""Saving, reading, relabelling, deleting and the audit log, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from vbqcore.anatomy import Sequence, Sex
from vbqcore.errors import RegistryError, StaleEditError, VbqInputError
from vbqcore.measurements import MEASURED_SEQUENCES
from vbqcore.registry.config import RegistrySettings
from vbqcore.registry.database import Registry, open_registry
from vbqcore.registry.records import Group, record_from_case_json
from vbqcore.registry.store import (
    audit_log,
    delete_case,
    get_case,
    list_cases,
    save_case,
    update_labels,
)
from vbqcore.vbq import ScoreName


@pytest.fixture(params=["sqlite", "postgres"])
def reg(request: pytest.FixtureRequest, sqlite_settings: RegistrySettings) -> Iterator[Registry]:
    settings = (
        sqlite_settings
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_settings")
    )
    registry = open_registry(settings)
    yield registry
    registry.dispose()


def test_case_json_scores_recomputed_by_hand(case_json: str) -> None:
    record = record_from_case_json(case_json, case_id="R1", group="fracture")
    # Phantom SIs (tests/phantoms.py): T2 bodies 345, 330, 315, 330 and CSF 600, so by hand
    # VBQ-T2 = mean(345, 330, 315, 330) / 600 = 330 / 600 = 0.55; T1: 400 / 100 = 4.0;
    # STIR: (120 + 116 + 112 + 116) / 4 / 362.5 = 116 / 362.5 = 0.32.
    assert record.scores[ScoreName.VBQ_T2] == pytest.approx(330 / 600)
    assert record.scores[ScoreName.VBQ_T1] == pytest.approx(400 / 100)
    assert record.scores[ScoreName.VBQ_STIR] == pytest.approx(116 / 362.5)
    assert record.levels_used == "L1;L2;L3;L4"
    assert len(record.rois) == 15
    assert {r.sequence for r in record.rois} == set(MEASURED_SEQUENCES)
    t1_l1 = next(r for r in record.rois if r.sequence is Sequence.T1 and r.label == "L1")
    assert t1_l1.stats["mean"] == 420.0  # the phantom's T1 L1 body
    assert record.zones, "each score is placed against its published cut-offs"
    assert all(z.position in {"below", "at", "above"} for z in record.zones)


def test_save_reads_back_everything(reg: Registry, case_json: str) -> None:
    record = record_from_case_json(
        case_json, case_id="R1", group="fracture", sex="f", age=67, bmi=24.5, note="first"
    )
    saved = save_case(reg, record, actor="reader A")
    assert (saved.case_id, saved.version, saved.created) == ("R1", 1, True)
    stored = get_case(reg, "R1")
    back = stored.record
    assert back.group is Group.FRACTURE and back.sex is Sex.F
    assert (back.age, back.bmi, back.note) == (67, 24.5, "first")
    assert back.scores == record.scores
    assert back.measurements == record.measurements
    assert [r.to_dict() for r in back.rois] == [r.to_dict() for r in record.rois]
    assert back.zones == tuple(sorted(record.zones, key=lambda z: z.cutoff_id))
    assert json.loads(back.case_json or "") == json.loads(case_json)
    assert stored.created_by == stored.updated_by == "reader A"
    assert stored.to_dict()["created_at"].endswith("Z")


def test_duplicate_case_id_refused(reg: Registry, case_json: str) -> None:
    record = record_from_case_json(case_json, case_id="R1")
    save_case(reg, record, actor="a")
    with pytest.raises(RegistryError, match="already in the registry"):
        save_case(reg, record, actor="b")
    assert len(list_cases(reg)) == 1


def test_update_and_stale_edit(reg: Registry, case_json: str) -> None:
    record = record_from_case_json(case_json, case_id="R1")
    save_case(reg, record, actor="a")
    # Two sessions opened version 1; the first update wins, the second is refused.
    first = save_case(reg, record, actor="a", expected_version=1)
    assert (first.version, first.created) == (2, False)
    with pytest.raises(StaleEditError, match=r"\(version 2\) after you opened version 1"):
        save_case(reg, record, actor="b", expected_version=1)
    with pytest.raises(StaleEditError):
        update_labels(reg, "R1", actor="b", expected_version=1, group="control")
    assert get_case(reg, "R1").updated_by == "a"


def test_relabel_audited(reg: Registry, case_json: str) -> None:
    save_case(reg, record_from_case_json(case_json, case_id="R1"), actor="a")
    result = update_labels(
        reg, "R1", actor="b", expected_version=1, group="control", sex="M", age="70", note=" x "
    )
    assert result.version == 2
    back = get_case(reg, "R1").record
    assert (back.group, back.sex, back.age, back.note) == (Group.CONTROL, Sex.M, 70.0, "x")
    entry = audit_log(reg, case_id="R1")[0]
    assert (entry.action, entry.actor) == ("relabel", "b")
    assert entry.detail["changed"]["group_label"] == ["unknown", "control"]
    with pytest.raises(VbqInputError, match="Age 150 is outside 0 to 120"):
        update_labels(reg, "R1", actor="b", expected_version=2, age=150)


def test_delete_cascades_and_keeps_audit(reg: Registry, case_json: str) -> None:
    save_case(reg, record_from_case_json(case_json, case_id="R1"), actor="a")
    save_case(reg, record_from_case_json(case_json, case_id="R2"), actor="a")
    delete_case(reg, "R1", actor="b")
    assert [c.record.case_id for c in list_cases(reg)] == ["R2"]
    with pytest.raises(RegistryError, match="not in the registry"):
        get_case(reg, "R1")
    with pytest.raises(RegistryError, match="nothing deleted"):
        delete_case(reg, "R1", actor="b")
    actions = [(e.action, e.case_id) for e in audit_log(reg)]
    assert actions == [("delete", "R1"), ("create", "R2"), ("create", "R1")]
    from sqlalchemy import func, select

    from vbqcore.registry.schema import RoiRow, ScoreRow

    with reg.session() as session:
        assert session.scalar(select(func.count()).select_from(RoiRow)) == 15
        assert session.scalar(select(func.count()).select_from(ScoreRow)) == 4


def test_search_filter_sort(reg: Registry, case_json: str) -> None:
    for cid, group, age in (("A-1", "fracture", 80), ("B-2", "control", 60), ("C-3", "", 70)):
        record = record_from_case_json(case_json, case_id=cid, group=group, age=age)
        save_case(reg, record, actor="dr " + cid)
    ids = [c.record.case_id for c in list_cases(reg, sort="age", descending=False)]
    assert ids == ["B-2", "C-3", "A-1"]
    assert [c.record.case_id for c in list_cases(reg, group="control")] == ["B-2"]
    assert [c.record.case_id for c in list_cases(reg, search="dr c")] == ["C-3"]
    assert [c.record.case_id for c in list_cases(reg, group="unknown")] == ["C-3"]
    with pytest.raises(RegistryError, match="Sort by"):
        list_cases(reg, sort="patient_name")


def test_same_patient_reported(reg: Registry, case_json: str) -> None:
    first = record_from_case_json(case_json, case_id="R1", patient_hash="ab" * 32)
    assert save_case(reg, first, actor="a").same_patient == ()
    again = record_from_case_json(case_json, case_id="R2", patient_hash="ab" * 32)
    assert save_case(reg, again, actor="a").same_patient == ("R1",)


def test_actor_required(reg: Registry, case_json: str) -> None:
    with pytest.raises(RegistryError, match="who is saving"):
        save_case(reg, record_from_case_json(case_json, case_id="R1"), actor="  ")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"case_id": "Mr Smith"}, "Case ID 'Mr Smith'"),
        ({"case_id": "R1", "group": "maybe"}, "use fracture, control or unknown"),
        ({"case_id": "R1", "sex": "x"}, "Sex 'x'"),
        ({"case_id": "R1", "bmi": 2}, "BMI 2 is outside"),
    ],
)
def test_bad_labels_refused(case_json: str, changes: dict[str, object], message: str) -> None:
    with pytest.raises(VbqInputError, match=message):
        record_from_case_json(case_json, **changes)  # type: ignore[arg-type]


def test_not_a_case_file() -> None:
    with pytest.raises(VbqInputError, match="not valid JSON"):
        record_from_case_json("{", case_id="R1", name="x.json")
    with pytest.raises(VbqInputError, match="not a VBQ Dashboard case file"):
        record_from_case_json({"format": "other"}, case_id="R1")


def test_audit_log_is_append_only_in_the_database(reg: Registry, case_json: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    save_case(reg, record_from_case_json(case_json, case_id="R1"), actor="a")
    for statement in ("UPDATE registry_audit SET actor = 'x'", "DELETE FROM registry_audit"):
        with reg.engine.connect() as conn:
            with pytest.raises(DBAPIError, match="registry_audit is append-only"):
                conn.execute(text(statement))
            conn.rollback()
    assert [e.actor for e in audit_log(reg)] == ["a"]
