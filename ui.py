"""Streamlit helpers shared by the pages: session state, the sidebar, and card rendering.

Clinical decisions never happen here; this module only moves values between the session and
the core (`walkback_rules`) and draws what the core returns.
"""

from __future__ import annotations

import copy
import hashlib
import re
import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

import streamlit as st

from walkback_rules.consultation.decided import Decided, decide
from walkback_rules.consultation.form import (
    FORM_DEFAULTS,
    draft_form,
    form_from_assessment,
    typed,
    visit_data,
)
from walkback_rules.core.cards import DECISION_NAMES
from walkback_rules.core.codes import RULESET_VERSION
from walkback_rules.core.evidence import SOURCES
from walkback_rules.core.screens import EXERCISE_FEATURES, RED_FLAG_FEATURES
from walkback_rules.core.validation import validate_assessment

FORM = "consult_form"  # the consultation as typed (plain values; outlives page switches)
ERRORS = "consult_errors"  # form field -> messages from the last submit
ASSESSMENT = "assessment"  # the last validated assessment (a frozen Assessment)
LOADED = "loaded"  # who is loaded: a demo case's title or "New patient"
GOTO = "goto"  # a page to switch to on the next run
WIDGET = "c_"  # prefix of the consultation widgets' keys
PATIENT = "patient"  # the open patient's pseudonym (also the query parameter)
SAVED = "saved"  # the assessment last saved to the open patient's record
NOTE = "consult_note"  # a note for the top of the consultation (where a review started)
TOKEN = "browser"  # this browser's token: its drafts and clinician (query parameter "b")
TOKEN_PARAM = "b"
START = "form_start"  # the form as it was started: what counts as typed is measured from it
PERSISTED = "form_persisted"  # the form as last kept in the store as a draft
ASK = "ask"  # a question to ask before an action that would discard what was typed
SAVED_ID = "saved_id"  # the record's id of the consultation saved from this form
VIEW = "view"  # the record's id of the past consultation being looked at
RESTORED = "restored"  # this browser session has looked for its draft
DATE_FIELDS = ("visit_date", "review_date")  # ISO text in the form, dates in the widgets
DECIDED = "decided"  # the consultation decided once (`Decided`): what every page reads
JUST_SAVED = "just_saved"  # what the last save stored: patient, visit date, decision, id

if TYPE_CHECKING:
    from walkback_rules.core.models import Assessment, Card
    from walkback_rules.store import Store

PAGES = {
    "consultation": "views/consultation.py",
    "recommendation": "views/recommendation.py",
    "plan": "views/plan.py",
    "handouts": "views/handouts.py",
    "patients": "views/patients.py",
    "visit": "views/visit.py",
    "about": "views/about.py",
    "settings": "views/settings.py",
    "teaching": "views/teaching.py",
    "quiz": "views/quiz.py",
    "explorer": "views/explorer.py",
    "compare": "views/compare.py",
    "evidence": "views/evidence.py",
    "welcome": "views/welcome.py",
    "users": "views/users.py",
    "audit": "views/audit.py",
}


DECISION_WORDS = {d.value: name for d, name in DECISION_NAMES.items()}

_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


_BOLD = "\\*\\*"  # "**" as md_text escapes it


def md_text(text: str) -> str:
    """Text shown through Markdown exactly as typed: every Markdown character escaped."""
    return text.translate(_MARKDOWN)


def field_error(message: str | None) -> None:
    """An error right under the field it belongs to (nothing when there is none)."""
    if message:
        st.error(message, icon=":material/error:")


def default_pseudonym() -> str:
    """What to print as the patient's pseudonym until the clinician types one: the open
    patient's, or the demo case's name."""
    if st.session_state.get(PATIENT):
        return str(st.session_state[PATIENT])
    loaded = str(st.session_state.get(LOADED) or "")
    return loaded.split(":")[0] if loaded.startswith("Demo ") else ""


def review_day(rec: Any) -> date | None:
    """The next review date: the one chosen on the Recommendation page, or the one the
    recommendation's interval gives from the visit date."""
    from walkback_rules.consultation.visit import default_review

    chosen = form().get("review_date")
    return date.fromisoformat(chosen) if chosen else default_review(visit_day(), rec)


def saved_id() -> int | None:
    """The record's id of the consultation on screen, when it is the one saved."""
    if st.session_state.get(SAVED) is None:
        return None
    if st.session_state.get(SAVED) != st.session_state.get(ASSESSMENT):
        return None
    value = st.session_state.get(SAVED_ID)
    return None if value is None else int(value)


def file_stem(patient: str) -> str:
    """A safe file-name stem from a pseudonym: letters, digits and dashes only."""
    stem = "".join(c if c.isalnum() else "-" for c in patient.lower()).strip("-")
    return "-".join(filter(None, stem.split("-")))[:40] or "walkback"


def form() -> dict[str, Any]:
    """The consultation form's values, created empty on first use (dated today, with the
    clinician this browser last used)."""
    if FORM not in st.session_state:
        _start({**FORM_DEFAULTS, "clinician": _remembered()})
    value: dict[str, Any] = st.session_state[FORM]
    return value


def _remembered() -> str:
    from walkback_rules.store import StoreError

    try:
        remembered = _opened().clinician(token())
    except StoreError:
        remembered = None
    if remembered:
        return remembered
    return str(st.user.get("name") or "") if identity() is not None else ""


def widget_key(field: str) -> str:
    """The session key of a consultation widget."""
    return WIDGET + field


def carried_key(key: str) -> str:
    """The session key of the answer to one finding carried from the last visit."""
    return WIDGET + "carried_" + key


