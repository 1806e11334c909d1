"""The teaching pages in a real browser: presenter mode on a projector (1280 × 720 at 150 %
zoom, so 853 × 480 CSS pixels), with the decision in view and no text cut off, and axe-core
on every new page in its main states.

Screenshots go to the same folder as the end-to-end tests' (WALKBACK_SHOTS or a temporary
folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from .browser import CHROMIUM_ARGS, app_tab, choose, chromium_path, settle, streamlit_server
from .test_accessibility import axe_script, violations
from .test_e2e import SHOTS

# A projector: 1280 × 720 device pixels at 150 % zoom.
ZOOM = 1.5
WIDTH, HEIGHT = round(1280 / ZOOM), round(720 / ZOOM)

# Text that is cut off: an element whose text overflows a box that hides the overflow
# (Streamlit's buttons and metrics end in an ellipsis), or the page scrolling sideways.
CUT_OFF = """() => {
  const cut = [];
  for (const e of document.querySelectorAll('[data-testid="stMain"] *')) {
    const text = e.tagName === 'INPUT' ? e.value : e.textContent;  // a chosen option is a value
    if (!text.trim() || e.children.length > 0 && !e.matches('p, button, label')) continue;
    const s = getComputedStyle(e);
    const hides = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    if (hides && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) {
      cut.push(text.trim().slice(0, 60));
    }
  }
  const wide = document.documentElement.scrollWidth > window.innerWidth + 1;
  if (wide) cut.push('page scrolls sideways');
  return cut;
}"""


@pytest.fixture
def projector(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """A tab the size of a 1280 × 720 projector at 150 % zoom (device scale 1.5)."""
    import playwright.sync_api as playwright_api

    executable = chromium_path()
    shared = os.environ["WALKBACK_DB_URL"]
    record = tmp_path_factory.mktemp("present")
    os.environ["WALKBACK_DB_URL"] = f"sqlite:///{record / 'record.db'}"
    try:
        with streamlit_server() as url, playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=ZOOM
            )
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            # At this width the sidebar starts folded away: the teacher opens the page directly.
            tab.goto(f"{url}/explorer")
            tab.get_by_role("heading", name="What-if explorer").wait_for()
            yield tab
            browser.close()
    finally:
        os.environ["WALKBACK_DB_URL"] = shared


def _open(tab: Page, link: str) -> None:
    tab.get_by_role("link", name=link, exact=True).first.click()
    settle(tab)
    tab.get_by_role("heading", level=1).first.wait_for()
    tab.wait_for_timeout(800)  # the reasoning picture draws late


def _present(tab: Page, on: bool) -> None:
    switch = tab.get_by_role("switch", name="Presenter mode")
    if switch.is_checked() != on:
        switch.click(force=True)
        settle(tab)
        tab.wait_for_timeout(500)


def _in_view(tab: Page, locator: Any) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


def _back_to_top(tab: Page) -> None:
    """Scroll up as a teacher would, with nothing focused: Chromium turns a wheel over a
    focused number box into a new value, and the last click may have left one focused
    under the pointer (a What-if explorer that drifted six answers from its case)."""
    tab.evaluate("document.activeElement && document.activeElement.blur()")
    tab.mouse.wheel(0, -2000)


def _projector_shot(tab: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / name))


def test_presenter_mode_keeps_the_decision_in_view_on_a_projector(projector: Page) -> None:
    """At 1280 × 720 and 150 %: the sidebar is gone, the menu is along the top, the decision
    is on screen on the explorer, the quiz's reveal and side by side, and no text is cut."""

    tab = projector
    settle(tab)
    _present(tab, True)

    # The menu moves to the top on the rerun the switch starts; a slow machine takes longer.
    tab.locator('[data-testid="stSidebar"]').wait_for(state="hidden")
    # The top menu is drawn in the same rerun, a moment later on a slow machine.
    tab.get_by_role("link", name="Quiz", exact=True).first.wait_for(state="visible")
    decision = tab.get_by_role("heading", name="Step up", exact=True)
    assert _in_view(tab, decision)
    assert tab.evaluate(CUT_OFF) == []
    _projector_shot(tab, "presenter-explorer.png")

    # A red flag wins, and the decision stays where it was.
    tab.get_by_role("tab", name="Screens").click()
    settle(tab)
    choose(tab, re.compile("Red-flag features"), re.compile("saddle", re.IGNORECASE))
    tab.keyboard.press("Escape")
    settle(tab)
    _back_to_top(tab)
    tab.wait_for_timeout(500)
    assert _in_view(tab, tab.get_by_role("heading", name="Emergency referral", exact=True))
    assert tab.evaluate(CUT_OFF) == []

    _open(tab, "Quiz")
    tab.get_by_role("button", name="Start the run").click()
    settle(tab)
    tab.get_by_text("Start walking", exact=True).click()
    tab.get_by_text("A weekly dose", exact=True).click()
    tab.get_by_role("spinbutton", name="Walks a week").fill("3")
    tab.get_by_role("spinbutton", name="Minutes per walk").fill("10")
    tab.get_by_role("button", name="Commit the answer").click()
    settle(tab)
    tab.get_by_role("button", name="Reveal").click()
    settle(tab)
    _back_to_top(tab)
    tab.wait_for_timeout(800)
    assert _in_view(tab, tab.get_by_role("heading", name="The rules: Start walking"))
    assert tab.evaluate(CUT_OFF) == []
    _projector_shot(tab, "presenter-quiz.png")

    _open(tab, "Side by side")
    assert _in_view(tab, tab.get_by_role("heading", name="Step up", exact=True))
    assert tab.evaluate(CUT_OFF) == []
    _projector_shot(tab, "presenter-compare.png")

    _open(tab, "Teaching")
    assert tab.evaluate(CUT_OFF) == []
    _projector_shot(tab, "presenter-teaching.png")

    # A reload in front of the class keeps presenter mode (it is in the address).
    tab.reload()
    tab.get_by_role("heading", name="Teaching", exact=True).wait_for()
    settle(tab)
    assert tab.get_by_role("switch", name="Presenter mode").is_checked()
    assert tab.locator('[data-testid="stSidebar"]').is_hidden()
    _present(tab, False)


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    axe_script()
    with app_tab(tmp_path_factory.mktemp("a11y-teach"), 1280, 800) as (page, _url):
        yield page


@pytest.mark.parametrize("link", ["Quiz", "What-if explorer", "Side by side", "Teaching"])
@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presenter"])
def test_the_teaching_pages_have_no_serious_violation(
    tab: Page, link: str, presenting: bool
) -> None:
    """Each new page, in normal and presenter mode: 0 critical, 0 serious."""

    _open(tab, link)
    _present(tab, presenting)

    assert violations(tab) == []


def test_the_quiz_reveal_and_worksheets_have_no_serious_violation(tab: Page) -> None:
    """A revealed answer with its picture, and the worksheet tab with its downloads."""

    _open(tab, "Quiz")
    _present(tab, False)
    tab.get_by_role("button", name="Start the run").click()
    settle(tab)
    tab.get_by_text("Step up", exact=True).first.click()
    tab.get_by_text("No walking dose", exact=True).click()
    tab.get_by_role("button", name="Commit the answer").click()
    settle(tab)
    tab.get_by_role("button", name="Reveal").click()
    settle(tab)
    tab.wait_for_timeout(800)
    assert violations(tab) == []

    _open(tab, "Teaching")
    tab.get_by_role("tab", name="Worksheets").click()
    tab.get_by_role("button", name="Make the worksheets").click()
    settle(tab)
    tab.get_by_role("button", name="Answer key (PDF)").wait_for()
    assert violations(tab) == []
