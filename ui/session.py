"""The consultation in the session: submitted and decided once, the open patient and their
review's start, the save, and what the prints use."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import streamlit as st

from walkback_rules.consultation.form import (
    ConsultationForm,
    visit_data,
)
from walkback_rules.consultation.review import ReviewStart
from walkback_rules.consultation.state import Saved

if TYPE_CHECKING:
    from walkback_rules.core.models import Assessment

from . import aid, base, drafts, records, signin, widgets


def default_pseudonym() -> str:
    """What to print as the patient's pseudonym until the clinician types one: the open
    patient's, or the demo case's name."""
    if st.session_state.get(base.PATIENT):
        return str(st.session_state[base.PATIENT])
    loaded = str(st.session_state.get(base.LOADED) or "")
    return loaded.split(":")[0] if loaded.startswith("Demo ") else ""


def review_day(rec: Any) -> date | None:
    """The next review date: the one chosen on the Recommendation page, or the one the
    recommendation's interval gives from the visit date."""
    from walkback_rules.consultation.visit import default_review

    chosen = widgets.form().review_date
    return date.fromisoformat(chosen) if chosen else default_review(widgets.visit_day(), rec)


def saved_id() -> int | None:
    """The record's id of the consultation on screen, when it is the one saved."""
    now = widgets.current()
    return None if now is None or now.saved is None else now.saved.id


def submit() -> None:
    """Validate the consultation and its visit details; keep the assessment and go on, or
    keep the errors beside their fields."""
    widgets.keep_widgets()
    now = widgets.consultation()
    if now.submit(records.today()):
        st.session_state.setdefault(base.LOADED, "New patient")
        st.session_state[base.GOTO] = base.PAGES["recommendation"]
    else:  # the first field with an error takes focus; the summary at the top lists them all
        aid.focus_field(next(iter(now.errors)))


def recommendation() -> Any:
    """The recommendation of the consultation on screen, as decided once at submit (or when
    a demo case was loaded)."""
    require_assessment()
    decided = widgets.consultation().decided
    assert decided is not None  # there is an assessment only once it is decided
    return decided.recommendation


def open_patient(pid: str) -> None:
    """Open a patient's record (see `opened`); for a button's callback."""
    opened(pid)


def opened(pid: str) -> bool:
    """Open a patient's record. What this browser was typing for them comes back as it was
    left; a consultation typed for nobody yet becomes a new patient's first; otherwise a
    review started from their history (`start_review`), or a first consultation. The
    pseudonym goes in the address so a refresh keeps it.

    The opening is noted in the audit trail first: when the row cannot be written, the
    patient is not opened (a read of the record fails closed) and the page says why."""
    from walkback_rules.consultation.review import start_review
    from walkback_rules.store import StoreError

    record = records.store()
    patient = record.patient(pid)
    try:
        record.audit(signin.actor(), "open_patient", pid)
    except StoreError as exc:
        st.error(
            f"{pid} was not opened: the audit trail could not note it "
            f"({base.md_text(str(exc))}). Try again once the record is writable.",
            icon=":material/error:",
        )
        return False
    carried = drafts.unsaved() and not st.session_state.get(base.PATIENT)
    drafts.keep_draft()  # what was typed for the patient open until now stays theirs
    history = record.consultations(pid)
    start = start_review(pid, history, records.today(), record.referrals(pid))
    own = record.draft(drafts.token(), pid)
    first = ConsultationForm() if start is None else start.form
    first.clinician = widgets._remembered()
    note = f"{pid} has no consultation yet: this is their first." if start is None else start.note
    if own is not None:
        began = drafts._start(first, start)  # typing is measured from their planned start
        drafts._resume(own)
        note = (
            f"The unsaved consultation for {pid}, typed at {records.clock(own.updated_at)}, is "
            "back as it was left. " + note
        )
    elif carried and not history and record.move_draft(drafts.token(), pid):
        values = copy.deepcopy(widgets.form())
        began = drafts._start(first, start)
        began.form = values
        began.kept = copy.deepcopy(values)
        note = f"The consultation being typed is now {pid}'s first consultation."
    else:
        began = drafts._start(first, start)
    for typed_at, who in record.open_elsewhere(pid, drafts.token()):
        # Two clinicians on one patient: each is told, so neither loses the other's work.
        by = f" by {base.md_text(who)}" if who else ""
        note += (
            f" Another browser has an unsaved consultation for {pid}{by}, last typed in at "
            f"{records.clock(typed_at)}: check with them before saving."
        )
    began.note = note
    st.session_state[base.PATIENT] = pid
    st.session_state[base.LOADED] = pid + (f" · {patient.label}" if patient.label else "")
    st.query_params[base.PATIENT] = pid
    return True


