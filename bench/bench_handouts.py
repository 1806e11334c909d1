"""Benchmark the printed sheets: warm generation with the chart, and the first in a fresh
process, each beside its baseline from the same run.

Prints medians with their spread (the fastest and slowest of the runs):
  - warm: one patient handout PDF with its plan chart, in a process that has built one
    before (target: at most 50 ms), cycling through the demo patients whose handout has
    a chart, so no chart is reused; also the HTML handout and the clinician summary;
    beside it, reading the same demo case from JSON (the floor of any sheet);
  - letter: one referral letter, over the demo patients with a referral;
  - first: the first handout PDF in a fresh Python process, from the first import to the
    bytes (target: at most 1 s), beside a fresh process that only reads JSON; and the
    whole `walkback handout` command as a user runs it.

Run: uv run python bench/bench_handouts.py [--rounds 5] [--fresh 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from walkback_rules import Assessment, recommend  # noqa: E402
from walkback_rules.handouts import (  # noqa: E402
    HandoutOptions,
    build_handout,
    handout_file,
    summary_file,
)
from walkback_rules.handouts.content import PlanChart  # noqa: E402
from walkback_rules.handouts.letter import letter_pdf  # noqa: E402
from walkback_rules.teaching.cases import CASES  # noqa: E402

OPTIONS = HandoutOptions(
    clinic="Harbourside Physio",
    phone="02 9555 0123",
    patient="Demo",
    emergency="000",
    urgent_line="13 14 50",
    clinician="Sam Lee",
)
AT = datetime(2026, 12, 2, 10, 30)

FIRST = """
import time
start = time.perf_counter()
from walkback_rules import Assessment
from walkback_rules.teaching.cases import CASES_BY_ID
from walkback_rules.handouts import HandoutOptions, handout_file
data = handout_file(Assessment.model_validate(CASES_BY_ID["demo-01"].data),
                    HandoutOptions(clinic="Harbourside Physio", phone="02 9555 0123"))
assert data.startswith(b"%PDF-")
print(time.perf_counter() - start)
"""
BARE = """
import time
start = time.perf_counter()
import json
from pathlib import Path
json.loads(Path("bench/bench_handouts.py").read_text("utf-8") and "{}")
print(time.perf_counter() - start)
"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def spread(times: list[float]) -> str:
    """The median, with the fastest and the slowest run."""
    return f"{ms(statistics.median(times))} ({min(times) * 1000:.1f}–{max(times) * 1000:.1f})"


def charted() -> list[Assessment]:
    """The demo patients whose handout carries a plan chart."""
    out = []
    for case in CASES:
        a = Assessment.model_validate(case.data)
        sections = build_handout(a, recommend(a)).sections
        if any(isinstance(b, PlanChart) and b.plan.weeks for s in sections for b in s.blocks):
            out.append(a)
    return out


def warm(patients: list[Assessment], rounds: int) -> dict[str, list[float]]:
    handout_file(patients[0], OPTIONS)  # the process has built one before
    times: dict[str, list[float]] = {"pdf": [], "html": [], "summary": [], "json": []}
    texts = [json.dumps(a.model_dump(mode="json")) for a in patients]
    for _ in range(rounds):
        for a in patients:
            for kind in times:
                start = time.perf_counter()
                if kind == "json":
                    Assessment.model_validate(json.loads(texts[patients.index(a)]))
                elif kind == "summary":
                    summary_file(a, OPTIONS)
                else:
                    handout_file(a, OPTIONS, kind)  # type: ignore[arg-type]
                times[kind].append(time.perf_counter() - start)
    return times


def referred() -> list[Assessment]:
    """The demo patients with a referral, so a letter."""
    cases = (Assessment.model_validate(c.data) for c in CASES)
    return [a for a in cases if recommend(a).referral is not None]


def letters(patients: list[Assessment], rounds: int) -> list[float]:
    """Median time of one referral letter, the recommendation already made (as on the page)."""
    recs = [recommend(a) for a in patients]
    letter_pdf(patients[0], recs[0], OPTIONS, AT)
    times = []
    for _ in range(rounds):
        for a, rec in zip(patients, recs, strict=True):
            start = time.perf_counter()
            letter_pdf(a, rec, OPTIONS, AT)
            times.append(time.perf_counter() - start)
    return times


def first(runs: int) -> tuple[list[float], list[float], list[float]]:
    """First handout in a fresh process, a fresh process reading JSON, and the
    `walkback handout` command's wall time."""
    inner, bare, command = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "a.json"
        source.write_text(json.dumps(CASES[0].data), encoding="utf-8")
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", FIRST], capture_output=True, text=True, check=True, cwd=ROOT
            )
            inner.append(float(out.stdout))
            out = subprocess.run(
                [sys.executable, "-c", BARE], capture_output=True, text=True, check=True, cwd=ROOT
            )
            bare.append(float(out.stdout))
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "walkback_rules", "handout", str(source), "-o",
                 str(Path(tmp) / "h.pdf"), "--force", "--clinic", "Harbourside Physio"],
                check=True, cwd=ROOT,
            )  # fmt: skip
            command.append(time.perf_counter() - start)
    return inner, bare, command


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fresh", type=int, default=5)
    args = parser.parse_args()

    patients = charted()
    w = warm(patients, args.rounds)
    referrals = referred()
    letter = letters(referrals, args.rounds)
    f, bare, c = first(args.fresh)
    print(f"warm, median (fastest–slowest) over {args.rounds} rounds of {len(patients)} patients:")
    print(f"  handout PDF with chart  {spread(w['pdf'])}   (target <= 50 ms)")
    print(f"  handout HTML with chart {spread(w['html'])}")
    print(f"  clinician summary PDF   {spread(w['summary'])}")
    print(f"  referral letter PDF     {spread(letter)}   ({len(referrals)} referrals)")
    print(f"  baseline: the case read from JSON {spread(w['json'])}")
    print(f"first in a fresh process, median (fastest–slowest) of {args.fresh}:")
    print(f"  imports + handout PDF   {spread(f)}   (target <= 1000 ms)")
    print(f"  baseline: imports + JSON reading {spread(bare)}")
    print(f"  `walkback handout` command, wall clock {spread(c)}")


if __name__ == "__main__":
    main()
