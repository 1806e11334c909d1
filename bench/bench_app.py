"""Benchmark the app in headless Chromium, side by side with a bare one-form Streamlit app.

Prints, each as a median over several runs:
  - time from `streamlit run` to the first page's first render in the browser, for the
    WalkBack app and for a bare one-form app started the same way, and their ratio
    (target: at most 1.3x the bare app's);
  - time from pressing "Get recommendation" to the recommendation being visible
    (target: median at most 300 ms), and the same for the bare app's submit. This is timed
    inside the page, from the button's pointerdown to the heading drawn;
  - time from ticking an emergency feature (saddle numbness) to the emergency banner being
    visible, with nothing else filled in (target: median at most 300 ms), timed the same
    way from the tick's pointerdown.

Run: uv run python bench/bench_app.py [--starts 5] [--submits 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Locator, Page, sync_playwright

from tests.browser import (
    CHROMIUM_ARGS,
    ROOT,
    answer_the_rest,
    chromium_path,
    number,
    settle,
    streamlit_server,
)

BARE_APP = """
import streamlit as st

st.title("Bare form")
with st.form("form"):
    st.number_input("Age (years)", min_value=0, max_value=120, value=None)
    submitted = st.form_submit_button("Submit")
if submitted:
    st.header("Submitted")
"""


def first_render(page: Page, script: str, cwd: Path, heading: str) -> float:
    """Seconds from starting `streamlit run` to `heading` visible in the browser."""
    start = time.perf_counter()
    with streamlit_server(script, cwd) as url:
        page.goto(url)
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        return time.perf_counter() - start


# In the page: note the moment the button is pressed, then time until the heading is drawn.
ARM = """() => {
  window.__pressed = null;
  document.addEventListener("pointerdown", () => { window.__pressed = performance.now(); },
                            {capture: true, once: true});
}"""
SEEN = """([text, selector]) => {
  if (window.__pressed === null) return null;
  const shown = [...document.querySelectorAll(selector)].some(
    (h) => h.textContent.includes(text) && h.offsetParent !== null);
  return shown ? performance.now() - window.__pressed : null;
}"""


def press_to_visible(
    page: Page, button: Locator, heading: str, selector: str = "h1, h2, h3"
) -> float:
    """Seconds from the press of `button` to `heading` drawn, timed inside the page.

    The clock starts at the browser's own pointerdown event, so the automation's waiting
    and scrolling before the click are not counted, only what the user would wait for.
    """
    button.scroll_into_view_if_needed()
    page.evaluate(ARM)
    button.click()
    elapsed = page.wait_for_function(SEEN, arg=[heading, selector], polling="raf").json_value()
    return float(elapsed) / 1000


def submit_times(page: Page, runs: int) -> list[float]:
    """Seconds from pressing submit to the recommendation heading, over `runs` presses."""
    times = []
    with streamlit_server() as url:
        page.goto(url)
        page.get_by_role("heading", name="Consultation", exact=True).wait_for()
        number(page, "Age (years)", "52")
        number(page, "Previous episodes", "4")
        answer_the_rest(page)
        for _ in range(runs):
            button = page.get_by_role("button", name="Get recommendation")
            button.wait_for()
            settle(page)
            times.append(
                press_to_visible(page, button, "Start walking: 3–4 walks a week, 5–10 minutes each")
            )
            settle(page)
            page.get_by_role("link", name="Consultation", exact=True).first.click()
            page.get_by_role("heading", name="Consultation", exact=True).wait_for()
    return times


def banner_times(page: Page, runs: int) -> list[float]:
    """Seconds from ticking saddle numbness to the emergency banner drawn, over `runs`."""
    import re

    times = []
    with streamlit_server() as url:
        page.goto(url)
        page.get_by_role("heading", name="Consultation", exact=True).wait_for()
        saddle = page.get_by_text(re.compile("^Numbness or altered feeling in the saddle"))
        for _ in range(runs):
            settle(page)
            times.append(press_to_visible(page, saddle, BANNER, "[data-testid='stAlert']"))
            settle(page)
            saddle.click()  # untick, ready for the next
            page.get_by_text(BANNER).first.wait_for(state="hidden")
    return times


BANNER = "Emergency: possible cauda equina syndrome"


def bare_submit_times(page: Page, cwd: Path, runs: int) -> list[float]:
    times = []
    with streamlit_server("bare_app.py", cwd) as url:
        page.goto(url)
        page.get_by_role("heading", name="Bare form", exact=True).wait_for()
        for _ in range(runs):
            settle(page)
            times.append(
                press_to_visible(page, page.get_by_role("button", name="Submit"), "Submitted")
            )
            page.reload()
            page.get_by_role("heading", name="Bare form", exact=True).wait_for()
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--submits", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        bare_dir = Path(tmp)
        (bare_dir / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        app_starts, bare_starts = [], []
        for _ in range(args.starts):  # alternate, so both see the same machine state
            app_starts.append(first_render(page, "app.py", ROOT, "Consultation"))
            bare_starts.append(first_render(page, "bare_app.py", bare_dir, "Bare form"))
        app_submit = submit_times(page, args.submits)
        banner = banner_times(page, args.submits)
        bare_submit = bare_submit_times(page, bare_dir, args.submits)
        browser.close()

    a, b = statistics.median(app_starts), statistics.median(bare_starts)
    print(f"first render after `streamlit run` (median of {args.starts}):")
    print(f"  WalkBack consultation {ms(a)}")
    print(f"  bare one-form app     {ms(b)}")
    print(f"  ratio                 {a / b:7.2f}x   (target <= 1.3x)")
    s, t = statistics.median(app_submit), statistics.median(bare_submit)
    print(f"submit to visible (median of {args.submits}):")
    print(f"  WalkBack recommendation {ms(s)}   (target <= 300 ms)")
    print(f"  bare app's submit       {ms(t)}")
    print(f"  ratio                   {s / t:7.2f}x")
    e = statistics.median(banner)
    print(f"emergency feature ticked to banner visible (median of {args.submits}):")
    print(f"  WalkBack consultation   {ms(e)}   (target <= 300 ms)")


if __name__ == "__main__":
    main()
