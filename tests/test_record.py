"""The consultation as a clinical record: visit details, corrections, drafts, prints, diary
changes, and the migration that brings older records to them (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from walkback_rules import recommend
from walkback_rules.consultation.visit import (
    VisitDetails,
    details_problems,
    screen_status,
    screens_line,
)
from walkback_rules.store import DiaryWeek, ImportError_, NotFound, Store, StoreError, dumps
from walkback_rules.store.repo import HEAD

from .conftest import make_assessment
from .stores import decided, old_record, rows

TODAY = date.today()


def details(**changes: object) -> VisitDetails:
    data: dict[str, object] = {
        "visit_date": TODAY.isoformat(),
        "clinician": "JS",
        "note": "Walks the dog daily.\nKeen to get back to golf.",
        "screens": {
            "red_flags": "negative",
            "exercise_screen": "negative",
            "phq2": "not_asked",
            "startback": "not_asked",
        },
        "review_date": (TODAY + timedelta(days=14)).isoformat(),
        **changes,
    }
    return VisitDetails.model_validate(data)


# --- screens: negative, positive, not asked ---------------------------------------------


@pytest.mark.parametrize(
    ("changes", "asked", "expected"),
    [
        ({}, (None, None), ("not_asked", "not_asked", "not_asked", "not_asked")),
        ({}, ("none_present", "not_asked"), ("negative", "not_asked", "not_asked", "not_asked")),
        ({"red_flags": ["ces_saddle"]}, ("not_asked", None),
         ("positive", "not_asked", "not_asked", "not_asked")),
        ({"exercise_screen": ["chest_pain_on_exertion"]}, ("none_present", "none_present"),
         ("negative", "positive", "not_asked", "not_asked")),
        ({"phq2": 2}, (None, None), ("not_asked", "not_asked", "negative", "not_asked")),
        ({"phq2": 3}, (None, None), ("not_asked", "not_asked", "positive", "not_asked")),
        ({"startback": {"total": 3, "distress": 1}}, (None, None),
         ("not_asked", "not_asked", "not_asked", "negative")),
        ({"startback": {"total": 4, "distress": 1}}, (None, None),
         ("not_asked", "not_asked", "not_asked", "positive")),
    ],
)  # fmt: skip
def test_each_screen_is_negative_positive_or_not_asked(
    changes: dict[str, object], asked: tuple[str | None, str | None], expected: tuple[str, ...]
) -> None:
    """An empty checklist is negative only when the clinician said none was present; a
    score not entered is not asked, and PHQ-2 3 and STarT Back 4 are the boundaries."""

    status = screen_status(make_assessment(**changes), *asked)

    assert tuple(status.values()) == expected


def test_screens_in_words_never_say_none_for_not_asked() -> None:
    line = screens_line(details().screens)

    assert line == (
        "Red flags: screened, negative · Exercise safety: screened, negative · "
        "PHQ-2: not asked · STarT Back: not asked"
    )
    assert "not recorded" in screens_line(None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"visit_date": (TODAY + timedelta(days=1)).isoformat()}, "visit_date",
         "Visit date must be today or earlier; you entered"),
        ({"review_date": TODAY.isoformat()}, "review_date",
         "Next review must be after the visit date and within a year of it"),
        ({"review_date": (TODAY + timedelta(days=366)).isoformat()}, "review_date",
         "Next review must be after the visit date and within a year of it"),
        ({"clinician": "x" * 61}, "clinician",
         "Clinician must be plain printable text of at most 60 characters"),
        ({"note": "fine\n\u202eevil"}, "note", "Clinical note must be"),
        ({"visit_date": "2026-13-01"}, "visit_date", "Visit date must be a date as YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_bad_visit_details_name_the_field(
    changes: dict[str, object], field: str, message: str
) -> None:
    data = {**details().model_dump(), **changes}

    found, problems = details_problems(data, TODAY)

    assert found is None
    assert problems[field].startswith(message), problems


def test_a_visit_written_up_later_and_a_review_a_year_on_are_allowed() -> None:
    data = {
        **details().model_dump(),
        "visit_date": (TODAY - timedelta(days=3)).isoformat(),
        "review_date": (TODAY - timedelta(days=3) + timedelta(days=365)).isoformat(),
    }

    found, problems = details_problems(data, TODAY)

    assert problems == {} and found is not None


# --- saving a visit ------------------------------------------------------------------------


def test_a_consultation_keeps_its_visit_details(store: Store) -> None:
    p = store.new_patient()
    written_up = details(visit_date=(TODAY - timedelta(days=2)).isoformat())

    saved, _ = store.record(p.id, *decided(make_assessment()), details=written_up)
    again = store.consultations(p.id)[0]

    assert again.visit() == written_up
    assert again.visit_date == written_up.visit_date
    assert again.review_date == written_up.review_date
    assert saved == again


def test_without_details_nothing_is_recorded_as_negative(store: Store) -> None:
    """A consultation saved without details (the command line) says what it knows: the
    day, and each screen positive or not asked."""
    p = store.new_patient()

    saved, _ = store.record(p.id, *decided(make_assessment(red_flags=["ces_saddle"])))

    visit = saved.visit()
    assert visit is not None
    assert visit.screens == {
        "red_flags": "positive",
        "exercise_screen": "not_asked",
        "phq2": "not_asked",
        "startback": "not_asked",
    }


def test_a_correction_is_a_new_consultation_naming_the_one_it_corrects(store: Store) -> None:
    p = store.new_patient()
    first, _ = store.record(p.id, *decided(make_assessment(age=50)), details=details())

    fixed, _ = store.record(
        p.id, *decided(make_assessment(age=51)), details=details(corrects=first.recorded_at)
    )

    history = store.consultations(p.id)
    assert [c.assessment["age"] for c in history] == [50, 51]  # the first is untouched
    assert history[1].visit().corrects == first.recorded_at  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="to correct"):
        store.record(
            p.id, *decided(make_assessment()), details=details(corrects="2001-01-01T00:00:00+00:00")
        )
    assert rows(store, "consultations") == 2
    assert fixed.id != first.id


def test_a_visit_in_the_future_is_refused_and_nothing_is_written(store: Store) -> None:
    p = store.new_patient()

    with pytest.raises(StoreError, match="Visit date must be today or earlier"):
        store.record(
            p.id,
            *decided(make_assessment()),
            details=details(visit_date=(TODAY + timedelta(days=1)).isoformat(), review_date=None),
        )

    assert rows(store, "consultations") == 0


def test_visits_are_in_the_order_they_happened(store: Store) -> None:
    """A visit written up later takes its place by its visit date."""
    p = store.new_patient()
    store.record(p.id, *decided(make_assessment(age=60)), details=details(review_date=None))
    store.record(
        p.id,
        *decided(make_assessment(age=59)),
        details=details(visit_date=(TODAY - timedelta(days=14)).isoformat(), review_date=None),
    )

    assert [c.assessment["age"] for c in store.consultations(p.id)] == [59, 60]


# --- drafts ----------------------------------------------------------------------------------


def test_a_draft_is_kept_per_browser_and_patient_and_goes_when_saved(store: Store) -> None:
    p = store.new_patient()
    store.save_draft("browser-a", None, {"age": 70})
    store.save_draft("browser-b", None, {"age": 30})

    assert store.move_draft("browser-a", p.id)
    assert store.draft("browser-a", None) is None
    assert store.draft("browser-a", p.id).form == {"age": 70}  # type: ignore[union-attr]
    assert store.draft("browser-b", None).form == {"age": 30}  # type: ignore[union-attr]

    store.record(p.id, *decided(make_assessment()), draft="browser-a")

    assert store.draft("browser-a", p.id) is None
    assert store.draft("browser-b", None) is not None


def test_a_draft_never_overwrites_the_patients_own(store: Store) -> None:
    p = store.new_patient()
    store.save_draft("b", p.id, {"age": 41})
    store.save_draft("b", None, {"age": 42})

    assert not store.move_draft("b", p.id)
    assert [d.form["age"] for d in store.drafts("b")] == [42, 41]


def test_a_failed_save_keeps_the_draft(store: Store) -> None:
    p = store.new_patient()
    store.save_draft("b", p.id, {"age": 41})

    with pytest.raises(StoreError):
        store.record(p.id, *decided(make_assessment()), details=details(corrects="nope"), draft="b")

    assert store.draft("b", p.id) is not None


def test_deleting_a_patient_removes_their_drafts_and_prints(store: Store) -> None:
    p = store.new_patient()
    saved, _ = store.record(p.id, *decided(make_assessment()))
    store.record_print(saved.id, "handout", {"clinic": "x"})
    store.save_draft("b", p.id, {"age": 41})
    store.set_diary(p.id, DiaryWeek("2026-11-23", 3, 30, 2))
    store.remove_diary(p.id, "2026-11-23")

    store.delete_patient(p.id)

    for table in ("drafts", "printouts", "diary_changes", "consultations"):
        assert rows(store, table) == 0, table


def test_the_clinician_is_remembered_per_browser(store: Store) -> None:
    store.remember_clinician("a", "JS")
    store.remember_clinician("a", "J. Smith")

    assert store.clinician("a") == "J. Smith"
    assert store.clinician("b") is None


# --- the diary's changes ---------------------------------------------------------------------


def test_diary_corrections_and_removals_are_kept(store: Store) -> None:
    p = store.new_patient()
    store.set_diary(p.id, DiaryWeek("2026-11-23", 3, 30, 2))
    store.set_diary(p.id, DiaryWeek("2026-11-23", 3, 30, 2))  # the same again: no change
    store.set_diary(p.id, DiaryWeek("2026-11-23", 4, 45, 2))
    store.remove_diary(p.id, "2026-11-23")

    changes = store.diary_changes(p.id)
    assert [(c.change, c.before, c.after) for c in changes] == [
        ("corrected", {"walks": 3, "minutes": 30, "worst_pain": 2},
         {"walks": 4, "minutes": 45, "worst_pain": 2}),
        ("removed", {"walks": 4, "minutes": 45, "worst_pain": 2}, None),
    ]  # fmt: skip
    assert store.diary(p.id) == []
    with pytest.raises(NotFound):
        store.remove_diary(p.id, "2026-11-23")


# --- export and import -----------------------------------------------------------------------


def test_details_prints_and_diary_changes_survive_export_and_import(store: Store) -> None:
    p = store.new_patient()
    saved, _ = store.record(p.id, *decided(make_assessment()), details=details())
    store.record_print(saved.id, "handout", {"clinic": "Northside", "paper": "a4"})
    store.set_diary(p.id, DiaryWeek("2026-11-23", 3, 30, 2))
    store.set_diary(p.id, DiaryWeek("2026-11-23", 4, 30, 2))
    exported = store.export(p.id)
    store.delete_patient(p.id)

    store.import_file(dumps(exported).encode())

    assert store.export(p.id) == exported
    again = store.consultations(p.id)[0]
    assert again.visit() == details()
    assert [x.options for x in store.printouts(again.id)] == [
        {"clinic": "Northside", "paper": "a4"}
    ]


def test_an_import_refuses_a_correction_of_nothing_and_a_visit_after_its_recording(
    store: Store,
) -> None:
    p = store.new_patient()
    store.record(p.id, *decided(make_assessment()), details=details())
    exported = store.export(p.id)
    store.delete_patient(p.id)
    visit = exported["consultations"][0]
    visit["details"] = {**visit["details"], "corrects": "2026-01-01T00:00:00+00:00"}
    exported["consultations"].append(
        {**visit, "details": {**visit["details"], "corrects": None, "visit_date": "2099-01-01"}}
    )

    with pytest.raises(ImportError_) as caught:
        store.import_file(dumps(exported).encode())

    fields = [e.field for e in caught.value.errors]
    assert "consultations[0].details.corrects" in fields
    assert "consultations[1].details.visit_date" in fields
    assert rows(store, "patients") == 0


# --- migration -------------------------------------------------------------------------------


def test_migration_keeps_records_made_before_visit_details(tmp_path: Path) -> None:
    """A database at 0002 holding 2.0 consultations: after migration each keeps its
    assessment and recommendation, takes its recording day as its visit date, and has no
    details (nothing says a screen was negative); new consultations then save beside them."""

    url = f"sqlite:///{tmp_path / 'old.db'}"
    assessment = make_assessment()
    rec = recommend(assessment)
    with old_record(url, "0002") as conn:
        conn.execute(
            sa.text(
                "INSERT INTO consultations (patient_id, recorded_at, ruleset_version, decision, "
                "referral_urgency, assessment, recommendation) VALUES ('P-2345AB', "
                "'2026-02-03T23:30:00+00:00', '2.0', :d, NULL, :a, :r)"
            ),
            {
                "d": rec.decision.value,
                "a": json.dumps(assessment.model_dump(mode="json")),
                "r": json.dumps(rec.model_dump(mode="json")),
            },
        )
        conn.exec_driver_sql(
            "INSERT INTO diary (patient_id, week_start, walks, minutes, worst_pain) VALUES "
            "('P-2345AB', '2026-02-02', 3, 30, 2)"
        )

    with Store.open(url) as store:
        with store.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        old = store.consultations("P-2345AB")[0]
        store.record("P-2345AB", *decided(make_assessment()), details=details())
        history = store.consultations("P-2345AB")
        exported = store.export("P-2345AB")

    assert version == HEAD
    assert old.visit_date == "2026-02-03" and old.details is None and old.visit() is None
    assert old.recommendation == rec.model_dump(mode="json")
    assert [c.visit_date for c in history] == ["2026-02-03", TODAY.isoformat()]
    assert "details" not in exported["consultations"][0]
    assert exported["diary"] == [
        {"week_start": "2026-02-02", "walks": 3, "minutes": 30, "worst_pain": 2}
    ]


# --- what the visit puts on paper, and what a review carries on ----------------------------


def test_the_summary_shows_the_pseudonym_date_clinician_and_screens() -> None:
    """The trial found "Patient: not recorded" with the patient open."""
    import io

    from pypdf import PdfReader

    from walkback_rules.handouts import HandoutOptions, summary_file

    assessment = make_assessment()
    pdf = summary_file(assessment, HandoutOptions(patient="P-2345AB"), None, details())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Patient: P-2345AB" in flat
    assert f"Visit date {TODAY.isoformat()}" in flat
    assert "Clinician JS" in flat
    assert "Red flags: screened, negative" in flat and "PHQ-2: not asked" in flat
    assert "Walks the dog daily." in flat  # the note is the clinician's, on their summary


def test_the_handout_gives_the_next_visit_and_never_the_note() -> None:
    from walkback_rules.handouts import HandoutOptions, build_handout

    assessment = make_assessment()
    review = TODAY + timedelta(days=14)
    handout = build_handout(assessment, recommend(assessment), HandoutOptions(review=review))

    assert f"Your next visit is on {review:%A} {review.day} {review:%B %Y}." in handout.intro
    assert "dog" not in " ".join(s.text() for s in handout.sections) + handout.intro


def test_a_review_advances_the_episode_and_carries_usual_pain() -> None:
    from walkback_rules.consultation.review import prefill
    from walkback_rules.store import Consultation

    assessment = make_assessment(episode_weeks=3, usual_pain=2)
    rec = recommend(assessment)
    seen = TODAY - timedelta(days=15)
    last = Consultation(
        1, "P-2345AB", f"{seen.isoformat()}T09:00:00+00:00", "2.1", rec.decision.value, None,
        assessment.model_dump(mode="json"), rec.model_dump(mode="json"), seen.isoformat(),
    )  # fmt: skip

    start = prefill([last], TODAY)

    assert start is not None
    assert start.data["episode_weeks"] == 5  # 3 weeks then, and 2 full weeks since
    assert start.data["usual_pain"] == 2
    a_day_earlier = prefill([last], TODAY - timedelta(days=2))  # 13 days: one full week
    assert a_day_earlier is not None and a_day_earlier.data["episode_weeks"] == 4


def test_no_draft_is_kept_for_a_patient_who_has_been_deleted(store: Store) -> None:
    p = store.new_patient()
    store.delete_patient(p.id)

    with pytest.raises(NotFound):
        store.save_draft("b", p.id, {"age": 41})

    assert rows(store, "drafts") == 0


def test_migration_0007_keeps_2_0_records_and_refuses_an_unreleased_ruleset(
    tmp_path: Path,
) -> None:
    """A database at 0006 holding consultations made under 2.0: after 0007 each row is
    exactly as it was, and the record refuses a consultation naming an unreleased ruleset."""
    from .test_store import RULESET_2_0

    url = f"sqlite:///{tmp_path / 'old.db'}"
    file = json.loads(RULESET_2_0.read_text())
    with old_record(url, "0006") as conn:
        for visit in file["consultations"]:
            conn.execute(
                sa.text(
                    "INSERT INTO consultations (patient_id, recorded_at, ruleset_version, "
                    "decision, referral_urgency, assessment, recommendation, visit_date) VALUES "
                    "('P-2345AB', :t, '2.0', :d, :u, :a, :r, :v)"
                ),
                {
                    "t": visit["recorded_at"],
                    "d": visit["recommendation"]["decision"],
                    "u": (visit["recommendation"]["referral"] or {}).get("urgency"),
                    "a": json.dumps(visit["assessment"]),
                    "r": json.dumps(visit["recommendation"]),
                    "v": visit["recorded_at"][:10],
                },
            )
        before = conn.exec_driver_sql("SELECT * FROM consultations ORDER BY id").all()

    with Store.open(url) as store:
        with store.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            after = conn.exec_driver_sql("SELECT * FROM consultations ORDER BY id").all()
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE consultations SET ruleset_version = '9.9'")
        history = store.consultations("P-2345AB")

    assert version == HEAD
    assert after == before
    assert [v.ruleset_version for v in history] == ["2.0", "2.0"]


# --- the language of a patient's sheets ---------------------------------------------------


def test_migration_0008_gives_every_patient_english_and_keeps_their_consultations(
    tmp_path: Path,
) -> None:
    """A database at 0007: after 0008 each patient prints in English, and no consultation
    is lost (rebuilding the patients table would have cascaded their deletion)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Store.open(url) as store:
        pid = store.new_patient("A").id
        store.record(pid, *decided(make_assessment()))
    with sa.create_engine(url).begin() as conn:  # back to 0007, as a database made then
        conn.exec_driver_sql("DROP INDEX ix_patients_follow_up")  # 0017's
        conn.exec_driver_sql("ALTER TABLE patients DROP COLUMN follow_up_from")
        conn.exec_driver_sql("DROP INDEX ix_patients_listed")  # 0016's to 0009's, after 0008
        conn.exec_driver_sql("DROP INDEX ix_patients_created")
        for column in ("visits", "last_visit", "last_decision", "last_review", "last_recorded"):
            conn.exec_driver_sql(f"ALTER TABLE patients DROP COLUMN {column}")
        conn.exec_driver_sql("DROP TABLE save_keys")
        conn.exec_driver_sql("DROP TABLE sessions")
        conn.exec_driver_sql("ALTER TABLE users DROP COLUMN valid_from")
        conn.exec_driver_sql("ALTER TABLE users DROP COLUMN subject")
        conn.exec_driver_sql("ALTER TABLE audit DROP COLUMN hash")
        conn.exec_driver_sql("DROP TABLE measures")
        conn.exec_driver_sql("DROP TABLE check_ins")
        conn.exec_driver_sql("DROP TABLE discharges")
        conn.exec_driver_sql("ALTER TABLE patients DROP COLUMN language")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0007'")
        before = conn.exec_driver_sql("SELECT * FROM consultations ORDER BY id").all()

    with Store.open(url) as store, store.engine.connect() as conn:
        after = conn.exec_driver_sql("SELECT * FROM consultations ORDER BY id").all()
        assert store.patient(pid).language == "en"

    assert before and after == before


