"""A JSON Lines backup larger than a file read whole: imported a line at a time, all or
nothing, as `walkback patients import` imports any file.

The size at which a backup is read a line at a time and the batch it writes at once are
made small here, so that seven patients cross both."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from walkback_rules.store import Store, transfer
from walkback_rules.store.repo import DiaryWeek

from .conftest import make_assessment
from .stores import decided
from .test_cli import run

DAY = date(2026, 11, 2)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any file over 1 KB is a large backup; patients are written two at a time."""
    monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 1024)
    monkeypatch.setattr(transfer, "BACKUP_BATCH", 2)


def _seven(url: str) -> list[str]:
    with Store.open(url) as store:
        pids = []
        for i in range(7):
            pid = store.new_patient(f"bay {i}").id
            for k in range(1 + i % 3):
                at = f"2026-10-{10 + k:02d}T09:00:00+00:00"
                store.record(pid, *decided(make_assessment(age=30 + i)), at=at)
            if i % 2:
                store.discharge(pid, DAY, "completed", today=DAY)
            pids.append(pid)
    return pids


def _export(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    status, _, err = run(["patients", "export", "--all", "-o", str(path)])
    assert status == 0, err
    return path


def _rows(url: str) -> int:
    with Store.open(url) as store, store.engine.connect() as conn:
        return sum(
            conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
            for t in ("patients", "consultations", "discharges")
        )


def test_a_large_backup_comes_back_exactly_as_it_was_exported(
    record: str, tmp_path: Path, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = _seven(record)
    backup = _export(tmp_path, "backup.jsonl")
    assert backup.stat().st_size > transfer.MAX_IMPORT_BYTES

    monkeypatch.setenv("WALKBACK_DB_URL", f"sqlite:///{tmp_path / 'other.db'}")
    status, out, err = run(["patients", "import", str(backup)])

    assert (status, err) == (0, "")
    assert out == f"imported 7 patients: {' '.join(sorted(pids))}\n"
    assert _export(tmp_path, "again.jsonl").read_bytes() == backup.read_bytes()
    with Store.open(f"sqlite:///{tmp_path / 'other.db'}") as store:
        assert store.count_follow_ups_due(DAY.replace(month=12)) == 3  # rows kept in step


def test_one_bad_line_writes_nothing_and_is_named(
    record: str, tmp_path: Path, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seven(record)
    backup = _export(tmp_path, "backup.jsonl")
    lines = backup.read_text().splitlines()
    lines[4] = json.dumps({**json.loads(lines[4]), "format": "x"})
    lines[5] = lines[5] + "}"
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n")
    other = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("WALKBACK_DB_URL", other)

    status, out, err = run(["patients", "import", str(broken)])

    assert (status, out) == (2, "")
    assert err.startswith("line 5: format: ") and "line 6: " in err and "not valid JSON" in err
    assert _rows(other) == 0


def test_patients_the_record_holds_are_all_named_and_nothing_is_written(
    record: str, tmp_path: Path, small: None
) -> None:
    pids = _seven(record)
    backup = _export(tmp_path, "backup.jsonl")
    before = _rows(record)
    first, last = sorted(pids)[0], sorted(pids)[-1]  # in the backup's first and last batch
    with Store.open(record) as store:  # the last patient seen again since the backup
        store.record(last, *decided(make_assessment()), at="2026-11-20T09:00:00+00:00")
        week = DiaryWeek("2026-11-16", 4, 80, 3)  # and a diary week that replacing would drop
        store.set_diary(first, week)

    status, _, err = run(["patients", "import", str(backup)])
    assert status == 2
    assert err.splitlines() == [
        f"patient.id: {pid} already exists (--replace overwrites)" for pid in sorted(pids)
    ]

    status, _, err = run(["patients", "import", str(backup), "--replace"])
    assert status == 2 and err.startswith(f"patient.id: {last}: the record holds")
    assert _rows(record) == before + 1
    with Store.open(record) as store:  # the first batch, written before it, was undone
        assert store.diary(first) == [week]

    status, out, _ = run(["patients", "import", str(backup), "--replace-newer", last])
    assert status == 0 and out.startswith("imported 7 patients")
    assert _rows(record) == before
    with Store.open(record) as store:
        assert store.diary(first) == []  # replaced by the backup, as asked


def test_a_patient_given_twice_or_text_that_is_not_utf8_is_refused(
    record: str, tmp_path: Path, small: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seven(record)
    backup = _export(tmp_path, "backup.jsonl")
    lines = backup.read_text().splitlines()
    twice = tmp_path / "twice.jsonl"
    twice.write_text("\n".join([*lines, lines[2]]) + "\n")
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_bytes(backup.read_bytes() + b'{"format": "\xff"}\n')
    other = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("WALKBACK_DB_URL", other)

    status, _, err = run(["patients", "import", str(twice)])
    assert status == 2
    pid = json.loads(lines[2])["patient"]["id"]
    assert err == f"patient.id: {pid} appears more than once in the file\n"

    status, _, err = run(["patients", "import", str(garbled)])
    assert (status, err) == (2, "FILE: not UTF-8 text\n")
    assert _rows(other) == 0


def test_a_large_import_says_the_first_ids_and_how_many_more() -> None:
    from walkback_rules.cli import _imported

    ids = [f"P-{i:06d}" for i in range(25)]

    assert _imported(ids) == f"imported 25 patients: {' '.join(ids[:20])} … and 5 more\n"
    assert _imported(ids[:1]) == "imported 1 patient: P-000000\n"
