"""The clinic server end to end, with real parts: the deployment's Caddyfile in front (TLS
from Caddy's own certificate authority, the security headers), the app on loopback behind
it with its Host allow-list set to the clinic's name, PostgreSQL, and a real OpenID Connect
provider (oidc-provider-mock, from PyPI). Chromium signs in through the proxy over HTTPS as
an administrator, two clinicians and a teaching account.

Needs caddy (Debian), oidc-provider-mock and a PostgreSQL server: .ci/run installs and
starts them; elsewhere the tests skip and say what is missing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from walkback_rules.store import Store

from .browser import CHROMIUM_ARGS, chromium_path, settle, streamlit_server
from .clinic import (
    ADMIN,
    ALICE,
    BOB,
    CADDYFILE,
    TUTOR,
    Clinic,
    clinic_server,
    email,
    sign_in,
)
from .clinic import https as _https
from .stores import database, pg_url


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    folder = tmp_path_factory.mktemp("clinic")
    with database(pg_url()) as db_url, clinic_server(folder, db_url) as server:
        yield server


# ----------------------------------------------------------------------------- the proxy


def test_tls_from_the_local_ca_and_the_security_headers(clinic: Clinic) -> None:
    """The certificate verifies against Caddy's local CA under the clinic's name, and every
    page carries the headers that stop framing, sniffing and foreign scripts."""

    status, headers = _https(clinic, "/")

    assert status == 200
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "max-age=" in headers["strict-transport-security"]
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert "server" not in headers


def test_the_policy_allows_exactly_the_inline_script_streamlit_ships() -> None:
    """Each inline script of the installed Streamlit's page has its hash in the policy; an
    upgrade that changes one fails here, not in a clinician's browser."""
    import streamlit

    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text("utf-8")
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page, re.S)
    caddyfile = CADDYFILE.read_text("utf-8")

    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in caddyfile


# ----------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser(clinic: Clinic) -> Iterator[Any]:
    import playwright.sync_api as playwright_api

    executable = chromium_path()
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


VIOLATIONS: list[str] = []  # every Content-Security-Policy report any page gave


def person(browser: Any, watch: bool = True) -> Any:
    """A browser of its own (its own cookies), as one person's machine. Caddy's certificate
    was checked against its CA above; the browser is told to accept it. With `watch`, every
    policy violation its pages report is collected (none is expected)."""
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    if watch:
        tab.on(
            "console",
            lambda m: VIOLATIONS.append(m.text) if "Content Security Policy" in m.text else None,
        )
    return tab


def links(tab: Any) -> set[str]:
    names = tab.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return {n.strip().splitlines()[-1].strip() for n in names}  # the icon's name comes first


def open_page(tab: Any, name: str) -> None:
    tab.get_by_role("link", name=name, exact=True).first.click()
    tab.get_by_role("heading", name=name, exact=True).first.wait_for()
    settle(tab)


def test_a_visitor_who_has_not_signed_in_gets_only_the_landing_page(
    clinic: Clinic, browser: Any
) -> None:
    tab = person(browser)
    for path in ("/", "/patients", "/consultation?patient=P-AAAAAA"):
        tab.goto(clinic.url + path)
        tab.get_by_role("button", name="Sign in").wait_for()
        settle(tab)
        assert links(tab) == set()
        assert tab.get_by_text("Patients").count() == 0
    tab.context.close()


def test_a_framed_page_is_refused(clinic: Clinic, browser: Any) -> None:
    """Another page that frames the app shows nothing of it."""

    tab = person(browser, watch=False)  # the violation here is the point
    refused: list[str] = []
    tab.on("console", lambda m: refused.append(m.text))
    tab.set_content(f'<iframe id="app" src="{clinic.url}/" width="800" height="600"></iframe>')
    tab.wait_for_timeout(3000)

    frame = next(f for f in tab.frames if f is not tab.main_frame)
    assert frame.url.startswith("chrome-error://") or frame.content().count("Sign in") == 0
    assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in refused)
    tab.context.close()


