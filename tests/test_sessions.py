"""Sessions that end: signed out, ended by an administrator, idle, or too old; judged from
the sign-in's own signed time, in the app and before every download."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from walkback_rules.server.access import session_ended
from walkback_rules.store import NotFound, Store

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("issued", "last_seen", "valid_from", "said"),
    [
        (NOW - timedelta(hours=1), NOW - timedelta(minutes=1), None, None),
        # signed out (or ended) after this sign-in: refused; a sign-in after it holds
        (NOW - timedelta(hours=1), None, NOW - timedelta(minutes=5), "signed out"),
        (NOW - timedelta(minutes=4), None, NOW - timedelta(minutes=5), None),
        # idle: 15 minutes is still within, a second over is not
        (NOW - timedelta(hours=1), NOW - timedelta(minutes=15), None, None),
        (NOW - timedelta(hours=1), NOW - timedelta(minutes=15, seconds=1), None,
         "idle for more than 15 minutes"),
        # absolute: 12 hours is still within, a second over is not
        (NOW - timedelta(hours=12), NOW, None, None),
        (NOW - timedelta(hours=12, seconds=1), NOW, None, "more than 12 hours ago"),
    ],
)  # fmt: skip
def test_a_session_ends_at_its_bounds(
    issued: datetime, last_seen: datetime | None, valid_from: datetime | None, said: str | None
) -> None:
    ended = session_ended(issued, last_seen, valid_from, NOW)
    assert (ended is None) if said is None else (said in (ended or ""))


def test_ending_sessions_is_kept_audited_and_clears_their_activity(store: Store) -> None:
    store.sign_in("sam@clinic.example", "Sam", None)
    assert (
        store.seen("sam@clinic.example", "2026-12-07T14:00:00+00:00", "2026-12-07T14:01:00+00:00")
        is None
    )
    assert (
        store.seen("sam@clinic.example", "2026-12-07T14:00:00+00:00", "2026-12-07T14:02:00+00:00")
        == "2026-12-07T14:01:00+00:00"
    )

    store.end_sessions("sam@clinic.example", actor="boss@clinic.example")

    assert store.user("sam@clinic.example").valid_from is not None
    assert (
        store.seen("sam@clinic.example", "2026-12-07T14:00:00+00:00", "2026-12-07T14:03:00+00:00")
        is None
    )
    assert ("boss@clinic.example", "end_sessions") in [
        (r.actor, r.action) for r in store.audit_trail()
    ]
    with pytest.raises(NotFound):
        store.end_sessions("nobody@clinic.example", actor="boss@clinic.example")


def test_a_download_after_the_session_ended_is_refused(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from walkback_rules.server import files

    url = f"sqlite:///{tmp_path}/r.db"
    with Store.open(url) as store:
        store.sign_in("boss@clinic.example", "Boss", "boss@clinic.example", "idp boss-1")
    monkeypatch.setattr(files, "_STORE", [Store.open(url)])
    issued = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)

    assert files.record_allows("idp boss-1", issued)
    assert not files.record_allows("idp someone-else", issued)  # never signed in here
    files._STORE[0].end_sessions("boss@clinic.example", actor="boss@clinic.example")
    assert not files.record_allows("idp boss-1", issued)
    files._STORE[0].close()


@pytest.mark.parametrize(("mode", "refused"), [(0o600, False), (0o640, True), (0o644, True)])
def test_a_secrets_file_others_can_read_refuses_patient_data(
    tmp_path: object, mode: int, refused: bool
) -> None:
    from pathlib import Path

    from walkback_rules.server.access import access, secrets_problem

    secrets = Path(str(tmp_path)) / "secrets.toml"
    secrets.write_text('[auth]\nclient_id = "walkback"\n', encoding="utf-8")
    secrets.chmod(mode)
    found = secrets_problem([str(secrets), str(secrets) + ".missing"])

    assert (found is not None) == refused
    decided = access("127.0.0.1", True, found)
    assert decided.mode == ("refused" if refused else "sign_in")
    if refused:
        assert f"chmod 600 {secrets}" in decided.reason


# --- people are their identity provider's account -------------------------------------------


def test_another_account_with_a_known_email_is_refused_and_gets_no_role(store: Store) -> None:
    """The first administrator is bound to the account they first signed in with; a second
    account carrying the same e-mail gets nothing, and the refusal is in the trail."""
    from walkback_rules.store import StoreError

    boss = store.sign_in("boss@clinic.example", "Boss", "boss@clinic.example", "https://idp a1")
    assert boss.roles == {"administrator"}

    with pytest.raises(StoreError, match="signed in before from another account"):
        store.sign_in("boss@clinic.example", "Boss", "boss@clinic.example", "https://idp b2")

    again = store.sign_in("boss@clinic.example", "Boss", "boss@clinic.example", "https://idp a1")
    assert again.roles == {"administrator"}
    trail = [(r.actor, r.action) for r in store.audit_trail()]
    assert ("boss@clinic.example", "refused_sign_in") in trail


def test_an_account_whose_email_changed_is_still_the_same_person(store: Store) -> None:
    """People are their provider account: a new e-mail on the same account keeps the
    person and their roles; the old e-mail on another account gets nothing."""
    from walkback_rules.store import StoreError

    store.sign_in("boss@clinic.example", "Boss", "boss@clinic.example", "https://idp a1")
    assert store.person("https://idp a1") == "boss@clinic.example"
    assert store.person("https://idp zz") is None

    renamed = store.sign_in("b.oss@clinic.example", "Boss", None, "https://idp a1")
    assert renamed.identity == "boss@clinic.example" and renamed.roles == {"administrator"}
    assert [u.identity for u in store.users()] == ["boss@clinic.example"]  # not a second person
    with pytest.raises(StoreError, match="another account"):
        store.sign_in("boss@clinic.example", "Boss", None, "https://idp c3")
    newcomer = store.sign_in("b.oss@clinic.example", "B", None, "https://idp d4")
    assert newcomer.identity == "b.oss@clinic.example" and newcomer.roles == set()


def test_someone_who_signed_in_before_accounts_were_kept_is_bound_at_their_next(
    store: Store,
) -> None:
    from walkback_rules.store import StoreError

    store.sign_in("sam@clinic.example", "Sam", None)  # as before migration 0012: no account
    store.sign_in("sam@clinic.example", "Sam", None, "https://idp s1")
    with pytest.raises(StoreError):
        store.sign_in("sam@clinic.example", "Sam", None, "https://idp s2")


# --- a tamper-evident audit trail ------------------------------------------------------------


def _tamper(store: Store, sql: str) -> None:
    """Change the trail as someone who can switch the database's guard off would."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_no_delete")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql(sql)


