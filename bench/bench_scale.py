"""The Patients list at clinic-group scale: a page of patients at 1,000, 10,000 and 100,000.

Each record is built in bulk (every patient with two consultations, a real decided one
copied, and the list row the store keeps), then timed beside the same rows read with
`sqlite3` alone:

  - a page of the list (`Store.patients(limit=30)`), its count, and a search;
  - the patient box's search (`Store.find_patients`);
  - a page of the follow-ups due and their count (everyone discharged, half answered
    month 1), beside reading every episode as the due list did before;
  - the Patients page's whole run in Streamlit's test harness;
  - the baseline: `SELECT id, label FROM patients LIMIT 30` and a count, in sqlite3;
  - `export --all` and, at the smaller sizes, the import of that backup into a new record:
    time and the peak memory of the command's own process.

Run: uv run python bench/bench_scale.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
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
from walkback_rules.outcomes.followup import add_months  # noqa: E402
from walkback_rules.store import Store  # noqa: E402
from walkback_rules.store.transfer import ID_ALPHABET  # noqa: E402
from walkback_rules.teaching.cases import CASES  # noqa: E402

PAGE = "SELECT id, label FROM patients LIMIT 30"
TODAY = date(2026, 12, 7)
COUNT = "SELECT count(*) FROM patients"


def pid(i: int) -> str:
    """The i-th pseudonym, in the alphabet of real ones (so the export imports)."""
    chars = ""
    for _ in range(6):
        i, digit = divmod(i, len(ID_ALPHABET))
        chars = ID_ALPHABET[digit] + chars
    return "P-" + chars


def build(path: Path, size: int) -> str:
    url = f"sqlite:///{path}"
    Store.open(url).close()
    assessment = Assessment.model_validate(CASES[0].data)
    rec = recommend(assessment)
    a, r = json.dumps(assessment.model_dump(mode="json")), json.dumps(rec.model_dump(mode="json"))
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO patients (id, label, created_at, language, visits, last_visit, "
            "last_decision, last_review, last_recorded) VALUES (?, ?, ?, 'en', 2, ?, ?, NULL, ?)",
            (
                (pid(i), f"bay {i % 97}", f"2026-01-01T00:00:{i % 60:02d}+00:00",
                 f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}", rec.decision.value,
                 f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T09:00:00+00:00")
                for i in range(size)
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO consultations (patient_id, recorded_at, ruleset_version, decision, "
            "assessment, recommendation, visit_date) VALUES (?, ?, '2.1', ?, ?, ?, ?)",
            (
                (pid(i), f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T09:00:0{k}+00:00",
                 rec.decision.value, a, r, f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}")
                for i in range(size) for k in range(2)
            ),
        )  # fmt: skip
        # Everyone discharged, on days spread over the year; half answered month 1.
        days = [date(2026, 1, 5) + timedelta(days=i % 300) for i in range(size)]
        db.executemany(
            "INSERT INTO discharges (id, patient_id, day, reason, walks, minutes, clinician, "
            "many_episodes, recorded_at) VALUES (?, ?, ?, 'completed', 5, 30, 'AB', 0, ?)",
            ((i + 1, pid(i), days[i].isoformat(), f"{days[i]}T12:00:00+00:00")
             for i in range(size)),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO check_ins (discharge_id, month, asked_on, asked_by, how, answered, "
            "pain, limited, sought_care, began, month_only, recorded_at) "
            "VALUES (?, 1, ?, 'AB', 'phone', 1, 0, NULL, NULL, NULL, 0, ?)",
            ((i + 1, add_months(days[i], 1).isoformat(), f"{add_months(days[i], 1)}T12:00:00")
             for i in range(0, size, 2)),
        )  # fmt: skip
        db.executemany(
            "UPDATE patients SET follow_up_from = ? WHERE id = ?",
            (
                (add_months(days[i], 2 if i % 2 == 0 else 1).isoformat(), pid(i))
                for i in range(size)
            ),
        )
    db.close()
    return url


def median_ms(work: Callable[[], object], rounds: int = 7) -> str:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return f"{statistics.median(times):7.1f} ms ({times[0]:.1f}-{times[-1]:.1f})"


# Runs the command line and prints its own peak memory (VmHWM) last: the figure wait4 gives
# would also carry this benchmark's own peak, which Linux keeps across fork and exec.
PROBE = """
import sys
from walkback_rules.cli import main
status = main(sys.argv[1:])
with open("/proc/self/status") as f:
    print(next(line.split()[1] for line in f if line.startswith("VmHWM:")), file=sys.stderr)
