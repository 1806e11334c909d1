"""Streamlit helpers shared by the pages: session state, the sidebar, and card rendering.

Clinical decisions never happen here; this module only moves values between the session and
the core (`walkback_rules`) and draws what the core returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from walkback_rules.core.cards import DECISION_NAMES
from walkback_rules.core.codes import RULESET_VERSION
from walkback_rules.core.evidence import SOURCES
from walkback_rules.core.screens import EXERCISE_FEATURES, RED_FLAG_FEATURES
from walkback_rules.core.validation import validate_assessment
from walkback_rules.intake import (
    FORM_DEFAULTS,
    form_from_assessment,
    review_form,
    validate_form,
)

FORM = "consult_form"  # the consultation as typed (plain values; outlives page switches)
ERRORS = "consult_errors"  # form field -> messages from the last submit
ASSESSMENT = "assessment"  # the last validated assessment (a frozen Assessment)
LOADED = "loaded"  # who is loaded: a demo case's title or "New patient"
GOTO = "goto"  # a page to switch to on the next run
WIDGET = "c_"  # prefix of the consultation widgets' keys
PATIENT = "patient"  # the open patient's pseudonym (also the query parameter)
SAVED = "saved"  # the assessment last saved to the open patient's record
NOTE = "consult_note"  # a note for the top of the consultation (where a review started)

if TYPE_CHECKING:
    from walkback_rules.core.models import Assessment, Card
    from walkback_rules.store import Store

PAGES = {
    "consultation": "views/consultation.py",
    "recommendation": "views/recommendation.py",
    "plan": "views/plan.py",
    "handouts": "views/handouts.py",
    "patients": "views/patients.py",
    "about": "views/about.py",
    "teaching": "views/teaching.py",
    "evidence": "views/evidence.py",
}


PAPER_NAMES = {"a4": "A4", "letter": "US Letter"}
DECISION_WORDS = {d.value: name for d, name in DECISION_NAMES.items()}

_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def md_text(text: str) -> str:
    """Text shown through Markdown exactly as typed: every Markdown character escaped."""
    return text.translate(_MARKDOWN)


def field_error(message: str | None) -> None:
    """An error right under the field it belongs to (nothing when there is none)."""
    if message:
        st.error(message, icon=":material/error:")


def default_pseudonym() -> str:
    """What to print as the patient's pseudonym until the clinician types one."""
    loaded = str(st.session_state.get(LOADED) or "")
    return loaded.split(":")[0] if loaded.startswith("Demo ") else ""


def file_stem(patient: str) -> str:
    """A safe file-name stem from a pseudonym: letters, digits and dashes only."""
    stem = "".join(c if c.isalnum() else "-" for c in patient.lower()).strip("-")
    return "-".join(filter(None, stem.split("-")))[:40] or "walkback"


def form() -> dict[str, Any]:
    """The consultation form's values, created empty on first use."""
    if FORM not in st.session_state:
        st.session_state[FORM] = dict(FORM_DEFAULTS)
    value: dict[str, Any] = st.session_state[FORM]
    return value


def widget_key(field: str) -> str:
    """The session key of a consultation widget."""
    return WIDGET + field


def feature_key(code: str) -> str:
    """The session key of one red-flag or exercise-screen checkbox."""
    return WIDGET + "f_" + code


_CHECKLISTS = (("red_flags", RED_FLAG_FEATURES), ("exercise_screen", EXERCISE_FEATURES))


def ticked(field: str) -> list[str]:
    """The features ticked in one checklist (red_flags or exercise_screen), in form order."""
    features = dict(_CHECKLISTS)[field]
    return [f.code for f in features if st.session_state.get(feature_key(f.code))]


def restore_widgets() -> None:
    """Give every consultation widget its stored value (widgets forget theirs off-page)."""
    values = form()
    for field, value in values.items():
        if field not in ("red_flags", "exercise_screen"):
            st.session_state.setdefault(widget_key(field), value)
    for field, features in _CHECKLISTS:
        chosen = set(values[field])
        for f in features:
            st.session_state.setdefault(feature_key(f.code), f.code in chosen)


def keep_widgets() -> None:
    """Copy the widgets' current values into the stored form."""
    values = form()
    for field in values:
        if field not in ("red_flags", "exercise_screen") and widget_key(field) in st.session_state:
            values[field] = st.session_state[widget_key(field)]
    for field, _ in _CHECKLISTS:
        values[field] = ticked(field)


def submit() -> None:
    """Validate the consultation; keep the assessment and go on, or keep the errors."""
    keep_widgets()
    assessment, errors = validate_form(form())
    st.session_state[ERRORS] = errors
    if assessment is not None:
        st.session_state[ASSESSMENT] = assessment
        st.session_state.setdefault(LOADED, "New patient")
        st.session_state[GOTO] = PAGES["recommendation"]


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


