"""The patient record: SQLite always, a real PostgreSQL server when one is configured.

PostgreSQL tests need WALKBACK_TEST_PG_URL (a SQLAlchemy URL). `.ci/run` starts a server on
loopback and sets it; in CI a missing server fails, elsewhere those tests skip and say why.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from walkback_rules import Assessment, Decision, validate_assessment
from walkback_rules.consultation.review import prefill
from walkback_rules.consultation.visit import VisitDetails, screen_status
from walkback_rules.store import (
    DiaryWeek,
    ImportError_,
    NotFound,
    Store,
    StoreError,
    default_url,
    dumps,
)
from walkback_rules.store.repo import HEAD
from walkback_rules.store.transfer import ID_PATTERN, MAX_IMPORT_BYTES
from walkback_rules.teaching.cases import CASES_BY_ID

from .conftest import assessment_data
from .stores import decided, old_record, rows, wipe

ROOT = Path(__file__).resolve().parent.parent


def case(case_id: str) -> Assessment:
    return validate_assessment(CASES_BY_ID[case_id].data)


# --- patients and consultations ---------------------------------------------------------


def test_new_patient_gets_a_random_pseudonym(store: Store) -> None:
    a, b = store.new_patient("Tuesday clinic"), store.new_patient()

    assert ID_PATTERN.match(a.id) and ID_PATTERN.match(b.id) and a.id != b.id
    assert store.patient(a.id).label == "Tuesday clinic"
    assert store.patient(b.id).label is None


@pytest.mark.parametrize("label", ["x" * 61, "two\nlines", "<b>bold</b>"])
def test_bad_labels_are_refused_and_nothing_is_written(store: Store, label: str) -> None:
    with pytest.raises(StoreError, match="label: "):
        store.new_patient(label)

    assert rows(store, "patients") == 0


def test_each_consultation_is_kept_whole_and_never_edited(store: Store) -> None:
    p = store.new_patient()
    first, rec = store.record(p.id, *decided(case("demo-01")))
    store.record(p.id, *decided(case("demo-02")))
    history = store.consultations(p.id)

    assert [c.decision for c in history] == ["START", "PROGRESS"]
    assert history[0].assessment == case("demo-01").model_dump(mode="json")
    assert history[0].recommendation == rec.model_dump(mode="json")
    assert history[0].ruleset_version == "2.1"
    assert datetime.fromisoformat(first.recorded_at).tzinfo is not None


def test_recording_for_an_unknown_patient_writes_nothing(store: Store) -> None:
    with pytest.raises(NotFound, match="no patient P-ZZZZZZ"):
        store.record("P-ZZZZZZ", *decided(case("demo-01")))

    assert rows(store, "consultations") == 0


def test_search_by_id_or_label_any_case(store: Store) -> None:
    a = store.new_patient("Knee and Back")
    b = store.new_patient("shoulder")
    store.record(b.id, *decided(case("demo-01")))

    assert [p.id for p in store.patients("back")] == [a.id]
    assert [p.id for p in store.patients(b.id.lower())] == [b.id]
    everyone = store.patients()
    assert everyone[0].id == b.id  # most recently seen first
    assert (everyone[0].consultations, everyone[0].last_decision) == (1, "START")


def test_delete_removes_every_row(store: Store) -> None:
    p, other = store.new_patient(), store.new_patient()
    store.record(p.id, *decided(case("demo-01")))
    store.record(other.id, *decided(case("demo-01")))
    store.set_diary(p.id, DiaryWeek("2026-11-23", 4, 40, 3))

    assert store.delete_patient(p.id) == 1
    assert (rows(store, "patients"), rows(store, "consultations"), rows(store, "diary")) == (
        1,
        1,
        0,
    )
    with pytest.raises(NotFound):
        store.delete_patient(p.id)


# --- the review visit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "week", "full_weeks"),
    [(0, 1, 0), (6, 1, 0), (7, 1, 1), (8, 2, 0), (14, 2, 1), (15, 3, 0), (21, 3, 1),
     (200, None, None)],
)  # fmt: skip
def test_a_review_starts_from_the_week_of_the_plan_the_person_is_in(
    days: int, week: int | None, full_weeks: int | None
) -> None:
    """After a start the handout says to step up weekly while the back is happy, so the
    review's dose is the plan's dose for the week the person is in now. Week 1 begins on
    the visit day; each week's step is due on its first day, which the review decides."""

    from walkback_rules.plan import project

    with Store.open("sqlite://") as store:
        p = store.new_patient()
        seen = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
        _, rec = store.record(
            p.id, *decided(case("demo-01")), at=seen.isoformat()
        )  # START 3-4 x 5-10
        start = prefill(store.consultations(p.id), today=seen.date() + timedelta(days=days))
    plan = project(case("demo-01"), rec)
    week = week or len(plan.weeks)  # past the plan's end the dose stays at its last week
    full_weeks = full_weeks if full_weeks is not None else (days - (week - 1) * 7) // 7

    assert start is not None and start.plan_week == week
    walking = start.data["walking"]
    planned = plan.weeks[week - 1]
    if planned.top is not None:
        # A range week steps up from whichever end the person did: the dose is asked.
        assert start.plan_range == planned.short
        assert (walking["walks_per_week"], walking["minutes_per_walk"]) == (None, None)
        assert start.previous_dose is None
        return
    assert (walking["walks_per_week"], walking["minutes_per_walk"]) == (
        planned.walks,
        planned.minutes,
    )
    assert walking["weeks_at_current_dose"] == full_weeks
    if week == 1:
        assert start.previous_dose is None  # START was not a step up
    else:
        earlier = plan.weeks[week - 2]
        assert start.previous_dose == {
            "walks_per_week": earlier.walks,
            "minutes_per_walk": earlier.minutes,
        }
    assert start.data["visit"] == "review"
    assert start.data["flare"] == {"level": "none", "pain_now": 0, "days_since_onset": None}
    assert start.data["baseline_walks_per_week"] == 0  # walks at the first consultation
    validate_assessment(start.data)


def test_five_fortnightly_reviews_reach_the_target_not_four_walks_of_five() -> None:
    """The trial's course: a review every two weeks, each prefilled from the plan and
    decided again. The dose climbs; it no longer sits at the first prescription."""

    from walkback_rules import Recommendation, recommend
    from walkback_rules.plan import project

    with Store.open("sqlite://") as store:
        p = store.new_patient()
        day = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        store.record(p.id, *decided(case("demo-01")), at=day.isoformat())
        for _ in range(5):
            day += timedelta(days=14)
            start = prefill(store.consultations(p.id), today=day.date())
            assert start is not None
            data = start.data
            if start.plan_range is not None:  # a range week: enter what was walked
                last = store.consultations(p.id)[-1]
                plan = project(
                    validate_assessment(last.assessment),
                    Recommendation.model_validate(last.recommendation),
                )
                assert start.plan_week is not None
                did = plan.weeks[start.plan_week - 1]
                data["walking"] = {"walks_per_week": did.walks, "minutes_per_walk": did.minutes,
                                   "weeks_at_current_dose": 1}  # fmt: skip
            if start.previous_dose is not None:
                data["last_progression"] = {"pain_increased": False,
                                            "previous_dose": start.previous_dose}  # fmt: skip
            store.record(p.id, *decided(validate_assessment(data)), at=day.isoformat())
        last = store.consultations(p.id)[-1]
    rec = recommend(validate_assessment(last.assessment))

    from walkback_rules.core.dosing import TARGET_MINUTES, TARGET_WALKS

    walking = last.assessment["walking"]  # was 4 x 5 at every review: the first prescription
    assert (walking["walks_per_week"], walking["minutes_per_walk"]) == (
        TARGET_WALKS,
        TARGET_MINUTES,
    )
    assert rec.decision is Decision.MAINTAIN


