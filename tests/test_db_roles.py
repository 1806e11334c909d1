"""Two database roles on PostgreSQL: the record's owner migrates; the app runs as
`walkback_app`, which reads and writes the record and adds to the audit trail, and can
neither change, remove nor empty the trail, nor alter its table or switch its guard off.
A record whose schema is behind is the owner's to bring up to date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from walkback_rules.cli import main
from walkback_rules.store import Store, StoreError
from walkback_rules.store.repo import APP_ROLE, HEAD

from .stores import database, pg_url

DENIED = "42501"  # insufficient privilege


@pytest.fixture
def roles() -> Iterator[tuple[str, str]]:
    """A new database on the tests' server: the owner's address and the app role's."""
    base = pg_url()
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # roles belong to the server, not to one database
            conn.exec_driver_sql(
                f"DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
    finally:
        admin.dispose()
    with database(base) as owner:
        app = make_url(owner).set(username=APP_ROLE, password=None)
        yield owner, app.render_as_string(hide_password=False)


def _sqlstate(url: str, statement: str) -> str | None:
    """What PostgreSQL answers `statement` sent by the role in `url` (None: it ran)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
    except sa.exc.DBAPIError as exc:
        return str(getattr(exc.orig, "sqlstate", "?"))
    finally:
        engine.dispose()
    return None


def _one_back(url: str) -> str:
    """Take the record one migration back, as the release before this one left it."""
    from alembic import command

    from walkback_rules.store.repo import alembic_config

    config = alembic_config()
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "-1")
            return str(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar())
    finally:
        engine.dispose()


def _audit_rows(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM audit").scalar_one())
    finally:
        engine.dispose()


def test_the_apps_role_cannot_switch_the_audit_guard_off(roles: tuple[str, str]) -> None:
    owner, app = roles
    Store.open(owner).close()  # the owner creates the record and grants the app its part

    with Store.open(app) as store:  # the app works as itself: patients, and their trail
        patient = store.new_patient()
        store.audit("clinician@clinic.example", "open_patient", patient.id)
        assert store.verify_audit()[2] == []
    rows = _audit_rows(owner)
    assert rows >= 1

    for statement in (
        "ALTER TABLE audit DISABLE TRIGGER audit_no_change",
        "ALTER TABLE audit DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_no_change ON audit",
        "DROP TABLE audit",
        "TRUNCATE audit",
        "UPDATE audit SET actor = 'someone.else@clinic.example'",
        "DELETE FROM audit",
        "SET session_replication_role = replica",
        "UPDATE alembic_version SET version_num = '0001'",
        "CREATE TABLE elsewhere (id integer)",
    ):
        assert _sqlstate(app, statement) == DENIED, statement

    assert _audit_rows(owner) == rows
    with Store.open(app) as store:
        assert store.verify_audit()[2] == []


def test_a_schema_behind_is_the_owners_to_migrate(
    roles: tuple[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    owner, app = roles
    with pytest.raises(StoreError, match=r"none \(a new record\).*walkback admin migrate"):
        Store.open(app)  # the app cannot create the record either

    Store.open(owner).close()
    before = _one_back(owner)
    with pytest.raises(
        StoreError, match=f"at schema {before} .* needs {HEAD}.*walkback admin migrate"
    ):
        Store.open(app)

    monkeypatch.setenv("WALKBACK_DB_URL", owner)
    assert main(["admin", "migrate"]) == 0
    said = capsys.readouterr().out
    assert f"brought from {before} to schema {HEAD}" in said
    assert f"the app's role {APP_ROLE} may read and write it" in said
    with Store.open(app) as store:
        assert any(row.action == "migrate" for row in store.audit_trail())

    monkeypatch.setenv("WALKBACK_DB_URL", app)  # the app's own address may not migrate
    _one_back(owner)
    assert main(["admin", "migrate"]) == 2
    assert "Only the record's owner may change its schema" in capsys.readouterr().err


def test_migrating_a_current_sqlite_record_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    url = f"sqlite:///{tmp_path / 'record.db'}"
    Store.open(url).close()
    monkeypatch.setenv("WALKBACK_DB_URL", url)

    assert main(["admin", "migrate"]) == 0
    said = capsys.readouterr().out
    assert f"is already schema {HEAD}" in said
    assert APP_ROLE not in said  # SQLite has no roles: the file's mode guards it