def load(data: dict[str, Any], label: str) -> None:
    """Load assessment data (a demo case) into the consultation and validate it."""
    st.session_state[FORM] = form_from_assessment(data)
    _forget_widgets()
    st.session_state[ERRORS] = {}
    st.session_state[ASSESSMENT] = validate_assessment(data)
    st.session_state[LOADED] = label
    _close_record()  # a demo case is never saved to a real record


def new_patient() -> None:
    """Clear the consultation (and close any open record) for someone new."""
    _forget_widgets()
    for key in (FORM, ERRORS, ASSESSMENT, LOADED):
        st.session_state.pop(key, None)
    _close_record()


def _close_record() -> None:
    """Forget the open patient: their pseudonym, what was saved, the review note."""
    for key in (PATIENT, SAVED, NOTE):
        st.session_state.pop(key, None)
    st.query_params.pop(PATIENT, None)


@st.cache_resource(show_spinner=False)
def _opened() -> Store:
    """The patient record, opened (and migrated if behind) once per app process."""
    from walkback_rules.store import Store

    return Store.open()


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


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def open_patient(pid: str) -> None:
    """Open a patient's record: a review prefilled from their last consultation, or a
    first consultation. The pseudonym goes in the address so a refresh keeps it."""
    from walkback_rules.store import prefill

    record = store()
    patient = record.patient(pid)
    start = prefill(record.consultations(pid))
    _forget_widgets()
    for key in (ERRORS, ASSESSMENT, SAVED, NOTE):
        st.session_state.pop(key, None)
    if start is None:
        st.session_state[FORM] = dict(FORM_DEFAULTS)
        st.session_state[NOTE] = f"{pid} has no consultation yet: this is their first."
    else:
        st.session_state[FORM] = review_form(start.data, start.previous_dose)
        if start.returning_after_flare:
            dose = "the walking dose is the one set to resume at after the flare"
        elif start.plan_week is not None:
            dose = f"the walking dose is the one planned for week {start.plan_week} of it"
        else:
            dose = "this week's dose is the one prescribed then"
        note = (
            f"Review started from the consultation of {start.last_seen[:10]} "
            f"({DECISION_WORDS.get(start.last_decision, start.last_decision)}, ruleset "
            f"{start.last_ruleset}): {dose}. It is what was planned: change it to what the "
            "person actually did. Ask afresh about the flare, both screens, mood and self-harm."
        )
        if start.previous_dose is not None:
            note += " The plan stepped the walking up since: ask how the back took the step."
        st.session_state[NOTE] = note
    st.session_state[PATIENT] = pid
    st.session_state[LOADED] = pid + (f" · {patient.label}" if patient.label else "")
    st.query_params[PATIENT] = pid


def restore_patient() -> None:
    """Keep the open patient's pseudonym in the address (page changes clear it), and after
    a browser refresh reopen the patient it names."""
    pid = st.query_params.get(PATIENT)
    open_now = st.session_state.get(PATIENT)
    if open_now and not pid:
        st.query_params[PATIENT] = open_now
        return
    if pid and open_now != pid:
        from walkback_rules.store import NotFound, StoreError

        try:
            open_patient(pid)
        except NotFound:
            st.query_params.pop(PATIENT, None)
        except StoreError as exc:
            st.query_params.pop(PATIENT, None)
            st.toast(f"{pid} could not be opened: {md_text(str(exc))}", icon=":material/error:")


def save_consultation() -> None:
    """Save the current assessment and its recommendation to the open patient's record."""
    from walkback_rules.store import StoreError

    pid = st.session_state.get(PATIENT)
    assessment = current_assessment()
    if pid is None or assessment is None:
        return
    try:
        consultation, _ = store().record(pid, assessment)
    except StoreError as exc:
        st.session_state[SAVED] = None
        st.toast(f"Not saved: {md_text(str(exc))}", icon=":material/error:")
        return
    st.session_state[SAVED] = assessment
    st.toast(f"Saved to {pid} at {consultation.recorded_at[11:16]} UTC", icon=":material/save:")


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


def citations(source_ids: tuple[str, ...] | list[str]) -> str:
    """Short citations for display."""
    return "; ".join(SOURCES[s].short for s in source_ids)


def sidebar() -> None:
    """What every page shows: what this is, the ruleset, and who is loaded."""
    with st.sidebar:
        st.markdown("**WalkBack CDS**")
        st.caption(
            "Decision support for clinicians. Not a diagnosis, and not a replacement for "
            "clinical judgement."
        )
        st.caption(f"Ruleset {RULESET_VERSION}")
        loaded = st.session_state.get(LOADED)
        if loaded:
            st.markdown("**Open record:**" if st.session_state.get(PATIENT) else "**Loaded:**")
            st.text(loaded)
        else:
            st.markdown("**Loaded:** nobody yet")
        st.button("New patient", on_click=new_patient, icon=":material/person_add:")