@pytest.mark.parametrize(
    ("sql", "said"),
    [
        ("UPDATE audit SET actor = 'someone.else@clinic.example' WHERE action = 'check_in'",
         "was changed or removed"),
        ("DELETE FROM audit WHERE action = 'check_in'", "was changed or removed"),
    ],
)  # fmt: skip
def test_a_row_changed_or_removed_behind_the_app_breaks_the_chain(
    store: Store, sql: str, said: str
) -> None:
    pid = store.new_patient().id
    for action in ("open_patient", "check_in", "print"):
        store.audit("sam@clinic.example", action, pid)
    covered, _, breaks = store.verify_audit()
    assert covered == 3 and breaks == []

    _tamper(store, sql)
    _, _, breaks = store.verify_audit()
    assert len(breaks) == 1 and said in breaks[0]


def test_the_command_line_verifies_the_chain(record: str) -> None:
    from .test_cli import run

    with Store.open(record) as store:
        store.audit("sam@clinic.example", "open_patient", None)
    status, out, _ = run(["admin", "audit", "--verify"])
    assert status == 0 and out.startswith("the audit trail's chain holds: 1 row")

    with Store.open(record) as store:
        _tamper(store, "UPDATE audit SET detail = 'x'")
    status, _, err = run(["admin", "audit", "--verify"])
    assert status == 2 and "changed or removed" in err
