"""Nothing typed is lost: the browser's token, drafts kept in the record, and the question
asked before anything would discard typed work."""

from __future__ import annotations

import copy
import hashlib
import re
import secrets
from typing import TYPE_CHECKING, Any

import streamlit as st

from walkback_rules.consultation.form import (
    ConsultationForm,
    draft_form,
    typed,
)
from walkback_rules.consultation.state import Consultation

if TYPE_CHECKING:
    pass

from . import base, records, signin, widgets

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")


def token() -> str:
    """This browser's token, kept in the address so a refresh or a restart finds its
    drafts again; a new one when the address has none (or one that is not a token).

    Signed in, the drafts and the remembered name belong to the person as well as the
    browser: the token in the address is combined with who signed in, so an address copied
    to someone else's browser finds nothing of theirs."""
    value = st.session_state.get(base.TOKEN)
    if value is None:
        given = st.query_params.get(base.TOKEN_PARAM)
        value = given if given and _TOKEN.match(given) else secrets.token_urlsafe(12)
        st.session_state[base.TOKEN] = value
    if st.query_params.get(base.TOKEN_PARAM) != value:
        st.query_params[base.TOKEN_PARAM] = value
    who = signin.identity()
    return str(value) if who is None else scoped_token(who, str(value))


def scoped_token(who: str, value: str) -> str:
    """The token a signed-in person's drafts are kept under, for this browser's token."""
    return "u" + hashlib.sha256(f"{who}\n{value}".encode()).hexdigest()[:31]


def is_demo() -> bool:
    """Whether the form holds a demo case (never a draft, never saved to a record)."""
    return str(st.session_state.get(base.LOADED) or "").startswith("Demo ")


def _start(values: ConsultationForm, review: Any = None) -> Consultation:
    """Begin a consultation from this form, the one typed from now on (dated today unless
    it carries its own visit date); `review` is its review's start, when it is one."""
    widgets._forget_widgets()
    began = Consultation.begin(values, records.today(), review)
    st.session_state[base.CONSULTATION] = began
    return began


def unsaved() -> list[str]:
    """What has been typed and not saved, in words (empty when nothing would be lost)."""
    now = widgets.current()
    if now is None or is_demo():
        return []
    widgets.keep_widgets()
    return now.typed()


def keep_draft() -> None:
    """Keep the form in the store as this browser's draft for the open patient (or for no
    patient yet), whenever it has changed; a form back at its start leaves no draft."""
    from walkback_rules.store import StoreError

    now = widgets.current()
    if now is None or is_demo() or not signin.can("consultation"):
        return
    if now.saved is not None:
        return  # what was saved is in the record: it never comes back as a draft
    values = now.form
    if values == now.kept:
        return
    pid = st.session_state.get(base.PATIENT)
    try:
        record = records._opened()
        if values == now.start:
            record.discard_draft(token(), pid)
            now.kept_at = None
        else:
            now.kept_at = record.save_draft(token(), pid, values.plain(), now.kept_at)
    except StoreError as exc:
        if st.session_state.get("draft_problem") != str(exc):
            st.session_state["draft_problem"] = str(exc)  # said once, not on every change
            st.toast(
                f"The draft could not be kept: {base.md_text(str(exc))}", icon=":material/error:"
            )
        return
    now.kept = copy.deepcopy(values)


def restore_draft() -> None:
    """Once per browser session, with no patient open: bring back the draft this browser
    was typing before a refresh or a restart."""
    from walkback_rules.store import StoreError

    if st.session_state.get(base.RESTORED):
        return
    st.session_state[base.RESTORED] = True
    if widgets.current() is not None or st.session_state.get(base.PATIENT):
        return
    try:
        found = records._opened().draft(token(), None)
    except StoreError:
        return
    if found is not None:
        began = _start(ConsultationForm())
        _resume(found)
        st.session_state[base.LOADED] = "New patient"
        began.note = (
            f"The consultation typed at {records.clock(found.updated_at)} is back, as it was left."
        )


def _resume(found: Any) -> None:
    """Put a stored draft in the form as it was left (after `_start` has set what typing
    is measured from)."""
    widgets._forget_widgets()
    widgets.consultation().resume(found.form)


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
    widgets._forget_widgets()
    st.session_state[base.CONSULTATION] = Consultation.loaded(data, records.today())
    st.session_state[base.LOADED] = label  # a demo case is never saved to a real record


