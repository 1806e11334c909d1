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

from .repo import (
    MIGRATIONS,
    Store,
    StoreError,
    _engine,
    default_url,
    describe_url,
    grant_app_role,
)

CHECKSUM = ".sha256"  # beside each backup: its SHA-256 and the record's schema version

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


def _revisions() -> set[str]:
    """The schema versions this product has made (its migrations)."""
    return {p.name[:4] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")}


def _digest(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_only(path: Path) -> sqlite3.Connection:
    """A SQLite file opened read-only, whatever characters its path holds ('#', '?')."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_revision(path: Path) -> str | None:
    """The schema version a SQLite file says it is at, or None when it is not a record."""
    try:
        db = _read_only(path)
        try:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def _what_to_back_up(url: str) -> str:
    """The schema version of the record at `url`; refused when there is no record there,
    or it holds nothing at all (a mistyped address makes an empty one)."""
    engine = _engine(url, 5.0)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                raise StoreError(f"there is no WalkBack record at {describe_url(url)}")
            revision = str(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar())
            held = conn.exec_driver_sql(
                "SELECT (SELECT count(*) FROM patients) + (SELECT count(*) FROM audit)"
            ).scalar()
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"the record at {describe_url(url)} cannot be read: {exc.orig}") from None
    finally:
        engine.dispose()
    if not held:
        raise StoreError(
            f"the record at {describe_url(url)} holds no patient and no audit row: nothing "
            "to back up (is the address right?)"
        )
    return revision


def ready(url: str) -> str:
    """The schema version of the record at `url`, when it can be backed up: refused when
    there is no record there (without making one) or it holds nothing."""
    if make_url(url).get_backend_name() == "sqlite" and not Path(_sqlite_path(url)).is_file():
        raise StoreError(f"there is no record at {describe_url(url)}: nothing was backed up")
    return _what_to_back_up(url)


def backup(target: Path, url: str | None = None) -> None:
    """Write a backup of the whole record to `target` (whole or not at all, 0600), with its
    checksum and schema version beside it (`target` + ".sha256"), checked after writing.
    A record that does not exist, or holds nothing, is refused."""
    url = url or default_url()
    backend = make_url(url).get_backend_name()
    target = Path(target)
    revision = ready(url)
    tmp = Path(tempfile.mkstemp(dir=target.parent or ".", prefix=".walkback-backup-")[1])
    try:
        _private(tmp)
        if backend == "sqlite":
            source = _read_only(Path(_sqlite_path(url)))
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
        if backend == "sqlite" and _sqlite_revision(tmp) != revision:
            raise StoreError(f"the backup of {describe_url(url)} did not read back as written")
        digest = _digest(tmp)
        os.replace(tmp, target)
        if _digest(target) != digest:
            raise StoreError(f"{target} changed as it was written: the backup is not sound")
        sums = Path(str(target) + CHECKSUM)
        sums.write_text(f"{digest}  {target.name}\nschema {revision}\n", encoding="utf-8")
        _private(sums)
    except sqlite3.Error as exc:
        raise StoreError(f"the backup of {describe_url(url)} failed: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _checked(source: Path) -> None:
    """A backup's checksum, when it has one, must match: a changed or damaged file is
    refused before anything is restored."""
    sums = Path(str(source) + CHECKSUM)
    if not sums.is_file():
        return
    first = sums.read_text(encoding="utf-8").split()
    if not first or _digest(source) != first[0]:
        raise StoreError(
            f"{source} does not match its checksum ({sums.name}): it was changed or damaged; "
            "nothing was restored"
        )


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
    _checked(source)
    if backend == "sqlite":
        if _sqlite_revision(source) not in _revisions():
            raise StoreError(
                f"{source} is not a backup of a WalkBack record of a known schema: nothing "
                "was restored"
            )
        try:
            backup_db = _read_only(source)
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
    _verified(source, url)


def _verified(source: Path, url: str) -> None:
    """A restored record must be of a known schema and its audit chain must hold;
    otherwise what was restored is removed again (the record was empty before) and the
    restore is refused."""
    problem = None
    try:
        with Store.open(url) as restored:
            _, _, breaks = restored.verify_audit()
        if breaks:
            problem = "its audit trail does not verify (" + breaks[0] + ")"
    except StoreError as exc:
        problem = f"it is not a WalkBack record of a known schema ({exc})"
    if problem is None:
        if make_url(url).get_backend_name() == "postgresql":
            engine = _engine(url, 5.0)
            try:  # restored without privileges: the app's role gets its own again
                with engine.begin() as conn:
                    grant_app_role(conn)
            finally:
                engine.dispose()
        return
    if make_url(url).get_backend_name() == "sqlite":
        Path(_sqlite_path(url)).unlink(missing_ok=True)
    else:
        engine = _engine(url, 5.0)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        finally:
            engine.dispose()
    raise StoreError(f"{source} was not restored: {problem}")
