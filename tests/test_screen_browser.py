"""The consultation screen in a real browser, as a clinician meets it: the decision in view on
arrival at 1280 × 720, an emergency's banner in view with focus kept on the tick, a whole
first consultation by keyboard alone (the key presses counted and printed), no sideways
scrolling at 820 and 320 px, and the What-if explorer started from demo cases with no
phantom change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from walkback_rules.core.screens import EXERCISE_FEATURES, RED_FLAG_FEATURES, screen

from .browser import app_tab, settle
from .test_accessibility import _load

EMERGENCY_FEATURES = [
    f
    for f in (*RED_FLAG_FEATURES, *EXERCISE_FEATURES)
    if screen([f.code], [f.code]).highest == "emergency"
]

# The accessible name of the focused control: its label, or its own name.
FOCUSED = """() => { const e = document.activeElement; if (!e) return '';
  const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';
  return (label || e.getAttribute('aria-label') || e.innerText || '').trim(); }"""

SIDEWAYS = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return Math.max(document.documentElement.scrollWidth, m ? m.scrollWidth : 0)
         - window.innerWidth; }"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, str]]:
    with app_tab(tmp_path_factory.mktemp("screen"), 1280, 720) as (page, url):
        yield page, url


@pytest.fixture
def tab(app: tuple[Page, str]) -> Page:
    """The app's tab at 1280 × 720, in a new session with nothing typed (no browser token
    in the address, so no draft comes back)."""
    page, url = app
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(url)
    page.get_by_role("heading", name="Consultation", exact=True).wait_for()
    settle(page)
    return page


def _go(tab: Page, link: str) -> None:
    """Open a page from the menu. On a phone the menu is folded away and slides in: the
    link is followed as a tap on it would be, without waiting for the slide."""
    tab.get_by_role("link", name=link, exact=True).first.evaluate("a => a.click()")
    settle(tab)
    tab.get_by_role("heading", name=link, exact=True).first.wait_for()
    tab.wait_for_timeout(600)


def _in_view(tab: Page, selector: str) -> bool:
    box = tab.locator(selector).first.bounding_box()
    size = tab.viewport_size
    assert size is not None
    return box is not None and box["y"] >= 0 and box["y"] + 40 <= size["height"]


@pytest.mark.parametrize("case_id", ["demo-02", "demo-19", "demo-24"])  # programme, same day,
def test_the_decision_is_in_view_on_arrival(tab: Page, case_id: str) -> None:  # emergency
    """From the bottom of the form, "Get recommendation" opens the Recommendation page at
    its top with the decision card in view; for a referral its first line is where and when."""
    _load(tab, case_id)
    button = tab.get_by_role("button", name="Get recommendation", exact=True)
    button.scroll_into_view_if_needed()
    button.click()
    tab.get_by_role("heading", name="Recommendation", exact=True).wait_for()
    settle(tab)
    tab.wait_for_timeout(600)

    assert _in_view(tab, "[data-testid='stAlert']")
    card = tab.locator("[data-testid='stAlert']").first.inner_text()
    if case_id != "demo-02":
        lines = [line for line in card.splitlines() if line.strip()]
        headline = next(i for i, line in enumerate(lines) if re.search("referral:", line))
        first = lines[headline + 1]  # the line under the headline: where the person goes
        assert re.search(r"oncology|ambulance|emergency department|doctor", first, re.I)


@pytest.mark.parametrize("feature", EMERGENCY_FEATURES, ids=lambda f: f.code)
def test_an_emergency_tick_shows_its_banner_and_keeps_focus(tab: Page, feature: Any) -> None:
    box = tab.get_by_role("checkbox", name=feature.wording, exact=True)
    box.scroll_into_view_if_needed()
    box.focus()
    tab.keyboard.press("Space")
    settle(tab)
    tab.wait_for_timeout(400)
    banner = ".st-key-wb_emergency [role='alert']"

    assert box.is_checked()
    assert _in_view(tab, banner)
    assert tab.evaluate(FOCUSED) == feature.wording

    tab.keyboard.press("Space")  # and unticked: the banner goes, focus stays
    settle(tab)
    tab.wait_for_timeout(400)

    assert not box.is_checked()
    assert tab.locator(banner).count() == 0
    assert tab.evaluate(FOCUSED) == feature.wording


class Keys:
    """The keyboard alone, every press counted."""

    def __init__(self, tab: Page) -> None:
        self.tab, self.count = tab, 0

    def press(self, key: str) -> None:
        self.count += 1
        self.tab.keyboard.press(key)

    def type(self, text: str) -> None:
        self.count += len(text)
        self.tab.keyboard.type(text)

    def tab_to(self, name: str | re.Pattern[str], limit: int = 60) -> None:
        """Tab forward until the control named `name` has focus."""
        for _ in range(limit):
            self.press("Tab")
            # A button's text starts with its icon's name on a line of its own.
            now = self.tab.evaluate(FOCUSED).splitlines()[-1:] or [""]
            if name.search(now[0]) if isinstance(name, re.Pattern) else now[0] == name:
                return
        raise AssertionError(f"{name!r} not reached in {limit} Tab presses")

    def commit(self) -> None:
        settle(self.tab)


def test_a_first_consultation_by_keyboard_alone(tab: Page) -> None:
    """A new patient, a first consultation with nothing found and no flare, the
    recommendation and the save, with no mouse: about 120 key presses or fewer."""
    keys = Keys(tab)
    tab.wait_for_timeout(1000)  # the page aid has settled the page
    tab.locator("body").focus()
    keys.tab_to("Create and open")
    keys.press("Enter")
    keys.commit()
    keys.tab_to("Clinician (name or initials)")
    keys.type("AC")
    keys.tab_to("Skip the checklist")
    keys.press("Enter")
    keys.press("Space")  # "Asked: none present"
    keys.commit()
    keys.tab_to(re.compile("^Asked: none present"))  # the exercise-safety screen
    keys.press("Space")
    keys.commit()
    for label, value in (("Age (years)", "45"), ("Previous episodes", "1")):
        keys.tab_to(label)
        keys.type(value)
    keys.tab_to(re.compile("^Flare level"))
    keys.press("ArrowDown")
    keys.press("Enter")
    keys.commit()
    for label, value in (("Pain now (0–10)", "2"), ("Walks a week", "0"),
                         ("Minutes per walk", "0")):  # fmt: skip
        keys.tab_to(label)
        keys.type(value)
    keys.tab_to("Get recommendation")
    keys.press("Enter")
    tab.get_by_role("heading", name="Recommendation", exact=True).wait_for()
    keys.commit()
    keys.tab_to(re.compile("^Save to P-"), limit=80)
    keys.press("Enter")
    keys.commit()
    tab.get_by_text(re.compile("Saved to P-")).first.wait_for()

    print(f"\nA keyboard-only first consultation: {keys.count} key presses")
    assert keys.count <= 120


@pytest.mark.parametrize("width", [820, 320])
@pytest.mark.parametrize("link", ["Consultation", "Recommendation", "Plan", "Handouts",
                                  "Evidence", "Teaching"])  # fmt: skip
def test_no_page_scrolls_sideways_on_a_small_screen(tab: Page, width: int, link: str) -> None:
    _load(tab, "demo-02")
    tab.set_viewport_size({"width": width, "height": 1180 if width == 820 else 640})
    _go(tab, link)

    assert tab.evaluate(SIDEWAYS) <= 1


@pytest.mark.parametrize("case_id", ["demo-05", "demo-20", "demo-28"])
def test_the_explorer_takes_a_demo_case_whole(tab: Page, case_id: str) -> None:
    """ "Start again from" a demo case, then one change: one entry in the trail, and a
    decision (the old case's values once came back as six phantom changes)."""
    _go(tab, "What-if explorer")
    box = tab.get_by_role("combobox", name="Start again from")
    box.click()
    tab.keyboard.type(f"Demo {case_id[-2:]}")  # the list draws only what is in view
    tab.get_by_role("option", name=re.compile(f"^Demo {case_id[-2:]}")).click()
    settle(tab)
    from walkback_rules.teaching.cases import CASES_BY_ID

    # The explorer holds the case once its age shows (a slow rerun may still be drawing).
    before = int(CASES_BY_ID[case_id].data["age"])
    age = tab.get_by_role("spinbutton", name="Age", exact=True)
    expect(age).to_have_value(str(before))
    age.fill(str(before + 1))
    age.press("Enter")
    settle(tab)

    expect(tab.get_by_text(re.compile(r"^Changes made \(\d+\)"))).to_have_text("Changes made (1)")
    assert tab.get_by_role("heading", name=re.compile("^No decision")).count() == 0


def test_the_html_handout_reflows_at_320_px(tab: Page) -> None:
    """Every demo case's web-page handout, in English and in Spanish (longer words), on a
    320 px phone: nothing scrolls sideways, the walking log included (it scrolled in 18 of
    33 handouts)."""
    from walkback_rules import recommend, validate_assessment
    from walkback_rules.handouts import HandoutOptions, handout_file
    from walkback_rules.teaching.cases import CASES

    browser = tab.context.browser
    assert browser is not None
    context = browser.new_context(viewport={"width": 320, "height": 640})
    phone = context.new_page()
    try:
        wide = []
        for case in CASES:
            a = validate_assessment(case.data)
            for language in ("en", "es"):
                options = HandoutOptions(
                    clinic="Harbourside Physio", emergency="000", language=language
                )
                phone.set_content(handout_file(a, options, "html", recommend(a)).decode())
                if phone.evaluate("() => document.documentElement.scrollWidth") > 320:
                    wide.append((case.id, language))

        assert wide == []
    finally:
        context.close()