def test_review_after_a_step_up_knows_the_dose_before_it() -> None:
    with Store.open("sqlite://") as store:
        p = store.new_patient()
        _, rec = store.record(p.id, *decided(case("demo-02")))
        start = prefill(store.consultations(p.id))

    assert rec.decision == Decision.PROGRESS
    assert start is not None
    w = case("demo-02").walking
    assert start.previous_dose == {
        "walks_per_week": w.walks_per_week,
        "minutes_per_walk": w.minutes_per_walk,
    }
    assert "last_progression" not in start.data  # how the back took it is asked afresh


def test_no_history_no_prefill() -> None:
    assert prefill([]) is None


@pytest.mark.parametrize("case_id", ["demo-10", "demo-08", "demo-29"])
def test_review_after_a_flare_resumes_at_the_stored_resume_dose(case_id: str) -> None:
    """After a flare the walking dose is the stored resume dose, returning after a flare."""

    with Store.open("sqlite://") as store:
        p = store.new_patient()
        _, rec = store.record(p.id, *decided(case(case_id)))
        start = prefill(store.consultations(p.id))

    assert rec.resume_dose is not None and start is not None
    walking = start.data["walking"]
    assert (walking["walks_per_week"], walking["minutes_per_walk"]) == (
        rec.resume_dose.walks_per_week.min,  # type: ignore[union-attr]
        rec.resume_dose.minutes_per_walk.min,
    )
    assert walking["walks_per_week"] > 0  # never erased to 0 x 0
    assert start.data["returning_after_flare"] is True and start.returning_after_flare
    again = validate_assessment(start.data)
    assert again.returning_after_flare


def test_the_visit_after_a_flare_holds_before_stepping_up() -> None:
    """Recorded, prefilled and decided: the visit after a flare holds the resume dose."""

    from walkback_rules import recommend

    with Store.open("sqlite://") as store:
        p = store.new_patient()
        store.record(p.id, *decided(case("demo-10")))  # flare after 5 x 15 -> 5 x 20
        start = prefill(store.consultations(p.id))
    assert start is not None
    rec = recommend(validate_assessment(start.data))

    assert rec.decision is Decision.HOLD
    assert rec.next_dose is not None and rec.next_dose.minutes_per_walk.min == 15
    assert "RESUMING_AFTER_FLARE" in rec.flags


# --- records made under ruleset 1.0 -----------------------------------------------------

V1_ASSESSMENT = {
    "age": 58,
    "visit": "review",
    "previous_episodes": 3,
    "flare": {"level": "none", "pain_now": 1, "days_since_onset": None},
    "walking": {"walks_per_week": 4, "minutes_per_walk": 15, "weeks_at_current_dose": 2},
    "last_progression": None,
    "red_flags": [],
    "phq2": None,
    "walking_tolerance": "full",
    "cardiorespiratory_concern": False,
    "prefers_other_exercise": False,
}
V1_RECOMMENDATION = {
    "ruleset_version": "1.0",
    "decision": "PROGRESS",
    "next_dose": {"walks_per_week": {"min": 5, "max": 5},
                  "minutes_per_walk": {"min": 15, "max": 15}},
    "flags": ["HIGH_RECURRENCE_RISK"],
    "referral": None,
    "ice_or_heat": False,
    "medication_discussion": False,
    "review_in_days": 7,
    "cards": [{"summary": "Progress to 5 walks a week, 15 minutes each", "indicator": "info",
               "detail": "**Why:** one step up.", "source_ids": ["team"]}],
    "trace": [{"rule_id": "WB-R14", "title": "Step up by one step", "fired": True,
               "reason": "one step up", "source_ids": ["team"]}],
}  # fmt: skip
V1_REFERRAL = {
    **V1_RECOMMENDATION,
    "decision": "MEDICAL_CLEARANCE",
    "next_dose": None,
    "referral": {"urgency": "routine", "reason": "Medical clearance first."},
    "cards": [{"summary": "Medical clearance before walking", "indicator": "warning",
               "detail": "**Why:** a cardiorespiratory concern.", "source_ids": ["team"]}],
}  # fmt: skip


def v1_file(pid: str = "P-2345AB", *recs: dict[str, object]) -> dict[str, object]:
    """A patient file as ruleset 1.0 exported it."""
    visits = [
        {
            "recorded_at": f"2026-0{n + 1}-01T09:00:00.000000+00:00",
            "ruleset_version": "1.0",
            "assessment": V1_ASSESSMENT,
            "recommendation": rec,
        }
        for n, rec in enumerate(recs or (V1_RECOMMENDATION,))
    ]
    return {
        "format": "walkback-patient",
        "version": 1,
        "patient": {"id": pid, "label": None, "created_at": "2026-01-01T09:00:00+00:00"},
        "consultations": visits,
        "diary": [],
    }


def test_a_1_0_record_is_kept_exactly_as_recorded(store: Store) -> None:
    """Imported, shown and exported with its version, never re-decided or converted."""

    raw = dumps(v1_file("P-2345AB", V1_RECOMMENDATION, V1_REFERRAL)).encode()

    store.import_file(raw)
    history = store.consultations("P-2345AB")

    assert [c.ruleset_version for c in history] == ["1.0", "1.0"]
    assert [c.decision for c in history] == ["PROGRESS", "MEDICAL_CLEARANCE"]
    assert history[0].recommendation == V1_RECOMMENDATION
    assert history[1].referral_urgency == "routine"
    assert dumps(store.export("P-2345AB")).encode() == raw


def test_a_review_after_a_1_0_consultation_starts_from_what_carries_over(store: Store) -> None:
    """Age, episodes, the dose prescribed and weeks carry over; 2.0's inputs are asked."""

    store.import_file(dumps(v1_file()).encode())
    start = prefill(store.consultations("P-2345AB"), today=date(2026, 1, 29))

    assert start is not None and start.last_ruleset == "1.0"
    assert (start.data["age"], start.data["previous_episodes"]) == (58, 3)
    assert start.data["walking"] == {
        "walks_per_week": 5,
        "minutes_per_walk": 15,
        "weeks_at_current_dose": 4,
    }
    assert start.previous_dose == {"walks_per_week": 4, "minutes_per_walk": 15}
    assert "cardiorespiratory_concern" not in start.data and "red_flags" not in start.data
    validate_assessment(start.data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ruleset_version": "9.9"}, "consultations[0].ruleset_version"),
        ({"ruleset_version": "2.0"}, "consultations[0].assessment"),  # 1.0 data as 2.0
        ({"recommendation": {**V1_RECOMMENDATION, "decision": "SAME_DAY_REFERRAL"}},
         "consultations[0].recommendation.decision"),
    ],
)  # fmt: skip
def test_import_checks_each_record_against_its_own_ruleset(
    store: Store, change: dict[str, object], field: str
) -> None:
    """A record names a released ruleset and matches that ruleset's contract."""

    data = v1_file()
    data["consultations"] = [{**data["consultations"][0], **change}]  # type: ignore[index]

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    assert any(e.field.startswith(field) for e in caught.value.errors), caught.value.errors
    assert rows(store, "patients") == 0