def test_each_role_through_the_proxy_and_the_audit_trail(clinic: Clinic, browser: Any) -> None:
    """The administrator named in the configuration grants roles; each person then sees
    what the role allows, a clinician's patient never opens for the teaching account, and
    the audit trail shows what each did."""

    boss = person(browser)
    sign_in(boss, clinic, ADMIN)
    assert {"Patients", "Clinic settings", "Users and roles", "Audit trail"} <= links(boss)
    assert "Consultation" not in links(boss)

    waiting = {}
    for sub in (ALICE, BOB, TUTOR):
        waiting[sub] = person(browser)
        sign_in(waiting[sub], clinic, sub)
        waiting[sub].get_by_text("no administrator has given you a role yet").wait_for()
        assert links(waiting[sub]) == set()

    boss.reload()
    open_page(boss, "Users and roles")
    # The page aid runs behind the proxy's policy: it names the tab, and no component
    # failed to load (its error would show on the page).
    boss.wait_for_function("document.title === 'Users and roles — WalkBack CDS'")
    assert boss.locator("#wb-live").count() == 1
    assert boss.get_by_text("Component Error").count() == 0
    for sub, role in ((ALICE, "clinician"), (BOB, "clinician"), (TUTOR, "teaching")):
        save = boss.get_by_role("button", name="Save the roles").first
        for _ in range(3):  # a rerun that lands as the list opens can drop the choice
            settle(boss)
            boss.get_by_role("combobox", name=f"Roles of {email(sub)}").click()
            boss.get_by_role("option", name=role, exact=True).click()
            boss.keyboard.press("Escape")
            settle(boss)
            try:
                save.wait_for(timeout=5000)
                break
            except Exception:
                continue
        save.click()
        settle(boss)

    alice = waiting[ALICE]
    alice.goto(clinic.url)
    alice.get_by_role("heading", name="Consultation", exact=True).wait_for()
    assert {"Consultation", "Patients", "Handouts"} <= links(alice)
    assert not {"Users and roles", "Audit trail", "Clinic settings"} & links(alice)
    open_page(alice, "Patients")
    alice.get_by_role("button", name="Create and open").click()
    settle(alice)
    alice.wait_for_url(re.compile(r"patient=P-"))
    pid = re.search(r"patient=(P-[0-9A-Z]+)", alice.url).group(1)  # type: ignore[union-attr]
    open_page(alice, "Consultation")
    age = alice.get_by_role("spinbutton", name="Age (years)", exact=True)
    age.fill("67")
    age.press("Enter")
    settle(alice)
    address = alice.url

    bob = waiting[BOB]
    bob.goto(address)  # Alice's address, with her browser token and patient
    bob.get_by_role("heading", name="Consultation", exact=True).wait_for()
    settle(bob)
    assert bob.get_by_role("spinbutton", name="Age (years)", exact=True).input_value() != "67"

    tutor = waiting[TUTOR]
    tutor.goto(f"{clinic.url}/?patient={pid}")
    tutor.get_by_role("heading", name="Quiz: predict, then reveal").wait_for()
    settle(tutor)
    assert links(tutor) == {
        "Quiz", "What-if explorer", "Side by side", "Teaching", "Outcomes", "Evidence", "About"
    }  # fmt: skip
    assert tutor.get_by_text(pid).count() == 0

    alice.get_by_role("button", name="Sign out").click()
    alice.get_by_role("button", name="End session").click()  # the provider's own page
    alice.get_by_role("button", name="Sign in").wait_for()

    open_page(boss, "Audit trail")
    with Store.open(clinic.db_url) as store:
        trail = [(r.actor, r.action, r.patient) for r in store.audit_trail()]
    for row in (
        ("configuration", "grant_role", None),
        (email(ADMIN), "grant_role", None),
        (email(ALICE), "sign_in", None),
        (email(ALICE), "open_patient", pid),
        (email(ALICE), "sign_out", None),
        (email(BOB), "open_patient", pid),
        (email(TUTOR), "sign_in", None),
    ):
        assert row in trail, row
    assert not any(actor == email(TUTOR) and patient for actor, _, patient in trail)
    shown = boss.locator('[data-testid="stDataFrame"]').first
    shown.wait_for()
    boss.screenshot(path=str(_shots() / "audit-trail.png"))
    assert VIOLATIONS == []


