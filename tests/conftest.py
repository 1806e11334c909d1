"""Shared helpers: an assessment factory and the hypothesis profiles."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from walkback_rules import Assessment, validate_assessment

# The tests never touch a clinician's own patient record: the app and every process the
# tests start use a throwaway SQLite file instead.
os.environ["WALKBACK_DB_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='walkback-test-')}/record.db"

# The slow layers, by module: Chromium against a running app, and Streamlit's harness.
BROWSER_MODULES = frozenset(
    {
        "test_accessibility",
        "test_clinic_server",
        "test_course",
        "test_drafts_browser",
        "test_followup_browser",
        "test_outcomes_browser",
        "test_prints_browser",
        "test_e2e",
        "test_failover_browser",
        "test_hosts",
        "test_ruleset21_browser",
        "test_teaching_browser",
        "test_screen_browser",
    }
)
APP_MODULES = frozenset(
    {"test_access_app", "test_app", "test_app_record", "test_outcomes_app", "test_teaching_app"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test of the slow layers, so the inner loop can leave them out."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if module in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)
        elif module in APP_MODULES:
            item.add_marker(pytest.mark.app)


# CI runs a few thousand examples per property; a local run stays quick.
settings.register_profile(
    "ci", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

BASE: dict[str, Any] = {
    "age": 50,
    "visit": "review",
    "previous_episodes": 1,
    "flare": {"level": "none", "pain_now": 0, "days_since_onset": None},
    "walking": {"walks_per_week": 4, "minutes_per_walk": 10, "weeks_at_current_dose": 1},
}


def assessment_data(**overrides: Any) -> dict[str, Any]:
    """A valid assessment as JSON-shaped data; nested dicts in `overrides` merge one level."""
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in BASE.items()}
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def make_assessment(**overrides: Any) -> Assessment:
    """A validated assessment that differs from a plain review patient only by `overrides`."""
    return validate_assessment(assessment_data(**overrides))


def first_visit(**overrides: Any) -> Assessment:
    """The §10 default patient: initial visit, 1 previous episode, not walking, no flare."""
    data: dict[str, Any] = {
        "age": 50,
        "visit": "initial",
        "previous_episodes": 1,
        "flare": {"level": "none", "pain_now": 0, "days_since_onset": None},
        "walking": {"walks_per_week": 0, "minutes_per_walk": 0, "weeks_at_current_dose": None},
    }
    for key, value in overrides.items():
        if value is LEFT_OUT:
            data.pop(key, None)
        elif isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return validate_assessment(data)


LEFT_OUT = object()  # an override that leaves the field out of the record altogether


def flare(level: str, pain: int, days: int | None = 3) -> dict[str, Any]:
    """A flare entry; days is null when the level is none."""
    return {"level": level, "pain_now": pain, "days_since_onset": None if level == "none" else days}


def walking(walks: int, minutes: int, weeks: int | None = 1) -> dict[str, Any]:
    """A walking dose entry."""
    return {"walks_per_week": walks, "minutes_per_walk": minutes, "weeks_at_current_dose": weeks}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A record's URL: a new SQLite file, then the PostgreSQL test server."""
    from .stores import pg_url

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'record.db'}"
    return pg_url()


@pytest.fixture
def store(url: str) -> Iterator[Any]:
    """An empty record on each database."""
    from walkback_rules.store import Store

    from .stores import wipe

    s = Store.open(url)
    wipe(s)
    yield s
    s.close()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many generated cases reached each safety property's antecedent (spec §9)."""
    from .test_invariants import REACH

    if REACH:
        terminalreporter.section("safety properties: cases that reached each antecedent")
        for name, (hit, total) in sorted(REACH.items()):
            terminalreporter.write_line(f"{name}: {hit} of {total}")


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh record for the command line, through WALKBACK_DB_URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("WALKBACK_DB_URL", url)
    return url


@pytest.fixture(scope="module")
def loopback_server() -> Iterator[tuple[str, int]]:
    """The app served on a free loopback port, for tests that speak HTTP to it: its host
    and port."""
    from urllib.parse import urlsplit

    from .browser import streamlit_server

    with streamlit_server() as url:
        parts = urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        yield parts.hostname, parts.port
