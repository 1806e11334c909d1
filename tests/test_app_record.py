"""The consultation as a clinical record, in the app: nothing typed is lost, a visit is a
record, a past visit opens read-only and prints again exactly, and practice stays apart."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

import ui
from walkback_rules import validate_assessment
from walkback_rules.handouts import HandoutOptions, handout_file, summary_file

from .conftest import first_visit
from .stores import decided
from .test_app import APP, answer_the_rest, assessment_in, get_recommendation, texts


def session(token: str | None = None, pid: str | None = None, page: str | None = None) -> AppTest:
    """A browser session: its token and open patient in the address, as after a refresh."""
    at = AppTest.from_file(APP, default_timeout=60)
    if token is not None:
        at.query_params[ui.TOKEN_PARAM] = token
    if pid is not None:
        at.query_params[ui.PATIENT] = pid
    at.run()
    if page is not None:
        at.switch_page(ui.PAGES[page]).run()
    return at


_COUNT = iter(range(10_000))


def fresh_token() -> str:
    """A token no other test has used (16 characters, as the app makes them)."""
    return f"t{next(_COUNT):015d}"


def type_some(at: AppTest, age: int = 52) -> AppTest:
    at.number_input(key="c_age").set_value(age)
    at.number_input(key="c_previous_episodes").set_value(4)
    return at.run()


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    return at


def button_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


# --- nothing typed is lost ---------------------------------------------------------------


def test_what_is_typed_survives_a_refresh_and_a_server_restart() -> None:
    """A refresh is a new session with the same address; a restart also loses the app's
    memory. Both bring back the consultation as it was left, from the record."""

    token = fresh_token()
    at = type_some(session(token))
    at.text_area(key="c_note").input("Keen to get back to golf.").run()

    after_refresh = session(token)
    ui._real.clear()  # the server's cached record is gone, as after a restart
    after_restart = session(token)

    for again in (after_refresh, after_restart):
        assert again.number_input(key="c_age").value == 52
        assert again.text_area(key="c_note").value == "Keen to get back to golf."
        assert "is back, as it was left" in again.info[0].value


def test_creating_a_patient_mid_consultation_keeps_what_was_typed() -> None:
    """The trial's first loss: the consultation typed before the patient existed."""

    token = fresh_token()
    at = type_some(session(token))
    at.text_input(key="new_label").input("Tuesday").run()
    click(at, "Create and open")

    pid = at.session_state[ui.PATIENT]
    assert at.number_input(key="c_age").value == 52
    assert f"now {pid}'s first consultation" in at.info[0].value
    assert ui.store().draft(token, pid) is not None
    assert ui.store().draft(token, None) is None


def test_switching_patients_keeps_each_ones_draft() -> None:
    """Typing for one patient, opening another, and coming back: nothing is lost."""

    record = ui.store()
    first, second = record.new_patient().id, record.new_patient().id
    token = fresh_token()
    at = type_some(session(token, first), age=61)

    at.selectbox(key="pick_patient").select(second).run()
    assert at.session_state[ui.PATIENT] == second
    assert at.number_input(key="c_age").value is None
    assert any(b.label == f"Open {first}" for b in at.button)  # its draft is waiting

    click(at, f"Open {first}")
    assert at.number_input(key="c_age").value == 61
    assert "is back as it was left" in at.info[0].value


def test_new_patient_asks_before_discarding_and_names_what_would_go() -> None:
    at = type_some(session(fresh_token()))

    at.sidebar.button[0].click().run()  # "New patient"
    question = " ".join(str(m.value) for m in at.markdown)
    assert "It holds: age, previous episodes" in question
    assert at.number_input(key="c_age").value == 52

    click(at, "Keep it")
    assert at.number_input(key="c_age").value == 52
    assert "Discard it" not in button_labels(at)

    at.sidebar.button[0].click().run()
    click(at, "Discard it")
    assert at.session_state[ui.CONSULTATION].form.age is None
    assert "Discard it" not in button_labels(at)


def test_new_patient_with_nothing_typed_asks_nothing() -> None:
    at = session(fresh_token())

    at.sidebar.button[0].click().run()

    assert "Discard it" not in button_labels(at)


