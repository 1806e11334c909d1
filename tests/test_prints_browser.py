"""Two clinicians in real Chromium print while each other's pages rerun: every handout
pressed arrives, and the record notes exactly the prints that arrived."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from walkback_rules.store import Store

from .browser import (
    CHROMIUM_ARGS,
    chromium_path,
    discard_if_asked,
    save_clinic_settings,
    settle,
    streamlit_server,
)

PRESSES = 4


def _on_handouts(tab: Any) -> None:
    """A demo patient loaded from the case library, on the Handouts page."""
    tab.get_by_role("link", name="Teaching", exact=True).click()
    tab.get_by_role("tab", name="Case library").click()
    tab.get_by_role("button", name="Load into the consultation").first.click()
    settle(tab)
    discard_if_asked(tab)
    tab.get_by_role("heading", name="Consultation", exact=True).wait_for()
    settle(tab)
    tab.get_by_role("link", name="Handouts", exact=True).first.click()
    tab.get_by_role("heading", name="Handouts", exact=True).wait_for()
    settle(tab)


def test_two_clinicians_printing_at_once_each_get_every_file(tmp_path: Path) -> None:
    import playwright.sync_api as playwright_api

    executable = chromium_path()
    url_db = f"sqlite:///{tmp_path / 'record.db'}"
    shared = os.environ.get("WALKBACK_DB_URL")
    os.environ["WALKBACK_DB_URL"] = url_db
    try:
        with streamlit_server() as url, playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            tabs = []
            for _ in range(2):  # two browser sessions, as two clinicians' computers
                tab = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
                tab.set_default_timeout(30_000)
                tab.goto(url)
                tab.get_by_role("heading", name="Consultation").wait_for()
                tabs.append(tab)
            save_clinic_settings(
                tabs[0], Clinic_name="Harbourside Physio", Clinic_phone="02 9555 0123",
                Emergency_number="000",
            )  # fmt: skip
            for tab in tabs:
                _on_handouts(tab)

            arrived = 0
            for i in range(PRESSES * 2):
                printer, other = tabs[i % 2], tabs[(i + 1) % 2]
                box = other.get_by_role("checkbox").first
                with printer.expect_download() as download:
                    printer.get_by_role("button", name="Patient handout (PDF)").click()
                    for _ in range(2):  # the other clinician's page reruns meanwhile
                        box.press("Space")
                        other.wait_for_timeout(50)
                assert download.value.failure() is None, download.value.failure()
                assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
                arrived += 1
                settle(other)
            browser.close()
    finally:
        if shared is None:
            os.environ.pop("WALKBACK_DB_URL", None)
        else:
            os.environ["WALKBACK_DB_URL"] = shared

    assert arrived == PRESSES * 2
    with Store.open(url_db) as store:
        noted = [r for r in store.audit_trail() if (r.action, r.detail) == ("print", "handout")]
    assert len(noted) == arrived
