"""Nothing typed is lost, in a real browser: a refresh, and a restart of the server, bring
back the consultation as it was left."""

from __future__ import annotations

import os
import re
from pathlib import Path

import playwright.sync_api as playwright_api

from .browser import CHROMIUM_ARGS, chromium_path, number, settle, streamlit_server


def test_a_refresh_and_a_server_restart_keep_what_was_typed(tmp_path: Path) -> None:
    executable = chromium_path()
    expect = playwright_api.expect
    shared = os.environ["WALKBACK_DB_URL"]
    os.environ["WALKBACK_DB_URL"] = f"sqlite:///{tmp_path / 'record.db'}"
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1400, "height": 1400})
            tab.set_default_timeout(30_000)
            with streamlit_server() as first:
                tab.goto(first)
                tab.get_by_role("heading", name="Consultation", exact=True).wait_for()
                settle(tab)
                number(tab, "Age (years)", "61")
                note = tab.get_by_role("textbox", name=re.compile("^Clinical note"))
                note.fill("Keen to get back to golf.")
                note.press("Control+Enter")
                settle(tab)
                token = re.search(r"[?&]b=([\w-]{16})", tab.url)
                assert token is not None

                tab.reload()
                age = tab.get_by_role("spinbutton", name="Age (years)", exact=True)
                expect(age).to_have_value("61")
                expect(tab.get_by_text(re.compile("is back, as it was left"))).to_be_visible()

            with streamlit_server() as again:  # a new server process on the same record
                tab.goto(f"{again}/?b={token.group(1)}")
                age = tab.get_by_role("spinbutton", name="Age (years)", exact=True)
                expect(age).to_have_value("61")
                note = tab.get_by_role("textbox", name=re.compile("^Clinical note"))
                expect(note).to_have_value("Keen to get back to golf.")
            browser.close()
    finally:
        os.environ["WALKBACK_DB_URL"] = shared