def feature_key(code: str) -> str:
    """The session key of one red-flag or exercise-screen checkbox."""
    return WIDGET + "f_" + code


_CHECKLISTS = (("red_flags", RED_FLAG_FEATURES), ("exercise_screen", EXERCISE_FEATURES))


def ticked(field: str) -> list[str]:
    """The features ticked in one checklist (red_flags or exercise_screen), in form order."""
    features = dict(_CHECKLISTS)[field]
    return [f.code for f in features if st.session_state.get(feature_key(f.code))]


_SHOWN = "widgets_shown"  # each form field's value as last given to or taken from a widget


def restore_widgets() -> None:
    """Give every consultation widget its stored value (widgets forget theirs off-page)."""
    values = form()
    shown = st.session_state.setdefault(_SHOWN, {})
    for key, answer in (values.get("carried") or {}).items():
        st.session_state.setdefault(carried_key(key), answer)
    for field, value in values.items():
        if field in ("red_flags", "exercise_screen", "carried", "referral_id"):
            continue
        key = widget_key(field)
        if key not in st.session_state:
            st.session_state[key] = (
                (date.fromisoformat(value) if value else None) if field in DATE_FIELDS else value
            )
            shown[field] = value
    for field, features in _CHECKLISTS:
        chosen = set(values[field])
        if any(feature_key(f.code) not in st.session_state for f in features):
            for f in features:
                st.session_state.setdefault(feature_key(f.code), f.code in chosen)
            shown[field] = list(values[field])


def offer(field: str, value: date) -> None:
    """Put a suggested value in a form widget (the review date the recommendation gives)
    without counting it as typed: until the clinician changes it, the form keeps none and
    the suggestion follows the visit date."""
    st.session_state[widget_key(field)] = value
    st.session_state.setdefault(_SHOWN, {})[field] = value.isoformat()


ON_FORM = "on_form"  # the last run drew the consultation form (its widgets are live)


def keep_widgets(fields: tuple[str, ...] | None = None) -> None:
    """Copy into the stored form what a widget has changed since it was given its value.

    Only widgets the last run drew are read: the whole form after a run of the consultation
    page, or the `fields` named (the review date, on the Recommendation page). A value
    left in the session for a widget not drawn can never overwrite what the form learned
    elsewhere (a review date chosen on another page, a start worked out again for a visit
    date)."""
    if fields is None and not st.session_state.get(ON_FORM):
        return
    values = form()
    shown = st.session_state.setdefault(_SHOWN, {})
    if fields is None and values.get("carried"):
        answers = {k: st.session_state.get(carried_key(k), a) for k, a in values["carried"].items()}
        if answers != values["carried"]:
            values["carried"] = answers
    for field in values if fields is None else fields:
        if field in ("red_flags", "exercise_screen", "carried", "referral_id"):
            continue
        if widget_key(field) not in st.session_state:
            continue
        value = st.session_state[widget_key(field)]
        value = value.isoformat() if isinstance(value, date) else value
        if field not in shown or value != shown[field]:
            values[field] = shown[field] = value
    for field, features in _CHECKLISTS if fields is None else ():
        if any(feature_key(f.code) in st.session_state for f in features):
            now = ticked(field)
            if field not in shown or now != shown[field]:
                values[field] = list(now)
                shown[field] = list(now)


def submit() -> None:
    """Validate the consultation and its visit details; keep the assessment and go on, or
    keep the errors beside their fields."""
    keep_widgets()
    values = form()
    decided, errors = decide(values, date.today(), st.session_state.get(_ADVISED))
    st.session_state[ERRORS] = errors
    if decided is not None:
        st.session_state[ASSESSMENT] = decided.assessment
        st.session_state[DECIDED] = decided
        st.session_state.setdefault(LOADED, "New patient")
        st.session_state[GOTO] = PAGES["recommendation"]


_ADVISED = "referral_advised_on"  # when the open referral asked about was advised


def recommendation() -> Any:
    """The recommendation of the consultation on screen, decided once: the one decided at
    submit, or for a demo case loaded without a form, decided on first use and kept."""
    from walkback_rules import recommend

    assessment = require_assessment()
    decided: Decided | None = st.session_state.get(DECIDED)
    if decided is None or decided.assessment != assessment:
        rec = recommend(assessment)
        decided = Decided(assessment, rec, _no_details(assessment, rec), None)
        st.session_state[DECIDED] = decided
    return decided.recommendation


def _no_details(assessment: Assessment, rec: Any) -> Any:
    """Visit details for a consultation decided without its form (a demo case)."""
    from walkback_rules.consultation.visit import VisitDetails, default_review, screen_status

    review = default_review(visit_day(), rec)
    return VisitDetails(
        visit_date=visit_day().isoformat(),
        screens=screen_status(assessment, "none_present", "none_present"),
        review_date=None if review is None else review.isoformat(),
    )


def _today() -> str:
    return date.today().isoformat()


def errors_for(field: str) -> None:
    """Show the errors of one form field, right beside it."""
    for message in st.session_state.get(ERRORS, {}).get(field, []):
        field_error(message)


def follow_goto() -> None:
    """Switch page if an action asked for it."""
    target = st.session_state.pop(GOTO, None)
    if target:
        st.switch_page(target)


def _forget_widgets() -> None:
    """Drop the consultation widgets' state so they start again from the stored form."""
    for key in [k for k in st.session_state if str(k).startswith(WIDGET)]:
        del st.session_state[key]
    st.session_state.pop(_SHOWN, None)


# --- drafts: nothing typed is lost ------------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")


