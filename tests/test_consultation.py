"""The consultation across visits, without Streamlit: a review carries what was found,
referrals are followed to their close, a save is one decided consultation, and the list
reads by visit date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from walkback_rules import validate_assessment
from walkback_rules.consultation.decided import Decided, decide
from walkback_rules.consultation.findings import carried_from, findings_of, words_of
from walkback_rules.consultation.form import FORM_DEFAULTS, as_form, form_from_assessment
from walkback_rules.consultation.referrals import ReferralUpdate, follow_up, update_problems
from walkback_rules.consultation.review import ReviewStart, start_review
from walkback_rules.store import Store, StoreError

from .stores import decided

DAY1 = date(2026, 3, 2)


def first_form(day: date, **values: Any) -> dict[str, Any]:
    """A first consultation's form: 62, not walking, no flare, both screens asked."""
    return {
        **FORM_DEFAULTS,
        "age": 62,
        "visit": "initial",
        "previous_episodes": 1,
        "flare_level": "none",
        "pain_now": 0,
        "walks_per_week": 0,
        "minutes_per_walk": 0,
        "red_flags_asked": "none_present",
        "exercise_asked": "none_present",
        "visit_date": day.isoformat(),
        **values,
    }


def answered(start: ReviewStart, day: date, **values: Any) -> dict[str, Any]:
    """A review's form as the clinician completes it: no flare today, the walking as given,
    both screens asked, and whatever `values` sets."""
    form = dict(start.form)
    form.update(
        visit_date=day.isoformat(),
        flare_level="none",
        pain_now=0,
        red_flags_asked="none_present",
        exercise_asked="none_present",
        last_step=form.get("last_step") or "no_increase",
    )
    if form["walks_per_week"] is None:
        form.update(walks_per_week=0, minutes_per_walk=0)
    form.update(values)
    return form


def save(store: Store, pid: str, form: dict[str, Any], today: date) -> Decided:
    """Decide the form once and save it as the app does; fail loudly on any problem."""
    start_referral = next((r for r in store.referrals(pid) if r.is_open), None)
    decided, errors = decide(form, today, start_referral.advised_on if start_referral else None)
    assert decided is not None, errors
    store.record(
        pid,
        decided.assessment,
        at=f"{today.isoformat()}T10:00:00.000000+00:00",
        details=decided.details,
        rec=decided.recommendation,
        referral=decided.referral,
    )
    return decided


def review(store: Store, pid: str, day: date) -> ReviewStart:
    start = start_review(pid, store.consultations(pid), day, store.referrals(pid))
    assert start is not None
    return start


def test_a_cancer_history_found_at_the_first_visit_is_carried_and_asked(store: Store) -> None:
    """The review shows the finding with the day it was found, and cannot go on until the
    clinician says whether it is still present."""
    pid = store.new_patient().id
    save(store, pid, first_form(DAY1, red_flags=["cancer_history"]), DAY1)
    day2 = DAY1 + timedelta(days=14)

    start = review(store, pid, day2)
    decided, errors = decide(answered(start, day2), day2)

    assert [(c.key, c.since) for c in start.carried] == [("cancer_history", "2026-03-02")]
    assert start.form.carried == {"cancer_history": None}
    assert decided is None
    assert "carried" in errors
    assert "finding" in start.note


@pytest.mark.parametrize(
    ("answer", "in_assessment", "screen"),
    [("present", True, "positive"), ("resolved", False, "negative")],
    ids=["still-present", "resolved"],
)
def test_a_carried_finding_answered_is_read_and_recorded(
    store: Store, answer: str, in_assessment: bool, screen: str
) -> None:
    """Still present, the rules read it and the screen is positive; resolved, neither, and
    the record keeps the clinician's answer either way."""
    pid = store.new_patient().id
    save(store, pid, first_form(DAY1, red_flags=["cancer_history"]), DAY1)
    day2 = DAY1 + timedelta(days=14)
    start = review(store, pid, day2)

    decided = save(store, pid, answered(start, day2, carried={"cancer_history": answer}), day2)
    stored = store.consultations(pid)[-1].visit()

    assert ("cancer_history" in decided.assessment.red_flags) is in_assessment
    assert stored is not None
    assert stored.carried == {"cancer_history": answer}
    assert stored.screens["red_flags"] == screen