def test_migration_takes_a_1_0_database_to_2_0_in_place(tmp_path: Path) -> None:
    """A database made by the 1.0 schema, holding 1.0 records, is migrated where it stands."""

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with old_record(url, "0001") as conn:
        for rec in (V1_RECOMMENDATION, V1_REFERRAL):
            conn.execute(
                sa.text(
                    "INSERT INTO consultations (patient_id, recorded_at, ruleset_version, "
                    "decision, assessment, recommendation) VALUES ('P-2345AB', "
                    ":at, '1.0', :decision, :a, :r)"
                ),
                {"at": "2026-02-01T09:00:00+00:00", "decision": rec["decision"],
                 "a": json.dumps(V1_ASSESSMENT), "r": json.dumps(rec)},
            )  # fmt: skip

    with Store.open(url) as store:
        history = store.consultations("P-2345AB")
        with store.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()

    assert version == HEAD
    assert [c.referral_urgency for c in history] == [None, "routine"]
    assert [c.recommendation for c in history] == [V1_RECOMMENDATION, V1_REFERRAL]


# --- the walking diary ------------------------------------------------------------------


def test_diary_weeks_are_kept_and_corrected(store: Store) -> None:
    p = store.new_patient()
    store.set_diary(p.id, DiaryWeek("2026-11-23", 4, 40, 3))
    store.set_diary(p.id, DiaryWeek("2026-11-16", 3, 30, 5))
    store.set_diary(p.id, DiaryWeek("2026-11-23", 5, 50, 2))

    assert store.diary(p.id) == [
        DiaryWeek("2026-11-16", 3, 30, 5),
        DiaryWeek("2026-11-23", 5, 50, 2),
    ]


@pytest.mark.parametrize(
    ("week", "message"),
    [
        (DiaryWeek("2026-11-24", 4, 40, 3),  # a Tuesday
         "Week starting must be the Monday that starts the week, as YYYY-MM-DD; you entered "
         '"2026-11-24"'),
        (DiaryWeek("2026-11-23", 40, 40, 3),
         "Walks must be a whole number from 0 to 28; you entered 40"),
        (DiaryWeek("2026-11-23", 4, 40, 11),
         "Worst pain must be a whole number from 0 to 10; you entered 11"),
        (DiaryWeek("2026-11-23", 4, -5, 3),
         "Minutes in the week must be a whole number of minutes from 0 to 2000; you entered -5"),
    ],
)  # fmt: skip
def test_bad_diary_weeks_name_the_field(store: Store, week: DiaryWeek, message: str) -> None:
    p = store.new_patient()

    with pytest.raises(StoreError) as caught:
        store.set_diary(p.id, week)

    assert str(caught.value) == message

    assert rows(store, "diary") == 0


# --- export and import --------------------------------------------------------------------


def filled(store: Store) -> str:
    p = store.new_patient("Export & *me*")
    store.record(p.id, *decided(case("demo-01")), at="2026-10-01T09:00:00+00:00")
    store.record(p.id, *decided(case("demo-02")), at="2026-10-15T09:00:00+00:00")
    store.set_diary(p.id, DiaryWeek("2026-10-05", 3, 20, 4))
    return p.id


def test_export_delete_import_export_is_exact(store: Store) -> None:
    pid = filled(store)
    before = dumps(store.export(pid))

    store.delete_patient(pid)
    assert store.import_file(before.encode()) == [pid]

    assert dumps(store.export(pid)) == before


def test_backup_of_all_patients_restores_them_all(store: Store) -> None:
    ids = sorted([filled(store), filled(store), store.new_patient().id])
    backup = "".join(dumps(p) + "\n" for p in store.export_all())
    exported = {pid: dumps(store.export(pid)) for pid in ids}
    wipe(store)

    assert sorted(store.import_file(backup.encode())) == ids
    assert {pid: dumps(store.export(pid)) for pid in ids} == exported


def test_import_refuses_an_existing_id_unless_replacing(store: Store) -> None:
    pid = filled(store)
    data = store.export(pid)
    data["patient"]["label"] = "changed"
    raw = dumps(data).encode()

    with pytest.raises(ImportError_, match=f"{pid} already exists"):
        store.import_file(raw)
    assert store.patient(pid).label == "Export & *me*"

    store.import_file(raw, replace=True)
    assert store.patient(pid).label == "changed"
    assert len(store.consultations(pid)) == 2


def _bad_files(good: dict[str, object]) -> dict[str, bytes]:
    text = dumps(good)
    wrong_type = json.loads(text)
    wrong_type["consultations"][0]["assessment"]["age"] = "fifty"
    extra = json.loads(text)
    extra["patient"]["name"] = "Jane Citizen"
    bad_id = json.loads(text)
    bad_id["patient"]["id"] = "Jane"
    markup = json.loads(text)
    markup["patient"]["label"] = "<script>alert(1)</script>"
    return {
        "truncated": text[: len(text) // 2].encode(),
        "foreign": json.dumps({"resourceType": "Bundle", "type": "collection"}).encode(),
        "wrong type": dumps(wrong_type).encode(),
        "extra field": dumps(extra).encode(),
        "identifying id": dumps(bad_id).encode(),
        "html label": dumps(markup).encode(),
        "not utf-8": b"\xff\xfe\x00",
        "empty": b"  \n",
        "too large": b" " * (MAX_IMPORT_BYTES + 1),
    }


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("truncated", "record: not valid JSON"),
        ("foreign", "format: "),
        ("wrong type", "consultations[0].assessment.age: "),
        ("extra field", "patient.name: unknown field"),
        ("identifying id", "patient.id: "),
        ("html label", "patient.label: "),
        ("not utf-8", "FILE: not UTF-8"),
        ("empty", "FILE: empty"),
        ("too large", "FILE: larger than 10 MB"),
    ],
)
def test_bad_import_files_are_refused_whole(store: Store, kind: str, field: str) -> None:
    pid = filled(store)
    good = store.export(pid)
    store.delete_patient(pid)

    with pytest.raises(ImportError_) as caught:
        store.import_file(_bad_files(good)[kind])

    assert any(str(e).startswith(field) for e in caught.value.errors), caught.value.errors
    assert rows(store, "patients") == 0 and rows(store, "consultations") == 0


def test_one_bad_line_in_a_backup_writes_nothing(store: Store) -> None:
    a, b = filled(store), filled(store)
    lines = [dumps(store.export(a)), dumps(store.export(b))]
    broken = json.loads(lines[1])
    broken["diary"][0]["worst_pain"] = 12
    wipe(store)

    with pytest.raises(ImportError_, match=r"line 2: diary\[0\]\.worst_pain"):
        store.import_file(f"{lines[0]}\n{dumps(broken)}\n".encode())

    assert rows(store, "patients") == 0


def test_labels_keep_their_characters(store: Store) -> None:
    pid = filled(store)

    assert store.patient(pid).label == "Export & *me*"
    assert json.loads(dumps(store.export(pid)))["patient"]["label"] == "Export & *me*"


