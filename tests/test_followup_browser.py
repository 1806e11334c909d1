"""Following a patient in a real browser: the review after an urgent referral asks about
the referral first and about every finding of the last visit; the save says so plainly; the
next visit still carries the cancer history, with the referral closed."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path

import playwright.sync_api as playwright_api

from walkback_rules import validate_assessment
from walkback_rules.store import Store

from .browser import CHROMIUM_ARGS, choose, chromium_path, number, settle, streamlit_server

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def test_a_review_follows_the_referral_and_carries_the_findings(tmp_path: Path) -> None:
    """Visit 1 (recorded): cancer history and night pain, an urgent referral. Visit 2, in
    the browser: the referral and the three findings are asked, then saved; visit 3 starts
    with the cancer history carried and no open referral."""
    executable = chromium_path()
    expect = playwright_api.expect
    shared = os.environ["WALKBACK_DB_URL"]
    url_now = f"sqlite:///{tmp_path / 'record.db'}"
    os.environ["WALKBACK_DB_URL"] = url_now
    first_day = date.today() - timedelta(days=14)
    with Store.open(url_now) as record:
        pid = record.new_patient("Follow-up").id
        record.record(
            pid,
            validate_assessment(
                {
                    "age": 62,
                    "visit": "initial",
                    "previous_episodes": 1,
                    "flare": {"level": "none", "pain_now": 0, "days_since_onset": None},
                    "walking": {
                        "walks_per_week": 3,
                        "minutes_per_walk": 15,
                        "weeks_at_current_dose": 2,
                    },
                    "red_flags": ["cancer_history", "cancer_non_mechanical"],
                    "falls_last_year": True,
                }
            ),
            at=f"{first_day.isoformat()}T09:00:00.000000+00:00",
        )
    try:
        with streamlit_server() as url, playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 2400})
            tab.set_default_timeout(30_000)
            tab.goto(f"{url}/?patient={pid}")
            tab.get_by_role("heading", name="Open referral").wait_for()
            referral = tab.get_by_role("radiogroup", name="What became of it?")
            referral.wait_for()
            tab.get_by_role("checkbox").last.wait_for()
            settle(tab)
            SHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SHOTS / "review-open-referral-and-carried-findings.png"))

            referral.get_by_text("Seen", exact=True).click()
            settle(tab)
            for finding, answer in (
                ("Past or current cancer", "Still present"),
                ("Constant or progressive pain", "Resolved"),
                ("One or more falls", "Still present"),
            ):
                group = tab.get_by_role("radiogroup", name=re.compile("^" + re.escape(finding)))
                group.get_by_text(answer, exact=True).click()
                settle(tab)
            choose(tab, re.compile("^Flare level"), "None")
            number(tab, "Pain now (0–10)", "0")
            number(tab, "Walks a week", "0")
            number(tab, "Minutes per walk", "0")
            tab.get_by_text("Asked: none present").first.click()  # the exercise screen
            settle(tab)
            tab.get_by_role("button", name="Get recommendation").click()
            tab.get_by_role("heading", name="Recommendation", exact=True).wait_for()
            settle(tab)
            tab.get_by_role("button", name=f"Save to {pid}'s record").click()
            settle(tab)
            tab.get_by_role("link", name="Consultation", exact=True).first.click()
            next_patient = tab.get_by_role("button", name="Start the next patient")
            expect(next_patient).to_be_visible()
            expect(tab.get_by_text(re.compile(f"to {pid}: the visit of"))).to_be_visible()
            tab.set_viewport_size({"width": 1280, "height": 720})
            settle(tab)
            tab.screenshot(path=str(SHOTS / "saved-plainly.png"))
            expect(tab.get_by_role("spinbutton", name="Age (years)", exact=True)).to_have_count(0)

            tab.get_by_role("link", name="Patients", exact=True).first.click()
            tab.get_by_role("button", name="Start this visit's consultation").click()
            tab.get_by_role("heading", name="Found at the last visit").wait_for()
            settle(tab)
            carried = tab.get_by_role("radiogroup", name=re.compile("^Past or current cancer"))
            expect(carried).to_be_visible()
            expect(tab.get_by_role("heading", name="Open referral")).to_have_count(0)
            browser.close()
        with Store.open(url_now) as record:
            [item] = record.referrals(pid)
            visits = record.consultations(pid)
            exported = record.export(pid)
    finally:
        os.environ["WALKBACK_DB_URL"] = shared

    assert item.status == "seen"
    last = visits[-1].visit()
    assert last is not None and last.carried == {
        "cancer_history": "present",
        "cancer_non_mechanical": "resolved",
        "falls_last_year": "present",
    }
    assert [u["status"] for u in exported["referrals"][0]["updates"]] == ["advised", "seen"]