def review_start() -> ReviewStart | None:
    """The open patient's review start, or None."""
    now = widgets.current()
    return None if now is None else now.review


# What a review's start takes from the plan, and so what moves when the visit date does.
_PLANNED = (
    "walks_per_week",
    "minutes_per_walk",
    "weeks_at_current_dose",
    "previous_dose_known",
    "previous_walks",
    "previous_minutes",
    "last_step",
    "episode_weeks",
)


def redate() -> None:
    """The visit date's callback. At a review not yet changed from its planned start (a
    visit written up later), the start is worked out again for that day: the week of the
    plan counts from the last visit to this one, not to today."""
    from walkback_rules.consultation.review import start_review

    widgets.keep_widgets()
    pid = st.session_state.get(base.PATIENT)
    now = widgets.consultation()
    values, start = now.form, now.start
    if pid is None or values.visit != "review" or values.corrects:
        return
    if any(getattr(values, f) != getattr(start, f) for f in _PLANNED):
        return  # the clinician has changed the plan's values: leave what they typed
    day = date.fromisoformat(values.visit_date) if values.visit_date else records.today()
    record = records.store()
    history = [c for c in record.consultations(pid) if c.visit_date < day.isoformat()]
    again = start_review(pid, history, day, record.referrals(pid))
    if again is None:
        return
    for field in _PLANNED:
        setattr(values, field, getattr(again.form, field))
        setattr(start, field, getattr(again.form, field))
        st.session_state.pop(widgets.widget_key(field), None)
        st.session_state.get(base._SHOWN, {}).pop(field, None)
    now.note, now.review = again.note, again


def restore_patient() -> None:
    """Keep the open patient's pseudonym and the browser's token in the address (page
    changes clear them), and after a browser refresh reopen the patient it names, or bring
    back the draft typed for nobody yet."""
    if st.query_params.get(base.PRACTICE) == "1":
        st.session_state[base.PRACTICE] = True
    elif base.PRACTICE in st.query_params or not st.session_state.get(base.PRACTICE):
        st.session_state[base.PRACTICE] = False
    elif st.session_state.get(base.PRACTICE):
        st.query_params[base.PRACTICE] = "1"  # a page change cleared it
    drafts.token()
    if not signin.sees_patients():  # a teaching account, or not signed in: no record is opened
        st.query_params.pop(base.PATIENT, None)
        return
    pid = st.query_params.get(base.PATIENT)
    open_now = st.session_state.get(base.PATIENT)
    if open_now and not pid:
        st.query_params[base.PATIENT] = open_now
        return
    if pid and open_now != pid:
        from walkback_rules.store import NotFound, StoreError

        st.session_state[base.RESTORED] = True
        try:
            open_patient(pid)
        except NotFound:
            st.query_params.pop(base.PATIENT, None)
        except StoreError as exc:
            st.query_params.pop(base.PATIENT, None)
            st.toast(
                f"{pid} could not be opened: {base.md_text(str(exc))}", icon=":material/error:"
            )
        return
    drafts.restore_draft()


def last_visit_date() -> str | None:
    """The visit date of the open patient's last saved consultation."""
    pid = st.session_state.get(base.PATIENT)
    if pid is None:
        return None
    history = records.store().consultations(pid)
    return history[-1].visit_date if history else None


def screens_now(assessment: Assessment) -> Any:
    """Each screen's status as the form and the assessment give it."""
    from walkback_rules.consultation.visit import screen_status

    values = widgets.form()
    return screen_status(assessment, values.red_flags_asked, values.exercise_asked)


