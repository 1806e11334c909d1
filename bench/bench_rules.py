"""Benchmark the rules engine and the JSON Lines command.

Generates 10,000 varied valid assessments and prints:
  - Assessment.model_validate per call and recommend() per call, measured in the same run
    (rounds interleaved), and their ratio (target: recommend at most 4x validation);
  - end-to-end throughput of `walkback recommend FILE` on a JSON Lines file, including
    process start (target: at least 20,000 recommendations a second).

Run: uv run python bench/bench_rules.py [--n 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from walkback_rules import Assessment, recommend
from walkback_rules.core.models import FLARE_LEVELS, RED_FLAG_CODES, WALKING_TOLERANCES


def varied_assessment(rng: random.Random) -> dict[str, Any]:
    """One valid assessment; the mix reaches every decision, most often the programme ones."""
    level = rng.choice((*FLARE_LEVELS, "none", "none", "mild"))
    walks = rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 7, rng.randint(0, 14)])
    minutes = 0 if walks == 0 else rng.choice([5, 10, 15, 20, 25, 30, 40, rng.randint(1, 240)])
    visit = rng.choice(("initial", "review", "review"))
    data: dict[str, Any] = {
        "age": rng.choice([rng.randint(18, 90), rng.randint(18, 90), rng.randint(0, 120)]),
        "visit": visit,
        "previous_episodes": rng.choice([0, 1, 2, 3, 4, 8, rng.randint(0, 1000)]),
        "flare": {
            "level": level,
            "pain_now": rng.randint(0, 10),
            "days_since_onset": None
            if level == "none"
            else rng.choice([0, 1, 3, 7, 8, 30, 84, 120]),
        },
        "walking": {
            "walks_per_week": walks,
            "minutes_per_walk": minutes,
            "weeks_at_current_dose": rng.choice([None, 0, 1, 2, 4]),
        },
        "red_flags": rng.sample(RED_FLAG_CODES, k=1) if rng.random() < 0.08 else [],
        "phq2": rng.choice([None, 0, 1, 2, 3, 5]),
        "walking_tolerance": rng.choice((*WALKING_TOLERANCES, *("full",) * 5)),
        "cardiorespiratory_concern": rng.random() < 0.03,
        "prefers_other_exercise": rng.random() < 0.1,
    }
    if visit == "review" and walks > 0 and rng.random() < 0.6:
        increased = rng.random() < 0.35
        previous = None
        if rng.random() < 0.5:
            previous = {
                "walks_per_week": rng.randint(1, walks),
                "minutes_per_walk": rng.randint(1, minutes),
            }
        data["last_progression"] = {
            "pain_increased": increased,
            "settled_within_24h": (rng.random() < 0.5) if increased else None,
            "previous_dose": previous,
        }
    return data


def per_call(fn: Any, items: list[Any]) -> float:
    """Seconds per call of fn over items."""
    start = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - start) / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    rng = random.Random(20241)
    data = [varied_assessment(rng) for _ in range(args.n)]
    assessments = [Assessment.model_validate(d) for d in data]
    decisions: dict[str, int] = {}
    for a in assessments:
        d = recommend(a).decision.value
        decisions[d] = decisions.get(d, 0) + 1

    validate_t, recommend_t = [], []
    for _ in range(args.rounds):
        validate_t.append(per_call(Assessment.model_validate, data))
        recommend_t.append(per_call(recommend, assessments))
    v, r = min(validate_t), min(recommend_t)

    print(f"{args.n:,} varied assessments; decisions reached: {len(decisions)} of 14")
    print(
        f"  Assessment.model_validate   {v * 1e6:8.1f} µs per call (best of {args.rounds} rounds)"
    )
    print(f"  recommend()                 {r * 1e6:8.1f} µs per call")
    print(f"  ratio recommend/validate    {r / v:8.2f}x   (target <= 4x)")

    # Where a JSON Lines record's time goes, in one process.
    lines = [json.dumps(d) for d in data]
    stages = dict.fromkeys(("parse + validate", "decide", "explain (trace)", "serialise"), 0.0)
    size = 0
    clock = time.perf_counter
    for line in lines:  # one record at a time, as the command handles them
        t0 = clock()
        assessment = Assessment.model_validate_json(line)
        t1 = clock()
        rec = recommend(assessment)
        t2 = clock()
        len(rec.trace)
        t3 = clock()
        size += len(rec.model_dump_json())
        t4 = clock()
        for stage, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            stages[stage] += seconds
    print(f"  one JSON Lines record, by stage (one process; {size / args.n:,.0f} bytes out):")
    for stage, seconds in stages.items():
        print(f"    {stage:<18} {seconds / args.n * 1e6:8.1f} µs")
    total = sum(stages.values()) / args.n
    print(f"    {'total':<18} {total * 1e6:8.1f} µs  -> {1 / total:,.0f} per second per core")

    script = Path(sys.executable).with_name("walkback")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "assessments.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in data), encoding="utf-8")
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(
                [str(script), "recommend", str(path)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
            )
            runs.append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"walkback recommend failed: {done.stderr.decode()}")
        best = min(runs)
    print(
        f"  walkback recommend (JSON Lines, {args.n:,} lines, {os.cpu_count()} cores, "
        f"process start included): {best:.2f} s, {args.n / best:,.0f} per second "
        "(target >= 20,000)"
    )


if __name__ == "__main__":
    main()
