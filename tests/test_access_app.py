"""A clinic server in Streamlit's own test harness: the landing page for a visitor, roles
granted by an administrator, each role's pages, the audit trail written by the app's own
actions, sessions kept apart, and no patient data on an open address without sign-in.

Sign-in itself (the identity provider, the proxy, TLS) is tested end to end in a browser in
tests/test_clinic_server.py; here Streamlit's harness supplies the signed-in user.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

import ui
from walkback_rules.store import Store

from .test_app import APP, answer_the_rest, get_recommendation

ADMIN = "boss@clinic.example"
ALICE = "alice@clinic.example"
BOB = "bob@clinic.example"
TUTOR = "tutor@clinic.example"
AUTH = {
    "client_id": "walkback",
    "client_secret": "not-a-secret",
    "redirect_uri": "https://walkback.localhost/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-some-length",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
TOKEN = "abcdefghijklmnop"  # one browser token in the address, as if a link were shared


@pytest.fixture(autouse=True)
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh record for each test: the app opens it once per process, so it is reopened."""
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    monkeypatch.setenv("WALKBACK_DB_URL", url)
    ui._real.clear()
    yield url
    ui._real.clear()


def visit(
    email: str | None,
    page: str | None = None,
    token: str = TOKEN,
    pid: str | None = None,
    sign_in: bool = True,
    **claims: object,
) -> AppTest:
    """A browser session on the clinic server, signed in as `email` (None: signed out),
    with any other claims the identity provider gives."""
    at = AppTest.from_file(APP, default_timeout=60)
    if sign_in:
        at.secrets["auth"] = AUTH
        at.secrets["walkback"] = {"first_administrator": ADMIN}
    # Every OpenID Connect account has an issuer and a subject; one per e-mail unless given.
    claims = {"iss": "https://idp.example", "sub": f"account-of-{email}", **claims}
    at.user = (
        {"is_logged_in": True, "email": email, "name": email.split("@")[0].title(), **claims}
        if email
        else {"is_logged_in": False}
    )
    at.query_params[ui.TOKEN_PARAM] = token
    if pid is not None:
        at.query_params[ui.PATIENT] = pid
    at.run()
    assert not at.exception, at.exception
    if page is not None:
        at.switch_page(ui.PAGES[page]).run()
        assert not at.exception, at.exception
    return at


def grant(record: str, email: str, *roles: str) -> None:
    """The administrator gives `email` these roles (after they have signed in once)."""
    visit(email)
    with Store.open(record) as store:
        store.sign_in(ADMIN, "Boss", ADMIN)
        store.set_roles(email, set(roles), by=ADMIN)


def pages(at: AppTest) -> set[str]:
    """The pages this session's navigation offers, by their key in ui.PAGES."""
    offered = set()
    for key in ui.PAGES:
        try:
            at.switch_page(ui.PAGES[key])
        except ValueError:
            continue
        offered.add(key)
    return offered


def shown(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.info, *at.success, *at.markdown)]
    return "\n".join(str(p) for p in [*parts, *(t.value for t in at.title)])


# ----------------------------------------------------------------------------- who sees what


def test_a_visitor_sees_only_the_landing_page() -> None:
    """Signed out: what the product is, a Sign in button, and nothing else at all."""

    at = visit(None, pid="P-AAAAAA")

    assert [t.value for t in at.title] == ["WalkBack CDS"]
    assert [b.label for b in at.button] == ["Sign in"]
    assert pages(at) == {"welcome"}
    assert ui.PATIENT not in at.session_state
    assert not at.sidebar.markdown


def test_an_open_address_without_sign_in_shows_no_patient_data(record: str) -> None:
    """Started on 0.0.0.0 with no sign-in configured: the reason, naming both settings, and
    no page of the record, even with a patient named in the address."""

    with Store.open(record) as store:
        pid = store.new_patient("someone").id
    config.set_option("server.address", "0.0.0.0")
    try:
        at = visit(None, pid=pid, sign_in=False)
    finally:
        config.set_option("server.address", "127.0.0.1")

    assert "server.address" in at.error[0].value and "[auth]" in at.error[0].value
    assert pages(at) == {"welcome"}
    assert pid not in shown(at) and ui.PATIENT not in at.session_state


def test_the_same_app_on_loopback_without_sign_in_is_the_local_tool() -> None:
    at = visit(None, sign_in=False)

    assert {"consultation", "patients", "settings", "audit", "teaching"} <= pages(at)
    assert "users" not in pages(at)  # nobody to manage without sign-in


def test_the_first_administrator_manages_but_does_not_consult() -> None:
    at = visit(ADMIN)

    assert {"users", "audit", "settings", "patients"} <= pages(at)
    assert not {"consultation", "recommendation", "handouts", "visit"} & pages(at)
    assert "**Signed in as:**" in shown(at)


