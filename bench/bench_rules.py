"""Benchmark the rules engine and the JSON Lines command (ruleset 2.1).

Generates 10,000 varied valid assessments (every decision and every referral tier) and
prints, in one run:
  - Assessment.model_validate per call, and recommend() per call with its whole
    recommendation built and its trace read, with their ratio (target: at most 5x);
  - where one JSON Lines record's time goes, by stage;
  - `walkback recommend` on a JSON Lines file, full output and --brief, with process
    start measured separately and taken out (targets: 20,000 and 60,000 a second);
  - the peak memory of a 100,000-line batch, every process counted (target: 100 MB).

Run: uv run python bench/bench_rules.py [--n 10000] [--rounds 9]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from walkback_rules import Assessment, decide, recommend, validate_assessment_json
from walkback_rules.core.codes import (
    EXERCISE_ITEMS,
    FLARE_LEVELS,
    LEG_SYMPTOMS,
    RED_FLAG_FEATURES,
    WALKING_TOLERANCES,
)
from walkback_rules.core.models import Recommendation
from walkback_rules.fastjson import read_assessment, recommendation_json

SCREEN_MIXES = (
    [],
    ["ces_saddle"],
    ["infection_fever", "infection_drug_injection"],
    ["infection_fever"],
    ["cancer_history"],
    ["cancer_history", "cancer_non_mechanical"],
    ["fracture_fragility"],
    ["fracture_major_trauma"],
    ["infection_fever", "cancer_weight_loss", "cancer_age"],  # two urgent: same day
    ["axspa_gate", "axspa_buttock", "axspa_family", "axspa_movement", "axspa_psoriasis"],
)


def varied_assessment(rng: random.Random) -> dict[str, Any]:
    """One valid assessment; the mix reaches every decision, most often the programme ones."""
    level = rng.choice((*FLARE_LEVELS, "none", "none", "none", "mild"))
    walks = rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 7, rng.randint(0, 14)])
    minutes = 0 if walks == 0 else rng.choice([5, 10, 15, 20, 25, 30, 40, rng.randint(1, 240)])
    visit = rng.choice(("initial", "review", "review"))
    red_flags: list[str] = []
    roll = rng.random()
    if roll < 0.12:
        red_flags = list(rng.choice(SCREEN_MIXES))
    elif roll < 0.15:
        red_flags = rng.sample(RED_FLAG_FEATURES, k=rng.randint(1, 3))
    data: dict[str, Any] = {
        "age": rng.choice([rng.randint(16, 90), rng.randint(16, 90), rng.randint(0, 120)]),
        "visit": visit,
        "previous_episodes": rng.choice([0, 1, 2, 3, 4, 8, rng.randint(0, 1000)]),
        "episode_weeks": rng.choice([None, 0, 2, 11, 12, 30]),
        "usual_pain": rng.choice([None, None, 0, 2, 5]),
        "flare": {
            "level": level,
            "pain_now": rng.randint(0, 10),
            "days_since_onset": None
            if level == "none"
            else rng.choice([0, 1, 3, 7, 8, 30, 43, 84, 120]),
        },
        "walking": {
            "walks_per_week": walks,
            "minutes_per_walk": minutes,
            "weeks_at_current_dose": rng.choice([None, 0, 1, 2, 4]),
        },
        "red_flags": red_flags,
        "exercise_screen": rng.sample(EXERCISE_ITEMS, k=1) if rng.random() < 0.04 else [],
        "self_harm_concern": rng.random() < 0.03,
        "phq2": rng.choice([None, 0, 1, 2, 3, 5]),
        "startback": rng.choice([None, {"total": 2, "distress": 1}, {"total": 6, "distress": 4}]),
        "walking_tolerance": rng.choice((*WALKING_TOLERANCES, *("full",) * 5)),
        "prefers_other_exercise": rng.random() < 0.08,
        "other_exercise_minutes_per_week": rng.choice([0, 0, 60, 200]),
        "leg_symptoms": rng.choice(LEG_SYMPTOMS),
        "falls_last_year": rng.random() < 0.1,
    }
    if visit == "review":
        data["returning_after_flare"] = rng.random() < 0.1
        data["adherence"] = rng.choice([None, "as_planned", "as_planned", "less_than_planned"])
        data["new_lower_limb_pain"] = rng.random() < 0.05
        data["baseline_walks_per_week"] = rng.choice([None, 0, 1, 3])
    if visit == "review" and walks > 0 and rng.random() < 0.6:
        increased = rng.random() < 0.35
        previous = None
        if rng.random() < 0.5 and (walks > 1 or minutes > 1):
            before = (rng.randint(1, walks), rng.randint(1, minutes))
            if before != (walks, minutes):
                previous = {"walks_per_week": before[0], "minutes_per_walk": before[1]}
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


def _run(script: Path, path: Path, *flags: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(script), "recommend", *flags, str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"walkback recommend failed: {done.stderr.decode()}")
    return seconds


PEAK = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def peak_mb(*command: str) -> float:
    """The peak resident memory of a command and every process it started, in MB."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *command], capture_output=True, text=True, check=True
    )
    return int(done.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--big", type=int, default=100_000, help="lines in the memory run")
    args = parser.parse_args()

    rng = random.Random(20241)
    data = [varied_assessment(rng) for _ in range(args.n)]
    assessments = [Assessment.model_validate(d) for d in data]
    decisions: dict[str, int] = {}
    tiers: dict[str, int] = {}
    for a in assessments:
        rec = recommend(a)
        decisions[rec.decision.value] = decisions.get(rec.decision.value, 0) + 1
        tier = rec.referral.urgency if rec.referral else "none"
        tiers[tier] = tiers.get(tier, 0) + 1

    def recommend_read(a: Assessment) -> int:
        return len(recommend(a).trace[-1].reason)  # the whole recommendation, trace read

    validate_t, recommend_t = [], []
    for _ in range(args.rounds):
        validate_t.append(per_call(Assessment.model_validate, data))
        recommend_t.append(per_call(recommend_read, assessments))
    v, r = min(validate_t), min(recommend_t)
    ratios = sorted(r_ / v_ for r_, v_ in zip(recommend_t, validate_t, strict=True))

    print(f"{args.n:,} varied assessments; decisions reached: {len(decisions)} of 12;")
    print(f"  referral tiers: {dict(sorted(tiers.items()))}")
    print(
        f"  Assessment.model_validate   {v * 1e6:8.1f} µs per call (best of {args.rounds} rounds)"
    )
    print(f"  recommend(), trace read     {r * 1e6:8.1f} µs per call")
    print(
        f"  ratio recommend/validate    {r / v:8.2f}x   (target <= 5x; rounds "
        f"{ratios[0]:.2f}-{ratios[-1]:.2f}x)"
    )

    # Where a JSON Lines record's time goes, in one process: the everyday path beside the
    # batch path, and plain json.loads as the floor for reading.
    lines = [json.dumps(d) for d in data]
    raw = [line.encode() for line in lines]
    recs = [recommend(a) for a in assessments]
    best = min  # of rounds, per call
    rows = (
        ("plain json.loads (floor)", json.loads, lines),
        ("everyday strict read + validate", validate_assessment_json, lines),
        ("batch strict read + validate", read_assessment, raw),
        ("decide()", decide, assessments),
        ("recommend()", recommend, assessments),
        ("everyday model_dump_json", Recommendation.model_dump_json, recs),
        ("batch recommendation_json", recommendation_json, recs),
    )
    print("  one JSON Lines record, by stage (one process, best of 3 rounds):")
    for name, fn, items in rows:
        t = best(per_call(fn, items) for _ in range(3))
        print(f"    {name:<34} {t * 1e6:8.1f} µs")

    script = Path(sys.executable).with_name("walkback")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "assessments.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        one = Path(tmp) / "one.jsonl"
        one.write_text(lines[0] + "\n" + lines[1] + "\n", encoding="utf-8")
        starts = [_run(script, one) for _ in range(5)]
        start = statistics.median(starts)
        print(
            f"  process start (a 2-line file): median {start:.2f} s "
            f"(spread {min(starts):.2f}-{max(starts):.2f} s)"
        )
        for name, flags, target in (("full", (), 20_000), ("--brief", ("--brief",), 60_000)):
            runs = [_run(script, path, *flags) for _ in range(5)]
            rates = sorted(args.n / max(t - start, 1e-9) for t in runs)
            print(
                f"  walkback recommend {name:<8} ({args.n:,} lines, {os.cpu_count()} cores, "
                f"start excluded): median {statistics.median(rates):,.0f} per second "
                f"(spread {rates[0]:,.0f}-{rates[-1]:,.0f}; target >= {target:,})"
            )
        big = Path(tmp) / "big.jsonl"
        with big.open("w", encoding="utf-8") as handle:
            for i in range(args.big):
                handle.write(lines[i % len(lines)] + "\n")
        size = big.stat().st_size / 1e6
        print(f"  peak memory, every process of the command ({args.big:,} lines, {size:.0f} MB):")
        for name, flags in (("full", ()), ("--brief", ("--brief",))):
            peaks = sorted(peak_mb(str(script), "recommend", *flags, str(big)) for _ in range(3))
            print(
                f"    walkback recommend {name:<8} {peaks[1]:6.0f} MB "
                f"(spread {peaks[0]:.0f}-{peaks[-1]:.0f}; target <= 100 MB)"
            )
        small = sorted(peak_mb(str(script), "recommend", str(one)) for _ in range(3))
        print(f"    the same command on a 2-line file {small[1]:6.0f} MB")
        print(f"  machine load (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