def token() -> str:
    """This browser's token, kept in the address so a refresh or a restart finds its
    drafts again; a new one when the address has none (or one that is not a token).

    Signed in, the drafts and the remembered name belong to the person as well as the
    browser: the token in the address is combined with who signed in, so an address copied
    to someone else's browser finds nothing of theirs."""
    value = st.session_state.get(TOKEN)
    if value is None:
        given = st.query_params.get(TOKEN_PARAM)
        value = given if given and _TOKEN.match(given) else secrets.token_urlsafe(12)
        st.session_state[TOKEN] = value
    if st.query_params.get(TOKEN_PARAM) != value:
        st.query_params[TOKEN_PARAM] = value
    who = identity()
    return str(value) if who is None else scoped_token(who, str(value))


def scoped_token(who: str, value: str) -> str:
    """The token a signed-in person's drafts are kept under, for this browser's token."""
    return "u" + hashlib.sha256(f"{who}\n{value}".encode()).hexdigest()[:31]


def is_demo() -> bool:
    """Whether the form holds a demo case (never a draft, never saved to a record)."""
    return str(st.session_state.get(LOADED) or "").startswith("Demo ")


def _start(values: dict[str, Any]) -> None:
    """Put a form in place as the one being typed from now on (dated today unless it
    carries its own visit date)."""
    values = {**values, "visit_date": values.get("visit_date") or _today()}
    _forget_widgets()
    st.session_state[FORM] = values
    st.session_state[START] = copy.deepcopy(values)
    st.session_state[PERSISTED] = copy.deepcopy(values)
    for key in (ERRORS, ASSESSMENT, SAVED, SAVED_ID, DECIDED, JUST_SAVED, _ADVISED):
        st.session_state.pop(key, None)


def unsaved() -> list[str]:
    """What has been typed and not saved, in words (empty when nothing would be lost)."""
    if FORM not in st.session_state or is_demo() or st.session_state.get(JUST_SAVED):
        return []
    keep_widgets()
    start = st.session_state.get(START, FORM_DEFAULTS)
    return typed(form(), start)


def keep_draft() -> None:
    """Keep the form in the store as this browser's draft for the open patient (or for no
    patient yet), whenever it has changed; a form back at its start leaves no draft."""
    from walkback_rules.store import StoreError

    if FORM not in st.session_state or is_demo() or not can("consultation"):
        return
    if st.session_state.get(JUST_SAVED) is not None:
        return  # what was saved is in the record: it never comes back as a draft
    values = form()
    if values == st.session_state.get(PERSISTED):
        return
    pid = st.session_state.get(PATIENT)
    try:
        record = _opened()
        if values == st.session_state.get(START, FORM_DEFAULTS):
            record.discard_draft(token(), pid)
        else:
            record.save_draft(token(), pid, values)
    except StoreError as exc:
        if st.session_state.get("draft_problem") != str(exc):
            st.session_state["draft_problem"] = str(exc)  # said once, not on every change
            st.toast(f"The draft could not be kept: {md_text(str(exc))}", icon=":material/error:")
        return
    st.session_state[PERSISTED] = copy.deepcopy(values)


def restore_draft() -> None:
    """Once per browser session, with no patient open: bring back the draft this browser
    was typing before a refresh or a restart."""
    from walkback_rules.store import StoreError

    if st.session_state.get(RESTORED):
        return
    st.session_state[RESTORED] = True
    if FORM in st.session_state or st.session_state.get(PATIENT):
        return
    try:
        found = _opened().draft(token(), None)
    except StoreError:
        return
    if found is not None:
        _start(dict(FORM_DEFAULTS))
        _resume(found)
        st.session_state[LOADED] = "New patient"
        st.session_state[NOTE] = (
            f"The consultation typed at {_clock(found.updated_at)} is back, as it was left."
        )


def _resume(found: Any) -> None:
    """Put a stored draft in the form as it was left (after `_start` has set what typing
    is measured from)."""
    _forget_widgets()
    st.session_state[FORM] = draft_form(found.form)
    st.session_state[PERSISTED] = copy.deepcopy(found.form)


def _clock(stamp: str) -> str:
    return f"{stamp[11:16]} UTC on {stamp[:10]}"


def load(data: dict[str, Any], label: str) -> bool:
    """Load assessment data (a demo case) into the consultation, once nothing typed would be
    lost: a draft for a patient stays in their record; one for nobody yet is asked about
    first (False: the question is waiting)."""
    if _closing_asks("load", (data, label)):
        return False
    _load(data, label)
    return True


def _load(data: dict[str, Any], label: str) -> None:
    _close_record()
    _start(form_from_assessment(data))
    st.session_state[ASSESSMENT] = validate_assessment(data)
    st.session_state[LOADED] = label  # a demo case is never saved to a real record


def new_patient() -> None:
    """Clear the consultation (and close any open record) for someone new, once nothing
    typed would be lost."""
    if _closing_asks("new", None):
        return
    _new_patient()


def _new_patient() -> None:
    _forget_widgets()
    for key in (FORM, ERRORS, ASSESSMENT, LOADED, START, PERSISTED, SAVED_ID, DECIDED, JUST_SAVED):
        st.session_state.pop(key, None)
    _close_record()


def close_deleted() -> None:
    """After the open patient is deleted: close them and clear the form, keeping nothing
    (their drafts went with them)."""
    _new_patient()