def test_someone_without_a_role_waits_for_one() -> None:
    at = visit(ALICE)

    assert "no administrator has given you a role yet" in at.warning[0].value
    assert pages(at) == {"welcome"}
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_clinician_consults_but_does_not_administer(record: str) -> None:
    grant(record, ALICE, "clinician")

    at = visit(ALICE)

    assert {"consultation", "patients", "handouts", "teaching"} <= pages(at)
    assert not {"users", "audit", "settings"} & pages(at)


def test_a_clinician_keeps_their_roles_in_the_practice_record(record: str) -> None:
    """People and roles live in the clinic's own record: switching to the practice record
    on a clinic server keeps the clinician's pages (it used to look them up there)."""
    grant(record, ALICE, "clinician")
    at = visit(ALICE)

    at.sidebar.toggle[0].set_value(True).run()

    assert not at.exception, at.exception
    assert any("Practice record" in w.value for w in at.warning)
    assert {"consultation", "patients", "handouts"} <= pages(at)
    at.switch_page(ui.PAGES["patients"]).run()
    assert not at.exception and "Patients" in [t.value for t in at.title]


def test_a_teaching_account_never_reaches_the_record(record: str) -> None:
    """Teaching: the teaching pages and the evidence with demo cases, never a patient, even
    named in the address."""

    with Store.open(record) as store:
        pid = store.new_patient().id
    grant(record, TUTOR, "teaching")

    at = visit(TUTOR, pid=pid)

    assert pages(at) == {
        "quiz", "explorer", "compare", "teaching", "outcomes", "evidence", "about"
    }  # fmt: skip
    assert ui.PATIENT not in at.session_state and pid not in shown(at)
    at.switch_page(ui.PAGES["outcomes"]).run()  # the synthetic teaching set, never the clinic's
    assert not at.radio and not at.get("download_button")
    assert {m.label: m.value for m in at.metric}["Discharged"] == "160"
    at.switch_page(ui.PAGES["teaching"]).run()
    assert not [b for b in at.button if b.label == "Load into the consultation"]
    assert not at.sidebar.button or [b.label for b in at.sidebar.button] == ["Sign out"]


def test_an_administrator_grants_a_role_on_the_users_page(record: str) -> None:
    visit(ALICE)  # Alice signs in once, and waits
    boss = visit(ADMIN, page="users")

    # An e-mail claim is shown as text, never as a link (markdown would make it one).
    assert ALICE in [t.value for t in boss.text]
    assert not any(ALICE in str(m.value) for m in boss.markdown)
    boss.multiselect(key=f"u_roles_{ALICE}").set_value(["clinician"]).run()
    next(b for b in boss.button if b.label == "Save the roles").click().run()

    assert "consultation" in pages(visit(ALICE))
    with Store.open(record) as store:
        rows = store.audit_trail(actor=ADMIN)
    assert ("grant_role", f"{ALICE}: clinician") in [(r.action, r.detail) for r in rows]


# ----------------------------------------------------------------------------- the trail


def test_the_apps_own_actions_write_the_trail_and_the_clinician(record: str) -> None:
    """Opening a patient and saving a consultation: both in the trail, under Alice's name,
    and the consultation carries her identity; the administrator reads it on its page."""

    grant(record, ALICE, "clinician")
    with Store.open(record) as store:
        pid = store.new_patient().id
    at = visit(ALICE, pid=pid)
    at.number_input(key="c_age").set_value(52)
    at.number_input(key="c_previous_episodes").set_value(1)
    answer_the_rest(at).run()
    get_recommendation(at)
    next(b for b in at.button if b.label.startswith("Save")).click().run()

    with Store.open(record) as store:
        saved = store.consultations(pid)
        mine = [(r.action, r.patient) for r in reversed(store.audit_trail(actor=ALICE))]
    assert saved and saved[0].clinician_id == ALICE
    # Two sessions signed in: the one that waited for a role, and this one.
    assert mine == [
        ("sign_in", None),
        ("sign_in", None),
        ("open_patient", pid),
        ("save_consultation", pid),
    ]

    boss = visit(ADMIN, page="audit")
    table = boss.dataframe[0].value
    assert {"signed in", "opened the patient", "saved a consultation"} <= set(table["What"])
    assert pid in set(table["Patient"])


# ----------------------------------------------------------------------------- sessions apart


def _typed_age(at: AppTest) -> Any:
    return (
        at.session_state[ui.CONSULTATION].form.age if ui.CONSULTATION in at.session_state else None
    )


def test_nothing_of_one_clinicians_session_reaches_another(record: str) -> None:
    """Alice opens a patient and types; Bob, with the same address (patient and browser
    token), sees the patient's record but none of Alice's typing, and no draft of hers;
    Alice, back later, finds her draft as she left it."""

    grant(record, ALICE, "clinician")
    grant(record, BOB, "clinician")
    with Store.open(record) as store:
        pid = store.new_patient().id
    alice = visit(ALICE, pid=pid)
    alice.number_input(key="c_age").set_value(61).run()
    assert _typed_age(alice) == 61

    bob = visit(BOB, pid=pid)

    assert bob.session_state[ui.PATIENT] == pid  # the practice's patient, legitimately
    assert _typed_age(bob) is None  # none of Alice's form
    with Store.open(record) as store:
        assert store.drafts(ui.scoped_token(BOB, TOKEN)) == []
        assert [d.form["age"] for d in store.drafts(ui.scoped_token(ALICE, TOKEN))] == [61]
    assert _typed_age(visit(ALICE, pid=pid)) == 61


