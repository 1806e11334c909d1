"""Benchmark the app in headless Chromium, each figure beside a bare Streamlit app's doing the
same in the same run (the machine is noisy: both see the same state, alternately).

Prints the median and the range of each, over several runs:
  - `streamlit run` to the first page drawn: the WalkBack consultation against a bare
    one-form app (target: at most 1.3x);
  - pressing "Get recommendation" to the decision visible, against a bare form's submit to
    its result (target: at most 1.5x), timed inside the page from the press;
  - ticking an emergency feature (saddle numbness) to its banner visible, against a bare
    checkbox that shows an error box (target: at most 1.5x);
  - the Patients page with 50 saved visits, from the menu link to the history chart drawn,
    against a bare app's button that draws a 50-point Vega-Lite chart (target: at most 2x);
  - the first handout PDF after a server start, from the press to the file, against the
    next one (target: at most 1 s).

Run: uv run python bench/bench_app.py [--starts 9] [--runs 9]
"""

from __future__ import annotations

import argparse
import os
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
if st.checkbox("Emergency feature"):
    st.error("Emergency: bare banner")
if st.button("Show chart"):
    rows = [{"x": i, "y": (i * 7) % 11} for i in range(50)]
    st.vega_lite_chart({"data": {"values": rows}, "mark": {"type": "line", "point": True},
                        "encoding": {"x": {"field": "x", "type": "quantitative"},
                                     "y": {"field": "y", "type": "quantitative"}},
                        "width": 760, "height": 220})
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


def bare_banner_times(page: Page, cwd: Path, runs: int) -> list[float]:
    """Seconds from ticking the bare app's checkbox to its error box drawn, over `runs`."""
    times = []
    with streamlit_server("bare_app.py", cwd) as url:
        page.goto(url)
        page.get_by_role("heading", name="Bare form", exact=True).wait_for()
        box = page.get_by_text("Emergency feature", exact=True)
        for _ in range(runs):
            settle(page)
            times.append(press_to_visible(page, box, "bare banner", "[data-testid='stAlert']"))
            settle(page)
            box.click()
            page.get_by_text("Emergency: bare banner").wait_for(state="hidden")
    return times


CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"


def bare_chart_times(page: Page, cwd: Path, runs: int) -> list[float]:
    """Seconds from pressing the bare app's button to its 50-point chart drawn."""
    times = []
    with streamlit_server("bare_app.py", cwd) as url:
        for _ in range(runs):
            page.goto(url)
            page.get_by_role("heading", name="Bare form", exact=True).wait_for()
            settle(page)
            button = page.get_by_role("button", name="Show chart")
            times.append(press_to_visible(page, button, "", CHART))
    return times


def patients_times(page: Page, folder: Path, runs: int) -> list[float]:
    """Seconds from the Patients link to a 50-visit patient's history chart drawn."""
    from tests.conftest import first_visit
    from tests.stores import decided
    from walkback_rules.store import Store

    url_db = f"sqlite:///{folder / 'fifty.db'}"
    with Store.open(url_db) as record:
        pid = record.new_patient("Fifty visits").id
        for n in range(50):
            walking = {"walks_per_week": 3 + n % 3, "minutes_per_walk": 10 + n % 4 * 5,
                       "weeks_at_current_dose": 1}  # fmt: skip
            at = f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}T09:00:00.000000+00:00"
            record.record(pid, *decided(first_visit(walking=walking)), at=at)
    times = []
    with streamlit_server(env={"WALKBACK_DB_URL": url_db}) as url:
        for _ in range(runs):
            page.goto(f"{url}/?patient={pid}")
            page.get_by_role("heading", name="Consultation", exact=True).wait_for()
            settle(page)
            link = page.get_by_role("link", name="Patients", exact=True).first
            times.append(press_to_visible(page, link, "", CHART))
    return times


def pdf_times(page: Page, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from pressing "Patient handout (PDF)" to the file, the first after a server
    start and the next, over `runs` server starts."""
    first, next_ = [], []
    for _ in range(runs):
        with streamlit_server() as url:
            page.goto(f"{url}/teaching")
            page.get_by_role("heading", name="Teaching", exact=True).wait_for()
            page.get_by_role("tab", name="Case library").click()
            page.locator(".st-key-t_load_demo-02 button").click()
            settle(page)
            discard = page.get_by_role("button", name="Discard it")
            if discard.count():
                discard.click()
                settle(page)
            page.get_by_role("link", name="Handouts", exact=True).first.click()
            button = page.get_by_role("button", name="Patient handout (PDF)")
            button.wait_for()
            settle(page)
            for into in (first, next_):
                start = time.perf_counter()
                with page.expect_download() as download:
                    button.click()
                download.value.path()
                into.append(time.perf_counter() - start)
                settle(page)
    return first, next_


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def spread(times: list[float]) -> str:
    """The median and the range of some timings, in milliseconds."""
    return (
        f"{ms(statistics.median(times))}  (range {min(times) * 1000:.0f}–"
        f"{max(times) * 1000:.0f} ms, n={len(times)})"
    )


def compare(title: str, ours: list[float], bare: list[float], name: str, target: float) -> None:
    ratio = statistics.median(ours) / statistics.median(bare)
    print(title)
    print(f"  WalkBack   {spread(ours)}")
    print(f"  {name:<10} {spread(bare)}")
    print(f"  ratio      {ratio:7.2f}x   (target <= {target}x)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--starts", type=int, default=9)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--only", choices=("all", "pdf"), default="all", help="pdf: the handout PDF alone"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        bare_dir = Path(tmp)
        # A throwaway record: the benchmark never writes into a clinic's own.
        os.environ["WALKBACK_DB_URL"] = f"sqlite:///{bare_dir / 'record.db'}"
        (bare_dir / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        if args.only == "pdf":
            first_pdf, next_pdf = pdf_times(page, args.runs)
            browser.close()
            _pdf_lines(first_pdf, next_pdf)
            return
        app_starts, bare_starts = [], []
        for _ in range(args.starts):  # alternate, so both see the same machine state
            app_starts.append(first_render(page, "app.py", ROOT, "Consultation"))
            bare_starts.append(first_render(page, "bare_app.py", bare_dir, "Bare form"))
        app_submit = submit_times(page, args.runs)
        bare_submit = bare_submit_times(page, bare_dir, args.runs)
        banner = banner_times(page, args.runs)
        bare_banner = bare_banner_times(page, bare_dir, args.runs)
        patients = patients_times(page, bare_dir, args.runs)
        bare_chart = bare_chart_times(page, bare_dir, args.runs)
        first_pdf, next_pdf = pdf_times(page, args.runs)
        browser.close()

    compare("`streamlit run` to the first page drawn:", app_starts, bare_starts, "bare app", 1.3)
    compare("submit to the decision visible:", app_submit, bare_submit, "bare form", 1.5)
    compare("emergency tick to its banner visible:", banner, bare_banner, "bare box", 1.5)
    compare("Patients page, 50 visits, to the chart drawn:", patients, bare_chart,
            "bare chart", 2.0)  # fmt: skip
    _pdf_lines(first_pdf, next_pdf)


def _pdf_lines(first_pdf: list[float], next_pdf: list[float]) -> None:
    print("handout PDF, press to file:")
    print(f"  first after a server start {spread(first_pdf)}   (target: no slower than the next)")
    print(f"  the next                   {spread(next_pdf)}")


if __name__ == "__main__":
    main()