def test_fhir_bundle_is_valid_r4b(store: Store) -> None:
    from fhir.resources.R4B.bundle import Bundle

    from walkback_rules.store.fhir import patient_bundle

    pid = filled(store)
    data = patient_bundle(store, pid)
    bundle = Bundle.model_validate_json(json.dumps(data))
    kinds = [e.resource.get_resource_type() for e in bundle.entry or []]

    assert kinds.count("Patient") == 1 and "CarePlan" in kinds and "Goal" in kinds
    assert kinds.count("Observation") == 2  # a pain rating at each of two visits
    patient = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert "name" not in patient and "birthDate" not in patient
    plan = next(e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "CarePlan")
    timing = plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]
    assert (timing["frequency"], timing["duration"], timing["periodUnit"]) == (5, 10, "wk")


@pytest.mark.parametrize(
    ("case_id", "priority"),
    [("demo-20", "stat"), ("demo-15", "asap"), ("demo-16", "urgent"), ("demo-21", "routine")],
)
def test_fhir_referral_is_a_service_request_with_a_matching_priority(
    store: Store, case_id: str, priority: str
) -> None:
    """A 2.0 referral is a ServiceRequest: emergency stat, same day asap, urgent, routine."""

    from fhir.resources.R4B.bundle import Bundle

    from walkback_rules.store.fhir import patient_bundle

    p = store.new_patient()
    _, rec = store.record(p.id, *decided(case(case_id)))
    data = patient_bundle(store, p.id)
    Bundle.model_validate_json(json.dumps(data))
    requests = [
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "ServiceRequest"
    ]

    assert rec.referral is not None
    assert [r["priority"] for r in requests] == [priority]
    assert [c["text"] for c in requests[0]["reasonCode"]] == [
        c.replace("_", " ") for c in rec.referral.conditions
    ]


# --- where the record lives, and migrations --------------------------------------------


def test_default_store_is_sqlite_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("WALKBACK_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))

    url = default_url()

    assert url.startswith("sqlite:///") and url.endswith("walkback-cds/walkback.db")
    assert Path(url.removeprefix("sqlite:///")).parent.is_dir()


def test_env_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WALKBACK_DB_URL", "postgresql+psycopg://clinic@db/walkback")

    assert default_url() == "postgresql+psycopg://clinic@db/walkback"


def test_migrations_reach_head_and_sqlite_uses_wal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    Store.open(url).close()
    with Store.open(url) as store, store.engine.connect() as conn:  # opening twice is fine
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()

    assert (version, mode) == (HEAD, "wal")


# --- reliability: real processes ------------------------------------------------------------

RECORDER = """
import sys
from walkback_rules import Assessment, recommend
from walkback_rules.teaching.cases import CASES_BY_ID
from walkback_rules.store import Store
url, pid, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
a = Assessment.model_validate(CASES_BY_ID["demo-02"].data)
rec = recommend(a)
with Store.open(url) as store:
    print("ready", flush=True)
    for _ in range(count):
        store.record(pid, a, rec)
"""


def _recorder(url: str, pid: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RECORDER, url, pid, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_two_processes_recording_at_once_lose_nothing(store: Store) -> None:
    pid = store.new_patient().id
    procs = [_recorder(store.url, pid, 25) for _ in range(2)]
    results = [p.communicate(timeout=180) for p in procs]

    assert [p.returncode for p in procs] == [0, 0], results
    assert len(store.consultations(pid)) == 50
    assert store.integrity() == []


def test_a_process_killed_mid_save_leaves_the_record_sound(store: Store) -> None:
    pid = store.new_patient().id
    proc = _recorder(store.url, pid, 100_000)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.5)  # it is now saving one consultation after another
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)  # reaps it and closes its pipes

    with Store.open(store.url) as reopened:
        saved = reopened.consultations(pid)
        assert reopened.integrity() == []
    assert saved, "the recorder saved nothing before it was killed"
    assert rows(store, "consultations") == len(saved)
    for c in saved:
        Assessment.model_validate(c.assessment)
        assert c.recommendation["decision"] == c.decision == "PROGRESS"


def test_two_processes_opening_a_new_database_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    code = "import sys\nfrom walkback_rules.store import Store\nStore.open(sys.argv[1]).close()"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
        for _ in range(3)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]

    assert [p.returncode for p in procs] == [0, 0, 0], errors
    with Store.open(url) as store:
        assert store.patients() == []


def test_recorded_times_are_utc_and_ordered(store: Store) -> None:
    p = store.new_patient()
    old = (datetime.now(UTC) - timedelta(days=14)).isoformat()
    store.record(p.id, *decided(Assessment.model_validate(assessment_data())))
    store.record(p.id, *decided(case("demo-01")), at=old)

    history = store.consultations(p.id)

    assert history[0].recorded_at == old
    assert all(datetime.fromisoformat(c.recorded_at).utcoffset() == timedelta(0) for c in history)


def test_the_core_never_loads_the_store() -> None:
    code = (
        "import sys, walkback_rules.cli, walkback_rules.handouts\n"
        "print(sorted({'sqlalchemy', 'alembic'} & {m.split('.')[0] for m in sys.modules}))\n"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "[]"
    assert sa.__version__  # the store itself does use it


def test_a_deleted_patient_leaves_no_trace_in_the_sqlite_files(tmp_path: Path) -> None:
    """Deleted rows are overwritten and the write-ahead log emptied, not merely unlinked."""

    path = tmp_path / "r.db"
    with Store.open(f"sqlite:///{path}") as store:
        others = [store.new_patient(f"other {n}").id for n in range(20)]
        pid = store.new_patient("Zebra-crossing-9731").id
        store.record(pid, *decided(case("demo-09")))
        store.record(others[0], *decided(case("demo-09")))
        store.delete_patient(pid)
        files = [p for p in tmp_path.iterdir() if p.name.startswith("r.db")]
        leftovers = [p.name for p in files if b"Zebra-crossing-9731" in p.read_bytes()]

    assert leftovers == []


def test_a_file_naming_one_patient_twice_writes_nothing(store: Store) -> None:
    line = dumps(store.export(filled(store)))
    wipe(store)

    with pytest.raises(ImportError_, match="appears more than once in the file"):
        store.import_file(f"{line}\n{line}\n".encode())

    assert rows(store, "patients") == 0


def test_an_import_with_a_repeated_key_is_refused_naming_where(store: Store) -> None:
    """A repeated key in a patient file is refused with its path, and nothing is written."""

    p = store.new_patient()
    store.record(p.id, *decided(case("demo-20")))
    text = dumps(store.export(p.id))
    store.delete_patient(p.id)
    forged = text.replace('"red_flags":["ces_saddle"]', '"red_flags":["ces_saddle"],"red_flags":[]')
    assert forged != text

    with pytest.raises(ImportError_) as caught:
        store.import_file(forged.encode())

    assert [e.field for e in caught.value.errors] == ["consultations[0].assessment.red_flags"]
    assert rows(store, "patients") == 0


def test_search_terms_are_matched_literally(store: Store) -> None:
    """% and _ in a search are characters, not wildcards."""

    store.new_patient("Tuesday runner")
    store.new_patient("50% better")

    assert [p.label for p in store.patients("%")] == ["50% better"]
    assert store.patients("_") == []
    assert len(store.patients("")) == 2


def test_the_sqlite_record_is_private(tmp_path: Path) -> None:
    """The database file and its write-ahead log are readable by their owner only."""

    path = tmp_path / "record.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.new_patient()
        modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}

    assert modes["record.db"] == 0o600
    assert all(mode == 0o600 for mode in modes.values()), modes


