"""Discharge and the recurrence follow-up in the record: kept per episode, refused by
field with nothing saved, due on their days, audited, exported and imported whole, gone
with the patient, and read by the outcome curve (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from walkback_rules.outcomes.cohort import compare
from walkback_rules.outcomes.followup import CheckIn, add_months
from walkback_rules.store import ImportError_, Store, StoreError, dumps, read_check_ins

from .conftest import make_assessment
from .stores import decided, rows

TODAY = date(2026, 12, 7)
FIRST = date(2026, 3, 2)
LAST = date(2026, 4, 13)
DISCHARGED = date(2026, 4, 20)


def _visit(store: Store, pid: str, day: date, **overrides: object) -> None:
    store.record(
        pid, *decided(make_assessment(**overrides)), at=f"{day.isoformat()}T10:00:00+00:00"
    )


def _discharged(store: Store, previous: int = 1) -> str:
    pid = store.new_patient().id
    _visit(store, pid, FIRST, previous_episodes=previous)
    _visit(store, pid, LAST)
    store.discharge(pid, DISCHARGED, "completed", actor="ab", today=TODAY)
    return pid


def _asked(month: int, pain: bool | None = False, **kw: object) -> CheckIn:
    day = kw.pop("asked_on", add_months(DISCHARGED, month))
    assert isinstance(day, date)
    fields: dict[str, object] = {"pain": pain}
    if pain:
        fields |= {"limited": True, "sought_care": False, "began": day - timedelta(days=10)}
    fields |= kw
    return CheckIn(month, day, "AB", "phone", True, **fields)  # type: ignore[arg-type]


def test_a_discharge_ends_the_episode_with_the_last_visits_dose(store: Store) -> None:
    pid = _discharged(store, previous=3)
    (episode,) = store.episodes(pid)
    last = store.consultations(pid)[-1].recommendation["next_dose"]

    assert episode.discharge.day == DISCHARGED and episode.discharge.reason == "completed"
    assert episode.discharge.dose == (
        last["walks_per_week"]["min"],
        last["minutes_per_walk"]["min"],
    )
    assert episode.many_episodes is True  # 3 previous episodes: more than two
    assert [a.action for a in store.audit_trail(patient=pid)][:1] == ["discharge"]


@pytest.mark.parametrize(
    ("day", "reason", "message"),
    [
        (LAST - timedelta(days=1), "completed", "Day of discharge: on or after the last visit"),
        (TODAY + timedelta(days=1), "completed", "Day of discharge: today or earlier"),
        (DISCHARGED, "cured", "Reason for discharge: one of programme completed"),
    ],
)
def test_a_wrong_discharge_is_refused_by_field_and_nothing_is_saved(
    store: Store, day: date, reason: str, message: str
) -> None:
    pid = store.new_patient().id
    _visit(store, pid, FIRST)
    _visit(store, pid, LAST)

    with pytest.raises(StoreError, match=message):
        store.discharge(pid, day, reason, today=TODAY)
    assert rows(store, "discharges") == 0


def test_no_discharge_without_a_visit_or_twice_without_one_between(store: Store) -> None:
    pid = store.new_patient().id
    with pytest.raises(StoreError, match="save a consultation first"):
        store.discharge(pid, DISCHARGED, "completed", today=TODAY)
    _visit(store, pid, FIRST)
    store.discharge(pid, DISCHARGED, "completed", today=TODAY)
    with pytest.raises(StoreError, match="already discharged on 2026-04-20, with no visit since"):
        store.discharge(pid, TODAY, "completed", today=TODAY)
    _visit(store, pid, date(2026, 11, 2))  # a new episode: it can end too
    store.discharge(pid, TODAY, "lost", today=TODAY)
    assert [e.discharge.reason for e in store.episodes(pid)] == ["completed", "lost"]


def test_check_ins_are_kept_in_month_order_and_each_is_audited(store: Store) -> None:
    pid = _discharged(store)
    for month in (2, 1, 3):
        store.record_check_in(pid, _asked(month), actor="ab", today=TODAY)
    episode = store.episodes(pid)[0]

    assert [c.month for c in episode.check_ins] == [1, 2, 3]
    assert episode.check_ins[0] == _asked(1)
    actions = [a.action for a in store.audit_trail(patient=pid)]
    assert actions.count("check_in") == 3


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_asked(1, asked_on=DISCHARGED - timedelta(days=1)), "Asked on: a day on or after"),
        (_asked(1, pain=True, began=add_months(DISCHARGED, 1) + timedelta(days=1)),
         "When it began: a day on or before the check-in"),
        (_asked(1, limited=True), "Back pain for 24 hours or more: with no back pain"),
        (_asked(37), "Month after discharge: a whole number of months after discharge"),
        (_asked(9), "Asked on: today or earlier"),
        (CheckIn(1, add_months(DISCHARGED, 1), "AB", "phone", False, pain=False),
         "Answered: an unanswered month has no answers"),
    ],
)  # fmt: skip
def test_a_wrong_check_in_is_refused_by_field_and_nothing_is_saved(
    store: Store, entry: CheckIn, message: str
) -> None:
    pid = _discharged(store)
    with pytest.raises(StoreError, match=message):
        store.record_check_in(pid, entry, today=TODAY)
    assert rows(store, "check_ins") == 0


def test_a_month_is_kept_once_and_corrected_on_purpose(store: Store) -> None:
    pid = _discharged(store)
    store.record_check_in(pid, _asked(1), today=TODAY)
    with pytest.raises(StoreError, match="month 1 is already recorded: correct that entry"):
        store.record_check_in(pid, _asked(1, pain=True), today=TODAY)
    store.record_check_in(pid, _asked(1, pain=True), replace=True, actor="ab", today=TODAY)

    assert store.episodes(pid)[0].check_ins == (_asked(1, pain=True),)
    assert "correct_check_in" in [a.action for a in store.audit_trail(patient=pid)]
    with pytest.raises(StoreError, match="month 2 has no check-in to correct"):
        store.record_check_in(pid, _asked(2), replace=True, today=TODAY)


def test_no_check_in_before_a_discharge(store: Store) -> None:
    pid = store.new_patient().id
    with pytest.raises(StoreError, match="has not been discharged"):
        store.record_check_in(pid, _asked(1), today=TODAY)


def test_due_list_holds_the_months_not_yet_asked_and_stops_at_a_recurrence(
    store: Store,
) -> None:
    pid = _discharged(store)
    quiet = _discharged(store)
    store.record_check_in(pid, _asked(1), today=TODAY)
    unanswered = CheckIn(2, add_months(DISCHARGED, 2), "AB", "card", False)
    store.record_check_in(pid, unanswered, today=TODAY)
    due = [(d.patient_id, d.month) for d in store.follow_ups_due(TODAY)]

    # Discharged 20 April: months 1 to 7 fall by 14 December (today + a week).
    assert [m for p, m in due if p == pid] == [3, 4, 5, 6, 7]
    assert [m for p, m in due if p == quiet] == [1, 2, 3, 4, 5, 6, 7]
    store.record_check_in(pid, _asked(3, pain=True), today=TODAY)
    assert [
        m for p, m in ((d.patient_id, d.month) for d in store.follow_ups_due(TODAY)) if p == pid
    ] == []
    days = [d.day for d in store.follow_ups_due(TODAY)]
    assert days == sorted(days)


def test_the_outcome_counts_an_unanswered_month_as_unknown_never_as_no_recurrence(
    store: Store,
) -> None:
    pid = _discharged(store)
    store.record_check_in(pid, _asked(1), today=TODAY)
    store.record_check_in(
        pid, CheckIn(2, add_months(DISCHARGED, 2), "AB", "card", False), today=TODAY
    )

    (member,) = store.cohort()
    assert member.outcome.days == (add_months(DISCHARGED, 1) - DISCHARGED).days
    assert member.outcome.event is False


def test_the_cohort_counts_each_person_once_from_their_first_discharge(store: Store) -> None:
    pid = _discharged(store)
    store.record_check_in(pid, _asked(5, pain=True), today=TODAY)
    _visit(store, pid, date(2026, 11, 2))
    store.discharge(pid, TODAY, "completed", today=TODAY)
    (member,) = store.cohort()

    assert member.discharged == DISCHARGED and member.outcome.event
    assert member.outcome.days == (add_months(DISCHARGED, 5) - timedelta(days=10) - DISCHARGED).days
    comparison = compare(store.cohort())
    assert comparison.followed == 1 and comparison.curve is not None


def test_export_and_import_round_trip_the_episodes_exactly(store: Store) -> None:
    pid = _discharged(store)
    for month in (1, 2, 3, 4):
        store.record_check_in(pid, _asked(month), today=TODAY)
    store.record_check_in(
        pid, _asked(5, pain=True, began=date(2026, 9, 1), month_only=True), today=TODAY
    )
    exported = store.export(pid)
    backup = list(store.export_all())

    assert len(exported["episodes"][0]["check_ins"]) == 5
    store.import_file(dumps(exported).encode(), replace=True)
    assert store.export(pid) == exported
    assert list(store.export_all()) == backup


def test_an_import_with_an_unsound_check_in_writes_nothing(store: Store) -> None:
    pid = _discharged(store)
    store.record_check_in(pid, _asked(1), today=TODAY)
    data = store.export(pid)
    data["episodes"][0]["check_ins"][0]["asked_on"] = "2026-01-01"
    store.delete_patient(pid)

    with pytest.raises(ImportError_) as caught:
        store.import_file(json.dumps(data).encode())
    assert "episodes[0].check_ins[0].asked_on" in str(caught.value)
    assert rows(store, "patients") == 0 and rows(store, "check_ins") == 0


def test_deleting_a_patient_removes_their_discharges_and_check_ins(store: Store) -> None:
    pid = _discharged(store)
    store.record_check_in(pid, _asked(1), today=TODAY)
    store.delete_patient(pid)

    assert rows(store, "discharges") == 0 and rows(store, "check_ins") == 0


HEADER = "patient,month,asked_on,asked_by,how,answered,pain,limited,sought_care,began\r\n"


def test_a_csv_of_check_ins_is_imported_whole(store: Store) -> None:
    pid = _discharged(store)
    csv = HEADER + (
        f"{pid},1,2026-05-20,AB,phone,yes,no,,,\r\n"
        f"{pid},2,2026-06-20,AB,paper card,no,,,,\r\n"
        f"{pid},3,2026-07-20,AB,message,yes,yes,yes,no,2026-07\r\n"
    )
    count = store.import_check_ins(read_check_ins(csv.encode()), actor="ab", today=TODAY)
    episode = store.episodes(pid)[0]

    assert count == 3
    assert [c.recurrence for c in episode.check_ins] == [False, False, True]
    assert episode.check_ins[2].began == date(2026, 7, 1) and episode.check_ins[2].month_only
    assert episode.check_ins[1].how == "card" and not episode.check_ins[1].answered
    assert "import_check_ins" in [a.action for a in store.audit_trail(patient=pid)]


def test_a_csv_with_any_bad_line_writes_nothing_and_names_every_line(store: Store) -> None:
    pid = _discharged(store)
    csv = HEADER + (
        f"{pid},1,2026-05-20,AB,phone,yes,no,,,\r\n"  # sound
        f"{pid},1,2026-05-21,AB,phone,yes,no,,,\r\n"  # month 1 again
        f"{pid},2,2026-06-20,AB,fax,yes,no,,,\r\n"  # not a way of asking
        f"{pid},3,2026-07-20,AB,phone,maybe,,,,\r\n"  # answered neither yes nor no
        "P-ZZZZZZ,1,2026-05-20,AB,phone,yes,no,,,\r\n"  # nobody
    )
    with pytest.raises(ImportError_) as caught:
        store.import_check_ins(read_check_ins(csv.encode()), today=TODAY)
    said = [str(e) for e in caught.value.errors]
    assert any(s.startswith("line 4: How it was asked") for s in said)
    assert any(s.startswith("line 5: Answered") for s in said)
    assert rows(store, "check_ins") == 0

    shaped = read_check_ins(
        (
            HEADER
            + f"{pid},1,2026-05-20,AB,phone,yes,no,,,\r\n"
            + f"{pid},1,2026-05-21,AB,phone,yes,no,,,\r\n"
            + "P-ZZZZZZ,1,2026-05-20,AB,phone,yes,no,,,\r\n"
        ).encode()
    )
    with pytest.raises(ImportError_) as caught:
        store.import_check_ins(shaped, today=TODAY)
    said = [str(e) for e in caught.value.errors]
    assert any("line 3: Month after discharge: month 1 is already recorded" in s for s in said)
    assert any("line 4: patient: no patient P-ZZZZZZ" in s for s in said)
    assert rows(store, "check_ins") == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("patient,month\r\nP-2345AB,1\r\n", "missing asked_on"),
        (HEADER.replace("began", "began,notes"), "not known: notes"),
        ("", "empty"),
        (HEADER, "no check-ins under the header row"),
    ],
)
def test_a_csv_that_is_not_a_check_in_file_is_refused_whole(text: str, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        read_check_ins(text.encode())


def test_a_record_from_before_follow_up_migrates_with_every_episode_open(
    tmp_path: Path,
) -> None:
    from .stores import old_record

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with old_record(url, "0008") as conn:
        conn.exec_driver_sql(
            "INSERT INTO consultations (patient_id, recorded_at, ruleset_version, decision, "
            "assessment, recommendation, visit_date) VALUES ('P-2345AB', "
            "'2026-03-02T10:00:00+00:00', '2.1', 'START', '{}', '{}', '2026-03-02')"
        )
    with Store.open(url) as store:
        assert store.episodes("P-2345AB") == []
        assert store.follow_ups_due(TODAY) == [] and store.cohort() == []
        assert len(store.consultations("P-2345AB")) == 1


def test_the_csv_export_reads_back_into_another_record(store: Store, tmp_path: Path) -> None:
    from walkback_rules.csvtext import csv_text
    from walkback_rules.store.checkins import export_rows

    pid = _discharged(store)
    store.record_check_in(pid, _asked(1), today=TODAY)
    store.record_check_in(
        pid, CheckIn(2, add_months(DISCHARGED, 2), "AB", "card", False), today=TODAY
    )
    store.record_check_in(
        pid, _asked(3, pain=True, began=date(2026, 7, 1), month_only=True), today=TODAY
    )
    text = csv_text(export_rows(store.all_episodes()))
    before = store.episodes(pid)[0].check_ins
    with Store.open(f"sqlite:///{tmp_path / 'other.db'}") as other:
        other.import_file(
            dumps(
                {
                    **store.export(pid),
                    "episodes": [{**store.export(pid)["episodes"][0], "check_ins": []}],
                }
            ).encode()
        )
        other.import_check_ins(read_check_ins(text.encode()), today=TODAY)
        assert other.episodes(pid)[0].check_ins == before
        wrong = text.replace(DISCHARGED.isoformat(), "2026-04-21")
        with pytest.raises(ImportError_, match=r"discharged: .* latest discharge, 2026-04-20"):
            other.import_check_ins(read_check_ins(wrong.encode()), today=TODAY)


def test_the_fhir_export_has_an_observation_per_check_in(store: Store) -> None:
    pytest.importorskip("fhir.resources", reason="the FHIR export is an optional extra")
    from walkback_rules.store.fhir import follow_up_bundle

    pid = _discharged(store)
    store.record_check_in(pid, _asked(1), today=TODAY)
    store.record_check_in(
        pid, CheckIn(2, add_months(DISCHARGED, 2), "AB", "card", False), today=TODAY
    )
    store.record_check_in(
        pid, _asked(3, pain=True, began=date(2026, 7, 1), month_only=True), today=TODAY
    )
    observations = [e["resource"] for e in follow_up_bundle(store.all_episodes())["entry"]]

    assert [o["effectiveDateTime"] for o in observations] == [
        "2026-05-20",
        "2026-06-20",
        "2026-07-20",
    ]
    assert "dataAbsentReason" in observations[1] and "component" not in observations[1]
    values = {c["code"]["coding"][0]["code"]: c for c in observations[2]["component"]}
    assert values["limited"]["valueBoolean"] is True
    assert values["began"]["valueDateTime"] == "2026-07"  # the month alone, as it was known


# --- the command line ---------------------------------------------------------------------


def test_the_command_line_discharges_asks_lists_who_is_due_and_reports(record: str) -> None:
    from .test_cli import run

    with Store.open(record) as store:
        pid = store.new_patient().id
        _visit(store, pid, date.today() - timedelta(days=120))
    discharged = date.today() - timedelta(days=70)

    status, out, _ = run(["patients", "discharge", pid, "--day", discharged.isoformat(),
                          "--reason", "completed"])  # fmt: skip
    assert status == 0 and f"month 1 check-in falls due {add_months(discharged, 1)}" in out
    status, out, _ = run(["patients", "due"])
    assert status == 0 and "overdue (2)" in out and f"{pid}  month  1" in out
    assert run(["patients", "due", "--limit", "1"])[1] == out  # a page of one patient
    assert run(["patients", "due", "--offset", "1"])[1] == "no follow-up due by a week from today\n"
    with pytest.raises(SystemExit, match="2"):
        run(["patients", "due", "--limit", "0"])

    refused = ["patients", "check-in", pid, "--month", "1", "--by", "AB", "--how", "phone",
               "--asked-on", add_months(discharged, 1).isoformat(), "--pain", "yes"]  # fmt: skip
    status, _, err = run(refused)
    assert status == 2 and "It limited activity: yes or no" in err
    status, out, _ = run([*refused, "--limited", "yes", "--sought-care", "no", "--began",
                          add_months(discharged, 1).isoformat()[:7]])  # fmt: skip
    assert status == 0 and "First activity-limiting recurrence" in out
    assert run(["patients", "due"])[1] == "no follow-up due by a week from today\n"

    status, out, _ = run(["patients", "outcomes"])
    assert status == 0 and "discharged 1, followed 1, recurrences 1" in out
    status, out, _ = run(["patients", "outcomes", "--csv"])
    assert out.splitlines()[0].startswith("patient,month,asked_on")
    with Store.open(record) as store:
        actions = [a.action for a in store.audit_trail()]
    assert {"discharge", "check_in", "view_outcomes", "export_outcomes"} <= set(actions)


# --- the last visit's sheets ---------------------------------------------------------------


def test_the_last_visits_handout_and_summary_say_what_follows_and_no_next_visit() -> None:
    from walkback_rules import recommend
    from walkback_rules.handouts import HandoutOptions, build_handout, summary_file
    from walkback_rules.handouts.i18n import speaking

    from .test_safety_net import page_texts

    a = make_assessment()
    rec = recommend(a)
    review = DISCHARGED + timedelta(days=14)
    last = HandoutOptions(issued=DISCHARGED, review=review, discharged=DISCHARGED)
    going_on = HandoutOptions(issued=DISCHARGED, review=review)

    from .test_handouts import all_text

    assert "This was your last planned visit" in build_handout(a, rec, last).intro
    said = all_text(build_handout(a, rec, last))
    assert "next visit" not in said  # no line of the sheet points to a visit that is not coming
    assert "Keep this sheet: it shows you how you are doing." in said
    assert "Your next visit" in build_handout(a, rec, going_on).intro
    with speaking("es"):
        spanish = build_handout(a, rec, HandoutOptions(discharged=DISCHARGED, language="es"))
    assert "Esta fue su última visita prevista" in spanish.intro
    assert "próxima visita" not in all_text(spanish)
    summary = " ".join(page_texts(summary_file(a, last, rec)))
    assert "Follow-up Discharged 2026-04-20: a recurrence check-in each month" in summary
    assert "the first due 2026-05-20" in summary and "Review: none: discharged" in summary
    assert HandoutOptions.from_json(last.to_json()) == last  # a reprint says it again


def test_the_patient_list_sets_no_next_review_once_discharged(store: Store) -> None:
    pid = store.new_patient().id
    _visit(store, pid, LAST)
    assert store.patients()[0].next_review is not None

    store.discharge(pid, DISCHARGED, "completed", today=TODAY)
    assert store.patients()[0].next_review is None  # discharged: the monthly follow-up instead

    _visit(store, pid, date(2026, 11, 2))  # a new episode: its review again
    assert store.patients()[0].next_review is not None


def _kept(store: Store) -> dict[str, str | None]:
    with store.engine.connect() as conn:
        return dict(conn.exec_driver_sql("SELECT id, follow_up_from FROM patients").all())


def _opens(store: Store, pid: str) -> str | None:
    """The day the patient's first open check-in falls due, from their episodes."""
    ended = store.episodes(pid)
    day = ended[-1].first_open() if ended else None
    return None if day is None else day.isoformat()