def test_a_patients_draft_is_kept_when_new_patient_closes_them() -> None:
    pid = ui.store().new_patient().id
    token = fresh_token()
    at = type_some(session(token, pid))

    at.sidebar.button[0].click().run()

    assert "Discard it" not in button_labels(at)  # nothing is lost: it stays theirs
    assert ui.PATIENT not in at.session_state
    assert ui.store().draft(token, pid).form["age"] == 52  # type: ignore[union-attr]


def test_loading_a_demo_asks_before_discarding_what_was_typed() -> None:
    at = type_some(session(fresh_token()))
    at.switch_page(ui.PAGES["teaching"]).run()

    at.button(key="t_load_demo-08").click().run()
    assert "Discard it" in button_labels(at)
    click(at, "Discard it")

    assert at.title[0].value == "Consultation"
    assert at.number_input(key="c_age").value == 58


def test_a_demo_is_never_a_draft_and_never_saved() -> None:
    """A demo case loaded and changed is not kept as a draft, offers no save, and is not
    carried into a patient opened afterwards."""
    token = fresh_token()
    at = session(token, page="teaching")
    at.button(key="t_load_demo-01").click().run()
    at.number_input(key="c_age").set_value(70).run()

    assert ui.store().drafts(token) == []
    at.switch_page(ui.PAGES["recommendation"]).run()
    assert not [b for b in at.button if b.label.startswith("Save to")]
    assert "never saved to a patient" in " ".join(c.value for c in at.caption)

    pid = ui.store().new_patient().id
    at.switch_page(ui.PAGES["consultation"]).run()
    at.selectbox(key="pick_patient").select(pid).run()
    assert at.number_input(key="c_age").value is None
    assert ui.store().consultations(pid) == []


def test_the_patient_box_searches_the_record_and_never_reads_everyone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The finding: the Consultation page read every patient (with a GROUP BY over every
    consultation) on every keystroke."""
    from walkback_rules.store.repo import FIND_LIMIT
    from walkback_rules.store.repo import Store as RecordStore

    record = ui.store()
    made = [record.new_patient(f"ward {i:02d}").id for i in range(FIND_LIMIT + 5)]

    def everyone(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the Consultation page read every patient")

    monkeypatch.setattr(RecordStore, "patients", everyone)
    at = session(fresh_token())
    assert not at.exception, at.exception
    box = at.selectbox(key="pick_patient")
    assert len(box.options) == FIND_LIMIT
    assert any("type more of the ID or label" in c.value for c in at.caption)

    at.text_input(key="find_patient").input("ward 07").run()
    box = at.selectbox(key="pick_patient")
    assert box.options == [f"{made[7]} · ward 07"]
    box.select(made[7]).run()
    assert at.session_state[ui.PATIENT] == made[7]
    at.text_input(key="find_patient").input("nobody here").run()
    assert at.session_state[ui.PATIENT] == made[7]  # the open patient stays, and choosable
    assert at.selectbox(key="pick_patient").options == [f"{made[7]} · ward 07"]


def test_a_record_out_of_reach_is_a_message_and_the_form_stays() -> None:
    """The finding: a PostgreSQL outage crashed the Consultation page with Streamlit's
    generic error, and the form disappeared until the database came back."""
    import sqlalchemy as sa

    pid = ui.store().new_patient().id
    token = fresh_token()
    at = type_some(session(token, pid))
    record = ui.store()
    engine, writer = record.engine, record._writer
    gone = sa.create_engine(
        "postgresql+psycopg://walkback@127.0.0.1:1/gone", connect_args={"connect_timeout": 1}
    )
    record.engine, record._writer = gone, gone.execution_options(walkback_write=True)
    try:
        at.number_input(key="c_age").set_value(61).run()
        assert not at.exception, at.exception
        said = " ".join(e.value for e in at.error) + " ".join(t.value for t in at.toast)
        assert "cannot be opened or reached" in said
        assert at.number_input(key="c_age").value == 61  # the form stays, as typed
        at.number_input(key="c_previous_episodes").set_value(5).run()
        assert not at.exception, at.exception
    finally:
        record.engine, record._writer = engine, writer
        gone.dispose()
    at.run()  # the record is back: what was typed is kept there now
    draft = ui.store().draft(token, pid)
    assert draft is not None and draft.form["age"] == 61 and draft.form["previous_episodes"] == 5


def test_two_clinicians_on_one_patient_are_each_told() -> None:
    """The findings: a second clinician opening a patient whose consultation was open
    elsewhere was not told, nor was a save that landed after another's that day."""
    pid = ui.store().new_patient().id
    first = type_some(session(fresh_token(), pid))  # typed in one browser, kept as a draft
    assert ui.store().open_elsewhere(pid, "nobody") != []

    second = session(fresh_token(), pid)
    said = " ".join(i.value for i in second.info) + " ".join(c.value for c in second.caption)
    assert f"Another browser has an unsaved consultation for {pid}" in said
    del first

    save_first_visit(fresh_token(), pid, clinician="AB")
    again = save_first_visit(fresh_token(), pid, clinician="CD")
    warned = " ".join(w.value for w in again.warning)
    assert f"{pid} already had a consultation saved for" in warned and "Both are kept" in warned
    assert len(ui.store().consultations(pid)) == 2