def visit_details(assessment: Assessment) -> tuple[Any, dict[str, str]]:
    """The visit details the form and the decided recommendation give
    (`visit.VisitDetails`), or each problem keyed by form field."""
    from walkback_rules.consultation.visit import default_review, details_problems

    values = widgets.form()
    today = records.today()
    day = date.fromisoformat(values.visit_date) if values.visit_date else today
    review = default_review(day, recommendation())
    data = visit_data(values, assessment, today.isoformat(), review.isoformat() if review else None)
    return details_problems(data, today)


def save_consultation() -> None:
    """Save the consultation as decided, its recommendation and the visit's details, to the
    open patient's record; the draft goes in the same step, and the clinician is
    remembered. What committed is said as saved even when remembering the name fails."""
    from walkback_rules.store import StoreError

    pid = st.session_state.get(base.PATIENT)
    assessment = current_assessment()
    if pid is None or assessment is None or drafts.is_demo():
        return
    widgets.keep_widgets(("review_date",))
    details, problems = visit_details(assessment)
    now = widgets.consultation()
    if details is None:
        now.errors = {k: [v] for k, v in problems.items()}
        st.toast(
            "Not saved: " + base.md_text("; ".join(problems.values())), icon=":material/error:"
        )
        return
    referral = now.decided.referral if now.decided is not None else None
    record = records.store()
    try:
        consultation, rec = record.record(
            pid,
            assessment,
            details=details,
            draft=drafts.token(),
            clinician_id=signin.identity(),
            actor=signin.actor(),
            rec=recommendation(),
            referral=referral,
            key=now.save_key,
        )
    except StoreError as exc:
        st.toast(f"Not saved: {base.md_text(str(exc))}", icon=":material/error:")
        return
    now.mark_saved(
        Saved(
            id=consultation.id,
            recorded_at=consultation.recorded_at,
            patient=pid,
            visit_date=details.visit_date,
            decision=base.DECISION_WORDS.get(rec.decision.value, rec.decision.value),
        )
    )
    st.toast(f"Saved to {pid} at {records.clock(consultation.recorded_at)}", icon=":material/save:")
    same_day = [
        c
        for c in record.consultations(pid)
        if c.visit_date == details.visit_date and c.id != consultation.id
    ]
    if same_day:  # another save of this patient's visit that day: both are kept, and said
        other = same_day[-1]
        by = f" by {base.md_text(other.clinician_id)}" if other.clinician_id else ""
        st.warning(
            f"{pid} already had a consultation saved for {details.visit_date}{by}, at "
            f"{records.clock(other.recorded_at)}. Both are kept: check which is right, and "
            "correct the other from the patient's record.",
            icon=":material/warning:",
        )
    try:
        record.remember_clinician(drafts.token(), details.clinician)
    except StoreError as exc:
        why = base.md_text(str(exc))
        st.toast(f"Saved. The clinician's name was not remembered for next time: {why}")


def just_saved() -> Saved | None:
    """What the save stored, while the consultation on screen is the one saved."""
    now = widgets.current()
    return None if now is None else now.saved


def current_assessment() -> Assessment | None:
    """The assessment of the consultation on screen, once decided."""
    now = widgets.current()
    return None if now is None or now.decided is None else now.decided.assessment


def require_assessment() -> Assessment:
    """The current assessment, or a pointer to the consultation and a stop."""
    assessment = current_assessment()
    if assessment is None:
        st.info(
            "No consultation yet. Fill in the **Consultation** page, or load a demo patient "
            "from **Teaching**.",
            icon=":material/info:",
        )
        st.page_link(
            base.PAGES["consultation"], label="Go to the consultation", icon=":material/edit:"
        )
        st.stop()
    return assessment


