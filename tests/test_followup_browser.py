"""Following a patient in a real browser: the review after a referral asks about
the referral first and about every finding of the last visit; the save says so plainly; the
next visit still carries the cancer history, with the referral closed."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_api

from walkback_rules.store import Store

from .browser import app_tab, choose, number, settle
from .conftest import first_visit
from .stores import decided

# A plain run keeps its screenshots apart; tools/refresh_screenshots.py refreshes the docs'.
SHOTS = Path(os.environ.get("WALKBACK_SHOTS") or tempfile.mkdtemp(prefix="walkback-shots-"))


def test_a_review_follows_the_referral_and_carries_the_findings(tmp_path: Path) -> None:
    """Visit 1 (recorded): cancer history and night pain, a same-day referral to the acute
    oncology / MSCC team. Visit 2, in
    the browser: the referral and the three findings are asked, then saved; visit 3 starts
    with the cancer history carried and no open referral."""
    expect = playwright_api.expect
    url_now = f"sqlite:///{tmp_path / 'record.db'}"
    first_day = date.today() - timedelta(days=14)
    with Store.open(url_now) as record:
        pid = record.new_patient("Follow-up").id
        record.record(
            pid,
            *decided(
                first_visit(
                    age=62,
                    walking={
                        "walks_per_week": 3,
                        "minutes_per_walk": 15,
                        "weeks_at_current_dose": 2,
                    },
                    red_flags=["cancer_history", "cancer_non_mechanical"],
                    falls_last_year=True,
                )
            ),
            at=f"{first_day.isoformat()}T09:00:00.000000+00:00",
        )
    with app_tab(tmp_path, 1280, 2400) as (tab, url):
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
    with Store.open(url_now) as record:
        [item] = record.referrals(pid)
        visits = record.consultations(pid)
        exported = record.export(pid)

    assert item.status == "seen"
    last = visits[-1].visit()
    assert last is not None and last.carried == {
        "cancer_history": "present",
        "cancer_non_mechanical": "resolved",
        "falls_last_year": "present",
    }
    assert [u["status"] for u in exported["referrals"][0]["updates"]] == ["advised", "seen"]


def _answer_carried(tab: Any, answers: dict[str, str]) -> None:
    """Answer each finding carried from the last visit, named by the start of its words."""
    for finding, answer in answers.items():
        group = tab.get_by_role("radiogroup", name=re.compile("^" + re.escape(finding)))
        group.get_by_text(answer, exact=True).click()
        settle(tab)


def test_a_six_visit_course_carries_the_cancer_history_and_follows_the_referral(
    tmp_path: Path,
) -> None:
    """Six visits in the browser: cancer history at visit 1 and a same-day referral at visit
    3. Every later visit shows the carried finding, the open referral until it is closed,
    and the record and its export say the same."""
    expect = playwright_api.expect
    url_now = f"sqlite:///{tmp_path / 'record.db'}"
    seen: list[tuple[bool, bool]] = []
    with app_tab(tmp_path, 1280, 2000) as (tab, _):
        settle(tab)
        tab.get_by_role("button", name="Create and open").click()
        settle(tab)
        found = re.search(r"patient=(P-\w+)", tab.url)
        assert found is not None
        pid = found.group(1)
        for visit in range(1, 7):
            if visit > 1:
                tab.get_by_role("link", name="Patients", exact=True).first.click()
                tab.get_by_role("button", name="Start this visit's consultation").click()
                tab.get_by_role("heading", name="Consultation", exact=True).wait_for()
                tab.get_by_role("checkbox").last.wait_for()
                settle(tab)
                carried = tab.get_by_role("radiogroup", name=re.compile("^Past or current cancer"))
                referral = tab.get_by_role("radiogroup", name="What became of it?")
                seen.append((carried.count() == 1, referral.count() == 1))
                answers = {"Past or current cancer": "Still present"}
                if visit == 4:  # the night pain of visit 3 has gone
                    answers["Constant or progressive pain"] = "Resolved"
                _answer_carried(tab, answers)
                if referral.count():
                    status = "Made: waiting to be seen" if visit == 4 else "Seen"
                    referral.get_by_text(status, exact=True).click()
                    settle(tab)
            else:
                number(tab, "Age (years)", "62")
                number(tab, "Previous episodes", "1")
                tab.get_by_text("Past or current cancer", exact=True).click()
                settle(tab)
            if visit == 3:
                tab.get_by_text(re.compile("^Constant or progressive pain")).click()
                settle(tab)
            choose(tab, re.compile("^Flare level"), "None")
            number(tab, "Pain now (0–10)", "0")
            walks = tab.get_by_role("spinbutton", name="Walks a week", exact=True)
            if not walks.input_value():
                number(tab, "Walks a week", "0")
                number(tab, "Minutes per walk", "0")
            tab.get_by_text("Asked: none present").last.click()  # the exercise screen
            settle(tab)
            step = tab.get_by_role("radiogroup", name="How did the back take the last step up?")
            if step.count() and not step.get_by_role("radio", checked=True).count():
                step.get_by_text("Back pain did not increase", exact=True).click()
                settle(tab)
            tab.get_by_role("button", name="Get recommendation").click()
            tab.get_by_role("heading", name="Recommendation", exact=True).wait_for()
            settle(tab)
            tab.get_by_role("button", name=f"Save to {pid}'s record").click()
            settle(tab)
            expect(tab.get_by_text(re.compile(f"Saved to {pid}")).first).to_be_visible()
    with Store.open(url_now) as record:
        visits = record.consultations(pid)
        followed = record.referrals(pid)
        exported = record.export(pid)

    assert seen == [(True, False), (True, False), (True, True), (True, True), (True, False)]
    assert [v.decision for v in visits][2] == "SAME_DAY_REFERRAL"  # acute oncology, 2.1
    assert [r.status for r in followed] == ["seen"]
    assert [u["status"] for u in exported["referrals"][0]["updates"]] == ["advised", "made", "seen"]
    assert all(v.visit().carried["cancer_history"] == "present" for v in visits[1:])  # type: ignore[union-attr]
    assert all(
        c["details"]["carried"]["cancer_history"] == "present"
        for c in exported["consultations"][1:]
    )
