"""A patient from the first visit to a year of follow-up, in a real browser: the visit is
saved, the patient discharged, six monthly check-ins recorded (a recurrence at month 5),
and the patient's page, the due list and the Outcomes page say the same; the record's
export imports back exactly."""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_api

from walkback_rules.outcomes.followup import Discharge, add_months, due_day
from walkback_rules.store import Store

from .browser import answer_the_rest, app_tab, choose, number, settle

# A plain run keeps its screenshots apart; tools/refresh_screenshots.py refreshes the docs'.
SHOTS = Path(os.environ.get("WALKBACK_SHOTS") or tempfile.mkdtemp(prefix="walkback-shots-"))


def set_date(tab: Any, label: str, day: date) -> None:
    """Type a day into the date box labelled `label`, segment by segment."""
    for part, value in (("year", f"{day.year}"), ("month", f"{day.month:02d}"),
                        ("day", f"{day.day:02d}")):  # fmt: skip
        segment = tab.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
        segment.click()
        segment.type(value)
    tab.keyboard.press("Tab")
    settle(tab)


def follow_up_tab(tab: Any) -> None:
    """Open the patient's follow-up tab, once the rerun has left one set of tabs."""
    settle(tab)
    tabs = tab.get_by_role("tab", name="Discharge and follow-up")
    playwright_api.expect(tabs).to_have_count(1)
    tabs.click()
    settle(tab)


def answer(tab: Any, question: str, yes: bool) -> None:
    group = tab.get_by_role("radiogroup", name=re.compile("^" + re.escape(question)))
    group.get_by_text("Yes" if yes else "No", exact=True).click()


def test_first_visit_to_discharge_and_six_check_ins_agree_everywhere(tmp_path: Path) -> None:
    expect = playwright_api.expect
    today = date.today()
    first_day = add_months(today, -9)
    discharged = first_day + timedelta(days=14)
    out = Discharge(discharged, "completed")
    began = due_day(out, 5) - timedelta(days=10)
    days = (began - discharged).days
    url_now = f"sqlite:///{tmp_path / 'record.db'}"
    with Store.open(url_now) as record:
        pid = record.new_patient("Journey").id

    with app_tab(tmp_path, 1280, 2400) as (tab, url):
        tab.goto(f"{url}/?patient={pid}")
        tab.get_by_role("heading", name="Consultation").wait_for()
        settle(tab)
        number(tab, "Age (years)", "52")
        number(tab, "Previous episodes", "4")
        set_date(tab, "Visit date", first_day)
        answer_the_rest(tab)
        tab.get_by_role("button", name="Get recommendation").click()
        tab.get_by_role("heading", name="Recommendation", exact=True).wait_for()
        settle(tab)
        tab.get_by_role("button", name=f"Save to {pid}'s record").click()
        settle(tab)

        tab.get_by_role("link", name="Patients", exact=True).first.click()
        tab.get_by_role("heading", name="Patients", exact=True).wait_for()
        settle(tab)
        follow_up_tab(tab)
        set_date(tab, "Day of discharge", discharged)
        tab.get_by_role("button", name="Record the discharge").click()
        settle(tab)
        first = due_day(out, 1).isoformat()  # one row for the patient, however many are due
        due = tab.get_by_text(re.compile(rf"(Month 1 check-in, due|months 1\b.*first due) {first}"))
        expect(due).to_be_visible()

        for month in range(1, 7):
            follow_up_tab(tab)
            choose(tab, re.compile("^Month after discharge"), str(month))
            set_date(tab, "Asked on", due_day(out, month))
            tab.get_by_role("textbox", name="Asked by").fill("AB")
            answer(tab, "Since the last check-in", month == 5)
            if month == 5:
                answer(tab, "Did it limit activity?", True)
                answer(tab, "Did they seek care for it?", True)
                set_date(tab, "When it began", began)
            tab.get_by_role("button", name="Record the check-in").click()
            settle(tab)
            follow_up_tab(tab)
            asked = f"asked {due_day(out, month).isoformat()} by phone"
            expect(tab.get_by_role("cell", name=asked, exact=True)).to_be_visible()
            # The form starts the next month blank.
            expect(tab.get_by_role("radiogroup", name=re.compile("^Since the last"))
                   .get_by_role("radio", checked=True)).to_have_count(0)  # fmt: skip

        follow_up_tab(tab)
        said = f"First activity-limiting recurrence {days} days after discharge (asked in month 5)"
        expect(tab.get_by_text(said)).to_be_visible()
        expect(tab.get_by_text(re.compile(r"^(Month \d+ check-in|\d+ check-ins \(months)"))
               ).to_have_count(0)  # fmt: skip
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.locator("[data-testid='stToast']").first.wait_for(state="detached")
        tab.screenshot(path=str(SHOTS / "follow-up.png"), full_page=True)

        tab.get_by_role("tab", name="Export, import, delete").click()
        with tab.expect_download() as caught:
            tab.get_by_role("button", name="This patient (JSON)").click()
        exported = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))

        tab.get_by_role("link", name="Outcomes", exact=True).first.click()
        tab.get_by_role("heading", name="Outcomes", exact=True).wait_for()
        settle(tab)
        metrics = tab.locator("[data-testid='stMetric']")
        expect(metrics.filter(has_text="Discharged")).to_contain_text("1")
        expect(metrics.filter(has_text="Recurrences")).to_contain_text("1")
        expect(metrics.filter(has_text="Median")).to_contain_text(f"{days} days")
        tab.locator("[data-testid='stToast']").first.wait_for(state="detached")
        tab.screenshot(path=str(SHOTS / "outcomes.png"), full_page=True)

        # For a class: presenter mode shows the synthetic teaching set, never the clinic's.
        tab.get_by_text("Presenter mode").click()
        settle(tab)
        expect(tab.get_by_role("radio")).to_have_count(0)
        expect(metrics.filter(has_text="Discharged")).to_contain_text("160")
        tab.screenshot(path=str(SHOTS / "outcomes-presenter.png"), full_page=True)

    month_five = exported["episodes"][0]["check_ins"][4]
    assert (month_five["limited"], month_five["began"]) == (True, began.isoformat())
    assert len(exported["episodes"][0]["check_ins"]) == 6
    with Store.open(url_now) as record:
        assert record.export(pid) == exported
        record.import_file(json.dumps(exported).encode(), replace=True)
        assert record.export(pid) == exported
        assert record.follow_ups_due(today) == []
        (member,) = record.cohort()
        assert member.outcome.days == days and member.many_episodes is True
