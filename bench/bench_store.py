"""Benchmark the patient record on SQLite (and on PostgreSQL when a URL is given).

Prints, as medians:
  - saving one consultation (validate, recommend, write it with its visit details and
    remove the browser's draft in the same transaction): target at most 20 ms;
  - keeping a draft (the whole consultation form, written on a change): target at most
    20 ms;
  - opening a patient with 50 consultations and a diary and drawing their history chart,
    as the Patients page does it (record read, timeline, chart spec, the page's whole run
    in Streamlit's test harness): target at most 300 ms;
  - exporting 1,000 patients (6 consultations and 12 diary weeks each) as a JSON Lines
    backup: target at most 5 s;
  - importing a backup as large as an import takes (10 MB), and the share of that spent
    checking it and deciding each 2.0 consultation again.

Run: uv run python bench/bench_store.py [--pg postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stores import wipe  # noqa: E402
from walkback_rules import Assessment, recommend  # noqa: E402
from walkback_rules.charts import history_spec  # noqa: E402
from walkback_rules.consultation.form import form_from_assessment  # noqa: E402
from walkback_rules.consultation.visit import VisitDetails, screen_status  # noqa: E402
from walkback_rules.history import timeline  # noqa: E402
from walkback_rules.store import DiaryWeek, Store, dumps  # noqa: E402
from walkback_rules.teaching.cases import CASES  # noqa: E402

ASSESSMENTS = [Assessment.model_validate(c.data) for c in CASES]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def bench_save(store: Store, n: int = 200) -> float:
    pid = store.new_patient().id
    times = []
    for i in range(n):
        assessment = ASSESSMENTS[i % len(ASSESSMENTS)]
        details = VisitDetails(
            visit_date=date.today().isoformat(),
            clinician="JS",
            note="Walks the dog most days.",
            screens=screen_status(assessment, "none_present", "not_asked"),
            review_date=(date.today() + timedelta(days=14)).isoformat(),
        )
        store.save_draft(
            "bench-browser", pid, form_from_assessment(CASES[i % len(CASES)].data).plain()
        )
        start = time.perf_counter()
        store.record(pid, assessment, recommend(assessment), details=details, draft="bench-browser")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_draft(store: Store, n: int = 200) -> float:
    pid = store.new_patient().id
    forms = [form_from_assessment(c.data).plain() for c in CASES]
    times = []
    for i in range(n):
        start = time.perf_counter()
        store.save_draft("bench-browser", pid, forms[i % len(forms)])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fill(store: Store, consultations: int, weeks: int) -> str:
    pid = store.new_patient("bench").id
    first = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for i in range(consultations):
        at = (first + timedelta(days=4 * i)).isoformat()
        store.record(
            pid,
            ASSESSMENTS[i % len(ASSESSMENTS)],
            recommend(ASSESSMENTS[i % len(ASSESSMENTS)]),
            at=at,
        )
    monday = date(2026, 1, 5)
    for w in range(weeks):
        day = (monday + timedelta(weeks=w)).isoformat()
        store.set_diary(pid, DiaryWeek(day, 3 + w % 3, 20 + 5 * w, w % 8))
    return pid


def bench_open(store: Store) -> tuple[float, float]:
    """Median of reading + timeline + chart spec, and of the Patients page's whole run."""
    from streamlit.testing.v1 import AppTest

    import ui

    pid = fill(store, 50, 26)
    direct = []
    for _ in range(15):
        start = time.perf_counter()
        course = timeline(store.consultations(pid), store.diary(pid))
        json.dumps(history_spec(course.visits, course.weeks))
        direct.append(time.perf_counter() - start)
    os.environ["WALKBACK_DB_URL"] = store.url
    ui._real.clear()  # the app's cached record must be this one
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[ui.PATIENT] = pid
    at.switch_page(ui.PAGES["patients"]).run()  # warm: imports and the page's first run
    page = []
    for _ in range(7):
        start = time.perf_counter()
        at.run()
        page.append(time.perf_counter() - start)
        assert not at.exception and at.get("vega_lite_chart")
    return statistics.median(direct), statistics.median(page)


def bench_export(store: Store, patients: int = 1000) -> float:
    wipe(store)
    from walkback_rules.store.transfer import ID_ALPHABET, PatientFile

    # Build 1,000 records quickly through the importer (itself all-or-nothing).
    template = json.loads(dumps(store.export(fill(store, 6, 12))))
    wipe(store)
    files = []
    for i in range(patients):
        record = json.loads(json.dumps(template))
        record["patient"]["id"] = "P-" + "".join(
            ID_ALPHABET[(i // len(ID_ALPHABET) ** k) % len(ID_ALPHABET)] for k in range(6)
        )
        files.append(PatientFile.model_validate(record))
    store.import_records(files)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(3):
            start = time.perf_counter()
            with open(Path(tmp) / "backup.jsonl", "w", encoding="utf-8") as out:
                for record in store.export_all():
                    out.write(dumps(record) + "\n")
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_import(store: Store) -> tuple[int, int, float, float]:
    """A backup as large as an import takes (10 MB): checked, then imported whole."""
    from walkback_rules.store.transfer import MAX_IMPORT_BYTES, parse_import

    lines = [dumps(record) + "\n" for record in store.export_all()]
    size = len(lines[0].encode())
    lines = lines[: MAX_IMPORT_BYTES // size]
    raw = "".join(lines).encode()
    checks, imports = [], []
    for _ in range(3):
        start = time.perf_counter()
        parse_import(raw)
        checks.append(time.perf_counter() - start)
        start = time.perf_counter()
        store.import_file(raw, replace=True)
        imports.append(time.perf_counter() - start)
    return len(lines), len(raw), statistics.median(checks), statistics.median(imports)


def bench_save_normal(store: Store) -> float:
    """The same save with SQLite's synchronous=NORMAL (the earlier setting, which can lose
    an acknowledged save in a power cut): the baseline for synchronous=FULL's cost."""
    from sqlalchemy import event

    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _normal(dbapi: object, _record: object) -> None:
        dbapi.execute("PRAGMA synchronous=NORMAL")  # type: ignore[attr-defined]

    try:
        return bench_save(store)
    finally:
        event.remove(store.engine, "connect", _normal)
        store.engine.dispose()


def run(url: str, name: str) -> None:
    with Store.open(url) as store:
        wipe(store)
        save = bench_save(store)
        normal = bench_save_normal(store) if url.startswith("sqlite") else None
        draft = bench_draft(store)
        wipe(store)
        direct, page = bench_open(store)
        wipe(store)
        export = bench_export(store)
        patients, size, check, imported = bench_import(store)
        wipe(store)
    print(f"{name}:")
    print(f"  save one consultation             {ms(save)}   (target <= 20 ms)")
    if normal is not None:
        print(f"    the same with synchronous=NORMAL {ms(normal)}   (FULL is the durable setting)")
    print(f"  keep a draft                      {ms(draft)}   (target <= 20 ms)")
    print(f"  open 50 consultations + chart spec {ms(direct)}")
    print(f"  Patients page run, patient open   {ms(page)}   (target <= 300 ms)")
    print(f"  export 1,000 patients (JSON Lines) {ms(export)}   (target <= 5000 ms)")
    print(
        f"  import {patients} patients ({size / 1e6:.1f} MB, 6 visits each): "
        f"{ms(imported)}, of which checking and deciding again {ms(check)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--pg", help="also run against this PostgreSQL URL (it is emptied)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.db", "SQLite (file, WAL)")
    if args.pg:
        run(args.pg, "PostgreSQL (loopback)")


if __name__ == "__main__":
    main()