def test_the_day_follow_up_opens_is_kept_on_the_patient_at_every_write(store: Store) -> None:
    """Discharge, check-in, correction, a check-in file and an import each keep the day in
    step with what `due` lists, so the due list is read by its index alone."""
    pid, other = _discharged(store), _discharged(store)
    never = store.new_patient().id
    assert _kept(store) == {pid: "2026-05-20", other: "2026-05-20", never: None}

    store.record_check_in(pid, _asked(1), today=TODAY)
    assert _kept(store)[pid] == "2026-06-20" == _opens(store, pid)
    store.record_check_in(pid, _asked(1, pain=True), replace=True, today=TODAY)
    assert _kept(store)[pid] is None  # a recurrence ends follow-up
    csv = HEADER + f"{other},1,2026-05-20,AB,phone,yes,no,,,\r\n"
    store.import_check_ins(read_check_ins(csv.encode()), today=TODAY)
    assert _kept(store)[other] == "2026-06-20" == _opens(store, other)

    exported = dumps(store.export(other)).encode()
    store.delete_patient(other)
    store.import_file(exported)
    assert _kept(store)[other] == "2026-06-20"


def test_the_due_list_pages_by_patient(store: Store) -> None:
    pids = [_discharged(store) for _ in range(5)]
    store.record_check_in(pids[2], _asked(1), today=TODAY)  # opens a month later than the rest
    everyone = store.follow_ups_due(TODAY)

    first = store.follow_ups_due(TODAY, limit=2)
    rest = store.follow_ups_due(TODAY, limit=10, offset=2)

    assert store.count_follow_ups_due(TODAY) == 5
    assert {d.patient_id for d in first} == set(sorted(p for p in pids if p != pids[2])[:2])
    assert sorted(first + rest, key=lambda d: (d.day, d.patient_id)) == everyone
    assert store.follow_ups_due(date(2026, 5, 12)) == []  # more than a week before month 1
    assert store.count_follow_ups_due(date(2026, 5, 13)) == 4  # a week before: all but one


