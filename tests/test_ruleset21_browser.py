"""Ruleset 2.1 in a real browser: an emergency recorded, with its letter, from the age and
the features alone; a concern about self-harm names the clinic's crisis contacts and offers
the discreet slip."""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

import playwright.sync_api as playwright_api
from pypdf import PdfReader

from walkback_rules.store import Store

from .browser import app_tab, number, settle

# A plain run keeps its screenshots apart; tools/refresh_screenshots.py refreshes the docs'.
SHOTS = Path(os.environ.get("WALKBACK_SHOTS") or tempfile.mkdtemp(prefix="walkback-shots-"))


def test_an_emergency_is_recorded_and_its_letter_printed_from_the_age_and_features(
    tmp_path: Path,
) -> None:
    expect = playwright_api.expect
    with Store.open(f"sqlite:///{tmp_path / 'record.db'}") as record:
        pid = record.new_patient("Seen at once").id
    with app_tab(tmp_path, 1280, 1800) as (tab, url):
        tab.goto(f"{url}/?patient={pid}")
        tab.get_by_role("heading", name="Consultation", exact=True).wait_for()
        settle(tab)
        for words in ("^Numbness or altered feeling in the saddle", "^New retention or"):
            tab.get_by_text(re.compile(words)).click()
            settle(tab)
        tab.get_by_role("textbox", name=re.compile("^When it began: numbness")).fill(
            "this morning, 6 am"
        )
        number(tab, "Age (years)", "58")
        tab.get_by_role("button", name="Get recommendation now").click()
        expect(tab.get_by_role("heading", name="Recommendation", exact=True)).to_be_visible()
        settle(tab)
        expect(tab.get_by_text(re.compile("^Emergency referral")).first).to_be_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "emergency-at-once.png"))
        with tab.expect_download() as letter:
            tab.get_by_role("button", name=re.compile(r"^Emergency referral letter \(PDF")).click()
        written = " ".join(p.extract_text() for p in PdfReader(letter.value.path()).pages).replace(
            "\u00a0", " "
        )
        tab.get_by_role("button", name=f"Save to {pid}'s record").click()
        settle(tab)
        expect(tab.get_by_text(re.compile(f"Saved to {pid}")).first).to_be_visible()

    with Store.open(f"sqlite:///{tmp_path / 'record.db'}") as record:
        [visit] = record.consultations(pid)
    assert visit.decision == "EMERGENCY_REFERRAL"
    assert not {"previous_episodes", "flare", "walking"} & set(visit.assessment)
    assert visit.details is not None and visit.details["onsets"] == {
        "ces_saddle": "this morning, 6 am"
    }
    assert "onset: this morning, 6 am" in written
    assert "Pain and flare level not asked" in written


def test_a_self_harm_concern_names_the_crisis_contacts_and_prints_the_slip(
    tmp_path: Path,
) -> None:
    expect = playwright_api.expect
    with Store.open(f"sqlite:///{tmp_path / 'record.db'}") as record:
        record.save_settings(
            {"crisis_line": "13 11 14", "mental_health": "Crisis team 1800 011 511"}
        )
    with app_tab(tmp_path, 1280, 2000) as (tab, _):
        tab.get_by_role("link", name="Teaching", exact=True).click()
        tab.get_by_role("tab", name="Case library").click()
        tab.locator(".st-key-t_load_demo-32 button").click()  # 45, concern about self-harm
        settle(tab)
        expect(tab.get_by_role("heading", name="Consultation", exact=True)).to_be_visible()
        tab.get_by_role("link", name="Recommendation", exact=True).first.click()
        expect(tab.get_by_role("heading", name="Recommendation", exact=True)).to_be_visible()
        settle(tab)
        expect(tab.get_by_text(re.compile("Crisis contacts:"))).to_be_visible()
        tab.get_by_text(re.compile("Crisis contacts:")).scroll_into_view_if_needed()
        tab.screenshot(path=str(SHOTS / "self-harm-crisis-contacts.png"))
        with tab.expect_download() as slip:
            tab.get_by_role("button", name=re.compile("^Contacts slip")).click()
        data = Path(slip.value.path()).read_bytes()

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert text.startswith("Useful phone numbers")
    assert "13 11 14" in text.replace("\u00a0", " ") and "back" not in text.lower()
