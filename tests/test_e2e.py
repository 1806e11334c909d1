"""End to end in a real browser: Chromium drives `streamlit run app.py` on loopback.

Saves a screenshot of each page in a temporary folder, or in the folder WALKBACK_SHOTS
names: `tools/refresh_screenshots.py` points it at docs/screenshots, so a test run never
changes the tracked files.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from .browser import (
    answer_the_rest,
    app_tab,
    discard_if_asked,
    save_clinic_settings,
    settle,
    streamlit_server,
)
from .stores import decided

SHOTS = Path(os.environ.get("WALKBACK_SHOTS") or tempfile.mkdtemp(prefix="walkback-shots-"))
# Every request the app's pages make in these tests, and the origin they must all go to.
REQUESTS: list[str] = []
ORIGIN: list[str] = []


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    # A record of its own, so the screenshots show only what these tests create.
    folder = tmp_path_factory.mktemp("e2e")
    with app_tab(folder, 1400, 1800, lambda request: REQUESTS.append(request.url)) as (tab, url):
        ORIGIN.append(url)
        yield tab


def test_review_patient_end_to_end(page: Page) -> None:
    """Fill a review consultation, see the recommendation, the plan, and the kept form."""

    tab = page
    expect = playwright_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)

    tab.get_by_role("spinbutton", name="Age (years)", exact=True).fill("52")
    tab.get_by_role("spinbutton", name="Age (years)", exact=True).press("Enter")
    settle(tab)
    tab.get_by_role("spinbutton", name="Previous episodes", exact=True).fill("4")
    tab.get_by_role("spinbutton", name="Previous episodes", exact=True).press("Enter")
    settle(tab)
    tab.get_by_text("Review", exact=True).click()
    settle(tab)
    for label, value in (
        ("Walks a week", "4"),
        ("Minutes per walk", "10"),
        ("Full weeks at this dose", "1"),
    ):
        field = tab.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Enter")
        settle(tab)
    tab.get_by_text("Back pain did not increase").click()
    settle(tab)
    answer_the_rest(tab)
    tab.screenshot(path=str(SHOTS / "consultation.png"))

    tab.get_by_role("button", name="Get recommendation").click()
    expect(
        tab.get_by_role("heading", name="Progress to 5 walks a week, 10 minutes each")
    ).to_be_visible()
    settle(tab)
    expect(tab.get_by_text("What would change this")).to_be_visible()
    tab.screenshot(path=str(SHOTS / "recommendation.png"))

    tab.get_by_role("link", name="Plan", exact=True).first.click()
    expect(tab.get_by_role("heading", name="Plan", exact=True)).to_be_visible()
    chart = tab.locator("[data-testid='stVegaLiteChart'], .vega-embed").first
    expect(chart).to_be_visible()
    expect(tab.get_by_text("is reached in week 5")).to_be_visible()
    settle(tab)
    tab.wait_for_timeout(800)
    tab.screenshot(path=str(SHOTS / "plan.png"))

    tab.get_by_role("link", name="Consultation", exact=True).first.click()
    expect(tab.get_by_role("spinbutton", name="Age (years)", exact=True)).to_have_value("52")
    expect(tab.get_by_role("spinbutton", name="Walks a week", exact=True)).to_have_value("4")
    expect(tab.get_by_text("Back pain did not increase")).to_be_visible()


def test_an_emergency_feature_shows_its_banner_on_tick(page: Page) -> None:
    """Ticking saddle numbness shows the emergency banner with nothing else filled in."""

    tab = page
    expect = playwright_api.expect
    tab.get_by_role("button", name="New patient").click()
    settle(tab)
    expect(tab.get_by_text(re.compile("It holds: age, visit"))).to_be_visible()
    tab.screenshot(path=str(SHOTS / "discard-question.png"))
    discard_if_asked(tab)
    saddle = tab.get_by_text(re.compile("^Numbness or altered feeling in the saddle"))
    saddle.click()
    banner = tab.get_by_text(re.compile(r"^Emergency: possible cauda equina"))
    expect(banner).to_be_visible()
    settle(tab)
    tab.screenshot(path=str(SHOTS / "consultation-emergency.png"))
    saddle.click()
    expect(banner).to_be_hidden()


def test_teaching_and_evidence_pages(page: Page) -> None:
    """The teaching and evidence pages render in the browser (screenshots for the README)."""

    tab = page
    expect = playwright_api.expect
    tab.get_by_role("link", name="Teaching", exact=True).click()
    expect(tab.get_by_role("heading", name="Teaching", exact=True)).to_be_visible()
    settle(tab)
    tab.wait_for_timeout(800)  # the decision order draws late
    tab.screenshot(path=str(SHOTS / "teaching.png"))
    tab.get_by_role("tab", name="A rule's evidence").click()
    settle(tab)
    tab.screenshot(path=str(SHOTS / "teaching-evidence.png"))

    tab.get_by_role("link", name="What-if explorer", exact=True).click()
    expect(tab.get_by_text("Deciding rule:", exact=True)).to_be_visible()
    settle(tab)
    tab.wait_for_timeout(800)
    tab.screenshot(path=str(SHOTS / "explorer.png"))

    tab.get_by_role("link", name="Side by side", exact=True).click()
    expect(tab.get_by_role("heading", name="Rules whose outcome differs")).to_be_visible()
    settle(tab)
    tab.screenshot(path=str(SHOTS / "side-by-side.png"))

    tab.get_by_role("link", name="Evidence", exact=True).click()
    expect(tab.get_by_role("heading", name="The WalkBack trial (Lancet 2024)")).to_be_visible()
    settle(tab)
    tab.wait_for_timeout(800)
    tab.screenshot(path=str(SHOTS / "evidence.png"))


def test_handouts_page_downloads_and_the_html_prints(page: Page, tmp_path: Path) -> None:
    """Load a demo patient, preview the handout, download the PDF, print the web page."""

    tab = page
    expect = playwright_api.expect
    tab.get_by_role("link", name="Teaching", exact=True).click()
    tab.get_by_role("tab", name="Case library").click()
    tab.get_by_role("button", name="Load into the consultation").first.click()
    settle(tab)
    discard_if_asked(tab)
    expect(tab.get_by_role("heading", name="Consultation", exact=True)).to_be_visible()
    settle(tab)
    # The clinic's details are set once, on their own page, and every handout uses them.
    save_clinic_settings(
        tab, Clinic_name="Harbourside Physio", Clinic_phone="02 9555 0123", Emergency_number="000"
    )
    tab.wait_for_timeout(500)
    tab.screenshot(path=str(SHOTS / "clinic-settings.png"))
    tab.get_by_role("link", name="Handouts", exact=True).first.click()
    expect(tab.get_by_role("heading", name="Handouts", exact=True)).to_be_visible()
    settle(tab)
    expect(tab.get_by_text("3 to 4 walks a week").first).to_be_visible()
    tab.wait_for_timeout(800)
    tab.screenshot(path=str(SHOTS / "handouts.png"))

    with tab.expect_download() as pdf_download:
        tab.get_by_role("button", name="Patient handout (PDF)").click()
    pdf = PdfReader(pdf_download.value.path())
    assert 1 <= len(pdf.pages) <= 3
    assert "02 9555 0123" in "".join(p.extract_text() for p in pdf.pages).replace("\u00a0", " ")

    with tab.expect_download() as html_download:
        tab.get_by_role("button", name="Patient handout (web page)").click()
    html = Path(html_download.value.path()).read_text(encoding="utf-8")
    browser = tab.context.browser
    assert browser is not None
    printer = browser.new_page()
    printer.set_content(html)
    expect(printer.get_by_role("heading", name="Your walking plan")).to_be_visible()
    printed = tmp_path / "printed.pdf"
    printer.pdf(path=str(printed), format="A4")
    printer.close()
    text = "".join(p.extract_text() for p in PdfReader(printed).pages)
    assert "3 to 4 walks a week" in text and "Go to hospital now if:" in text
    assert "call 000 for an ambulance" in text.replace("\n", " ")


def test_a_bookmarked_page_on_a_fresh_server_gets_the_whole_app(page: Page) -> None:
    """Opening /plan first, before anyone loaded the entrypoint, still runs app.py."""

    browser = page.context.browser
    assert browser is not None
    expect = playwright_api.expect
    with streamlit_server() as url:
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(f"{url}/plan")
        expect(tab.get_by_text("No consultation yet.")).to_be_visible(timeout=30_000)
        expect(tab.get_by_text("WalkBack CDS", exact=True)).to_be_visible()
        expect(tab.get_by_role("link", name="Handouts", exact=True)).to_be_visible()
        tab.close()


def test_patient_record_in_the_browser(page: Page) -> None:
    """Create a patient, save a consultation, and see it on their history (screenshot)."""

    tab = page
    expect = playwright_api.expect
    tab.get_by_role("link", name="Patients", exact=True).click()
    expect(tab.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    tab.get_by_label("Label (optional, not identifying)").fill("Tuesday runner")
    tab.get_by_label("Label (optional, not identifying)").press("Enter")
    settle(tab)
    tab.get_by_role("button", name="Create and open").click()
    settle(tab)
    expect(tab).to_have_url(re.compile(r"patient=P-"))

    tab.get_by_role("link", name="Consultation", exact=True).first.click()
    expect(tab.get_by_text("no consultation yet")).to_be_visible()
    tab.get_by_role("spinbutton", name="Age (years)", exact=True).fill("61")
    tab.get_by_role("spinbutton", name="Age (years)", exact=True).press("Enter")
    settle(tab)
    field = tab.get_by_role("spinbutton", name="Previous episodes", exact=True)
    field.fill("3")
    field.press("Enter")
    settle(tab)
    answer_the_rest(tab)
    tab.get_by_role("button", name="Get recommendation").click()
    save = tab.get_by_role("button", name=re.compile(r"Save to P-\w+'s record"))
    save.click()
    expect(tab.get_by_text(re.compile(r"Saved to P-\w+'s record"))).to_be_visible()

    tab.get_by_role("link", name="Patients", exact=True).click()
    expect(tab.get_by_text("1 consultation", exact=False).first).to_be_visible()
    settle(tab)  # the history chart draws after the page's text
    chart = tab.locator("[data-testid='stVegaLiteChart'], .vega-embed").first
    expect(chart).to_be_visible(timeout=20_000)

    # Give the screenshot a course to show: earlier visits and diary weeks, as if recorded.
    pid = re.search(r"patient=(P-\w+)", tab.url)
    assert pid is not None
    _earlier_course(pid.group(1))
    tab.reload()
    expect(tab.get_by_text("6 consultations", exact=False).first).to_be_visible()
    settle(tab)
    tab.wait_for_timeout(800)
    tab.screenshot(path=str(SHOTS / "patients.png"))

    tab.reload()  # the open patient survives a refresh
    expect(tab.get_by_text("Open record:")).to_be_visible()


def _earlier_course(pid: str) -> None:
    """Five earlier consultations and twenty diary weeks for `pid`, in the test's record."""
    from datetime import date, timedelta

    from walkback_rules import validate_assessment
    from walkback_rules.store import DiaryWeek, Store
    from walkback_rules.teaching.cases import CASES_BY_ID

    visits = [("demo-01", 0), ("demo-02", 4), ("demo-08", 8), ("demo-05", 12), ("demo-03", 16)]
    start = date.today() - timedelta(weeks=20, days=date.today().weekday())
    with Store.open() as store:
        for case_id, week in visits:
            day = start + timedelta(weeks=week)
            store.record(
                pid,
                *decided(validate_assessment(CASES_BY_ID[case_id].data)),
                at=f"{day.isoformat()}T09:00:00+00:00",
            )
        for week in range(20):
            store.set_diary(
                pid,
                DiaryWeek(
                    (start + timedelta(weeks=week)).isoformat(),
                    min(5, 3 + week // 4),
                    15 + 7 * week,
                    max(1, 6 - week // 3) if week not in (8, 9) else 7,
                ),
            )


def test_every_request_stays_on_the_apps_own_origin(page: Page) -> None:
    """Across every page above, nothing was fetched from outside the machine (run last)."""

    foreign = [u for u in REQUESTS if not u.startswith((ORIGIN[0], "data:", "blob:", "about:"))]

    assert len(REQUESTS) > 20
    assert foreign == []


def test_a_url_typed_in_a_label_stays_plain_text(page: Page) -> None:
    """Typed text is never a link: a label holding addresses shows them as text only."""

    tab = page
    expect = playwright_api.expect
    label = "see https://attacker.example/x or www.attacker.example"
    tab.get_by_role("link", name="Patients", exact=True).click()
    field = tab.get_by_label("Label (optional, not identifying)")
    field.fill(label)
    field.press("Enter")
    settle(tab)
    tab.get_by_role("button", name="Create and open").click()
    settle(tab)
    expect(tab.get_by_text(label).first).to_be_visible()

    assert tab.locator("a[href*='attacker.example']").count() == 0
    assert tab.get_by_role("link", name=re.compile("attacker")).count() == 0
