"""More processes carry more clinicians: two app processes behind the deployment's Caddy on
one PostgreSQL. The process a clinician is typing on is killed mid-consultation; the browser
goes on to the other process, still signed in (the sign-in cookie is signed with the
clinic's one secret), finds what was typed (drafts live in the database) and saves the
consultation there."""

from __future__ import annotations

import json
import os
import re
import signal
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from walkback_rules.store import Store

from .browser import (
    CHROMIUM_ARGS,
    answer_the_rest,
    chromium_path,
    free_port,
    running,
    serving,
    settle,
)
from .clinic import (
    ADMIN,
    ALICE,
    CADDYFILE,
    PEOPLE,
    SITE,
    Clinic,
    _provider,
    email,
    https,
    sign_in,
    tool,
    wait,
)
from .stores import database, pg_url


def _kept_draft(store: Store, pid: str) -> str:
    """The drafts the record keeps for `pid`, as text."""
    import sqlalchemy as sa

    from walkback_rules.store.schema import drafts

    with store.engine.connect() as conn:
        forms = conn.execute(sa.select(drafts.c.form).where(drafts.c.patient_id == pid))
        return json.dumps(forms.scalars().all())


def test_a_dying_process_sends_its_clinician_to_another_with_the_draft(tmp_path: Path) -> None:
    import playwright.sync_api as playwright_api

    caddy = tool("caddy", "WALKBACK_CADDY")
    executable = chromium_path()
    first_port, second_port, proxy_port = free_port(), free_port(), free_port()
    with ExitStack() as stack:
        db_url = stack.enter_context(database(pg_url()))
        secrets_file = stack.enter_context(_provider(tmp_path, proxy_port, True))
        assert secrets_file is not None
        with Store.open(db_url) as store:  # Alice is a clinician of the practice
            store.sign_in(email(ALICE), PEOPLE[ALICE], None)
            store.sign_in(email(ADMIN), PEOPLE[ADMIN], email(ADMIN))
            store.set_roles(email(ALICE), {"clinician"}, by=email(ADMIN))
        app = {
            "options": [
                "--server.allowedHosts", SITE, "--server.allowedHosts", "127.0.0.1",
                "--browser.serverAddress", SITE, "--secrets.files", str(secrets_file),
            ],
            "env": {"WALKBACK_DB_URL": db_url},
        }  # fmt: skip
        _, first = stack.enter_context(serving(port=first_port, **app))  # the second: later
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
            "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
            "WALKBACK_SITE": f"{SITE}:{proxy_port}",
            "WALKBACK_UPSTREAM": f"127.0.0.1:{first_port} 127.0.0.1:{second_port}",
        }
        stack.enter_context(
            running([caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"], env=env)
        )
        p = stack.enter_context(playwright_api.sync_playwright())
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        tab: Any = browser.new_context(
            ignore_https_errors=True, viewport={"width": 1280, "height": 1400}
        ).new_page()
        tab.set_default_timeout(60_000)
        url = f"https://{SITE}:{proxy_port}"
        root = tmp_path / "caddy-data" / "caddy" / "pki" / "authorities" / "local"
        wait(lambda: (root / "root.crt").exists(), "Caddy")
        clinic = Clinic(url, proxy_port, root / "root.crt", db_url)
        wait(lambda: https(clinic, "/_stcore/health")[0] == 200, "Caddy's upstream")
        sign_in(tab, clinic, ALICE)
        tab.get_by_role("heading", name="Consultation", exact=True).wait_for()
        settle(tab)
        tab.get_by_role("button", name="Create and open").click()
        settle(tab)
        tab.wait_for_url(re.compile(r"patient=P-"))
        pid = re.search(r"patient=(P-[0-9A-Z]+)", tab.url).group(1)  # type: ignore[union-attr]
        age = tab.get_by_role("spinbutton", name="Age (years)", exact=True)
        age.fill("67")
        age.press("Enter")
        settle(tab)
        with Store.open(db_url) as store:
            # The draft is kept when the patient opens, and again with each answer: wait for
            # the one that holds the age, as a clinician's next action would.
            wait(lambda: "67" in _kept_draft(store, pid), "the typed age in the record")

        stack.enter_context(serving(port=second_port, **app))
        first.send_signal(signal.SIGKILL)  # mid-consultation
        first.wait()

        # The browser reconnects through Caddy, to the process still alive.
        tab.wait_for_timeout(3000)
        tab.reload()
        tab.get_by_role("heading", name="Consultation", exact=True).wait_for()
        settle(tab)
        age = tab.get_by_role("spinbutton", name="Age (years)", exact=True)
        assert age.input_value() == "67"  # what was typed, from the record
        previous = tab.get_by_role("spinbutton", name="Previous episodes", exact=True)
        previous.fill("4")
        previous.press("Enter")
        settle(tab)
        answer_the_rest(tab)
        tab.get_by_role("button", name="Get recommendation").click()
        settle(tab)
        tab.get_by_role("button", name=f"Save to {pid}'s record").click()
        settle(tab)
        tab.get_by_text("Saved", exact=False).first.wait_for()
        browser.close()
        with Store.open(db_url) as store:
            [saved] = store.consultations(pid)
            assert saved.assessment["age"] == 67