def adopt_draft() -> None:
    """Give the consultation typed for nobody yet to the open patient, in place of their
    untouched starting form."""
    pid = st.session_state.get(PATIENT)
    if pid is None or unsaved():
        return
    record = _opened()
    st.session_state[PERSISTED] = None  # nothing of theirs is kept yet: let the move happen
    record.discard_draft(token(), pid)
    if record.move_draft(token(), pid):
        found = record.draft(token(), pid)
        if found is not None:
            _resume(found)
            st.session_state[NOTE] = f"The consultation typed for no patient is now {pid}'s."


def ask_discard_waiting() -> None:
    """Ask before discarding the draft typed for nobody yet, naming what it holds."""
    found = _opened().draft(token(), None)
    if found is not None:
        start = {**FORM_DEFAULTS, "visit_date": found.form.get("visit_date")}
        st.session_state[ASK] = ("drop", None, typed(draft_form(found.form), start))


def _closing_asks(action: str, args: object) -> bool:
    """Before the form is replaced: keep what was typed as a draft. A patient's draft stays
    in the store for them (said in a toast); typing for nobody yet is asked about first.
    True when the action must wait for the answer."""
    lost = unsaved()
    keep_draft()
    pid = st.session_state.get(PATIENT)
    if lost and pid:
        st.toast(f"The unsaved consultation for {pid} is kept: open {pid} to go on with it.")
        return False
    if lost:
        st.session_state[ASK] = (action, args, lost)
        return True
    return False


def ask() -> None:
    """The question an action left, as a dialog, until it is answered or dismissed."""
    question = st.session_state.get(ASK)
    if question is not None:
        _discard_dialog(*question)


def _keep_typing() -> None:
    st.session_state.pop(ASK, None)


def _discard_typed() -> None:
    """The answer "discard it": what was typed goes, and the action that asked goes ahead."""
    question = st.session_state.pop(ASK, None)
    if question is None:
        return
    action, args, _ = question
    whose = st.session_state.get(PATIENT) if action == "correct" else None
    _opened().discard_draft(token(), whose)
    if action == "correct":
        _correction(args)
    elif action == "load":
        _load(*args)
        st.session_state[GOTO] = PAGES["consultation"]
    elif action == "new":
        _new_patient()
    # "drop": the draft typed for nobody yet is gone; nothing else changes


@st.dialog("Discard the consultation being typed?", on_dismiss=_keep_typing)
def _discard_dialog(action: str, args: Any, lost: list[str]) -> None:
    if ASK not in st.session_state:  # answered: close the dialog
        st.rerun()
    st.markdown(
        "It has not been saved, and it would be lost. It holds: " + md_text(", ".join(lost)) + "."
    )
    if action != "correct":
        st.caption(
            "To keep it, open or create the patient it belongs to at the top of the "
            "Consultation page."
        )
    keep_col, discard_col = st.columns(2)
    keep_col.button("Keep it", type="primary", icon=":material/undo:", on_click=_keep_typing)
    discard_col.button("Discard it", icon=":material/delete:", on_click=_discard_typed)


def _close_record() -> None:
    """Forget the open patient: their pseudonym, what was saved, the review note."""
    for key in (PATIENT, SAVED, SAVED_ID, NOTE, REVIEW, _ADVISED, JUST_SAVED):
        st.session_state.pop(key, None)
    st.query_params.pop(PATIENT, None)


PRACTICE = "practice"  # this browser session works in the practice record


def _close(record: Store) -> None:
    record.close()


@st.cache_resource(show_spinner=False, on_release=_close)
def _real() -> Store:
    """The patient record, opened (and migrated if behind) once per app process."""
    from walkback_rules.store import Store

    return Store.open()


@st.cache_resource(show_spinner=False, on_release=_close)
def _practice() -> Store:
    """A practice record for trying the app: a new SQLite file in a private temporary
    folder, shared by this app process's practice sessions and gone when the machine
    clears its temporary files. Nothing in it reaches the real record."""
    import tempfile

    from walkback_rules.store import Store

    folder = tempfile.mkdtemp(prefix="walkback-practice-")
    return Store.open(f"sqlite:///{folder}/practice.db")


def _opened() -> Store:
    """The record this session works in: the practice record or the real one."""
    return _practice() if st.session_state.get(PRACTICE) else _real()


def in_practice() -> bool:
    return bool(st.session_state.get(PRACTICE))


def switch_record() -> None:
    """Change between the real record and the practice record (the toggle's callback):
    what is typed stays a draft in the record it was typed in, and no patient stays open."""
    keep_widgets()
    keep_draft()
    _new_patient()
    practice = bool(st.session_state.get("practice_toggle"))
    st.session_state[PRACTICE] = practice
    st.session_state[RESTORED] = False
    if practice:
        st.query_params[PRACTICE] = "1"
    else:
        st.query_params.pop(PRACTICE, None)


PRACTICE_NOTE = (
    "Practice record: for trying the app. Patients here are not in the real record, and "
    "they are gone when the app stops."
)


def store() -> Store:
    """The patient record; when it cannot be opened, the page says why and stops there
    (it is tried again on the next page, once the problem is fixed)."""
    from walkback_rules.store import StoreError

    try:
        return _opened()
    except StoreError as exc:
        st.error(
            f"The patient record cannot be used. {md_text(_capital(str(exc)))}",
            icon=":material/error:",
        )
        st.stop()