def test_the_about_page_never_shows_a_server_url() -> None:
    """Where the record is, without the user, database name or password."""

    from walkback_rules.store import describe_url

    shown = describe_url("postgresql+psycopg://clinic:secret@db.example/walkback")

    assert shown == "a postgresql database server on db.example"
    assert describe_url("sqlite:////tmp/x/record.db") == "/tmp/x/record.db"


# --- an import never trusts a stored recommendation -----------------------------------


def exported(store: Store, case_id: str) -> dict[str, object]:
    """A patient file holding one consultation of `case_id`, with the store left empty."""
    p = store.new_patient()
    store.record(p.id, *decided(case(case_id)), at="2026-10-01T09:00:00+00:00")
    data = store.export(p.id)
    store.delete_patient(p.id)
    return data


def _forge(data: dict[str, object], change: object) -> dict[str, object]:
    forged = json.loads(dumps(data))
    visit = forged["consultations"][0]
    change(visit)  # type: ignore[operator]
    return forged  # type: ignore[no-any-return]


def _emergency_shown_as_progress(visit: dict[str, object]) -> None:
    """The cauda equina assessment, with a steady review's PROGRESS recommendation."""
    visit["assessment"] = CASES_BY_ID["demo-20"].data


FORGERIES = {
    "a cauda equina stored as PROGRESS": (_emergency_shown_as_progress, "recommendation.decision"),
    "a million walks": (
        lambda v: v["recommendation"]["next_dose"]["walks_per_week"].update(max=1_000_000),
        "recommendation.next_dose",
    ),
    "negative review days": (
        lambda v: v["recommendation"].update(review_in_days=-3),
        "recommendation.review_in_days",
    ),
    "a flag added": (
        lambda v: v["recommendation"].update(flags=["CHRONIC_PAIN"]),
        "recommendation.flags",
    ),
    "a rule outcome flipped": (
        lambda v: v["recommendation"]["trace"][0].update(fired=True),
        "recommendation.trace",
    ),
    "no cards": (lambda v: v["recommendation"].update(cards=[]), "recommendation.cards"),
    "another ruleset inside": (
        lambda v: v["recommendation"].update(ruleset_version="2.0"),
        "recommendation.ruleset_version",
    ),
}


@pytest.mark.parametrize("kind", FORGERIES)
def test_an_import_decides_2_1_records_again_and_refuses_a_forgery(store: Store, kind: str) -> None:
    """The stored recommendation must be what the rules give; the difference is named."""

    change, field = FORGERIES[kind]
    data = _forge(exported(store, "demo-02"), change)

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    fields = [e.field for e in caught.value.errors]
    assert f"consultations[0].{field}" in fields, caught.value.errors
    assert rows(store, "patients") == 0 and rows(store, "consultations") == 0


def test_a_forged_emergency_names_both_decisions(store: Store) -> None:
    data = _forge(exported(store, "demo-02"), _emergency_shown_as_progress)

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    decision = next(e for e in caught.value.errors if e.field.endswith(".decision"))
    assert "stored as PROGRESS" in decision.message
    assert "the rules give EMERGENCY_REFERRAL" in decision.message


def test_card_wording_is_kept_as_recorded(store: Store) -> None:
    """Wording is not part of the decision: a record from another release of 2.0 imports."""

    data = _forge(
        exported(store, "demo-02"),
        lambda v: v["recommendation"]["cards"][0].update(detail="Worded by another release."),
    )

    [pid] = store.import_file(dumps(data).encode())

    [visit] = store.consultations(pid)
    assert visit.recommendation["cards"][0]["detail"] == "Worded by another release."