def test_a_carried_finding_unanswered_keeps_the_screen_positive() -> None:
    """Until it is answered, a carried finding is read as present: the screen can never be
    recorded as none present around it."""
    history_form = first_form(DAY1, red_flags=["cancer_history"])
    form = {**history_form, "visit": "review", "carried": {"cancer_history": None}}
    form["red_flags"] = []

    decided, errors = decide(form, DAY1)

    assert decided is None
    assert set(errors) == {"carried"}


def test_a_resolved_finding_is_not_carried_again(store: Store) -> None:
    """Once resolved, the next review does not ask about it."""
    pid = store.new_patient().id
    save(store, pid, first_form(DAY1, falls_last_year=True), DAY1)
    day2 = DAY1 + timedelta(days=14)
    save(
        store,
        pid,
        answered(review(store, pid, day2), day2, carried={"falls_last_year": "resolved"}),
        day2,
    )

    assert review(store, pid, day2 + timedelta(days=14)).carried == ()


def test_history_legs_and_exercise_findings_are_carried() -> None:
    """Falls, surgery, claudication, a known deficit, pregnancy, leg symptoms and the
    exercise-safety symptoms persist; an empty record carries nothing."""
    assessment = {
        "red_flags": ["fracture_fragility"],
        "exercise_screen": ["breathless_on_exertion"],
        "falls_last_year": True,
        "spinal_surgery_within_6_months": True,
        "neurogenic_claudication": True,
        "stable_neuro_deficit": True,
        "pregnant_or_postpartum": True,
        "leg_symptoms": "below_knee",
    }

    assert findings_of(assessment) == [
        "fracture_fragility",
        "breathless_on_exertion",
        "stable_neuro_deficit",
        "neurogenic_claudication",
        "pregnant_or_postpartum",
        "spinal_surgery_within_6_months",
        "falls_last_year",
        "leg_symptoms:below_knee",
    ]
    assert carried_from([]) == ()


def test_an_urgent_referral_is_followed_until_it_is_closed(store: Store) -> None:
    """The referral becomes an item with a follow-up date; the next review asks about it
    first, does not offer the walking it stopped as planned, and the list shows it open
    until a status closes it."""
    pid = store.new_patient().id
    save(store, pid, first_form(DAY1, walks_per_week=3, minutes_per_walk=15), DAY1)
    day2 = DAY1 + timedelta(days=14)
    urgent = answered(
        review(store, pid, day2), day2, red_flags=["cancer_weight_loss", "cancer_non_mechanical"]
    )
    decided = save(store, pid, urgent, day2)
    day3 = day2 + timedelta(days=10)

    [item] = store.referrals(pid)
    listed = store.patients()[0]
    start = review(store, pid, day3)
    waiting, errors = decide(
        answered(start, day3, carried=dict.fromkeys(start.form.carried, "present")), day3
    )

    assert decided.recommendation.referral is not None
    assert (item.urgency, item.status, item.follow_up) == ("urgent", "advised", "2026-03-23")
    assert listed.open_referral == "Urgent referral of 2026-03-16: advised, not yet made"
    assert listed.referral_follow_up == "2026-03-23"
    assert start.referral == item
    assert start.form.walks_per_week is None
    assert "stopped for the referral" in start.note
    walked = decided.assessment.walking
    assert (
        f"{walked.walks_per_week} walks a week of {walked.minutes_per_walk} minutes" in start.note
    )
    assert "Planned" not in start.note
    assert waiting is None and "referral_status" in errors

    closed = answered(
        start,
        day3,
        carried={"cancer_weight_loss": "present", "cancer_non_mechanical": "resolved"},
        referral_status="seen",
        referral_note="seen by oncology; scan clear",
    )
    save(store, pid, closed, day3)

    assert store.referrals(pid)[0].status == "seen"
    assert store.referrals(pid)[0].outcome == "seen by oncology; scan clear"
    assert store.patients()[0].open_referral is None


