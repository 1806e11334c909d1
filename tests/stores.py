"""The record the store tests run against: SQLite in a temporary folder, and PostgreSQL
when `WALKBACK_TEST_PG_URL` names a server (`.ci/run` starts one)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from walkback_rules import Assessment, Recommendation, recommend
from walkback_rules.store import Store

from .needs import unavailable

PG_ENV = "WALKBACK_TEST_PG_URL"
TABLES = (
    "save_keys",
    "measures",
    "check_ins",
    "discharges",
    "referral_updates",
    "referrals",
    "sessions",
    "user_roles",
    "users",
    "settings",
    "printouts",
    "diary_changes",
    "drafts",
    "browsers",
    "diary",
    "consultations",
    "patients",
)


def pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        unavailable(f"PostgreSQL tests need {PG_ENV} (a SQLAlchemy URL); .ci/run starts a server")
    return url


def wipe(store: Store) -> None:
    """Empty every table, children first. The audit trail refuses deletion by design: the
    tests' shared PostgreSQL server is emptied with its triggers set aside for this one
    transaction (each SQLite test has a new file)."""
    with store.engine.begin() as conn:
        for table in TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql("DELETE FROM audit")


def rows(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


@contextmanager
def database(base: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the tests' server, dropped afterwards."""
    name = f"walkback_test_{secrets.token_hex(4)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def decided(assessment: Assessment) -> tuple[Assessment, Recommendation]:
    """An assessment with its recommendation, as the store is handed a decided consultation:
    `store.record(pid, *decided(assessment))`."""
    return assessment, recommend(assessment)


@contextmanager
def old_record(url: str, revision: str) -> Iterator[sa.Connection]:
    """A record migrated only as far as `revision` (an older release's), holding patient
    P-2345AB: yields the connection to fill it as that release would have, in one
    transaction, then lets it go so that `Store.open` migrates the rest."""
    from alembic import command

    from walkback_rules.store.repo import alembic_config

    config = alembic_config()
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.exec_driver_sql(
                "INSERT INTO patients (id, label, created_at) VALUES "
                "('P-2345AB', NULL, '2026-01-01T09:00:00+00:00')"
            )
            yield conn
    finally:
        engine.dispose()