V1_UNSOUND = {
    "no cards": ({"cards": []}, "recommendation.cards"),
    "no trace": ({"trace": []}, "recommendation.trace"),
    "a million walks": (
        {"next_dose": {"walks_per_week": {"min": 5, "max": 1_000_000},
                       "minutes_per_walk": {"min": 15, "max": 15}}},
        "recommendation.next_dose.walks_per_week",
    ),
    "a range backwards": (
        {"next_dose": {"walks_per_week": None, "minutes_per_walk": {"min": 20, "max": 10}}},
        "recommendation.next_dose.minutes_per_walk",
    ),
    "negative review days": ({"review_in_days": -3}, "recommendation.review_in_days"),
    "another ruleset inside": ({"ruleset_version": "2.0"}, "recommendation.ruleset_version"),
    "a referral with a dose": (
        {"decision": "URGENT_REFERRAL", "referral": None}, "recommendation.referral"
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", V1_UNSOUND)
def test_a_1_0_record_must_be_sound_to_import(store: Store, kind: str) -> None:
    change, field = V1_UNSOUND[kind]
    data = v1_file("P-2345AB", {**V1_RECOMMENDATION, **change})

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    assert f"consultations[0].{field}" in [e.field for e in caught.value.errors]
    assert rows(store, "patients") == 0


@pytest.mark.parametrize(
    ("stamp", "why"),
    [
        ("2026-02-01T09:00:00.000000000000000000000000+00:00", "at most 32 characters"),
        ("2999-02-01T09:00:00+00:00", "between 2000-01-01 and today"),
        ("1970-01-01T00:00:00+00:00", "between 2000-01-01 and today"),
        ("2026-02-01T09:00:00", "with its UTC offset"),
    ],
)
def test_a_stored_time_must_fit_its_column_and_the_calendar(
    store: Store, stamp: str, why: str
) -> None:
    """A long timestamp failed inside PostgreSQL with a traceback; now it is a field error."""

    data = v1_file()
    data["consultations"][0]["recorded_at"] = stamp  # type: ignore[index]

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    [error] = caught.value.errors
    assert error.field == "consultations[0].recorded_at" and why in error.message
    assert rows(store, "patients") == 0


def test_a_diary_week_given_twice_is_refused_by_name(store: Store) -> None:
    data = v1_file()
    week = {"week_start": "2026-01-05", "walks": 3, "minutes": 30, "worst_pain": 2}
    data["diary"] = [week, {**week, "walks": 4}]

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    assert [str(e) for e in caught.value.errors] == [
        "diary[1].week_start: 2026-01-05 is given twice; give each week once"
    ]
    assert rows(store, "patients") == 0


@pytest.mark.parametrize(
    "text",
    ["label\x00with a NUL", "bidi \u202eevil", "line\u2028break", "zero\u200bwidth"],
    ids=["NUL", "bidi override", "line separator", "zero width"],
)
def test_a_label_with_control_or_bidi_characters_is_refused(store: Store, text: str) -> None:
    """A NUL failed inside PostgreSQL; a bidi override reorders what the clinician reads."""

    data = v1_file()
    data["patient"]["label"] = text  # type: ignore[index]

    with pytest.raises(ImportError_, match=r"patient\.label: "):
        store.import_file(dumps(data).encode())
    with pytest.raises(StoreError, match="label: "):
        store.new_patient(text)

    assert rows(store, "patients") == 0


def test_stored_text_with_a_nul_is_refused_not_a_database_error(store: Store) -> None:
    """Card text in a 1.0 record is kept as recorded, but never with a NUL in it."""

    card = {**V1_RECOMMENDATION["cards"][0], "detail": "Why:\x00 hidden"}  # type: ignore[index]
    data = v1_file("P-2345AB", {**V1_RECOMMENDATION, "cards": [card]})

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    assert [e.field for e in caught.value.errors] == [
        "consultations[0].recommendation.cards[0].detail"
    ]
    assert rows(store, "patients") == 0


def test_an_import_of_a_million_bad_entries_stops_with_a_count(store: Store) -> None:
    """Errors are capped per record and per file, so the message stays short."""

    line = dumps({**v1_file(), "diary": [0] * 1_999})
    many = "\n".join(line.replace("P-2345AB", f"P-2345A{c}") for c in "BCDEFGHJKMN")

    with pytest.raises(ImportError_) as caught:
        store.import_file(many.encode())

    errors = [str(e) for e in caught.value.errors]
    assert len(errors) == 22  # 20 problems and the count, said once for the lines they share
    assert errors[0] == "lines 1–5: diary[0]: must be a list of diary weeks; got 0"
    assert "lines 1–5: record: and 1,979 more problems; fix these first" in errors
    assert errors[-1] == (
        "line 5: record: checking stopped here after 105 problems; fix these and import again"
    )


# --- the store never blocks a reader, and says plainly what is wrong -------------------


def test_head_names_the_newest_migration() -> None:
    from walkback_rules.store.repo import HEAD, MIGRATIONS

    newest = max(p.name for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert newest.startswith(HEAD + "_")


def _hold_write_lock(path: Path) -> subprocess.Popen[str]:
    """Another process that takes the record's write lock and keeps it until stopped."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys\n"
         f"db = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
         "db.execute('BEGIN IMMEDIATE')\n"
         "db.execute(\"UPDATE patients SET label = 'held' WHERE 0\")\n"
         "print('locked', flush=True)\n"
         "sys.stdin.read()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_readers_never_wait_for_a_writer(tmp_path: Path) -> None:
    """Opening and reading go ahead while another process writes; a write gives up with a
    message naming the file, not a 32-second wait and a traceback. Listing, showing and
    exporting from the command line are writes too (their audit row comes first, and a
    read of the record fails closed without it), so they wait like one and show nothing."""

    path = tmp_path / "record.db"
    with Store.open(f"sqlite:///{path}") as store:
        pid = filled(store)
    holder = _hold_write_lock(path)
    try:
        started = time.monotonic()
        env = {**os.environ, "WALKBACK_DB_URL": f"sqlite:///{path}"}
        for args in (["list"], ["show", pid]):
            done = subprocess.run(
                [sys.executable, "-m", "walkback_rules.cli", "patients", *args],
                capture_output=True, text=True, env=env, timeout=60, check=False,
            )  # fmt: skip
            assert done.returncode == 2 and "is busy" in done.stderr, done.stderr
            assert pid not in done.stdout  # nothing shown without its audit row
        readers = time.monotonic() - started
        exported = subprocess.run(
            [sys.executable, "-m", "walkback_rules.cli", "patients", "export", pid,
             "-o", str(tmp_path / "out.json")],
            capture_output=True, text=True, env=env, timeout=60,
            check=False,
        )  # fmt: skip
        with Store.open(f"sqlite:///{path}", wait=0.2) as store:
            assert len(store.consultations(pid)) == 2  # the record itself reads at once
            with pytest.raises(StoreError) as caught:
                store.new_patient()
    finally:
        holder.communicate("")
    print(f"two audited reads refused with the write lock held: {readers:.2f} s")
    assert exported.returncode == 2 and "is busy" in exported.stderr
    assert not (tmp_path / "out.json").exists()
    assert str(caught.value) == (
        f"the patient record ({path}) is busy: another program is writing to it. "
        "Try again in a moment."
    )


def test_a_read_only_record_can_be_read_and_says_why_it_cannot_be_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "record.db"
    with Store.open(f"sqlite:///{path}") as store:
        pid = filled(store)
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"

    with Store.open(read_only) as store:
        assert len(store.consultations(pid)) == 2
        with pytest.raises(StoreError, match=r"is read-only: nothing can be saved"):
            store.set_diary(pid, DiaryWeek("2026-11-23", 4, 40, 3))


def test_a_full_disk_is_named_and_nothing_is_half_written(tmp_path: Path) -> None:
    """SQLite's page limit stands in for a full disk: the import fails whole, plainly."""

    path = tmp_path / "record.db"
    with Store.open(f"sqlite:///{path}") as store:
        line = dumps(store.export(filled(store)))
        wipe(store)
        with store.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        ids = [f"P-2345{a}{b}" for a in "ABCDEFGH" for b in "JKMNPQRSTU"]
        backup = "".join(line.replace(json.loads(line)["patient"]["id"], i) + "\n" for i in ids)

        @sa.event.listens_for(store.engine, "connect")
        def _small(dbapi: object, _record: object) -> None:
            dbapi.execute(f"PRAGMA max_page_count={pages}")  # type: ignore[attr-defined]

        store.engine.dispose()
        with pytest.raises(StoreError) as caught:
            store.import_file(backup.encode())

    assert str(caught.value).startswith(f"the disk holding the patient record ({path}) is full")
    assert "[SQL" not in str(caught.value) and "parameters" not in str(caught.value)
    with Store.open(f"sqlite:///{path}") as store:
        assert rows(store, "patients") == 0 and rows(store, "consultations") == 0


def test_sql_parameters_never_reach_a_message_or_the_log(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A database error's text carries no patient data, even for a developer's log."""

    import logging

    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    pid = filled(store)
    with pytest.raises(sa.exc.IntegrityError) as caught, store.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO patients (id, label, created_at) VALUES (:id, :label, :at)"),
            {"id": pid, "label": "Tuesday runner", "at": "2026-01-01T00:00:00+00:00"},
        )

    assert "Tuesday runner" not in str(caught.value)
    assert "Tuesday runner" not in caplog.text and "parameters hidden" in str(caught.value)


def test_a_refused_write_says_so_without_the_servers_text(tmp_path: Path) -> None:
    """The server's own detail can name a key ("Key (id)=(P-…) already exists"), so the
    store's message never passes it on: it says what happened, and that nothing was saved."""

    with Store.open(f"sqlite:///{tmp_path / 'record.db'}") as store:
        pid = store.new_patient("Tuesday runner").id
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON consultations "
                f"BEGIN SELECT RAISE(ABORT, 'refused for {pid} Tuesday runner'); END"
            )
        with pytest.raises(StoreError) as caught:
            store.record(pid, *decided(case("demo-01")))

    assert str(caught.value) == (
        f"the patient record ({tmp_path / 'record.db'}) refused the change; nothing was saved "
        "(IntegrityError)."
    )


# --- records made under ruleset 2.0 (spec §11) ---------------------------------------------

RULESET_2_0 = Path(__file__).parent / "data" / "ruleset-2.0-patient.json"


def test_a_2_0_record_is_kept_exactly_as_recorded(store: Store) -> None:
    """A file exported under 2.0 (a cancer history with night pain was then urgent, and
    1 × 150 stepped up to 2 × 150) imports as recorded, is never decided again, and
    exports byte for byte the same consultations."""
    data = json.loads(RULESET_2_0.read_text())

    [pid] = store.import_file(dumps(data).encode())
    history = store.consultations(pid)

    assert [(v.ruleset_version, v.decision) for v in history] == [
        ("2.0", "URGENT_REFERRAL"),
        ("2.0", "PROGRESS"),
    ]
    assert history[1].recommendation["next_dose"]["minutes_per_walk"] == {"min": 150, "max": 150}
    again = store.export(pid)
    kept = ("recorded_at", "ruleset_version", "assessment", "recommendation")
    assert [{k: v[k] for k in kept} for v in again["consultations"]] == [
        {k: v[k] for k in kept} for v in data["consultations"]
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r.update(cards=[]), "recommendation.cards"),
        (lambda r: r.update(flags=["PERSISTENT_SEVERE_PAIN"]), "recommendation.flags[0]"),
        (lambda r: r.update(ruleset_version="2.1"), "recommendation.ruleset_version"),
    ],
    ids=["no cards", "a 2.1 flag in a 2.0 record", "another ruleset inside"],
)
def test_a_2_0_record_is_checked_against_its_own_frozen_contract(
    store: Store, change: Any, field: str
) -> None:
    data = json.loads(RULESET_2_0.read_text())
    change(data["consultations"][0]["recommendation"])

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    assert f"consultations[0].{field}" in [e.field for e in caught.value.errors]
    assert rows(store, "patients") == 0


def test_a_2_0_record_without_its_walking_is_refused_by_its_contract(store: Store) -> None:
    """2.0 required the walking even in an emergency: its frozen contract still does."""
    data = json.loads(RULESET_2_0.read_text())
    del data["consultations"][0]["assessment"]["walking"]

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(data).encode())

    assert "consultations[0].assessment.walking" in [e.field for e in caught.value.errors]