def test_follow_up_dates_by_tier() -> None:
    """The next day after an emergency or same-day referral, a week after an urgent one,
    none for a routine one."""
    assert [follow_up(u, DAY1) for u in ("emergency", "same_day", "urgent", "routine")] == [
        date(2026, 3, 3),
        date(2026, 3, 3),
        date(2026, 3, 9),
        None,
    ]


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"status": "forgotten", "on": "2026-03-05"}, "status", "Referral status"),
        ({"status": "made", "on": "2026-02-01"}, "on", "from 2026-03-02"),
        ({"status": "made", "on": "2026-03-40"}, "on", "YYYY-MM-DD"),
        ({"status": "seen", "on": "2026-03-05", "note": "x" * 201}, "note", "200"),
    ],
    ids=["unknown-status", "before-advised", "not-a-date", "note-too-long"],
)
def test_a_referral_status_is_refused_by_field(
    data: dict[str, Any], field: str, words: str
) -> None:
    """An unknown status, a date outside the referral's span or an over-long note is named
    by its field in plain words."""
    update, errors = update_problems(data, "2026-03-02", date(2026, 3, 10))

    assert update is None
    assert words in errors[field]


def test_a_failed_referral_update_writes_nothing(store: Store) -> None:
    """A status dated before the referral was advised is refused, and the record keeps only
    what it had."""
    pid = store.new_patient().id
    urgent = first_form(DAY1, red_flags=["cancer_weight_loss", "cancer_non_mechanical"])
    save(store, pid, urgent, DAY1)
    [item] = store.referrals(pid)

    with pytest.raises(StoreError, match="before the referral was advised"):
        store.update_referral(pid, item.id, ReferralUpdate(status="made", on="2026-03-01"))

    assert store.referrals(pid)[0].updates == item.updates


def test_referrals_round_trip_through_export_and_import(store: Store) -> None:
    """The export carries each referral with every status; an import restores it, and a
    file made before referrals were followed gets its items as advised."""
    pid = store.new_patient().id
    save(
        store,
        pid,
        first_form(DAY1, red_flags=["cancer_weight_loss", "cancer_non_mechanical"]),
        DAY1,
    )
    [item] = store.referrals(pid)
    store.update_referral(pid, item.id, ReferralUpdate(status="made", on="2026-03-03"))
    exported = store.export(pid)
    older = {k: v for k, v in exported.items() if k != "referrals"}

    store.import_file(json.dumps(exported).encode(), replace=True)
    restored = store.referrals(pid)
    store.import_file(json.dumps(older).encode(), replace=True)
    remade = store.referrals(pid)

    assert [u["status"] for u in exported["referrals"][0]["updates"]] == ["advised", "made"]
    assert [u.status for u in restored[0].updates] == ["advised", "made"]
    assert [u.status for u in remade[0].updates] == ["advised"]


def test_the_list_orders_by_visit_date_not_by_recording(store: Store) -> None:
    """A visit written up late is not the last visit: the list shows the latest by date."""
    pid = store.new_patient().id
    save(store, pid, first_form(DAY1), DAY1)
    day2 = DAY1 + timedelta(days=14)
    save(store, pid, answered(review(store, pid, day2), day2), day2)
    late = answered(review(store, pid, day2), DAY1 + timedelta(days=7))
    save(store, pid, late, day2 + timedelta(days=1))

    row = store.patients()[0]

    assert row.last_seen == day2.isoformat()
    assert row.last_recorded == "2026-03-16T10:00:00.000000+00:00"


def test_a_six_visit_course_carries_the_finding_and_follows_the_referral(store: Store) -> None:
    """Cancer history at visit 1 and an urgent referral at visit 3: every later visit shows
    the carried finding, the open referral until it is closed, and the record and export
    say the same."""
    pid = store.new_patient().id
    day = DAY1
    save(store, pid, first_form(day, red_flags=["cancer_history"]), day)
    shown: list[tuple[list[str], str | None]] = []
    for visit in range(2, 7):
        day += timedelta(days=14)
        start = review(store, pid, day)
        shown.append(([c.key for c in start.carried], start.referral and start.referral.status))
        values: dict[str, Any] = {"carried": dict.fromkeys(start.form.carried, "present")}
        if visit == 3:
            values["red_flags"] = ["cancer_non_mechanical"]
        if visit == 4:  # the night pain has gone; the referral has been made
            values["carried"]["cancer_non_mechanical"] = "resolved"
        if start.referral is not None:
            values["referral_status"] = "made" if visit == 4 else "seen"
        save(store, pid, answered(start, day, **values), day)

    exported = store.export(pid)

    assert shown == [
        (["cancer_history"], None),
        (["cancer_history"], None),
        (["cancer_history", "cancer_non_mechanical"], "advised"),
        (["cancer_history"], "made"),
        (["cancer_history"], None),
    ]
    assert [r.status for r in store.referrals(pid)] == ["seen"]
    assert [u["status"] for u in exported["referrals"][0]["updates"]] == ["advised", "made", "seen"]
    assert all(
        v["details"]["carried"]["cancer_history"] == "present"
        for v in exported["consultations"][1:]
    )