def _shots() -> Path:
    from .test_e2e import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def test_an_open_address_without_sign_in_shows_no_patient_data(
    clinic: Clinic, browser: Any
) -> None:
    """The same app started on 0.0.0.0 with no sign-in configured refuses, naming why."""

    with Store.open(clinic.db_url) as store:
        pid = store.new_patient("should never show").id
    options = ["--server.allowedHosts", "127.0.0.1"]
    env = {"WALKBACK_DB_URL": clinic.db_url}
    with streamlit_server(options=options, env=env, address="0.0.0.0") as url:
        tab = person(browser)
        tab.goto(f"{url}/patients?patient={pid}")
        tab.get_by_text("sign-in is not set up").wait_for()
        settle(tab)
        text = tab.locator("body").inner_text()
        tab.screenshot(path=str(_shots() / "refused.png"))
        tab.context.close()

    assert "server.address" in text and "[auth]" in text
    assert pid not in text and "should never show" not in text
    assert links_of(text) == []


def links_of(text: str) -> list[str]:
    return [n for n in ("Patients", "Consultation", "Audit trail") if f"\n{n}\n" in text]


def test_backup_and_restore_of_the_servers_record_through_the_command_line(
    clinic: Clinic, tmp_path: Path
) -> None:
    """`walkback admin backup` (pg_dump -Fc) and `restore` into an empty database: every
    patient exported from the copy is the same as from the original."""
    import sys

    backup_file = tmp_path / "clinic.dump"

    def cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "walkback_rules.cli", *args],
            env={**os.environ, "WALKBACK_DB_URL": url}, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip

    made = cli("admin", "backup", "-o", str(backup_file), url=clinic.db_url)
    assert made.returncode == 0, made.stderr
    with database(pg_url()) as copy:
        restored = cli("admin", "restore", str(backup_file), url=copy)
        assert restored.returncode == 0, restored.stderr
        original = cli("patients", "export", "--all", "-o", "-", url=clinic.db_url).stdout
        again = cli("patients", "export", "--all", "-o", "-", url=copy).stdout

    assert again == original and json.loads(original.splitlines()[0])["format"]


FETCH = """async (url) => {
  const reply = await fetch(url, {credentials: "same-origin"});
  return [reply.status, reply.headers.get("cache-control")];
}"""


def fetched(tab: Any, link: str) -> tuple[int, str | None]:
    """GET `link` from inside the page, with the person's own cookies (Chromium resolves
    *.localhost itself; a request from outside the browser would not find the name)."""
    status, cache = tab.evaluate(FETCH, link)
    return int(status), cache


def test_a_download_is_for_a_signed_in_person_who_may_see_it(clinic: Clinic, browser: Any) -> None:
    """A download's address is no key: without the sign-in cookie it is refused, a teaching
    account is refused, and the person who made it gets it, never kept by a cache."""
    from urllib.parse import urlsplit

    boss = person(browser)
    sign_in(boss, clinic, ADMIN)
    open_page(boss, "Patients")
    with boss.expect_download() as caught:
        boss.get_by_role("button", name="All patients (JSON Lines)").click()
    link = caught.value.url
    assert urlsplit(link).path.startswith("/media/")

    status, headers = _https(clinic, urlsplit(link).path)  # a copied link, no cookie
    assert status == 401 and headers["cache-control"] == "no-store"
    assert fetched(boss, link) == (200, "no-store")

    tutor = person(browser)
    sign_in(tutor, clinic, TUTOR)
    with Store.open(clinic.db_url) as store:
        store.set_roles(email(TUTOR), {"teaching"}, by=email(ADMIN))
    assert fetched(tutor, link) == (403, "no-store")
    boss.context.close()
    tutor.context.close()


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(
    clinic: Clinic, browser: Any
) -> None:
    """A cookie copied before sign-out opens nothing after it: not the pages, not a
    download the session made."""
    boss = person(browser)
    sign_in(boss, clinic, ADMIN)
    saved = boss.context.cookies()
    open_page(boss, "Patients")
    with boss.expect_download() as caught:
        boss.get_by_role("button", name="All patients (JSON Lines)").click()
    link = caught.value.url
    boss.get_by_role("button", name="Sign out").click()
    boss.get_by_role("button", name="End session").click()  # the provider's own page
    boss.get_by_role("button", name="Sign in").wait_for()

    copy = person(browser)
    copy.context.add_cookies(saved)
    copy.goto(f"{clinic.url}/patients")
    copy.get_by_text("Your session has ended").wait_for()
    settle(copy)
    assert links(copy) == set()
    assert fetched(copy, link)[0] in (401, 403)
    with Store.open(clinic.db_url) as store:
        trail = [(r.actor, r.action) for r in store.audit_trail()]
    assert (email(ADMIN), "end_sessions") in trail and (email(ADMIN), "session_ended") in trail
    boss.context.close()
    copy.context.close()
