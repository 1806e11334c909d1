"""The record the store tests run against: SQLite in a temporary folder, and PostgreSQL
when `WALKBACK_TEST_PG_URL` names a server (`.ci/run` starts one)."""

from __future__ import annotations

import os

from walkback_rules.store import Store

from .needs import unavailable

PG_ENV = "WALKBACK_TEST_PG_URL"
TABLES = (
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
    """Empty every table, children first."""
    with store.engine.begin() as conn:
        for table in TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")


def rows(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