def test_a_demo_form_round_trips_without_carried_findings() -> None:
    """A form made from assessment data carries nothing and asks no referral."""
    form = form_from_assessment({"age": 50, "visit": "initial", "red_flags": ["cancer_history"]})

    assert form.carried == {}
    assert form.referral_id is None


@pytest.mark.parametrize(
    ("status", "fhir"),
    [("advised", "active"), ("made", "active"), ("seen", "completed"), ("declined", "revoked"),
     ("lost", "unknown")],
)  # fmt: skip
def test_the_fhir_service_request_carries_the_referral_status(
    store: Store, status: str, fhir: str
) -> None:
    """The export's ServiceRequest.status says what became of the referral, and its note
    says it in words."""
    from walkback_rules.store.fhir import patient_bundle

    pid = store.new_patient().id
    save(
        store,
        pid,
        first_form(DAY1, red_flags=["cancer_weight_loss", "cancer_non_mechanical"]),
        DAY1,
    )
    [item] = store.referrals(pid)
    if status != "advised":
        store.update_referral(pid, item.id, ReferralUpdate(status=status, on="2026-03-04"))

    [request] = [
        e["resource"]
        for e in patient_bundle(store, pid)["entry"]
        if e["resource"]["resourceType"] == "ServiceRequest"
    ]

    assert request["status"] == fhir
    assert request["note"][-1]["text"].startswith("Status: Urgent referral of 2026-03-02")


def test_the_summary_names_the_carried_findings_and_the_referrals(store: Store) -> None:
    """The clinician summary lists each carried finding with its answer and each referral
    with its status."""
    import io

    from pypdf import PdfReader

    from walkback_rules.handouts import HandoutOptions, summary_file

    pid = store.new_patient().id
    save(store, pid, first_form(DAY1, red_flags=["cancer_history"], falls_last_year=True), DAY1)
    day2 = DAY1 + timedelta(days=14)
    start = review(store, pid, day2)
    decided = save(
        store,
        pid,
        answered(
            start,
            day2,
            carried={"cancer_history": "present", "falls_last_year": "resolved"},
            red_flags=["cancer_non_mechanical"],
        ),
        day2,
    )
    lines = [r.words() for r in store.referrals(pid)]

    pdf = summary_file(
        decided.assessment, HandoutOptions(patient=pid), decided.recommendation,
        decided.details, lines,
    )  # fmt: skip
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())

    assert f"{words_of('cancer_history')}: still present" in text
    assert f"{words_of('falls_last_year')}: resolved" in text
    assert "Same day referral of 2026-03-16: advised, not yet made" in text


@pytest.mark.parametrize(
    ("carried", "words"),
    [
        ({"telepathy": "present"}, "telepathy"),
        ({"cancer_history": "maybe"}, "Found at the last visit"),
        ({"leg_symptoms:both_ears": "present"}, "leg_symptoms:both_ears"),
    ],
    ids=["unknown-finding", "unknown-answer", "unknown-leg-value"],
)
def test_a_carried_finding_is_refused_by_name_when_unknown(
    carried: dict[str, str], words: str
) -> None:
    """The record takes only findings a review carries, each present or resolved."""
    from walkback_rules.consultation.visit import details_problems

    data = {
        "visit_date": "2026-03-02",
        "screens": dict.fromkeys(
            ("red_flags", "exercise_screen", "phq2", "startback"), "not_asked"
        ),
        "carried": carried,
    }

    details, problems = details_problems(data, DAY1)

    assert details is None
    assert problems["carried"].startswith("Found at the last visit")
    assert words in problems["carried"]


def test_a_malformed_visit_date_is_an_error_by_field_not_a_crash() -> None:
    """A visit date that is not a date is named beside its field; nothing is decided."""
    decided, errors = decide(first_form(DAY1, visit_date="2026-13-45"), DAY1)

    assert decided is None
    assert "Visit date" in errors["visit_date"][0]


