"""Backups of the whole record, and restoring one into an empty record.

SQLite uses its own online backup API (a consistent copy while the app runs); PostgreSQL
uses `pg_dump -Fc` and `pg_restore`, from the PostgreSQL client tools on the server. A
backup file is private to its owner (0600). A restore goes into an empty record only, so it
can never mix two records or overwrite one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .repo import StoreError, _engine, default_url, describe_url

PG_TOOLS = ("pg_dump", "pg_restore")


def _pg_tool(name: str) -> str:
    """A PostgreSQL client tool: on the PATH, or in Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    for folder in reversed(folders):
        if (folder / name).exists():
            return str(folder / name)
    raise StoreError(
        f"{name} is not installed: install the PostgreSQL client tools (Debian: "
        "postgresql-client) to back up or restore a PostgreSQL record"
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy URL as a libpq connection string, with the password in the environment
    (never on a command line, where other users could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    # `URL.set(password=None)` leaves the password as it was (None there means "unchanged"):
    # the URL is rebuilt without it.
    plain = sa.engine.URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return plain.render_as_string(hide_password=False), env


def _private(path: Path) -> None:
    os.chmod(path, 0o600)


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise StoreError("an in-memory record cannot be backed up or restored")
    return database


def backup(target: Path, url: str | None = None) -> None:
    """Write a backup of the whole record to `target` (whole or not at all, 0600)."""
    url = url or default_url()
    backend = make_url(url).get_backend_name()
    target = Path(target)
    tmp = Path(tempfile.mkstemp(dir=target.parent or ".", prefix=".walkback-backup-")[1])
    try:
        _private(tmp)
        if backend == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            dest = sqlite3.connect(tmp)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
        elif backend == "postgresql":
            dsn, env = _libpq(url)
            done = subprocess.run(
                [_pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(tmp), dsn],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                raise StoreError(f"pg_dump failed: {done.stderr.strip()[:300]}")
        else:
            raise StoreError(f"backing up a {backend} record is not supported")
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise StoreError(f"the backup of {describe_url(url)} failed: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _empty(url: str) -> bool:
    """Whether the record at `url` holds no tables of ours yet."""
    engine = _engine(url, 5.0)
    try:
        with engine.connect() as conn:
            return not sa.inspect(conn).has_table("patients")
    finally:
        engine.dispose()


def restore(source: Path, url: str | None = None) -> None:
    """Restore a backup into an empty record (refused if the record holds anything)."""
    url = url or default_url()
    backend = make_url(url).get_backend_name()
    source = Path(source)
    if not source.is_file():
        raise StoreError(f"{source}: no such backup file")
    if not _empty(url):
        raise StoreError(
            f"the record at {describe_url(url)} is not empty: restore only into an empty record"
        )
    if backend == "sqlite":
        try:
            backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            dest = sqlite3.connect(_sqlite_path(url))
            try:
                backup_db.backup(dest)
            finally:
                dest.close()
                backup_db.close()
            _private(Path(_sqlite_path(url)))
        except sqlite3.Error as exc:
            raise StoreError(f"{source} is not a SQLite backup of the record: {exc}") from None
    elif backend == "postgresql":
        dsn, env = _libpq(url)
        done = subprocess.run(
            [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             "-d", dsn, str(source)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if done.returncode:
            raise StoreError(f"pg_restore failed: {done.stderr.strip()[:300]}")
    else:
        raise StoreError(f"restoring a {backend} record is not supported")
