"""A six-visit course through the browser, as a physiotherapist would enter it: a start, two
step-ups, a step back, a moderate flare and the visit after it, two weeks apart (each
written up with its own visit date). Every review's prefilled dose must be the one the
plan set for that day, or the resume dose after the flare; the first visit's handout,
printed again from the record at the end, must be the same file as the first print."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest
from playwright.sync_api import Page

from walkback_rules.consultation.review import prefill
from walkback_rules.store import Store

from .browser import (
    CHROMIUM_ARGS,
    choose,
    chromium_path,
    number,
    save_clinic_settings,
    settle,
    streamlit_server,
)
from .test_e2e import SHOTS

TODAY = date.today()
DAYS = [TODAY - timedelta(days=d) for d in (70, 56, 42, 28, 14, 0)]
# How each review goes: the step-up response asked (None: none to ask), the flare.
VISITS = [
    (None, "None"),
    ("Back pain did not increase", "None"),
    ("Back pain did not increase", "None"),
    ("Pain increased, not settled within 24 hours", "None"),
    (None, "Moderate"),
    (None, "None"),
]
DECISIONS = ["START", "PROGRESS", "PROGRESS", "STEP_BACK", "MODERATE_FLARE", "HOLD"]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, str]]:
    executable = chromium_path()
    shared = os.environ["WALKBACK_DB_URL"]
    url = f"sqlite:///{tmp_path_factory.mktemp('course') / 'record.db'}"
    os.environ["WALKBACK_DB_URL"] = url
    try:
        with streamlit_server() as address, playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
            tab.set_default_timeout(30_000)
            tab.goto(address)
            tab.get_by_role("heading", name="Consultation").wait_for()
            settle(tab)
            yield tab, url
            browser.close()
    finally:
        os.environ["WALKBACK_DB_URL"] = shared


def value_of(tab: Page, label: str) -> str:
    return tab.get_by_role("spinbutton", name=label, exact=True).input_value()


def visit_date(tab: Page, day: date) -> None:
    year = tab.get_by_role("group", name="Visit date").get_by_role("spinbutton").first
    year.click()
    tab.keyboard.type(f"{day:%Y%m%d}")
    tab.keyboard.press("Escape")  # closes the calendar
    tab.get_by_role("heading", name="Consultation", exact=True).click()  # leaving it sends it
    settle(tab)
    shown = tab.get_by_role("group", name="Visit date").inner_text().replace("\n", "")
    assert shown == day.isoformat(), shown


def answer(tab: Page, step: str | None, flare: str) -> None:
    choose(tab, re.compile("^Flare level"), flare)
    for label in ("Walks a week", "Minutes per walk"):  # not walking yet, at the first visit
        if not value_of(tab, label):
            number(tab, label, "0")
    if flare == "Moderate":
        number(tab, "Pain now (0–10)", "6")
        number(tab, "Days since this flare began", "3")
    else:
        number(tab, "Pain now (0–10)", "1")
    for i in range(2):
        tab.get_by_text("Asked: none present").nth(i).click()
        settle(tab)
    if step is not None:
        tab.get_by_text(step, exact=True).click()
        settle(tab)


def download(tab: Page, name: str, target: Path) -> bytes:
    with tab.expect_download() as got:
        tab.get_by_role("button", name=name).click()
    got.value.save_as(target)
    return target.read_bytes()


def test_six_visits_follow_the_plan_and_the_first_handout_prints_again(
    course: tuple[Page, str], tmp_path: Path
) -> None:
    tab, url = course
    expect = playwright_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)

    # Visit 1: the patient is created at the top of the consultation, before anything else.
    label = tab.get_by_role("textbox", name="New patient's label (optional, never a name)")
    label.fill("Course")
    label.press("Enter")
    settle(tab)
    tab.get_by_role("button", name="Create and open").click()
    settle(tab)
    found = re.search(r"patient=(P-\w+)", tab.url)
    assert found is not None
    pid = found.group(1)
    visit_date(tab, DAYS[0])
    tab.get_by_role("textbox", name="Clinician (name or initials)").fill("JS")
    tab.get_by_role("textbox", name="Clinician (name or initials)").press("Tab")
    settle(tab)
    number(tab, "Age (years)", "52")
    number(tab, "Previous episodes", "4")
    answer(tab, *VISITS[0])

    planned: list[tuple[str, str]] = []
    first_print = b""
    for n, day in enumerate(DAYS, start=1):
        if n > 1:
            tab.get_by_role("link", name="Patients", exact=True).first.click()
            tab.get_by_role("button", name="Start this visit's consultation").click()
            expect(tab.get_by_role("heading", name="Consultation", exact=True)).to_be_visible()
            settle(tab)
            visit_date(tab, day)
            with Store.open(url) as record:
                history = [c for c in record.consultations(pid) if c.visit_date < day.isoformat()]
                start = prefill(history, day)
            assert start is not None
            want = start.data["walking"]
            shown = (value_of(tab, "Walks a week"), value_of(tab, "Minutes per walk"))
            if want["walks_per_week"] is None:
                # The plan's week is a range: what was walked is asked, never assumed; the
                # person did the gentle end of it.
                assert shown == ("", "") and start.plan_range is not None, n
                walks, minutes = (
                    re.match(r"\d+", part)[0] for part in start.plan_range.split(" × ")
                )  # type: ignore[index]
                number(tab, "Walks a week", walks)
                number(tab, "Minutes per walk", minutes)
                expect(tab.get_by_text(re.compile(re.escape(start.plan_range)))).to_be_visible()
            else:
                assert shown == (str(want["walks_per_week"]), str(want["minutes_per_walk"])), n
                expect(tab.get_by_text(re.compile("^Planned:")).first).to_be_visible()
            planned.append(shown)
            if n == 6:  # the visit after the flare resumes, and says so
                expect(tab.get_by_label(re.compile("^Returning after a moderate"))).to_be_checked()
            tab.get_by_text("Did the walks planned", exact=True).click()
            settle(tab)
            answer(tab, *VISITS[n - 1])
            if n == 6:
                heading = tab.get_by_role("heading", name="The person")
                heading.evaluate("h => h.scrollIntoView({block: 'start'})")
                tab.wait_for_timeout(300)
                tab.screenshot(path=str(SHOTS / "consultation-review.png"))
        tab.get_by_role("button", name="Get recommendation").click()
        expect(tab.get_by_role("heading", name="Recommendation", exact=True)).to_be_visible()
        settle(tab)
        if n == 2:
            tab.screenshot(path=str(SHOTS / "recommendation-save.png"))
        tab.get_by_role("button", name=f"Save to {pid}'s record").click()
        expect(tab.get_by_text(f"Saved to {pid}'s record.")).to_be_visible()
        settle(tab)
        if n == 1:
            save_clinic_settings(tab, Clinic_name="Harbourside Physio")
            tab.get_by_role("link", name="Handouts", exact=True).first.click()
            tab.get_by_role("heading", name="Handouts", exact=True).wait_for()
            settle(tab)
            first_print = download(tab, "Patient handout (PDF)", tmp_path / "first.pdf")

    with Store.open(url) as record:
        history = record.consultations(pid)
        decisions = [c.decision for c in history]
        resume = history[4].recommendation["resume_dose"]
    assert decisions == DECISIONS
    # After the flare the review starts from the stored resume dose, never from 0 × 0.
    assert planned[-1] == (
        str(resume["walks_per_week"]["min"]),
        str(resume["minutes_per_walk"]["min"]),
    )
    assert [c.visit_date for c in history] == [d.isoformat() for d in DAYS]

    # The first visit, opened from the history, prints the same handout again.
    tab.get_by_role("link", name="Patients", exact=True).first.click()
    expect(tab.get_by_text(re.compile("Next review: "))).to_be_visible()
    settle(tab)
    tab.wait_for_timeout(800)
    tab.screenshot(path=str(SHOTS / "patients-course.png"))
    choose(tab, re.compile("^Open a visit"), re.compile("^Visit 1 · "))
    tab.get_by_role("button", name="Open the visit").click()
    expect(tab.get_by_role("heading", name="Past consultation")).to_be_visible()
    settle(tab)
    tab.screenshot(path=str(SHOTS / "past-consultation.png"))
    again = download(tab, "Patient handout (PDF) — as first printed", tmp_path / "again.pdf")
    assert first_print[:4] == b"%PDF"
    assert again == first_print