def store_or_none() -> Store | None:
    """The patient record, or None after saying on the page why it cannot be used: the
    consultation goes on without it, as decision support needs no record."""
    from walkback_rules.store import StoreError

    try:
        return _opened()
    except StoreError as exc:
        st.error(
            f"The patient record cannot be used. {md_text(_capital(str(exc)))} The "
            "consultation works without it, but cannot be kept or saved until it is fixed.",
            icon=":material/error:",
        )
        return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def open_patient(pid: str) -> None:
    """Open a patient's record. What this browser was typing for them comes back as it was
    left; a consultation typed for nobody yet becomes a new patient's first; otherwise a
    review started from their history (`start_review`), or a first consultation. The
    pseudonym goes in the address so a refresh keeps it."""
    from walkback_rules.consultation.review import start_review

    record = store()
    patient = record.patient(pid)
    carried = unsaved() and not st.session_state.get(PATIENT)
    keep_draft()  # what was typed for the patient open until now stays theirs
    history = record.consultations(pid)
    start = start_review(pid, history, date.today(), record.referrals(pid))
    own = record.draft(token(), pid)
    first = dict(FORM_DEFAULTS) if start is None else start.form
    first["clinician"] = _remembered()
    note = f"{pid} has no consultation yet: this is their first." if start is None else start.note
    if own is not None:
        _start(first)  # what counts as typed is measured from their planned start
        _resume(own)
        note = (
            f"The unsaved consultation for {pid}, typed at {_clock(own.updated_at)}, is back "
            "as it was left. " + note
        )
    elif carried and not history and record.move_draft(token(), pid):
        values = copy.deepcopy(form())
        _start(first)
        st.session_state[FORM] = values
        st.session_state[PERSISTED] = copy.deepcopy(values)
        note = f"The consultation being typed is now {pid}'s first consultation."
    else:
        _start(first)
    _remember_review(start)
    st.session_state[NOTE] = note
    st.session_state[PATIENT] = pid
    st.session_state[LOADED] = pid + (f" · {patient.label}" if patient.label else "")
    st.query_params[PATIENT] = pid
    audit("open_patient", pid)


REVIEW = "review_start"  # the review's start: the findings it carries, the open referral


def _remember_review(start: Any) -> None:
    st.session_state[REVIEW] = start
    referral = None if start is None else start.referral
    st.session_state[_ADVISED] = None if referral is None else referral.advised_on


def review_start() -> Any:
    """The open patient's review start (`consultation.review.ReviewStart`), or None."""
    return st.session_state.get(REVIEW)


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

    keep_widgets()
    pid = st.session_state.get(PATIENT)
    values, start = form(), st.session_state.get(START) or {}
    if pid is None or values.get("visit") != "review" or values.get("corrects"):
        return
    if any(values.get(f) != start.get(f) for f in _PLANNED):
        return  # the clinician has changed the plan's values: leave what they typed
    day = date.fromisoformat(values.get("visit_date") or _today())
    record = store()
    history = [c for c in record.consultations(pid) if c.visit_date < day.isoformat()]
    again = start_review(pid, history, day, record.referrals(pid))
    if again is None:
        return
    for field in _PLANNED:
        values[field] = start[field] = again.form[field]
        st.session_state.pop(widget_key(field), None)
        st.session_state.get(_SHOWN, {}).pop(field, None)
    st.session_state[NOTE] = again.note


def restore_patient() -> None:
    """Keep the open patient's pseudonym and the browser's token in the address (page
    changes clear them), and after a browser refresh reopen the patient it names, or bring
    back the draft typed for nobody yet."""
    if st.query_params.get(PRACTICE) == "1":
        st.session_state[PRACTICE] = True
    elif PRACTICE in st.query_params or not st.session_state.get(PRACTICE):
        st.session_state[PRACTICE] = False
    elif st.session_state.get(PRACTICE):
        st.query_params[PRACTICE] = "1"  # a page change cleared it
    token()
    if not sees_patients():  # a teaching account, or not signed in: no record is opened
        st.query_params.pop(PATIENT, None)
        return
    pid = st.query_params.get(PATIENT)
    open_now = st.session_state.get(PATIENT)
    if open_now and not pid:
        st.query_params[PATIENT] = open_now
        return
    if pid and open_now != pid:
        from walkback_rules.store import NotFound, StoreError

        st.session_state[RESTORED] = True
        try:
            open_patient(pid)
        except NotFound:
            st.query_params.pop(PATIENT, None)
        except StoreError as exc:
            st.query_params.pop(PATIENT, None)
            st.toast(f"{pid} could not be opened: {md_text(str(exc))}", icon=":material/error:")
        return
    restore_draft()


def last_visit_date() -> str | None:
    """The visit date of the open patient's last saved consultation."""
    pid = st.session_state.get(PATIENT)
    if pid is None:
        return None
    history = store().consultations(pid)
    return history[-1].visit_date if history else None


def visit_day() -> date:
    """The visit date the form holds (today when none was typed)."""
    return date.fromisoformat(form().get("visit_date") or _today())


def screens_now(assessment: Assessment) -> Any:
    """Each screen's status as the form and the assessment give it."""
    from walkback_rules.consultation.visit import screen_status

    values = form()
    return screen_status(assessment, values.get("red_flags_asked"), values.get("exercise_asked"))


def visit_details(assessment: Assessment) -> tuple[Any, dict[str, str]]:
    """The visit details the form and the decided recommendation give
    (`visit.VisitDetails`), or each problem keyed by form field."""
    from walkback_rules.consultation.visit import default_review, details_problems

    values = form()
    day = date.fromisoformat(values.get("visit_date") or _today())
    review = default_review(day, recommendation())
    data = visit_data(values, assessment, _today(), review.isoformat() if review else None)
    return details_problems(data, date.today())