def test_a_review_after_a_2_0_record_carries_its_findings(store: Store) -> None:
    from walkback_rules.consultation.review import start_review

    [pid] = store.import_file(RULESET_2_0.read_bytes())
    start = start_review(pid, store.consultations(pid), date(2026, 11, 1), store.referrals(pid))

    assert start is not None
    assert [c.key for c in start.carried] == ["cancer_history"]
    assert start.prefill.last_ruleset == "2.0"


# --- a second press of Save ------------------------------------------------------------------


def test_a_second_save_of_one_decided_consultation_stores_nothing(store: Store) -> None:
    pid = store.new_patient().id
    assessment = Assessment.model_validate(assessment_data())

    first, _ = store.record(pid, *decided(assessment), key="k" * 32, actor="js@clinic.example")
    again, _ = store.record(pid, *decided(assessment), key="k" * 32, actor="js@clinic.example")

    assert again.id == first.id and again.recorded_at == first.recorded_at
    assert len(store.consultations(pid)) == 1
    saves = [r for r in store.audit_trail(patient=pid) if r.action == "save_consultation"]
    assert len(saves) == 1
    other, _ = store.record(pid, *decided(assessment), key="n" * 32)  # a new decision
    assert other.id != first.id and len(store.consultations(pid)) == 2


def test_two_presses_at_once_store_one_consultation(store: Store) -> None:
    """Two saves with one key racing (a double press, two requests in flight)."""
    from concurrent.futures import ThreadPoolExecutor

    pid = store.new_patient().id
    assessment = Assessment.model_validate(assessment_data())
    with ThreadPoolExecutor(4) as pool:
        saved = list(
            pool.map(lambda _: store.record(pid, *decided(assessment), key="race")[0].id, range(4))
        )

    assert len(set(saved)) == 1
    assert len(store.consultations(pid)) == 1