def test_the_patients_page_lists_a_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The finding: the Patients page listed everyone on every run (5.7 s at 100,000)."""
    from walkback_rules.store.repo import PAGE_SIZE

    record = ui.store()
    for i in range(PAGE_SIZE + 5):
        record.new_patient(f"bay {i:02d}")
    total = record.count_patients()  # other tests of this module may have added some
    second = min(PAGE_SIZE, total - PAGE_SIZE)
    at = session(fresh_token(), page="patients")
    opens = [b for b in at.button if b.key and b.key.startswith("p_open_")]
    assert len(opens) == PAGE_SIZE
    assert any(f"Patients 1-{PAGE_SIZE} of {total}" in c.value for c in at.caption)

    next(b for b in at.button if b.key == "p_next").click().run()
    opens = [b for b in at.button if b.key and b.key.startswith("p_open_")]
    assert len(opens) == second
    assert any(f"Patients {PAGE_SIZE + 1}-{PAGE_SIZE + second} of" in c.value for c in at.caption)
    at.text_input(key="p_query").input("bay 07").run()  # a new search: its first page
    assert [b.key for b in at.button if b.key and b.key.startswith("p_open_")] != []


def test_a_record_too_large_to_download_points_to_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A download is held whole in the server's memory: past a size, the page says how to
    back up from the server instead of building the file."""
    from walkback_rules.store import repo

    for i in range(3):
        ui.store().new_patient(f"bay {i}")
    at = session(fresh_token(), page="patients")
    assert [d for d in at.get("download_button") if "All patients" in str(d.proto.label)]

    monkeypatch.setattr(repo, "APP_EXPORT_MAX", 2)
    at.run()
    assert not [d for d in at.get("download_button") if "All patients" in str(d.proto.label)]
    assert any("walkback admin backup -o FILE" in c.value for c in at.caption)


# --- a visit is a record -------------------------------------------------------------------


def save_first_visit(token: str, pid: str, clinician: str = "JS") -> AppTest:
    at = type_some(session(token, pid))
    at.text_input(key="c_clinician").input(clinician)
    at.text_area(key="c_note").input("Walks the dog.")
    answer_the_rest(at).run()
    get_recommendation(at)
    at.switch_page(ui.PAGES["recommendation"])
    click(at, f"Save to {pid}'s record")
    return at