def test_a_patients_language_is_kept_audited_and_carried_by_export(store: Store) -> None:
    pid = store.new_patient().id

    changed = store.set_language(pid, "es", actor="sam@clinic.example")
    with pytest.raises(StoreError, match="language: one of en, es"):
        store.set_language(pid, "fr")
    exported = store.export(pid)

    assert changed.language == store.patient(pid).language == "es"
    assert ("sam@clinic.example", "set_language", pid) in [
        (r.actor, r.action, r.patient) for r in store.audit_trail()
    ]
    assert exported["patient"]["language"] == "es"
    store.delete_patient(pid)
    store.import_file(dumps(exported).encode())
    assert store.patient(pid).language == "es"


def test_an_import_refuses_a_language_the_sheets_are_not_printed_in(store: Store) -> None:
    pid = store.new_patient().id
    exported = store.export(pid)
    store.delete_patient(pid)
    exported["patient"]["language"] = "fr"

    with pytest.raises(ImportError_) as refused:
        store.import_file(dumps(exported).encode())

    assert '"en" or "es"' in str(refused.value)
    with pytest.raises(NotFound):
        store.patient(pid)


def test_a_backups_command_line_never_carries_the_database_password() -> None:
    """pg_dump and pg_restore get the password in their environment: a command line is
    readable by every user of the machine."""
    from walkback_rules.store.backup import _libpq

    dsn, env = _libpq(
        "postgresql+psycopg://walkback:s3cret@db.example:5432/walkback?sslmode=require"
    )

    assert "s3cret" not in dsn and env["PGPASSWORD"] == "s3cret"
    assert dsn == "postgresql://walkback@db.example:5432/walkback?sslmode=require"