def save_consultation() -> None:
    """Save the consultation as decided, its recommendation and the visit's details, to the
    open patient's record; the draft goes in the same step, and the clinician is
    remembered. What committed is said as saved even when remembering the name fails."""
    from walkback_rules.store import StoreError

    pid = st.session_state.get(PATIENT)
    assessment = current_assessment()
    if pid is None or assessment is None or is_demo():
        return
    keep_widgets(("review_date",))
    details, problems = visit_details(assessment)
    if details is None:
        st.session_state[ERRORS] = {k: [v] for k, v in problems.items()}
        st.toast("Not saved: " + md_text("; ".join(problems.values())), icon=":material/error:")
        return
    decided: Decided | None = st.session_state.get(DECIDED)
    referral = decided.referral if decided is not None else None
    record = store()
    try:
        consultation, rec = record.record(
            pid,
            assessment,
            details=details,
            draft=token(),
            clinician_id=identity(),
            actor=actor(),
            rec=recommendation(),
            referral=referral,
        )
    except StoreError as exc:
        st.session_state[SAVED] = None
        st.toast(f"Not saved: {md_text(str(exc))}", icon=":material/error:")
        return
    st.session_state[SAVED] = assessment
    st.session_state[SAVED_ID] = consultation.id
    st.session_state[START] = copy.deepcopy(form())
    st.session_state[PERSISTED] = copy.deepcopy(form())
    st.session_state[JUST_SAVED] = {
        "patient": pid,
        "visit_date": details.visit_date,
        "decision": DECISION_WORDS.get(rec.decision.value, rec.decision.value),
        "recorded_at": consultation.recorded_at,
        "id": consultation.id,
    }
    st.session_state[NOTE] = None
    st.toast(f"Saved to {pid} at {consultation.recorded_at[11:16]} UTC", icon=":material/save:")
    try:
        record.remember_clinician(token(), details.clinician)
    except StoreError as exc:
        st.toast(
            f"Saved. The clinician's name was not remembered for next time: {md_text(str(exc))}"
        )


def referral_lines() -> list[str]:
    """The open patient's referrals in words, with their statuses and follow-up dates, for
    the clinician summary (none without a record or a patient)."""
    from walkback_rules.store import StoreError

    pid = st.session_state.get(PATIENT)
    record = store_or_none() if pid else None
    if record is None or pid is None:
        return []
    try:
        followed = record.referrals(pid)
    except StoreError:
        return []
    return [
        r.words() + (f"; follow up {r.follow_up}" if r.is_open and r.follow_up else "")
        for r in followed
    ]


def just_saved() -> dict[str, Any] | None:
    """What the last save stored, while the consultation on screen is that one."""
    saved: dict[str, Any] | None = st.session_state.get(JUST_SAVED)
    return saved if saved is not None and saved_id() is not None else None


def current_assessment() -> Assessment | None:
    """The last validated assessment, if any."""
    assessment: Assessment | None = st.session_state.get(ASSESSMENT)
    return assessment


def require_assessment() -> Assessment:
    """The current assessment, or a pointer to the consultation and a stop."""
    assessment = current_assessment()
    if assessment is None:
        st.info(
            "No consultation yet. Fill in the **Consultation** page, or load a demo patient "
            "from **Teaching**.",
            icon=":material/info:",
        )
        st.page_link(PAGES["consultation"], label="Go to the consultation", icon=":material/edit:")
        st.stop()
    return assessment


_BOX = {"critical": st.error, "warning": st.warning, "info": st.info}
_ICON = {
    "critical": ":material/emergency:",
    "warning": ":material/warning:",
    "info": ":material/info:",
}


def card(c: Card, headline: bool = False) -> None:
    """A card coloured by its indicator: critical red, warning amber, info blue."""
    text = f"### {c.summary}\n\n{c.detail}" if headline else f"**{c.summary}**\n\n{c.detail}"
    _BOX[c.indicator](text, icon=_ICON[c.indicator])


def stored_card(stored: dict[str, Any], headline: bool = False) -> None:
    """A card as a saved consultation recorded it, drawn as `card` draws a live one. Bold
    is the only markup a card's words carry; anything else shows exactly as stored."""
    given = stored.get("indicator")
    indicator = given if isinstance(given, str) and given in _BOX else "info"
    summary = md_text(str(stored.get("summary", ""))).replace(_BOLD, "**")
    detail = md_text(str(stored.get("detail", ""))).replace(_BOLD, "**")
    body = f"### {summary}\n\n{detail}" if headline else f"**{summary}**\n\n{detail}"
    _BOX[indicator](body, icon=_ICON[indicator])


def note_print(cid: int, kind: str, options: dict[str, Any]) -> None:
    """Keep a print of a saved consultation in the record, with its options (a download
    button's callback), so it can be printed again exactly."""
    from walkback_rules.store import StoreError

    try:
        store().record_print(cid, kind, options, actor=actor())
    except StoreError as exc:
        st.toast(f"The print was not noted in the record: {md_text(str(exc))}")


def clinic_settings() -> Any:
    """The clinic's settings from the record (the defaults when there is no record)."""
    from walkback_rules.clinic import ClinicSettings

    record = store_or_none()
    return record.settings() if record is not None else ClinicSettings()


def print_options(rec: Any, **chosen: Any) -> Any:
    """What a print of the consultation on screen uses: the clinic's settings, the patient's
    pseudonym, the visit day, the next review and the visit's clinician."""
    from walkback_rules.handouts import HandoutOptions

    settings = clinic_settings()
    clinician = str(form().get("clinician") or "").strip() or settings.clinician
    values: dict[str, Any] = {
        "patient": default_pseudonym(),
        "issued": visit_day(),
        "review": review_day(rec),
        "clinician": clinician,
    }
    values.update(chosen)
    return HandoutOptions.from_settings(settings, **values)