def test_a_clinicians_open_patient_never_opens_for_a_visitor(record: str) -> None:
    grant(record, ALICE, "clinician")
    with Store.open(record) as store:
        pid = store.new_patient().id
    visit(ALICE, pid=pid)

    stranger = visit(None, pid=pid)

    assert ui.PATIENT not in stranger.session_state and pid not in shown(stranger)


def _downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_an_administrator_who_is_not_a_clinician_sees_who_not_what(record: str) -> None:
    """Least privilege: the administrator alone sees who the record holds and can delete,
    import and back up; the clinical record and its exports are for clinicians."""
    from .conftest import make_assessment
    from .stores import decided

    grant(record, ALICE, "clinician")
    with Store.open(record) as store:
        pid = store.new_patient().id
        store.record(pid, *decided(make_assessment()), at="2026-03-02T10:00:00+00:00")

    boss = visit(ADMIN, page="patients", pid=pid)
    assert not boss.tabs and not boss.get("vega_lite_chart")
    assert "This patient (JSON)" not in _downloads(boss)
    assert "All patients (JSON Lines)" in _downloads(boss)
    assert f"Delete {pid}" in [b.label for b in boss.button]

    alice = visit(ALICE, page="patients", pid=pid)
    assert "This patient (JSON)" in _downloads(alice) and alice.tabs
    assert "All patients (JSON Lines)" not in _downloads(alice)  # the whole record, one click


def test_a_patient_does_not_open_when_the_audit_trail_cannot_note_it(
    record: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read of the record fails closed: no row, no patient."""
    from walkback_rules.store import StoreError
    from walkback_rules.store.repo import Store as RecordStore

    grant(record, ALICE, "clinician")
    with Store.open(record) as store:
        pid = store.new_patient().id
    at = visit(ALICE, page="patients")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StoreError("the record is read-only")

    monkeypatch.setattr(RecordStore, "audit", refuse)
    next(b for b in at.button if b.key == f"p_open_{pid}").click().run()

    assert ui.PATIENT not in at.session_state or at.session_state[ui.PATIENT] != pid
    assert any(f"{pid} was not opened" in e.value for e in at.error)


def test_an_unverified_email_grants_nothing(record: str) -> None:
    at = visit(ADMIN, email_verified=False)  # the configured first administrator's e-mail

    assert not ({"users", "patients", "consultation"} & pages(at))
    with Store.open(record) as store:
        assert store.users() == []  # not even noted as a person


def test_another_account_with_the_first_administrators_email_gets_nothing(record: str) -> None:
    """The security test's finding: a second provider account carrying the first
    administrator's e-mail got the administrator's pages."""
    first = visit(ADMIN, iss="https://idp.example", sub="boss-1")
    assert "users" in pages(first)

    other = visit(ADMIN, token="t000000000000002", iss="https://idp.example", sub="intruder-9")

    assert not ({"users", "patients", "audit", "settings"} & pages(other))
    assert "signed in before from another account" in shown(other)


def test_the_account_decides_who_it_is_never_the_email(record: str) -> None:
    """The first administrator's account keeps its pages under a new e-mail; an account
    the provider does not name by issuer and subject gets nothing, whatever its e-mail."""
    first = visit(ADMIN, sub="boss-1")
    assert "users" in pages(first)

    renamed = visit("director@clinic.example", token="t000000000000003", sub="boss-1")
    assert "users" in pages(renamed)

    unnamed = visit(ADMIN, token="t000000000000004", sub="")
    assert not ({"users", "patients", "audit", "settings"} & pages(unnamed))


def test_the_practice_record_is_each_persons_own_and_removed_when_released(
    record: str,
) -> None:
    """On a clinic server two clinicians practising never see each other's practice
    patients; the practice record's folder is removed when the app lets it go (and at exit)."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    mine, theirs = ui._practice(ALICE), ui._practice("bob@clinic.example")
    assert mine is not theirs and mine.url != theirs.url
    mine.new_patient("alice's practice")
    assert theirs.patients() == []

    folder = Path(str(make_url(mine.url).database)).parent
    assert folder.is_dir()
    ui._practice.clear()
    assert not folder.exists()


def test_the_audit_tables_own_download_cannot_carry_a_formula(record: str) -> None:
    """The table's toolbar writes its CSV as shown: an actor or detail a spreadsheet would
    run as a formula is shown marked as text."""
    visit(ADMIN)
    with Store.open(record) as store:
        store.audit("=hyperlink(x)@clinic.example", "open_patient", None, "+1+cmd")
    boss = visit(ADMIN, page="audit")

    shown = boss.dataframe[0].value
    assert "'=hyperlink(x)@clinic.example" in list(shown["Who"])
    assert "'+1+cmd" in list(shown["Detail"])
