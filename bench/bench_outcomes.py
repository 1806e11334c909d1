"""Benchmark the follow-up and the Outcomes page with 300 discharged patients, each figure
beside a baseline measured in the same run (the machine is noisy: both alternate).

Prints the median and the range of each:
  - the "Follow-ups due" list (`Store.follow_ups_due`): target at most 100 ms, against
    reading the same 300 patients' follow-up from plain JSON text (`json.loads`);
  - the clinic's curve (`Store.cohort`, the estimator, the comparison and the chart spec);
  - the Outcomes page's whole run in Streamlit's test harness: target at most 300 ms,
    against a bare app's run that draws a 300-row table and a 300-point chart.

Run: uv run python bench/bench_outcomes.py [--patients 300] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules import Assessment, recommend  # noqa: E402
from walkback_rules.outcomes.chart import curve_spec  # noqa: E402
from walkback_rules.outcomes.cohort import compare  # noqa: E402
from walkback_rules.outcomes.followup import CheckIn, add_months  # noqa: E402
from walkback_rules.store import Store, dumps  # noqa: E402
from walkback_rules.store.checkins import Line  # noqa: E402
from walkback_rules.teaching.cases import CASES  # noqa: E402

BARE_APP = """
import streamlit as st

rows = [{"day": i, "share": 1 - i / 400} for i in range(300)]
st.title("Bare outcomes")
st.metric("People", 300)
st.vega_lite_chart({"data": {"values": rows}, "mark": "line",
                    "encoding": {"x": {"field": "day", "type": "quantitative"},
                                 "y": {"field": "share", "type": "quantitative"}}})
st.table(rows)
"""


def fill(store: Store, patients: int, seed: int = 3) -> None:
    """`patients` people, each with two visits, a discharge and a year or so of check-ins
    (some unanswered), recurrences at a steady rate; the newest still being followed."""
    rng = random.Random(seed)
    today = date.today()
    assessment = Assessment.model_validate(next(c.data for c in CASES if c.id == "demo-01"))
    rec = recommend(assessment)
    lines: list[Line] = []
    for n in range(patients):
        pid = store.new_patient(f"bench {n}").id
        first = today - timedelta(days=rng.randint(40, 900))
        store.record(pid, assessment, rec, at=f"{first.isoformat()}T10:00:00+00:00")
        out = first + timedelta(days=21)
        store.record(pid, assessment, rec, at=f"{out.isoformat()}T10:00:00+00:00")
        store.discharge(pid, out, "completed")
        recurrence = rng.expovariate(0.693 / 200)
        for month in range(1, 25):
            asked = add_months(out, month)
            if asked > today - timedelta(days=rng.randint(0, 60)):
                break
            if rng.random() < 0.1:
                entry = CheckIn(month, asked, "AB", "phone", False)
            elif (asked - out).days >= recurrence:
                began = max(out, asked - timedelta(days=12))
                entry = CheckIn(month, asked, "AB", "phone", True, True, True, False, began)
            else:
                entry = CheckIn(month, asked, "AB", "card", True, False)
            lines.append(Line(len(lines) + 2, pid, entry))
            if entry.recurrence:
                break
    store.import_check_ins(lines)


def timed(action: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        out.append(time.perf_counter() - start)
    return out


def spread(label: str, values: list[float], base: list[float] | None = None) -> str:
    med = statistics.median(values) * 1000
    text = f"{label:44} {med:7.1f} ms  ({min(values) * 1000:.1f}–{max(values) * 1000:.1f})"
    if base:
        b = statistics.median(base) * 1000
        text += f"   baseline {b:6.1f} ms ({min(base) * 1000:.1f}–{max(base) * 1000:.1f})"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="walkback-bench-"))
    url = f"sqlite:///{folder / 'record.db'}"
    store = Store.open(url)
    start = time.perf_counter()
    fill(store, args.patients)
    episodes = store.all_episodes()
    check_ins = sum(len(e.check_ins) for e in episodes)
    print(f"{args.patients} patients, {check_ins} check-ins "
          f"(made in {time.perf_counter() - start:.0f} s)")  # fmt: skip
    as_json = dumps({"patients": [store.export(e.patient_id)["episodes"] for e in episodes]})

    due, plain, curve = [], [], []
    for _ in range(args.runs):  # alternately, so both see the machine as it is
        due += timed(store.follow_ups_due, 1)
        plain += timed(lambda: json.loads(as_json), 1)
        curve += timed(lambda: json.dumps(curve_spec(compare(store.cohort()))), 1)
    print(spread("Follow-ups due list (target ≤ 100 ms)", due, plain))
    print(spread("the clinic's curve: cohort, estimate, chart", curve, plain))

    from streamlit.testing.v1 import AppTest

    import ui

    os.environ["WALKBACK_DB_URL"] = url
    ui._real.clear()  # the app's cached record must be this one
    page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    page.switch_page(ui.PAGES["outcomes"]).run()  # warm: imports and the first run
    bare_script = folder / "bare.py"
    bare_script.write_text(BARE_APP, encoding="utf-8")
    bare = AppTest.from_file(str(bare_script), default_timeout=60)
    bare.run()
    runs, bases = [], []
    for _ in range(args.runs):
        runs += timed(page.run, 1)
        assert not page.exception and page.get("vega_lite_chart")
        bases += timed(bare.run, 1)
    print(spread("Outcomes page run (target ≤ 300 ms)", runs, bases))
    store.close()


if __name__ == "__main__":
    main()