def test_a_save_is_told_truthfully_and_a_second_press_stores_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The findings: when remembering the clinician's name failed after the consultation
    had committed, the page said nothing was saved, and a second press stored it twice."""
    from walkback_rules.store import StoreError
    from walkback_rules.store.repo import Store as RecordStore

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise StoreError("the disk is full")

    monkeypatch.setattr(RecordStore, "remember_clinician", refuse)
    pid = ui.store().new_patient().id

    at = save_first_visit(fresh_token(), pid)

    said = " ".join(t.value for t in at.toast)
    assert "Saved to" in said and "was not remembered" in said
    assert "Not saved" not in said and "nothing was saved" not in said
    assert not [b for b in at.button if b.label.startswith("Save to")]  # saved: no button
    # A press whose answer never reached the page (the page still offers Save): the
    # same decision pressed again is recognised by its key, and nothing is stored twice.
    at.session_state[ui.CONSULTATION].saved = None
    at.run()
    click(at, f"Save to {pid}'s record")
    assert len(ui.store().consultations(pid)) == 1
    assert "Saved to" in " ".join(t.value for t in at.toast)


def test_a_saved_visit_keeps_its_date_clinician_note_screens_and_review() -> None:
    pid = ui.store().new_patient().id
    token = fresh_token()

    at = save_first_visit(token, pid)

    [saved] = ui.store().consultations(pid)
    visit = saved.visit()
    assert visit is not None
    assert (visit.visit_date, visit.clinician, visit.note) == (
        date.today().isoformat(),
        "JS",
        "Walks the dog.",
    )
    assert visit.screens == {
        "red_flags": "negative",
        "exercise_screen": "negative",
        "phq2": "not_asked",
        "startback": "not_asked",
    }
    assert visit.review_date == (date.today() + timedelta(days=14)).isoformat()
    assert ui.store().draft(token, pid) is None  # saved: no draft left behind
    assert any(f"Saved to {pid}" in s.value for s in at.success)


def test_the_clinician_is_remembered_in_this_browser() -> None:
    pid, other = ui.store().new_patient().id, ui.store().new_patient().id
    token = fresh_token()
    save_first_visit(token, pid, clinician="A. Physio")

    at = session(token, other)

    assert at.text_input(key="c_clinician").value == "A. Physio"
    assert session(fresh_token(), other).text_input(key="c_clinician").value == ""


def test_the_review_date_can_be_changed_before_saving() -> None:
    pid = ui.store().new_patient().id
    at = type_some(session(fresh_token(), pid))
    answer_the_rest(at).run()
    get_recommendation(at)
    at.switch_page(ui.PAGES["recommendation"])
    booked = date.today() + timedelta(days=21)

    at.date_input(key="c_review_date").set_value(booked).run()
    click(at, f"Save to {pid}'s record")

    assert ui.store().consultations(pid)[0].review_date == booked.isoformat()
    assert ui.store().patients(pid)[0].next_review == booked.isoformat()


def test_the_visit_date_is_today_or_earlier() -> None:
    """Today by default; an earlier day when writing up a visit later; never a future day
    (the record refuses one too: see test_record)."""
    at = session(fresh_token())
    field = at.date_input(key="c_visit_date")

    assert field.value == date.today()
    assert field.proto.max == date.today().isoformat()

    at.date_input(key="c_visit_date").set_value(date.today() - timedelta(days=3)).run()
    assert (
        at.session_state[ui.CONSULTATION].form.visit_date
        == (date.today() - timedelta(days=3)).isoformat()
    )


def test_an_emergency_needs_only_what_the_contract_requires() -> None:
    """Ticked saddle numbness: the banner shows at once; the recommendation then needs the
    contract's required answers (spec §2), and no screen answer for the ticked checklist."""
    at = session(fresh_token())
    at.checkbox(key=ui.feature_key("ces_saddle")).check().run()
    assert at.error[0].value.startswith("Emergency: possible cauda equina")

    get_recommendation(at)
    errors = [e.value for e in at.error]
    assert not any(m.startswith("Red flags: tick what you found") for m in errors)
    assert any(m.startswith("Age is required") for m in errors)


# --- past visits: read-only, printed again exactly, corrected as new ---------------------------