def print_options(rec: Any, **chosen: Any) -> Any:
    """What a print of the consultation on screen uses: the clinic's settings, the patient's
    pseudonym, the visit day, the next review and the visit's clinician."""
    from walkback_rules.handouts import HandoutOptions

    settings = records.clinic_settings()
    values: dict[str, Any] = {
        "patient": default_pseudonym(),
        "issued": widgets.visit_day(),
        "review": review_day(rec),
        # Signed by full name (the usual clinician's, for their initials); see from_settings.
        "clinician": widgets.form().clinician,
        # The emergency team's box and the letter say when, in the clinic's zone: now.
        "assessed_at": datetime.now().astimezone().replace(second=0, microsecond=0),
        # The patient's own sheets in the language the record keeps for them.
        "language": records.patient_language(),
        # The last visit of an episode: the sheets say what follows the discharge.
        "discharged": records.discharged_after(widgets.visit_day()),
    }
    values.update(chosen)
    return HandoutOptions.from_settings(settings, **values)


def pain_confirmed(assessment: Assessment, rec: Any) -> bool:
    """Whether a handout or letter may be printed: when the pain rating and the flare level
    disagree (PAIN_LEVEL_MISMATCH), only once the clinician has re-checked both. The
    confirmation holds for these two values only; a change asks again."""
    from walkback_rules.core.codes import Flag

    flare = assessment.flare
    if Flag.PAIN_LEVEL_MISMATCH not in rec.flags or flare is None:
        return True  # a mismatch is raised only when the flare was asked
    values = (flare.level, flare.pain_now)
    if st.session_state.get(base.PAIN_CHECKED) == values:
        return True
    st.warning(
        f"The pain rating ({flare.pain_now}/10) and the flare level "
        f"({flare.level}) disagree. Re-check both with the patient before "
        "anything is printed; correct them on the Consultation page if either is wrong.",
        icon=":material/warning:",
    )
    st.button(
        "I have re-checked the pain rating and the flare level",
        key=f"pain_check_{values[0]}_{values[1]}",
        on_click=st.session_state.__setitem__,
        args=(base.PAIN_CHECKED, values),
        icon=":material/fact_check:",
    )
    return False


def crisis_contacts(rec: Any) -> None:
    """Beside the self-harm card: the clinic's crisis contacts, and the discreet slip that
    carries them for the person."""
    from walkback_rules.handouts.slip import contacts, missing, slip_pdf

    options = print_options(rec)
    found = contacts(options)
    if found:
        st.markdown(
            "**Crisis contacts:** "
            + "; ".join(f"{base.md_text(what)}: {base.md_text(number)}" for what, number in found)
        )
        st.download_button(
            "Contacts slip for the person (PDF, one page)",
            help="One page with the crisis contacts and nothing else: it never mentions back "
            "pain or why it was given.",
            data=records.printing(lambda: slip_pdf(options), "contacts slip"),
            file_name="useful-phone-numbers.pdf",
            mime="application/pdf",
            icon=":material/contact_phone:",
            on_click="ignore",
        )
    else:
        st.warning(missing(options) or "", icon=":material/warning:")


def letter_button(
    assessment: Assessment, rec: Any, options: Any, at: Any, cid: int | None, key: str
) -> None:
    """The referral letter's download button, with the visit's onsets and examination
    findings; its print is noted when the visit is saved."""
    from walkback_rules.handouts.letter import letter_page, letter_pdf, letter_title

    # Read now, in the page's run: the onsets and examination findings on the form.
    details = visit_details(assessment)[0]
    st.download_button(
        f"{letter_title(rec)} letter (PDF, one page)",
        data=records.printing(
            lambda: letter_pdf(assessment, rec, options, at, details),
            "letter",
            cid,
            options.to_json(),
        ),
        file_name=f"{base.file_stem(options.patient)}-{options.issued}-letter.pdf",
        mime="application/pdf",
        icon=":material/outgoing_mail:",
        key=key,
        on_click="ignore",
    )
    st.download_button(
        f"{letter_title(rec)} letter (web page)",
        help="The same letter, for a screen reader or to send electronically.",
        data=records.printing(
            lambda: letter_page(assessment, rec, options, at, details), "letter (web page)"
        ),
        file_name=f"{base.file_stem(options.patient)}-{options.issued}-letter.html",
        mime="text/html",
        icon=":material/article:",
        key=f"{key}_html",
        on_click="ignore",
    )