def test_the_migration_keeps_the_day_for_an_existing_record(tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'record.db'}"
    with Store.open(url) as store:
        pid, quiet, ended = _discharged(store), _discharged(store), _discharged(store)
        store.record_check_in(pid, _asked(1), today=TODAY)
        store.record_check_in(ended, _asked(1, pain=True), today=TODAY)
        expected = _kept(store)
        due = store.follow_ups_due(TODAY)
    with sa.create_engine(url).begin() as conn:  # back to 0016, as a record made then
        conn.exec_driver_sql("DROP INDEX ix_patients_follow_up")
        conn.exec_driver_sql("ALTER TABLE patients DROP COLUMN follow_up_from")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0016'")

    with Store.open(url) as store:
        assert _kept(store) == expected == {pid: "2026-06-20", quiet: "2026-05-20", ended: None}
        assert store.follow_ups_due(TODAY) == due


@pytest.mark.parametrize(
    ("months", "words"),
    [([3], "3"), ([3, 4], "3 and 4"), ([1, 2, 3, 4, 6], "1\u20134 and 6"),
     ([1, 3, 4, 5, 7, 9, 10], "1, 3\u20135, 7, 9 and 10")],
)  # fmt: skip
def test_months_are_said_as_runs(months: list[int], words: str) -> None:
    from walkback_rules.outcomes.followup import months_words

    assert months_words(months) == words
