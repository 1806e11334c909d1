"""Backups that fail loudly: nothing from a record that is not there or holds nothing; a
checksum and the schema version beside each backup, checked after writing and before a
restore; a restore only of a WalkBack record of a known schema whose audit chain holds."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from walkback_rules.store import Store, StoreError
from walkback_rules.store.backup import CHECKSUM, backup, restore
from walkback_rules.store.repo import HEAD


def _record(folder: Path, name: str = "record.db") -> str:
    url = f"sqlite:///{folder / name}"
    with Store.open(url) as store:
        pid = store.new_patient("runner").id
        store.audit("sam@clinic.example", "open_patient", pid)
    return url


def test_a_backup_of_a_record_that_is_not_there_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "mistyped.db"
    with pytest.raises(StoreError, match="there is no record at"):
        backup(tmp_path / "b.bak", f"sqlite:///{missing}")
    assert not missing.exists() and not (tmp_path / "b.bak").exists()


def test_a_backup_of_an_empty_record_is_an_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Store.open(url).close()
    with pytest.raises(StoreError, match="nothing to back up"):
        backup(tmp_path / "b.bak", url)
    assert not (tmp_path / "b.bak").exists()


def test_a_backup_carries_its_checksum_and_schema_and_restores_into_a_path_with_a_hash(
    tmp_path: Path,
) -> None:
    url = _record(tmp_path)
    file = tmp_path / "clinic #1.bak"
    backup(file, url)
    digest_line, schema_line = Path(str(file) + CHECKSUM).read_text(encoding="utf-8").splitlines()

    assert digest_line.endswith(f"  {file.name}") and len(digest_line.split()[0]) == 64
    assert schema_line == f"schema {HEAD}"
    target = tmp_path / "restored #2.db"
    restore(file, f"sqlite:///{target}")
    with Store.open(f"sqlite:///{target}") as again:
        assert [p.label for p in again.patients()] == ["runner"]


def test_a_changed_backup_is_refused_before_anything_is_restored(tmp_path: Path) -> None:
    file = tmp_path / "b.bak"
    backup(file, _record(tmp_path))
    data = bytearray(file.read_bytes())
    data[-100] ^= 0xFF
    file.write_bytes(bytes(data))

    target = tmp_path / "restored.db"
    with pytest.raises(StoreError, match="does not match its checksum"):
        restore(file, f"sqlite:///{target}")
    assert (
        not target.exists() or target.stat().st_size == 0 or _tables(target) <= {"alembic_version"}
    )


def _tables(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()


def test_any_other_sqlite_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.commit()
    db.close()

    with pytest.raises(StoreError, match="not a backup of a WalkBack record"):
        restore(other, f"sqlite:///{tmp_path / 'restored.db'}")


def test_a_backup_whose_audit_trail_was_edited_is_refused_and_nothing_stays(
    tmp_path: Path,
) -> None:
    url = _record(tmp_path)
    file = tmp_path / "b.bak"
    backup(file, url)
    Path(str(file) + CHECKSUM).unlink()  # an edited copy would not keep a matching checksum
    db = sqlite3.connect(file)
    db.execute("DROP TRIGGER IF EXISTS audit_no_update")
    db.execute("UPDATE audit SET actor = 'someone.else@clinic.example'")
    db.commit()
    db.close()

    target = tmp_path / "restored.db"
    with pytest.raises(StoreError, match="its audit trail does not verify"):
        restore(file, f"sqlite:///{target}")
    assert not target.exists()


def test_the_command_line_never_backs_up_a_mistyped_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finding: a backup of a mistyped SQLite path reported success, with an empty
    backup (and made the record it named)."""
    from .test_cli import run

    missing = tmp_path / "recrod.db"
    monkeypatch.setenv("WALKBACK_DB_URL", f"sqlite:///{missing}")
    status, _, err = run(["admin", "backup", "-o", str(tmp_path / "b.bak")])

    assert status == 2 and "there is no record at" in err
    assert not missing.exists() and not (tmp_path / "b.bak").exists()