def test_the_service_reads_the_records_address_from_its_credential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """systemd's LoadCredential= hands the address to the service alone: no environment
    line or unit file holds the password. The environment variable still wins."""
    from walkback_rules.store.repo import CREDENTIAL, default_url

    (tmp_path / CREDENTIAL).write_text("postgresql+psycopg://walkback:s3cret@db/walkback\n")
    monkeypatch.delenv("WALKBACK_DB_URL", raising=False)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))

    assert default_url() == "postgresql+psycopg://walkback:s3cret@db/walkback"
    monkeypatch.setenv("WALKBACK_DB_URL", "sqlite:///elsewhere.db")
    assert default_url() == "sqlite:///elsewhere.db"


def test_the_service_file_holds_no_password_and_cannot_write_its_code() -> None:
    unit = (Path(__file__).resolve().parent.parent / "deploy" / "walkback.service").read_text()

    assert "WALKBACK_DB_URL" not in unit and "LoadCredential=walkback-db-url:" in unit
    assert "ProtectSystem=strict" in unit and "ReadWritePaths=/opt/walkback" not in unit


def test_the_owner_migrates_before_the_app_starts_with_its_own_credential() -> None:
    deploy = Path(__file__).resolve().parent.parent / "deploy"
    app, migrate = (
        (deploy / "walkback.service").read_text(),
        (deploy / "walkback-migrate.service").read_text(),
    )

    assert (
        "Requires=walkback-migrate.service" in app
        and "walkback-migrate.service" in app.split("After=")[1]
    )
    assert "LoadCredential=walkback-db-url:/etc/walkback/db-url" in app
    assert "LoadCredential=walkback-db-url:/etc/walkback/owner-url" in migrate
    assert "ExecStart=/opt/walkback/.venv/bin/walkback admin migrate" in migrate
    assert "WALKBACK_DB_URL" not in migrate and "ProtectSystem=strict" in migrate
