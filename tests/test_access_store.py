"""A clinic server's record: who signed in and their roles, the append-only audit trail, the
signed-in clinician on each consultation, and backups restored into an empty record. Each
runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from walkback_rules.server.access import Role, access, is_loopback, may_open
from walkback_rules.store import PatientFile, Store, StoreError
from walkback_rules.store.backup import backup, restore
from walkback_rules.store.repo import AUDIT_ACTIONS

from .conftest import make_assessment
from .stores import database, decided

ADMIN = "boss@clinic.example"


# ----------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        (None, False),
        ("192.168.1.20", False),
        ("clinic.example", False),
    ],
)
def test_only_a_loopback_address_is_loopback(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    ("address", "sign_in", "mode"),
    [
        ("127.0.0.1", False, "local"),
        ("0.0.0.0", False, "refused"),
        ("", False, "refused"),
        ("0.0.0.0", True, "sign_in"),
        ("127.0.0.1", True, "sign_in"),
    ],
)
def test_a_server_without_sign_in_runs_only_on_loopback(
    address: str, sign_in: bool, mode: str
) -> None:
    """Without sign-in, only loopback; on any other address the reason names both settings."""

    found = access(address, sign_in)

    assert found.mode == mode
    if mode == "refused":
        assert "server.address" in found.reason and "[auth]" in found.reason


@pytest.mark.parametrize(
    ("page", "role", "opens"),
    [
        ("consultation", Role.CLINICIAN, True),
        ("consultation", Role.TEACHING, False),
        ("consultation", Role.ADMINISTRATOR, False),
        ("patients", Role.ADMINISTRATOR, True),
        ("patients", Role.TEACHING, False),
        ("settings", Role.CLINICIAN, False),
        ("audit", Role.ADMINISTRATOR, True),
        ("users", Role.CLINICIAN, False),
        ("teaching", Role.TEACHING, True),
        ("evidence", Role.TEACHING, True),
        ("visit", Role.TEACHING, False),
    ],
)
def test_each_role_opens_its_pages(page: str, role: Role, opens: bool) -> None:
    assert may_open(page, frozenset({role})) is opens


# ----------------------------------------------------------------------------- roles


def test_the_first_administrator_is_named_in_the_configuration(store: Store) -> None:
    """Named: administrator on first sign-in. Anyone else: no role until granted."""

    boss = store.sign_in(ADMIN.upper(), "Boss", ADMIN)
    other = store.sign_in("alice@clinic.example", "Alice", ADMIN)

    assert boss.identity == ADMIN and boss.roles == {"administrator"}
    assert other.roles == frozenset()
    trail = store.audit_trail()
    assert [(r.actor, r.action) for r in reversed(trail)] == [
        ("configuration", "grant_role"),
        (ADMIN, "sign_in"),
        ("alice@clinic.example", "sign_in"),
    ]


def test_the_configured_administrator_is_not_made_again_once_someone_holds_it(
    store: Store,
) -> None:
    store.sign_in(ADMIN, "Boss", ADMIN)
    store.sign_in("alice@clinic.example", None, ADMIN)
    store.set_roles("alice@clinic.example", {"administrator"}, by=ADMIN)
    store.set_roles(ADMIN, {"clinician"}, by="alice@clinic.example")

    again = store.sign_in(ADMIN, "Boss", ADMIN)

    assert again.roles == {"clinician"}


def test_roles_are_granted_and_taken_back_with_an_audit_row_each(store: Store) -> None:
    store.sign_in(ADMIN, "Boss", ADMIN)
    store.sign_in("alice@clinic.example", "Alice", ADMIN)

    store.set_roles("alice@clinic.example", {"clinician", "teaching"}, by=ADMIN)
    after = store.set_roles("alice@clinic.example", {"teaching"}, by=ADMIN)

    assert after.roles == {"teaching"}
    details = [(r.action, r.detail) for r in store.audit_trail(actor=ADMIN)]
    assert ("grant_role", "alice@clinic.example: clinician") in details
    assert ("revoke_role", "alice@clinic.example: clinician") in details


def test_the_last_administrator_stays_and_an_unknown_role_is_refused(store: Store) -> None:
    store.sign_in(ADMIN, "Boss", ADMIN)

    with pytest.raises(StoreError, match="at least one administrator"):
        store.set_roles(ADMIN, set(), by=ADMIN)
    with pytest.raises(StoreError, match="roles: nurse is not a role"):
        store.set_roles(ADMIN, {"administrator", "nurse"}, by=ADMIN)
    assert store.user(ADMIN).roles == {"administrator"}


# ----------------------------------------------------------------------------- the trail


def test_every_act_is_in_the_trail_in_the_same_transaction(store: Store) -> None:
    """Saving, printing, diary, settings, import and deletion each write their row; the
    trail keeps the patient's rows after the patient is gone."""
    from walkback_rules.store import DiaryWeek

    who = "alice@clinic.example"
    pid = store.new_patient().id
    saved, _ = store.record(pid, *decided(make_assessment()), clinician_id=who, actor=who)
    store.record_print(saved.id, "handout", {}, actor=who)
    store.set_diary(pid, DiaryWeek("2026-11-30", 3, 60, 2), actor=who)
    store.remove_diary(pid, "2026-11-30", actor=who)
    store.save_settings({"name": "Harbourside Physio"}, actor=who)
    exported = store.export(pid)
    store.delete_patient(pid, actor=who)
    store.import_records([PatientFile.model_validate(exported)], actor=who)

    actions = [(r.action, r.patient) for r in reversed(store.audit_trail(actor=who))]

    assert actions == [
        ("save_consultation", pid),
        ("print", pid),
        ("save_diary", pid),
        ("remove_diary", pid),
        ("settings", None),
        ("delete_patient", pid),
        ("import", pid),
    ]
    assert store.consultations(pid)[0].clinician_id == who
    assert set(AUDIT_ACTIONS) >= {a for a, _ in actions}


