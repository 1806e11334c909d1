"""Discharge, the monthly check-ins and the Outcomes page in the app: a discharge and each
check-in go through the record's checks, a wrong one keeps what was typed and saves
nothing, the due list names who to ask, and the Outcomes page draws the record's curve
(or, for teaching, the synthetic set)."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

import ui
from walkback_rules.outcomes.followup import CheckIn, add_months

from .conftest import make_assessment
from .stores import decided
from .test_app import texts
from .test_app_record import fresh_token, session


def _visited(days_ago: int) -> str:
    """A patient with one consultation `days_ago` days ago."""
    record = ui.store()
    pid = record.new_patient().id
    day = date.today() - timedelta(days=days_ago)
    record.record(pid, *decided(make_assessment()), at=f"{day.isoformat()}T10:00:00+00:00")
    return pid


def _form_button(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def test_a_discharge_is_recorded_from_the_patients_page() -> None:
    pid = _visited(100)
    at = session(fresh_token(), pid, page="patients")

    assert "Discharge is recorded" not in texts(at)
    _form_button(at, "Record the discharge")  # today, programme completed: the defaults

    (episode,) = ui.store().episodes(pid)
    assert episode.discharge.day == date.today() and episode.discharge.reason == "completed"
    assert f"Discharged {date.today().isoformat()}" in texts(at)
    assert "answered yet" in texts(at)  # no check-in yet


def test_a_check_in_is_recorded_and_a_wrong_one_keeps_what_was_typed() -> None:
    pid = _visited(200)
    discharged = date.today() - timedelta(days=150)
    ui.store().discharge(pid, discharged, "completed")
    at = session(fresh_token(), pid, page="patients")

    # Month 1 is the first due; with pain but no answer to "did it limit activity".
    assert at.selectbox(key=f"p_ci_month_{pid}").value == 1
    at.date_input(key=f"p_ci_on_{pid}").set_value(add_months(discharged, 1))
    at.text_input(key=f"p_ci_by_{pid}").input("AB")
    at.radio(key=f"p_ci_pain_{pid}").set_value(True)
    _form_button(at, "Record the check-in")

    assert ui.store().episodes(pid)[0].check_ins == ()
    said = texts(at).replace("\\", "")  # as shown, without markdown's escapes
    assert "It limited activity: yes or no, when there was back pain" in said
    assert at.text_input(key=f"p_ci_by_{pid}").value == "AB"  # nothing typed is lost
    assert at.radio(key=f"p_ci_pain_{pid}").value is True

    at.radio(key=f"p_ci_pain_{pid}").set_value(False)
    _form_button(at, "Record the check-in")
    (kept,) = ui.store().episodes(pid)[0].check_ins
    assert kept == CheckIn(1, add_months(discharged, 1), "AB", "phone", True, False)
    assert any("no back pain lasting 24 hours" in t.value.to_string() for t in at.table)


def test_the_due_list_names_the_patient_and_opens_them() -> None:
    pid = _visited(120)
    ui.store().discharge(pid, date.today() - timedelta(days=60), "completed")  # 2 months due
    at = session(fresh_token(), page="patients")

    assert "Follow-ups due" in [h.value for h in at.header]
    assert any(m.value == f"**{pid}**" for m in at.markdown)
    rows = [c.value for c in at.caption if c.value.startswith("2 check-ins (months 1 and 2)")]
    assert rows, [c.value for c in at.caption if "discharged" in c.value]  # one row a patient
    next(b for b in at.button if b.key == f"p_due_{pid}").click().run()
    assert at.session_state[ui.PATIENT] == pid


def test_the_due_list_pages_thirty_patients_at_a_time() -> None:
    from walkback_rules.store.repo import PAGE_SIZE

    before = ui.store().count_follow_ups_due()
    for _ in range(PAGE_SIZE + 1 - before % PAGE_SIZE):
        ui.store().discharge(_visited(120), date.today() - timedelta(days=60), "completed")
    total = ui.store().count_follow_ups_due()
    at = session(fresh_token(), page="patients")
    assert f"Patients 1-30 of {total:,} with a check-in due" in [c.value for c in at.caption]

    next(b for b in at.button if b.key == "p_due_next").click().run()

    last = total - total % PAGE_SIZE + 1
    assert f"Patients {last:,}-{total:,} of {total:,} with a check-in due" in [
        c.value for c in at.caption
    ]
    assert len([b for b in at.button if (b.key or "").startswith("p_due_P-")]) == 1


def test_the_outcomes_page_draws_the_records_curve_and_the_teaching_set() -> None:
    pid = _visited(300)
    discharged = date.today() - timedelta(days=250)
    ui.store().discharge(pid, discharged, "completed")
    began = add_months(discharged, 2) - timedelta(days=3)
    ui.store().record_check_in(
        pid, CheckIn(1, add_months(discharged, 1), "AB", "phone", True, False)
    )
    ui.store().record_check_in(
        pid, CheckIn(2, add_months(discharged, 2), "AB", "phone", True, True, True, True, began)
    )
    at = session(fresh_token(), page="outcomes")

    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Recurrences"]) >= 1 and int(metrics["Of them, care sought"]) >= 1
    assert "view_outcomes" in [r.action for r in ui.store().audit_trail()]

    at.radio(key="o_source").set_value("teaching").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Discharged"] == "160"
    assert "Check-ins (CSV)" not in [b.label for b in at.get("download_button")]


def test_a_presenter_sees_the_teaching_set_alone() -> None:
    at = session(fresh_token())
    at.session_state[ui.PRESENTING] = True
    at.switch_page(ui.PAGES["outcomes"]).run()

    assert not at.radio  # no choice of the clinic's patients on a projector
    assert {m.label: m.value for m in at.metric}["Discharged"] == "160"
    assert "Teaching set" in texts(at)


def _last_visit_script(pid: str, day: str) -> None:
    from datetime import date

    import streamlit as st

    import ui

    st.session_state[ui.PATIENT] = pid
    st.write(str(ui.discharged_after(date.fromisoformat(day))))


def test_the_sheets_of_an_episodes_last_visit_know_its_discharge() -> None:
    pid = _visited(100)
    record = ui.store()
    second = date.today() - timedelta(days=60)
    record.record(pid, *decided(make_assessment()), at=f"{second.isoformat()}T10:00:00+00:00")
    out = date.today() - timedelta(days=50)
    record.discharge(pid, out, "completed")

    def seen(day: date) -> str:
        at = AppTest.from_function(_last_visit_script, args=(pid, day.isoformat()))
        return str(at.run().markdown[0].value)

    assert seen(second) == out.isoformat()  # the last visit: its sheets say what follows
    assert seen(date.today() - timedelta(days=100)) == "None"  # a visit came after it
    assert seen(out) == out.isoformat()  # discharged the day of the visit


def test_the_function_scale_is_rated_from_the_patients_page() -> None:
    pid = _visited(30)
    at = session(fresh_token(), pid, page="patients")

    at.text_input(key=f"p_psfs_name_1_{pid}_0").input("Walking the dog")
    _form_button(at, "Keep the rating")
    assert ui.store().psfs(pid) == []  # no score: refused, and what was typed is still there
    assert "Activity 1: its score" in texts(at).replace("\\", "")
    assert at.text_input(key=f"p_psfs_name_1_{pid}_0").value == "Walking the dog"

    at.number_input(key=f"p_psfs_score_1_{pid}_0").set_value(3)
    _form_button(at, "Keep the rating")
    (kept,) = ui.store().psfs(pid)
    assert kept.activities == (("Walking the dog", 3),) and kept.when == "first"
    # The next rating starts from the same activities, at a review.
    assert at.text_input(key=f"p_psfs_name_1_{pid}_1").value == "Walking the dog"
    assert at.selectbox(key=f"p_psfs_when_{pid}_1").value == "review"