def test_a_record_on_a_read_only_disk_is_read_and_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finding: a read-only disk blocked even reading histories."""
    import errno

    from walkback_rules.store import repo

    url = f"sqlite:///{tmp_path / 'record.db'}"
    with Store.open(url) as store:
        pid = store.new_patient().id
        store.record(pid, *decided(Assessment.model_validate(assessment_data())))

    def read_only_disk(_url: str) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(repo, "_private_file", read_only_disk)
    with Store.open(url) as store:
        assert [p.id for p in store.patients()] == [pid]
        assert len(store.consultations(pid)) == 1
        with pytest.raises(StoreError, match="is read-only: nothing can be saved"):
            store.new_patient()
        with pytest.raises(StoreError, match="is read-only"):
            store.audit("js@clinic.example", "open_patient", pid)  # a read stays fail-closed

    def failing_disk(_url: str) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(repo, "_private_file", failing_disk)  # not read-only: refused
    with pytest.raises(StoreError, match="cannot be opened: i/o error"):
        Store.open(url)


def test_two_saves_of_one_diary_week_at_once_both_land(store: Store) -> None:
    """The finding (PostgreSQL): two saves of one week at the same instant failed with
    UniqueViolation in 8 of 10 trials (read, delete, insert under READ COMMITTED)."""
    from concurrent.futures import ThreadPoolExecutor

    pid = store.new_patient().id
    for trial in range(10):
        week = (date(2026, 1, 5) + timedelta(weeks=trial)).isoformat()
        saves = [DiaryWeek(week, walks, 20, 3) for walks in (2, 4)]
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda w: store.set_diary(pid, w, actor="js@clinic.example"), saves))
        [kept] = [w for w in store.diary(pid) if w.week_start == week]
        assert kept.walks in (2, 4)


def test_replacing_from_an_older_export_never_deletes_newer_visits_unasked(store: Store) -> None:
    """The finding: `import --replace` of an older export deleted newer consultations
    without a word."""
    pid = store.new_patient().id
    assessment = Assessment.model_validate(assessment_data())
    store.record(pid, *decided(assessment), at="2026-11-02T09:00:00+00:00")
    older = dumps(store.export(pid)).encode()
    store.record(pid, *decided(assessment), at="2026-11-16T09:00:00+00:00")

    with pytest.raises(ImportError_, match="newer than the file's newest") as refused:
        store.import_file(older, replace=True)
    assert f"--replace-newer {pid}" in str(refused.value.errors[0])
    assert len(store.consultations(pid)) == 2  # nothing written

    store.import_file(older, replace=True, newer=[pid])  # named: replaced as asked
    assert len(store.consultations(pid)) == 1
    store.import_file(older, replace=True)  # the same age: nothing newer is lost


def test_a_diary_week_saved_meanwhile_is_shown_never_overwritten(store: Store) -> None:
    """The finding: a week saved by two people went to the last writer, without showing
    the first what the week held."""
    from walkback_rules.store import Conflict

    pid = store.new_patient().id
    week = "2026-11-23"
    shown = None  # both pages showed the week empty
    store.set_diary(pid, DiaryWeek(week, 4, 40, 3), actor="amy@clinic.example", shown=shown)

    with pytest.raises(
        Conflict, match=r"now holds 4 walks, 40 minutes, worst pain 3 \(saved by amy@clinic.example"
    ):
        store.set_diary(pid, DiaryWeek(week, 2, 20, 5), actor="ben@clinic.example", shown=shown)
    assert store.diary(pid) == [DiaryWeek(week, 4, 40, 3)]  # nothing written

    # Shown what it holds now, the second person saves again: a correction, kept.
    store.set_diary(
        pid, DiaryWeek(week, 2, 20, 5), actor="ben@clinic.example", shown=DiaryWeek(week, 4, 40, 3)
    )
    assert store.diary(pid) == [DiaryWeek(week, 2, 20, 5)]
    # The same figures saved twice are no conflict.
    store.set_diary(pid, DiaryWeek(week, 2, 20, 5), shown=None)


def test_two_tabs_of_one_browser_never_overwrite_each_others_draft(store: Store) -> None:
    """The finding: two tabs on one browser address overwrote each other's draft (a
    clinical note vanished)."""
    from walkback_rules.store import Conflict

    pid = store.new_patient().id
    first = store.save_draft("tab-browser", pid, {"note": "first tab"})
    second = store.save_draft("tab-browser", pid, {"note": "second tab"}, kept_at=first)

    with pytest.raises(Conflict, match="another tab of this browser"):
        store.save_draft("tab-browser", pid, {"note": "first tab, later"}, kept_at=first)
    kept = store.draft("tab-browser", pid)
    assert kept is not None and kept.form == {"note": "second tab"}
    store.save_draft("tab-browser", pid, {"note": "second tab, later"}, kept_at=second)


def test_a_setting_changed_meanwhile_is_said_never_overwritten(store: Store) -> None:
    from walkback_rules.store import Conflict

    before = store.settings().to_json()
    store.save_settings({"phone": "02 9555 0123"}, actor="amy@clinic.example", shown=before)

    with pytest.raises(
        Conflict, match=r"by amy@clinic.example.*Clinic phone is now “02 9555 0123”"
    ):
        store.save_settings({"phone": "02 9555 9999"}, actor="ben@clinic.example", shown=before)
    assert store.settings().phone == "02 9555 0123"
    # Another setting changed by the second person is no conflict: only what they changed.
    store.save_settings({"emergency": "000"}, actor="ben@clinic.example", shown=before)
    assert (store.settings().phone, store.settings().emergency) == ("02 9555 0123", "000")


# --- the list reads a page of patients -------------------------------------------------------


def _expected_rows(store: Store) -> list[tuple[Any, ...]]:
    """Each patient's list row worked out from their consultations, in the list's order."""
    rows = []
    for p in store.find_patients(limit=10_000)[0]:
        visits = store.consultations(p.id)
        last = max(visits, key=lambda c: (c.visit_date, c.recorded_at, c.id), default=None)
        rows.append(
            (
                p.id,
                len(visits),
                None if last is None else last.visit_date,
                None if last is None else last.decision,
                None if last is None else last.recorded_at,
            )
        )
    return sorted(
        rows, key=lambda r: (r[2] is not None, r[2] or "", r[4] or "", r[0]), reverse=True
    )


def _listed(store: Store, **page: Any) -> list[tuple[Any, ...]]:
    return [
        (r.id, r.consultations, r.last_seen, r.last_decision, r.last_recorded)
        for r in store.patients(**page)
    ]


def _some_patients(store: Store) -> None:
    assessment = Assessment.model_validate(assessment_data())
    for i in range(7):
        pid = store.new_patient(f"ward {i}").id
        for j in range(i % 4):  # 0 to 3 visits; one written up late, for an earlier day
            day = date(2026, 11, 2 + 3 * j + i)
            at = f"2026-11-{20 - j:02d}T09:0{i}:00+00:00"
            details = VisitDetails(
                visit_date=day.isoformat(), screens=screen_status(assessment, None, None)
            )
            store.record(pid, *decided(assessment), at=at, details=details)


def test_the_list_row_of_each_patient_keeps_step_with_their_consultations(store: Store) -> None:
    _some_patients(store)
    expected = _expected_rows(store)

    assert _listed(store) == expected
    assert _listed(store, limit=3) == expected[:3]
    assert _listed(store, limit=3, offset=3) == expected[3:6]
    assert store.count_patients() == 7 and store.count_patients("ward 3") == 1
    # An import writes the row as it writes the consultations.
    pid = expected[0][0]
    exported = dumps(store.export(pid)).encode()
    store.delete_patient(pid)
    store.import_file(exported)
    assert _listed(store) == expected


def test_the_migration_fills_the_list_rows_of_an_existing_record(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'record.db'}"
    with Store.open(url) as store:
        _some_patients(store)
        expected = _expected_rows(store)
    with sa.create_engine(url).begin() as conn:  # back to 0015, as a record made then
        conn.exec_driver_sql("DROP INDEX ix_patients_follow_up")  # 0017's
        conn.exec_driver_sql("ALTER TABLE patients DROP COLUMN follow_up_from")
        conn.exec_driver_sql("DROP INDEX ix_patients_listed")
        conn.exec_driver_sql("DROP INDEX ix_patients_created")
        for column in ("visits", "last_visit", "last_decision", "last_review", "last_recorded"):
            conn.exec_driver_sql(f"ALTER TABLE patients DROP COLUMN {column}")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0015'")
    with Store.open(url) as store:
        assert _listed(store) == expected


# --- exports in constant memory ---------------------------------------------------------------


def _bulk(url: str, size: int) -> None:
    """A record of `size` patients, each with two consultations, written in bulk."""
    import sqlite3

    Store.open(url).close()
    assessment = Assessment.model_validate(assessment_data())
    a, r = decided(assessment)
    stored = (json.dumps(a.model_dump(mode="json")), json.dumps(r.model_dump(mode="json")))
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    with db:
        db.executemany(
            "INSERT INTO patients (id, label, created_at) "
            "VALUES (?, ?, '2026-01-01T00:00:00+00:00')",
            ((f"P-{i:06d}", f"bay {i}") for i in range(size)),
        )
        db.executemany(
            "INSERT INTO consultations (patient_id, recorded_at, ruleset_version, decision, "
            "assessment, recommendation, visit_date) VALUES (?, ?, '2.1', ?, ?, ?, '2026-11-02')",
            (
                (f"P-{i:06d}", f"2026-11-02T09:00:0{k}+00:00", r.decision.value, *stored)
                for i in range(size)
                for k in range(2)
            ),
        )
    db.close()


def _export_peak(url: str) -> tuple[int, int]:
    """Patients exported, and the peak memory the export took (tracemalloc)."""
    import tracemalloc

    count = 0
    with Store.open(url) as store:
        tracemalloc.start()
        for patient in store.export_all(batch=100):
            dumps(patient)
            count += 1
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return count, peak


def test_an_export_of_every_patient_takes_the_same_memory_at_any_size(tmp_path: Path) -> None:
    """The finding: export held the whole record in memory (3.3 GB at 10,000 patients)."""
    small, large = f"sqlite:///{tmp_path / 'small.db'}", f"sqlite:///{tmp_path / 'large.db'}"
    _bulk(small, 300)
    _bulk(large, 1500)

    (few, few_peak), (many, many_peak) = _export_peak(small), _export_peak(large)
    print(f"export peak: {few} patients {few_peak / 1e6:.1f} MB, {many} {many_peak / 1e6:.1f} MB")
    assert (few, many) == (300, 1500)
    assert many_peak < 1.5 * few_peak  # five times the patients, not five times the memory


def test_an_export_that_fails_half_way_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from walkback_rules.cli import main
    from walkback_rules.store import repo

    url = f"sqlite:///{tmp_path / 'record.db'}"
    _bulk(url, 250)
    monkeypatch.setenv("WALKBACK_DB_URL", url)
    real, calls = repo._export_batch, []

    def failing(conn: Any, people: Any) -> Any:
        calls.append(len(people))
        if len(calls) == 2:
            raise StoreError("the disk holding the patient record is full")
        return real(conn, people)

    monkeypatch.setattr(repo, "_export_batch", failing)
    monkeypatch.setattr(repo, "EXPORT_BATCH", 100)
    target = tmp_path / "all.jsonl"
    status = main(["patients", "export", "--all", "-o", str(target)])

    assert status == 2 and calls == [100, 100]
    assert "disk holding the patient record is full" in capsys.readouterr().err
    assert not target.exists()
    assert not list(tmp_path.glob(".walkback-*.part"))  # nothing half-written left behind
