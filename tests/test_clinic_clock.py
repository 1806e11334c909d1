"""One clock for the clinic: "today" is the clinic's day in its own time zone (Clinic
settings) for the form, the record's checks and the schedules, whatever the server's zone;
moments are stored in UTC. Tested at 07:45 in Sydney and at 23:30 in Los Angeles."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from walkback_rules import Assessment
from walkback_rules.clinic import today
from walkback_rules.consultation.visit import VisitDetails, screen_status
from walkback_rules.store import Store, StoreError

from .conftest import BASE
from .stores import decided

UTC = ZoneInfo("UTC")
SYDNEY_0745 = "2026-12-06T20:45:00+00:00"  # 07:45 on 7 December in Sydney (UTC+11)
LOS_ANGELES_2330 = "2026-12-07T07:30:00+00:00"  # 23:30 on 6 December in Los Angeles (UTC-8)


@pytest.mark.parametrize(
    ("zone", "moment", "day"),
    [
        ("Australia/Sydney", SYDNEY_0745, date(2026, 12, 7)),
        ("Australia/Sydney", "2026-12-06T12:59:59+00:00", date(2026, 12, 6)),  # 23:59:59
        ("Australia/Sydney", "2026-12-06T13:00:00+00:00", date(2026, 12, 7)),  # midnight
        ("America/Los_Angeles", LOS_ANGELES_2330, date(2026, 12, 6)),
        ("America/Los_Angeles", "2026-12-07T08:00:00+00:00", date(2026, 12, 7)),  # midnight
        ("UTC", SYDNEY_0745, date(2026, 12, 6)),
    ],
)
def test_the_clinics_day_is_its_own_zones(zone: str, moment: str, day: date) -> None:
    assert today(ZoneInfo(zone), moment) == day
    assert today(ZoneInfo(zone), datetime.fromisoformat(moment)) == day


def _record(tmp_path: Path, zone: str) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'record.db'}")
    store.save_settings({"time_zone": zone})
    return store


def _visit(store: Store, at: str, day: str | None) -> str:
    """Save a consultation recorded at `at` (UTC) for the visit day `day` (None: the
    record's own default); returns the visit day stored."""
    pid = store.new_patient().id
    assessment = Assessment.model_validate(BASE)
    details = (
        None
        if day is None
        else VisitDetails(visit_date=day, screens=screen_status(assessment, None, None))
    )
    saved, _ = store.record(pid, *decided(assessment), at=at, details=details)
    return str(saved.visit_date)


def test_at_0745_in_sydney_a_visit_today_is_today(tmp_path: Path) -> None:
    """The finding: on a UTC server every consultation dated today was refused before
    10-11 am in Sydney."""
    with _record(tmp_path, "Australia/Sydney") as store:
        assert _visit(store, SYDNEY_0745, "2026-12-07") == "2026-12-07"
        assert _visit(store, SYDNEY_0745, None) == "2026-12-07"  # dated Sydney's day
        with pytest.raises(StoreError, match="today or earlier"):
            _visit(store, SYDNEY_0745, "2026-12-08")


def test_at_2330_in_los_angeles_tomorrow_is_not_yet(tmp_path: Path) -> None:
    """The finding: on a UTC server, evening visits were dated the next day."""
    with _record(tmp_path, "America/Los_Angeles") as store:
        assert _visit(store, LOS_ANGELES_2330, None) == "2026-12-06"
        assert _visit(store, LOS_ANGELES_2330, "2026-12-06") == "2026-12-06"
        with pytest.raises(StoreError, match="today or earlier"):
            _visit(store, LOS_ANGELES_2330, "2026-12-07")
        assert store.today(LOS_ANGELES_2330) == date(2026, 12, 6)


def test_the_forms_visit_date_starts_on_the_clinics_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Consultation page's visit date, on a server whose own zone is UTC, at 07:45 in
    Sydney: Sydney's day, and no later day can be chosen."""
    from streamlit.testing.v1 import AppTest

    import ui
    from walkback_rules import clinic

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.fromisoformat(SYDNEY_0745).astimezone(tz)

    monkeypatch.setattr(clinic, "datetime", Frozen)
    monkeypatch.setenv("TZ", "UTC")
    url = f"sqlite:///{tmp_path / 'record.db'}"
    monkeypatch.setenv("WALKBACK_DB_URL", url)
    ui._real.clear()
    with Store.open(url) as store:
        store.save_settings({"time_zone": "Australia/Sydney"})
    try:
        at = AppTest.from_file(
            str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60
        ).run()
        assert not at.exception, at.exception
        (visit_date,) = [d for d in at.date_input if d.label == "Visit date"]
        assert visit_date.value == date(2026, 12, 7)
        assert visit_date.max == date(2026, 12, 7)
    finally:
        ui._real.clear()