def test_a_past_visit_opens_read_only_and_prints_again_exactly() -> None:
    """The handout printed at the visit and the one printed again from the record are
    the same file, byte for byte (the PDF is dated by the visit, not by the moment)."""
    pid = ui.store().new_patient().id
    token = fresh_token()
    at = save_first_visit(token, pid)
    [saved] = ui.store().consultations(pid)
    at.switch_page(ui.PAGES["handouts"]).run()
    options = HandoutOptions(
        clinic="Northside Physio",
        patient=pid,
        issued=date.fromisoformat(saved.visit_date),
        review=date.fromisoformat(saved.review_date or saved.visit_date),
    )
    ui.store().record_print(saved.id, "handout", options.to_json())  # as the button does
    assessment = validate_assessment(saved.assessment)
    printed = handout_file(assessment, options, "pdf")

    at.session_state[ui.VIEW] = saved.id
    at.switch_page(ui.PAGES["visit"]).run()

    assert not at.exception
    assert at.title[0].value == "Past consultation"
    assert "read-only" in at.caption[0].value
    assert "Start walking" in texts(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Patient handout (PDF) — as first printed" in labels
    from walkback_rules.core.models import Recommendation

    again = handout_file(
        assessment, options, "pdf", Recommendation.model_validate(saved.recommendation)
    )
    assert again == printed
    summary = summary_file(assessment, options, None, saved.visit())
    assert summary == summary_file(assessment, options, None, saved.visit())


def test_a_referral_letter_is_printed_again_from_the_record_as_first_printed() -> None:
    """A letter noted with the options it used is rebuilt the same, byte for byte."""
    from walkback_rules.core.models import Recommendation
    from walkback_rules.handouts.letter import letter_pdf

    from .test_app import ACCEPTED

    [pid] = ui.store().import_file(ACCEPTED["2.1 demo-20"], replace=True)
    [visit] = ui.store().consultations(pid)
    options = HandoutOptions(clinic="Northside Physio", patient=pid, clinician="JS",
                             issued=date.fromisoformat(visit.visit_date))  # fmt: skip
    ui.store().record_print(visit.id, "letter", options.to_json())
    assessment = validate_assessment(visit.assessment)
    rec = Recommendation.model_validate(visit.recommendation)
    at_time = datetime.fromisoformat(visit.recorded_at)

    at = session(fresh_token(), pid)
    at.session_state[ui.VIEW] = visit.id
    at.switch_page(ui.PAGES["visit"]).run()

    labels = [b.proto.label for b in at.get("download_button")]
    assert "Referral letter (PDF) — as first printed" in labels
    assert any("First printed" in c.value for c in at.caption)
    again = letter_pdf(assessment, rec, HandoutOptions.from_json(options.to_json()), at_time)
    assert again == letter_pdf(assessment, rec, options, at_time)
    assert [p.kind for p in ui.store().printouts(visit.id)] == ["letter"]


def test_a_correction_is_a_new_consultation_and_the_first_stays() -> None:
    pid = ui.store().new_patient().id
    token = fresh_token()
    save_first_visit(token, pid)
    [first] = ui.store().consultations(pid)
    at = session(token, pid)
    at.session_state[ui.VIEW] = first.id
    at.switch_page(ui.PAGES["visit"]).run()

    click(at, "Correct this consultation")
    assert at.title[0].value == "Consultation"
    at.switch_page(ui.PAGES["consultation"])  # the harness stays on the page it was given
    assert any("corrects the one recorded" in w.value for w in at.warning)
    at.number_input(key="c_age").set_value(53).run()
    get_recommendation(at)
    at.switch_page(ui.PAGES["recommendation"])
    click(at, f"Save to {pid}'s record")

    history = ui.store().consultations(pid)
    assert [c.assessment["age"] for c in history] == [52, 53]
    assert history[1].visit().corrects == first.recorded_at  # type: ignore[union-attr]
    assert history[1].visit().clinician == "JS"  # type: ignore[union-attr]


# --- the history ---------------------------------------------------------------------------


def test_the_history_shows_the_story_and_opens_a_visit() -> None:
    pid = ui.store().new_patient().id
    save_first_visit(fresh_token(), pid)
    at = session(fresh_token(), pid, page="patients")

    table = at.table[0].value
    for column in ("Visit", "Programme week", "Adherence", "Usual pain", "PHQ-2", "Last step",
                   "Referral", "Next review"):  # fmt: skip
        assert column in table.columns, column
    assert "Next review" in texts(at)

    click(at, "Open the visit")
    assert at.title[0].value == "Past consultation" or ui.VIEW in at.session_state


def test_a_diary_week_removed_is_kept_as_a_change() -> None:
    from walkback_rules.store import DiaryWeek

    pid = ui.store().new_patient().id
    ui.store().set_diary(pid, DiaryWeek("2026-11-23", 4, 60, 3))
    at = session(fresh_token(), pid, page="patients")

    click(at, "Remove the week")

    assert ui.store().diary(pid) == []
    [change] = ui.store().diary_changes(pid)
    assert (change.change, change.before["walks"]) == ("removed", 4)
    assert "Changes to the diary" in texts(at)


# --- practice ------------------------------------------------------------------------------


def test_the_practice_record_is_apart_from_the_real_one() -> None:
    at = session(fresh_token())
    at.sidebar.toggle[0].set_value(True).run()
    assert any("Practice record" in w.value for w in at.warning)
    at.text_input(key="new_label").input("practice person").run()
    click(at, "Create and open")
    pid = at.session_state[ui.PATIENT]

    with pytest.raises(Exception, match="no patient"):
        ui._real().patient(pid)
    assert ui._practice("").patient(pid).label == "practice person"  # the local tool's own

    at.sidebar.toggle[0].set_value(False).run()
    assert ui.PATIENT not in at.session_state
    assert not any("Practice record:" in w.value for w in at.warning)


def test_a_referral_lists_what_else_was_noted_for_the_handover() -> None:
    from .test_app import with_case

    shown = texts(with_case("demo-20", "recommendation"))

    assert "**Also noted, for the handover:**" in shown


# --- what is typed is what is checked, on every number box -------------------------------

NUMBERS = [
    # field, a value outside its range, what else the field needs to be shown
    ("age", 130, {}),
    ("previous_episodes", 1001, {}),
    ("episode_weeks", 521, {}),
    ("usual_pain", 11, {}),
    ("pain_now", 11, {}),
    ("walks_per_week", 15, {}),
    ("minutes_per_walk", 241, {}),
    ("weeks_at_current_dose", 521, {}),
    ("other_exercise_minutes_per_week", 2001, {}),
    ("startback_total", 10, {"startback_distress": 1}),
    ("startback_distress", 6, {"startback_total": 9}),
    ("days_since_onset", 3651, {"flare_level": "mild"}),
    ("baseline_walks_per_week", 15, {"visit": "review"}),
]


@pytest.mark.parametrize(("field", "value", "needs"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_every_number_out_of_range_is_said_beside_its_field_and_kept(
    field: str, value: int, needs: dict[str, object]
) -> None:
    """Each number box: what was typed stays in the box, the error beside it says what is
    allowed and what was entered, and nothing is decided from a value not typed."""
    at = type_some(session(fresh_token()))
    answer_the_rest(at)
    for other, setting in needs.items():
        if other == "flare_level":
            at.selectbox(key="c_flare_level").select(setting)
        elif other == "visit":
            at.radio(key="c_visit").set_value(setting)
        else:
            at.number_input(key=f"c_{other}").set_value(setting)
    at.run()
    at.number_input(key=f"c_{field}").set_value(value).run()
    get_recommendation(at)

    assert at.title[0].value == "Consultation" and assessment_in(at) is None
    assert at.number_input(key=f"c_{field}").value == value
    errors = [e.value for e in at.error]
    assert any(m.endswith(f"; you entered {value}") for m in errors), errors
    assert not any("null" in m or "got" in m or "." in m.split(" ")[0] for m in errors)


def test_deleting_the_open_patient_leaves_no_draft_behind() -> None:
    """What was typed for a patient goes with them when they are deleted."""
    pid = ui.store().new_patient().id
    token = fresh_token()
    at = type_some(session(token, pid))
    at.switch_page(ui.PAGES["patients"]).run()

    at.text_input(key=f"p_delete_{pid}").input(pid).run()
    click(at, f"Delete {pid}")

    assert ui.store().drafts(token) == []
    assert ui.PATIENT not in at.session_state
    assert "Discard it" not in button_labels(at)


def test_the_suggested_review_date_follows_the_visit_date_until_it_is_chosen() -> None:
    pid = ui.store().new_patient().id
    at = type_some(session(fresh_token(), pid))
    answer_the_rest(at).run()
    get_recommendation(at)
    at.switch_page(ui.PAGES["recommendation"]).run()
    assert at.session_state[ui.CONSULTATION].form.review_date is None  # suggested, not chosen

    at.switch_page(ui.PAGES["consultation"]).run()
    earlier = date.today() - timedelta(days=3)
    at.date_input(key="c_visit_date").set_value(earlier).run()
    get_recommendation(at)
    at.switch_page(ui.PAGES["recommendation"]).run()

    assert at.date_input(key="c_review_date").value == earlier + timedelta(days=14)


@pytest.mark.parametrize(
    "kind", ["1.0 progress", "1.0 referral", "1.0 open walks", "2.0 course", "2.1 demo-20"]
)
def test_every_past_visit_an_import_accepts_opens(kind: str) -> None:
    """A consultation made under 1.0 or 2.0 opens read-only too, says why it cannot be printed
    again by this version, and shows its cards as recorded."""
    from .test_app import ACCEPTED

    [pid] = ui.store().import_file(ACCEPTED[kind], replace=True)
    for visit in ui.store().consultations(pid):
        at = session(fresh_token(), pid)
        at.session_state[ui.VIEW] = visit.id
        at.switch_page(ui.PAGES["visit"]).run()

        assert not at.exception
        assert at.title[0].value == "Past consultation"
        if visit.ruleset_version in ("1.0", "2.0"):
            assert any("this version builds handouts for ruleset 2.1 only" in c.value
                       for c in at.caption)  # fmt: skip
        else:  # the handout, the summary and, for this referral, the letter
            labels = [b.proto.label for b in at.get("download_button")]
            assert labels == [
                "Patient handout (PDF)",
                "Clinician summary (PDF)",
                "Referral letter (PDF)",
            ]


def test_a_save_is_plainly_a_save_and_never_comes_back_as_a_draft() -> None:
    """After saving, the consultation page says what was saved and offers the next step;
    the form is not shown, and no unsaved consultation is listed for the patient."""
    pid = ui.store().new_patient().id
    token = fresh_token()
    at = save_first_visit(token, pid)

    at.switch_page(ui.PAGES["consultation"]).run()
    saved_panel = [s.value for s in at.success]
    labels = button_labels(at)
    form_shown = [n for n in at.number_input if n.key == "c_age"]
    click(at, "Start the next patient")

    assert any(f"**Saved** to {pid}" in s for s in saved_panel)
    assert "Start the next patient" in labels
    assert not form_shown
    assert ui.store().draft(token, pid) is None
    assert not any(f"Unsaved consultation for **{pid}**" in m.value for m in at.markdown)


def test_a_review_asks_about_the_finding_carried_from_the_last_visit() -> None:
    """Cancer history at the first visit is shown at the review as found then, and the
    recommendation waits until it is answered."""
    record = ui.store()
    pid = record.new_patient().id
    first = first_visit(age=62, red_flags=["cancer_history"])
    record.record(
        pid, *decided(first), at=f"{(date.today() - timedelta(days=14)).isoformat()}T09:00:00+00:00"
    )

    at = session(fresh_token(), pid)
    blank = at.radio(key=ui.carried_key("cancer_history")).value
    at.selectbox(key="c_flare_level").select("none")
    at.number_input(key="c_pain_now").set_value(0)
    # The plan's week is a range (5 × 5–15): what was walked is asked, never assumed.
    asked = at.number_input(key="c_walks_per_week").value
    at.number_input(key="c_walks_per_week").set_value(5)
    at.number_input(key="c_minutes_per_walk").set_value(10)
    at.radio(key="c_exercise_asked").set_value("none_present")
    at.radio(key="c_last_step").set_value("no_increase").run()
    get_recommendation(at)
    waiting = [e.value for e in at.error]
    at.radio(key=ui.carried_key("cancer_history")).set_value("present").run()
    get_recommendation(at)

    assert blank is None and asked is None
    assert any("Found at the last visit" in e for e in waiting)
    assert "cancer_history" in at.session_state[ui.CONSULTATION].decided.assessment.red_flags


def test_an_open_referral_is_shown_and_its_status_recorded_on_the_patients_page() -> None:
    """The list and the patient's page show the open referral; recording it as seen closes
    it, and the page then shows it done."""
    record = ui.store()
    pid = record.new_patient().id
    urgent = first_visit(age=62, red_flags=["cancer_weight_loss", "cancer_non_mechanical"])
    record.record(pid, *decided(urgent))

    at = session(fresh_token(), pid, page="patients")
    before = texts(at)
    status = next(s for s in at.selectbox if s.label == "Status")
    status.set_value("seen")
    next(b for b in at.button if b.label == "Record the referral's status").click().run()

    assert "Open:** Urgent referral of" in before
    assert record.referrals(pid)[-1].status == "seen"
    assert record.patients(pid)[0].open_referral is None
    assert ":material/done: Urgent referral of" in texts(at)


def test_a_consultation_is_decided_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Submit, the recommendation, the plan, the handouts page and the save: the
    recommendation is computed once for the consultation, wherever it is read (the prints
    are handed the same recommendation)."""
    import sys

    from walkback_rules.core import engine

    original = engine.recommend
    calls: list[object] = []

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args[0])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    for module in list(sys.modules.values()):
        if getattr(module, "recommend", None) is original:
            monkeypatch.setattr(module, "recommend", counted)
    pid = ui.store().new_patient().id
    at = type_some(session(fresh_token(), pid))
    answer_the_rest(at).run()
    get_recommendation(at)
    for page in ("recommendation", "plan", "handouts", "recommendation"):
        at.switch_page(ui.PAGES[page]).run()
    click(at, f"Save to {pid}'s record")

    assert len(ui.store().consultations(pid)) == 1
    assert len(calls) == 1


def test_the_patients_language_is_kept_and_the_handouts_page_starts_with_it() -> None:
    """Chosen on the Patients page, kept in the record (with an audit row), and the next
    handout starts in that language."""
    pid = ui.store().new_patient().id
    at = session(fresh_token(), pid, "patients")

    at.selectbox(key=f"p_language_{pid}").select("es").run()

    assert not at.exception
    assert ui.store().patient(pid).language == "es"
    assert any("not yet been reviewed" in c.value for c in at.caption)
    assert "set_language" in [r.action for r in ui.store().audit_trail(patient=pid)]
    from walkback_rules.consultation.state import Consultation
    from walkback_rules.teaching.cases import CASES_BY_ID

    at.session_state[ui.CONSULTATION] = Consultation.loaded(
        CASES_BY_ID["demo-02"].data, date.today()
    )
    at.switch_page(ui.PAGES["handouts"]).run()
    assert at.selectbox(key="h_language").value == "es"


def test_a_print_is_noted_when_its_file_is_delivered_and_pressing_starts_no_rerun() -> None:
    """A download button's file notes its print in the record once the browser has it
    whole (an audit row, or with a saved consultation's options), never on the press
    alone; no `on_click` rerun, which used to retire the file a press had asked for."""
    from walkback_rules.server.deliveries import DELIVERIES, digest

    pid = ui.store().new_patient().id

    def page() -> None:
        import streamlit as st

        import ui

        st.session_state[ui.PATIENT] = st.session_state["pid"]
        st.session_state["made"] = ui.printing(lambda: b"%PDF-1.7", "handout (web page)")

    at = AppTest.from_function(page, default_timeout=60)
    at.session_state["pid"] = pid
    at.run()
    make = at.session_state["made"]
    before = [r.action for r in ui.store().audit_trail(patient=pid)]

    assert make() == b"%PDF-1.7"  # outside the page's run, as Streamlit makes the file
    made = [r.action for r in ui.store().audit_trail(patient=pid)]
    delivered = DELIVERIES.delivered(digest(b"%PDF-1.7"))  # as the server sends it whole
    assert delivered is not None
    delivered()
    after = [(r.action, r.detail) for r in ui.store().audit_trail(patient=pid)]
    assert "print" not in before and "print" not in made  # pressed, not yet received
    assert ("print", "handout (web page)") in after