def new_patient() -> None:
    """Clear the consultation (and close any open record) for someone new, once nothing
    typed would be lost."""
    if _closing_asks("new", None):
        return
    _new_patient()


def _new_patient() -> None:
    widgets._forget_widgets()
    for key in (base.CONSULTATION, base.LOADED):
        st.session_state.pop(key, None)
    _close_record()


def close_deleted() -> None:
    """After the open patient is deleted: close them and clear the form, keeping nothing
    (their drafts went with them)."""
    _new_patient()


def adopt_draft() -> None:
    """Give the consultation typed for nobody yet to the open patient, in place of their
    untouched starting form."""
    pid = st.session_state.get(base.PATIENT)
    if pid is None or unsaved():
        return
    record = records._opened()
    widgets.consultation().kept = None  # nothing of theirs is kept yet: let the move happen
    record.discard_draft(token(), pid)
    if record.move_draft(token(), pid):
        found = record.draft(token(), pid)
        if found is not None:
            _resume(found)
            widgets.consultation().note = f"The consultation typed for no patient is now {pid}'s."


def ask_discard_waiting() -> None:
    """Ask before discarding the draft typed for nobody yet, naming what it holds."""
    found = records._opened().draft(token(), None)
    if found is not None:
        start = ConsultationForm(visit_date=draft_form(found.form).visit_date)
        st.session_state[base.ASK] = ("drop", None, typed(draft_form(found.form), start))


def _closing_asks(action: str, args: object) -> bool:
    """Before the form is replaced: keep what was typed as a draft. A patient's draft stays
    in the store for them (said in a toast); typing for nobody yet is asked about first.
    True when the action must wait for the answer."""
    lost = unsaved()
    keep_draft()
    pid = st.session_state.get(base.PATIENT)
    if lost and pid:
        st.toast(f"The unsaved consultation for {pid} is kept: open {pid} to go on with it.")
        return False
    if lost:
        st.session_state[base.ASK] = (action, args, lost)
        return True
    return False


def ask() -> None:
    """The question an action left, as a dialog, until it is answered or dismissed."""
    question = st.session_state.get(base.ASK)
    if question is not None:
        _discard_dialog(*question)


def _keep_typing() -> None:
    st.session_state.pop(base.ASK, None)


def _discard_typed() -> None:
    """The answer "discard it": what was typed goes, and the action that asked goes ahead."""
    question = st.session_state.pop(base.ASK, None)
    if question is None:
        return
    action, args, _ = question
    whose = st.session_state.get(base.PATIENT) if action == "correct" else None
    records._opened().discard_draft(token(), whose)
    if action == "correct":
        _correction(args)
    elif action == "load":
        _load(*args)
        st.session_state[base.GOTO] = base.PAGES["consultation"]
    elif action == "new":
        _new_patient()


@st.dialog("Discard the consultation being typed?", on_dismiss=_keep_typing)
def _discard_dialog(action: str, args: Any, lost: list[str]) -> None:
    if base.ASK not in st.session_state:  # answered: close the dialog
        st.rerun()
    st.markdown(
        "It has not been saved, and it would be lost. It holds: "
        + base.md_text(", ".join(lost))
        + "."
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
    """Forget the open patient: their pseudonym, and of the consultation on screen what
    belonged to their record (what was saved, the review's start and its note)."""
    st.session_state.pop(base.PATIENT, None)
    now = widgets.current()
    if now is not None:
        now.saved = now.review = now.note = None
    st.query_params.pop(base.PATIENT, None)


def start_correction(values: ConsultationForm) -> None:
    """Start a correction of a saved consultation on the consultation page, once nothing
    typed for this patient would be lost."""
    lost = unsaved()
    keep_draft()
    if lost:
        st.session_state[base.ASK] = ("correct", values, lost)
        return
    _correction(values)


def _correction(values: ConsultationForm) -> None:
    began = _start(values)
    began.note = (
        "Correcting a saved consultation: change what was wrong, then save. Both stay in "
        "the record."
    )
    st.session_state[base.GOTO] = base.PAGES["consultation"]