def test_a_consultation_moves_from_typing_to_decided_to_saved() -> None:
    """One value holds the consultation: typed from its start, decided once, then saved,
    when nothing counts as typed any more; deciding again makes it unsaved."""
    from walkback_rules.consultation.state import Consultation, Saved

    now = Consultation.begin(as_form(first_form(DAY1)), DAY1)
    stages = [now.stage]
    now.form.age = 70
    typed_before = now.typed()
    assert now.submit(DAY1)
    stages.append(now.stage)
    now.mark_saved(Saved(1, "2026-03-02T10:00:00+00:00", "P-2345AB", "2026-03-02", "Start"))
    stages.append(now.stage)
    typed_after = now.typed()
    now.submit(DAY1)

    assert stages == ["typing", "decided", "saved"]
    assert typed_before == ["age"] and typed_after == []
    assert now.stage == "decided" and now.note is None


def test_a_demo_case_is_loaded_decided_and_a_bad_form_keeps_its_errors() -> None:
    """A demo case is decided as it loads; a form with problems keeps them by field and
    stays undecided."""
    from walkback_rules.consultation.state import Consultation
    from walkback_rules.teaching.cases import CASES_BY_ID as cases

    demo = Consultation.loaded(cases["demo-20"].data, DAY1)
    bad = Consultation.begin(as_form(first_form(DAY1, age=None)), DAY1)

    assert demo.decided is not None and demo.decided.recommendation.referral is not None
    assert not bad.submit(DAY1)
    assert bad.stage == "typing" and "age" in bad.errors


def test_a_stored_consultation_is_read_as_models_by_its_ruleset(store: Store) -> None:
    """A consultation of the current ruleset reads back as the models it was decided with;
    one made under an older ruleset is kept as recorded and never read as today's."""
    from dataclasses import replace

    pid = store.new_patient().id
    decided_now = save(store, pid, first_form(DAY1), DAY1)
    [stored] = store.consultations(pid)

    assert stored.decided() == (decided_now.assessment, decided_now.recommendation)
    assert replace(stored, ruleset_version="1.0").decided() is None


def test_weeks_at_the_resume_dose_do_not_count_the_flare(store: Store) -> None:
    """After a flare, the review resumes the dose: its weeks start at 0, not at the weeks
    spent in the flare; from the visit after, they count from that visit."""
    from walkback_rules.teaching.cases import CASES_BY_ID

    pid = store.new_patient().id
    flare = CASES_BY_ID["demo-10"].data  # a flare after stepping up from 5 x 15 to 5 x 20
    store.record(pid, *decided(validate_assessment(flare)), at="2026-03-02T09:00:00+00:00")
    day2 = DAY1 + timedelta(days=14)

    after_flare = review(store, pid, day2)
    save(store, pid, answered(after_flare, day2), day2)
    next_one = review(store, pid, day2 + timedelta(days=14))

    assert after_flare.form.returning_after_flare
    assert after_flare.form.weeks_at_current_dose == 0
    assert next_one.form.weeks_at_current_dose == 2


@pytest.mark.parametrize(
    ("red_flags", "priority", "team"),
    [
        (["cancer_history", "cancer_non_mechanical"], "asap", "acute oncology / MSCC team"),
        (["fracture_major_trauma"], "asap", "emergency department, today"),
        (["cancer_history", "neuro_foot_drop"], "stat", "MSCC coordinator, at once"),
        (["cancer_weight_loss", "cancer_non_mechanical"], "urgent", None),
    ],
    ids=["cancer-same-day", "major-trauma", "mscc", "urgent"],
)
def test_the_fhir_service_request_names_the_team_and_its_priority(
    store: Store, red_flags: list[str], priority: str, team: str | None
) -> None:
    """Ruleset 2.1's places (§3.3): the same-day referral is "asap" and names the acute
    oncology / MSCC team or the emergency department; cord compression names the MSCC
    coordinator beside the emergency department."""
    from walkback_rules.store.fhir import patient_bundle

    pid = store.new_patient().id
    save(store, pid, first_form(DAY1, red_flags=red_flags), DAY1)

    [request] = [
        e["resource"]
        for e in patient_bundle(store, pid)["entry"]
        if e["resource"]["resourceType"] == "ServiceRequest"
    ]

    assert request["priority"] == priority
    if team is None:
        assert "performerType" not in request
    else:
        assert team in request["performerType"]["text"]