def test_a_failed_save_writes_no_audit_row(store: Store) -> None:
    """All or nothing: a save refused by the record leaves the trail as it was."""

    with pytest.raises(StoreError):
        store.record("P-NOONE1", *decided(make_assessment()), actor="alice@clinic.example")

    assert store.audit_trail() == []


def test_the_trail_is_append_only_in_the_database_itself(store: Store) -> None:
    """The database refuses a change or a removal of a row, whatever the code asks."""

    store.audit("alice@clinic.example", "export", None, "all patients")
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.exec_driver_sql(statement)

    assert [r.actor for r in store.audit_trail()] == ["alice@clinic.example"]


def test_an_unknown_action_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="not an action the trail records"):
        store.audit("alice@clinic.example", "looked around")


def test_the_trail_holds_no_clinical_content(store: Store) -> None:
    """Only the pseudonym and the decision's code: no assessment, note or dose."""

    pid = store.new_patient().id
    store.record(pid, *decided(make_assessment(age=61)), actor="alice@clinic.example")
    row = store.audit_trail()[0]

    assert (row.patient, row.detail) == (pid, "PROGRESS")
    # Every field but the time, which may hold the digits 61 by chance.
    assert "61" not in json.dumps([row.actor, row.action, row.patient, row.detail])


# ----------------------------------------------------------------------------- backups


@contextmanager
def _empty_record(url: str, tmp_path: Path) -> Iterator[str]:
    """An empty record of the same kind: a new SQLite file, or a new PostgreSQL database."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        with database(url) as fresh:
            yield fresh


def test_a_backup_restored_into_an_empty_record_exports_the_same(
    store: Store, url: str, tmp_path: Path
) -> None:
    """Every patient exported from the restored record is identical to the original's."""
    from walkback_rules.store import DiaryWeek

    for n in range(3):
        pid = store.new_patient(f"runner {n}").id
        store.record(
            pid, *decided(make_assessment(age=40 + n)), clinician_id="alice@clinic.example"
        )
        store.set_diary(pid, DiaryWeek("2026-11-23", 4, 80 + n, 2))
    store.audit("alice@clinic.example", "export", None, "all patients")
    file = tmp_path / "record.backup"

    backup(file, store.url)
    with _empty_record(url, tmp_path) as target:
        restore(file, target)
        with Store.open(target) as restored:
            original = [json.dumps(p, sort_keys=True) for p in store.export_all()]
            again = [json.dumps(p, sort_keys=True) for p in restored.export_all()]
            trail = restored.audit_trail()

    assert again == original and len(original) == 3
    assert [r.action for r in trail] == ["export"]
    assert oct(file.stat().st_mode & 0o777) == "0o600"


def test_a_restore_into_a_record_that_holds_anything_is_refused(
    store: Store, tmp_path: Path
) -> None:
    store.new_patient()
    file = tmp_path / "record.backup"
    backup(file, store.url)

    with pytest.raises(StoreError, match="not empty: restore only into an empty record"):
        restore(file, store.url)


def test_the_admin_command_backs_up_and_refuses_to_overwrite(
    record: str, tmp_path: Path, capsys: Any
) -> None:
    from walkback_rules.cli import main

    with Store.open(record) as store:
        store.new_patient()  # an empty record is not backed up (an address mistyped?)
    out = tmp_path / "b.db"

    assert main(["admin", "backup", "-o", str(out)]) == 0
    assert main(["admin", "backup", "-o", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["admin", "restore", str(out)]) == 2  # the record is not empty