PAIN_CHECKED = "pain_checked"  # the flare and pain this session confirmed, before printing


def pain_confirmed(assessment: Assessment, rec: Any) -> bool:
    """Whether a handout or letter may be printed: when the pain rating and the flare level
    disagree (PAIN_LEVEL_MISMATCH), only once the clinician has re-checked both. The
    confirmation holds for these two values only; a change asks again."""
    from walkback_rules.core.codes import Flag

    if Flag.PAIN_LEVEL_MISMATCH not in rec.flags:
        return True
    values = (assessment.flare.level, assessment.flare.pain_now)
    if st.session_state.get(PAIN_CHECKED) == values:
        return True
    st.warning(
        f"The pain rating ({assessment.flare.pain_now}/10) and the flare level "
        f"({assessment.flare.level}) disagree. Re-check both with the patient before "
        "anything is printed; correct them on the Consultation page if either is wrong.",
        icon=":material/warning:",
    )
    st.button(
        "I have re-checked the pain rating and the flare level",
        key=f"pain_check_{values[0]}_{values[1]}",
        on_click=st.session_state.__setitem__,
        args=(PAIN_CHECKED, values),
        icon=":material/fact_check:",
    )
    return False


def letter_button(
    assessment: Assessment, rec: Any, options: Any, at: Any, cid: int | None, key: str
) -> None:
    """The referral letter's download button; its print is noted when the visit is saved."""
    from walkback_rules.handouts.letter import letter_pdf, letter_title

    noted: dict[str, Any] = (
        {"on_click": note_print, "args": (cid, "letter", options.to_json())}
        if cid is not None
        else {"on_click": audit_print, "args": ("letter",)}
    )
    st.download_button(
        f"{letter_title(rec)} letter (PDF, one page)",
        data=lambda: letter_pdf(assessment, rec, options, at),
        file_name=f"{file_stem(options.patient)}-{options.issued}-letter.pdf",
        mime="application/pdf",
        icon=":material/outgoing_mail:",
        key=key,
        **noted,
    )


def start_correction(values: dict[str, Any]) -> None:
    """Start a correction of a saved consultation on the consultation page, once nothing
    typed for this patient would be lost."""
    lost = unsaved()
    keep_draft()
    if lost:
        st.session_state[ASK] = ("correct", values, lost)
        return
    _correction(values)


def _correction(values: dict[str, Any]) -> None:
    _start(values)
    st.session_state[NOTE] = (
        "Correcting a saved consultation: change what was wrong, then save. Both stay in "
        "the record."
    )
    st.session_state[GOTO] = PAGES["consultation"]


def citations(source_ids: tuple[str, ...] | list[str]) -> str:
    """Short citations for display."""
    return "; ".join(SOURCES[s].short for s in source_ids)


PRESENTING = "presenting"  # presenter mode: no sidebar, large type, plain words
_PRESENTER_CSS = """
<style>
html { font-size: 19px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 3.6rem; padding-bottom: 1rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem; padding: 0 0 0.2rem 0; }
</style>
"""


def presenting() -> bool:
    return bool(st.session_state.get(PRESENTING))


def _toggle_presenting() -> None:
    st.session_state[PRESENTING] = bool(st.session_state.get("presenter_toggle"))


def presenter_toggle() -> bool:
    """The presenter-mode switch at the top of a teaching page, and its styles; whether on."""
    st.session_state["presenter_toggle"] = presenting()
    st.toggle(
        "Presenter mode",
        key="presenter_toggle",
        on_change=_toggle_presenting,
        help="For a projector: large type, plain words instead of codes, no sidebar, and only "
        "the teaching pages in the menu.",
    )
    if presenting():
        st.html(_PRESENTER_CSS)  # fixed styles only: no text from anyone goes through here
    return presenting()


def chosen_cases(prefix: str) -> tuple[Any, ...]:
    """The demo cases chosen with `choose_cases(prefix)`, in library order."""
    from walkback_rules.teaching import cases_for

    state = st.session_state
    return cases_for(state.get(f"{prefix}_topics") or (), state.get(f"{prefix}_ids") or ())


def choose_cases(prefix: str) -> tuple[Any, ...]:
    """Topics, or the cases one by one, for a run of the quiz or a worksheet; the cases."""
    from walkback_rules.cases import CASES, CASES_BY_ID
    from walkback_rules.teaching import TOPICS, case_label

    st.pills("Topics", TOPICS, selection_mode="multi", key=f"{prefix}_topics")
    st.multiselect(
        "Or choose the cases",
        [c.id for c in CASES],
        format_func=lambda i: case_label(CASES_BY_ID[i]),
        key=f"{prefix}_ids",
        placeholder="Every case on the topics chosen (all cases when none is chosen)",
    )
    return chosen_cases(prefix)


def reasoning(assessment: Assessment, plain: bool, expanded: bool = True) -> None:
    """The path the rules took, as a picture drawn from the rule tables, and in words."""
    from walkback_rules.reasoning import diagram, path_of, path_words

    path = path_of(assessment)
    words = path_words(path, plain)
    with st.expander(
        "The reasoning as a picture", expanded=expanded, icon=":material/account_tree:"
    ):
        st.graphviz_chart(diagram(path, plain), width="stretch", alt=words)
        st.caption(words)


