"""Benchmark the teaching pages' work: what a class waits for between a click and the answer.

Prints medians over the 33 demo cases:
  - the quiz's reveal (the recommendation, the nearest changes with findings, the evidence);
  - the reasoning path and its DOT picture;
  - side by side of two cases (both paths, every rule's outcome, the inputs that differ);
  - one explorer change (the change in words and the rules run again);
  - the worksheet and its answer key for all 33 cases, as PDFs;
  - the What-if explorer's and the Quiz's whole page runs in Streamlit's test harness.

Run: uv run python bench/bench_teaching.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules import validate_assessment  # noqa: E402
from walkback_rules.teaching.cases import CASES  # noqa: E402
from walkback_rules.teaching.explorer import CONTROLS_BY_KEY, changes, explore  # noqa: E402
from walkback_rules.teaching.lessons import reveal  # noqa: E402
from walkback_rules.teaching.reasoning import compare, diagram, path_of  # noqa: E402

ASSESSMENTS = [validate_assessment(c.data) for c in CASES]


def per_call(work: Callable[[int], object], n: int, rounds: int) -> float:
    """Median milliseconds per call of work(i) for i in range(n), over `rounds` rounds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(n):
            work(i)
        times.append((time.perf_counter() - start) / n * 1000)
    return statistics.median(times)


def once(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def explorer_change(i: int) -> None:
    data = copy.deepcopy(CASES[i].data)
    after = copy.deepcopy(data)
    CONTROLS_BY_KEY["pain_now"].put(after, (data["flare"]["pain_now"] + 3) % 11)
    changes(data, after)
    explore(after)


def page_run(name: str, rounds: int) -> float:
    from streamlit.testing.v1 import AppTest

    import ui

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(ui.PAGES[name]).run()
    if name == "quiz":
        at.session_state["quiz_run"] = ["demo-20"]
        at.session_state["quiz_at"] = 0
        from walkback_rules import Decision
        from walkback_rules.teaching.lessons import Answer, Score

        at.session_state["quiz_answer"] = Answer(Decision.EMERGENCY_REFERRAL, "none")
        at.session_state["quiz_revealed"] = True
        at.session_state["quiz_score"] = Score()
    at.run()
    assert not at.exception, at.exception
    return once(at.run, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    n = len(ASSESSMENTS)
    from walkback_rules.handouts.worksheet import worksheet_pdf

    worksheet_pdf(CASES[:1])  # fonts and fpdf2 loaded once, as in a running app
    rows = [
        ("quiz reveal, one case", per_call(lambda i: reveal(ASSESSMENTS[i]), n, rounds)),
        (
            "reasoning path and its DOT picture, one case",
            per_call(lambda i: diagram(path_of(ASSESSMENTS[i])), n, rounds),
        ),
        (
            "side by side of two cases",
            per_call(lambda i: compare(ASSESSMENTS[i], ASSESSMENTS[(i + 7) % n]), n, rounds),
        ),
        ("one explorer change, in words and decided again", per_call(explorer_change, n, rounds)),
        ("worksheet PDF, 33 cases", once(lambda: worksheet_pdf(CASES), rounds)),
        ("answer key PDF, 33 cases", once(lambda: worksheet_pdf(CASES, key=True), rounds)),
        ("What-if explorer page, whole run", page_run("explorer", rounds)),
        ("Quiz page with a reveal, whole run", page_run("quiz", rounds)),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  median")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:9.2f} ms")


if __name__ == "__main__":
    main()