raise SystemExit(status)
"""


def probed(url: str, *args: str) -> tuple[float, float, int]:
    """The command line run in its own process on `url`: seconds, peak MB, exit status."""
    import subprocess

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env={**os.environ, "WALKBACK_DB_URL": url},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
    )  # fmt: skip
    took = time.perf_counter() - start
    return took, int(done.stderr.strip().splitlines()[-1]) / 1024, done.returncode


def export_peak(url: str, folder: Path) -> str:
    """`walkback patients export --all` in its own process: seconds and its peak memory."""
    took, peak, status = probed(
        url, "patients", "export", "--all", "-o", str(folder / "all.jsonl"), "--force"
    )
    return f"{took:7.1f} s, {peak:.0f} MB (exit {status})"


def import_peak(folder: Path) -> str:
    """`walkback patients import` of that export into a new record: seconds, peak memory."""
    url = f"sqlite:///{folder / 'imported.db'}"
    Store.open(url).close()
    took, peak, status = probed(url, "patients", "import", str(folder / "all.jsonl"))
    (folder / "imported.db").unlink()
    size = (folder / "all.jsonl").stat().st_size / 1e6
    return f"{took:7.1f} s, {peak:.0f} MB (a {size:,.0f} MB file; exit {status})"


def page_run(url: str) -> Callable[[], object]:
    from streamlit.testing.v1 import AppTest

    import ui

    os.environ["WALKBACK_DB_URL"] = url
    ui._real.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(ui.PAGES["patients"]).run()
    return lambda: at.run()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument(
        "--import-sizes", type=int, nargs="*", default=[1000, 10_000],
        help="sizes whose export is also imported (every patient is checked and recomputed)",
    )  # fmt: skip
    args = parser.parse_args()
    print("the Patients list at scale (median of 7, range)")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"record-{size}.db"
            url = build(path, size)
            raw = sqlite3.connect(path)
            with Store.open(url) as store:
                print(f"{size:,} patients:")
                for words, work, rounds in (
                    ("a page of the list (30)", lambda s=store: s.patients(limit=30), 7),
                    ("its count", lambda s=store: s.count_patients(), 7),
                    (
                        "a search ('bay 4'), one page",
                        lambda s=store: s.patients("bay 4", limit=30),
                        7,
                    ),
                    ("the patient box's search", lambda s=store: s.find_patients("bay 4"), 7),
                    (
                        "follow-ups due, one page (30)",
                        lambda s=store: s.follow_ups_due(TODAY, 30),
                        7,
                    ),
                    (
                        "follow-ups due, their count",
                        lambda s=store: s.count_follow_ups_due(TODAY),
                        7,
                    ),
                    ("every episode read (as before)", lambda s=store: s.all_episodes(), 3),
                    ("the Patients page's whole run", page_run(url), 3),
                    ("sqlite3 alone: a page of rows", lambda r=raw: r.execute(PAGE).fetchall(), 7),
                    ("sqlite3 alone: the count", lambda r=raw: r.execute(COUNT).fetchall(), 7),
                ):
                    print(f"  {words:<32}{median_ms(work, rounds)}")
            raw.close()
            print(f"  {'export --all: time, peak memory':<32}{export_peak(url, Path(tmp))}")
            if size in args.import_sizes:
                print(f"  {'import of it: time, peak memory':<32}{import_peak(Path(tmp))}")


if __name__ == "__main__":
    main()