def outcome(assessment: Assessment, plain: bool) -> None:
    """What the rules decide for an assessment, in words: the decision first, then the dose,
    the resume dose, the referral, the flags and the deciding rule."""
    from walkback_rules.core.engine import decide
    from walkback_rules.core.rules import DECISION_RULES
    from walkback_rules.teaching import outcome_rows, rule_number

    decided = decide(assessment)
    number = rule_number(decided.rule_id)
    rule = DECISION_RULES[number - 1]
    deciding = rule.title if plain else f"{rule.id} · {rule.title}"
    rows = [*outcome_rows(decided), ("Deciding rule", f"{number}. {deciding}")]
    lines = [f"**{label}:** {value}" for label, value in rows]
    st.markdown(f"### {DECISION_NAMES[decided.decision]}")
    st.markdown("  \n".join(lines))


# --- who is using the app: sign-in, roles and the audit trail --------------------------------

SIGNED_IN = "signed_in_as"  # the identity whose sign-in this browser session has recorded
LOCAL_ACTOR = "local user"  # who acts on one clinician's local tool, in the audit trail


def sign_in_configured() -> bool:
    """Whether the clinic's identity provider is set up ([auth] in secrets.toml)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False
    return section is not None and bool(section) and bool(section.get("client_id"))


def access_mode() -> Any:
    """How this server runs (`walkback_rules.access.access`): local, sign-in or refused."""
    from walkback_rules.access import access

    return access(st.get_option("server.address"), sign_in_configured())


def identity() -> str | None:
    """Who is signed in (their e-mail, lower case), or None on a local tool or signed out."""
    if not sign_in_configured() or not st.user.is_logged_in:
        return None
    email = st.user.get("email")
    return str(email).strip().lower() if email else None


def first_administrator() -> str | None:
    try:
        value = (st.secrets.get("walkback") or {}).get("first_administrator")
    except Exception:
        return None
    return str(value) if value else None


def signed_in_user() -> Any:
    """The signed-in person with their roles, noting the sign-in once a browser session."""
    who = identity()
    if who is None:
        return None
    record = store()
    if st.session_state.get(SIGNED_IN) != who:
        name = st.user.get("name")
        user = record.sign_in(who, name if isinstance(name, str) else None, first_administrator())
        st.session_state[SIGNED_IN] = who
        return user
    return record.user(who)


ROLES = "roles_now"  # the roles in force for this run (read once a run: a grant shows next run)


def load_roles() -> frozenset[Any]:
    """Read the roles in force for this run (called first thing on every run)."""
    st.session_state[ROLES] = _roles()
    return st.session_state[ROLES]  # type: ignore[no-any-return]


def roles() -> frozenset[Any]:
    """The roles in force: every role on a local tool, the granted ones when signed in."""
    found = st.session_state.get(ROLES)
    return found if found is not None else load_roles()


def _roles() -> frozenset[Any]:
    from walkback_rules.access import LOCAL_ROLES, Role

    mode = access_mode().mode
    if mode == "local":
        return LOCAL_ROLES
    if mode == "refused" or identity() is None:
        return frozenset()
    user = signed_in_user()
    return frozenset(Role(r) for r in user.roles) if user is not None else frozenset()


def can(page: str) -> bool:
    """Whether the person using the app may open `page` (its key in PAGES)."""
    from walkback_rules.access import may_open

    return may_open(page, roles())


def administers() -> bool:
    """Whether the person holds the administrator's role (always, on a local tool)."""
    from walkback_rules.access import Role

    return Role.ADMINISTRATOR in roles()


def sees_patients() -> bool:
    from walkback_rules.access import sees_patients as allowed

    return allowed(roles())


def actor() -> str:
    """Who acts, as the audit trail names them."""
    return identity() or LOCAL_ACTOR


def audit(action: str, patient: str | None = None, detail: str | None = None) -> None:
    """Add a row to the audit trail for something done on a page (never clinical content)."""
    from walkback_rules.store import StoreError

    try:
        _opened().audit(actor(), action, patient, detail)
    except StoreError as exc:
        st.toast(f"The audit trail could not be written: {md_text(str(exc))}")


def audit_print(kind: str) -> None:
    """A download button's callback: the print, in the audit trail (a print of a saved
    consultation is noted with its options by `note_print` instead)."""
    audit("print", st.session_state.get(PATIENT), kind)


def sign_out() -> None:
    audit("sign_out")
    st.session_state.pop(SIGNED_IN, None)
    st.logout()


def sidebar() -> None:
    """What every page shows: what this is, the ruleset, and who is loaded."""
    with st.sidebar:
        st.markdown("**WalkBack CDS**")
        st.caption(
            "Decision support for clinicians. Not a diagnosis, and not a replacement for "
            "clinical judgement."
        )
        st.caption(f"Ruleset {RULESET_VERSION}")
        who = identity()
        if who is not None:
            st.markdown("**Signed in as:**")
            st.text(who)
            st.button("Sign out", on_click=sign_out, icon=":material/logout:")
        if not sees_patients():
            return
        loaded = st.session_state.get(LOADED)
        if loaded:
            st.markdown("**Open record:**" if st.session_state.get(PATIENT) else "**Loaded:**")
            st.text(loaded)
        else:
            st.markdown("**Loaded:** nobody yet")
        if not can("consultation"):
            return
        st.button("New patient", on_click=new_patient, icon=":material/person_add:")
        st.session_state["practice_toggle"] = in_practice()
        st.toggle(
            "Practice record",
            key="practice_toggle",
            on_change=switch_record,
            help="A separate, temporary record for trying the app. Nothing typed or saved "
            "there reaches the real record.",
        )
        if in_practice():
            st.warning(PRACTICE_NOTE, icon=":material/science:")
