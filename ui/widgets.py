"""The consultation form in the session and its widgets: what each was given, what it
changed, and each field's errors beside it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, assert_never

import streamlit as st

from walkback_rules.consultation.form import (
    ConsultationForm,
)

if TYPE_CHECKING:
    pass

from walkback_rules.consultation.fields import FIELD, placeholder
from walkback_rules.consultation.state import Consultation

from . import aid, base, drafts, records, signin


def consultation() -> Consultation:
    """The consultation on screen, created empty on first use (dated today, with the
    clinician this browser last used)."""
    if base.CONSULTATION not in st.session_state:
        drafts._start(ConsultationForm(clinician=_remembered()))
    value: Consultation = st.session_state[base.CONSULTATION]
    return value


def current() -> Consultation | None:
    """The consultation on screen, when there is one (none is created)."""
    value: Consultation | None = st.session_state.get(base.CONSULTATION)
    return value


def form() -> ConsultationForm:
    """The consultation's form, as typed."""
    return consultation().form


def _remembered() -> str:
    from walkback_rules.store import StoreError

    try:
        remembered = records._opened().clinician(drafts.token())
    except StoreError:
        remembered = None
    if remembered:
        return remembered
    return str(st.user.get("name") or "") if signin.identity() is not None else ""


def widget_key(field: str) -> str:
    """The session key of a consultation widget."""
    return base.WIDGET + field


def carried_key(key: str) -> str:
    """The session key of the answer to one finding carried from the last visit."""
    return base.WIDGET + "carried_" + key


def onset_key(code: str) -> str:
    """The session key of when one ticked red-flag symptom began."""
    return base.WIDGET + "onset_" + code


def feature_key(code: str) -> str:
    """The session key of one red-flag or exercise-screen checkbox."""
    return base.WIDGET + "f_" + code


def ticked(field: str) -> list[str]:
    """The features ticked in one checklist (red_flags or exercise_screen), in form order."""
    features = dict(base._CHECKLISTS)[field]
    return [f.code for f in features if st.session_state.get(feature_key(f.code))]


def restore_widgets() -> None:
    """Give every consultation widget its stored value (widgets forget theirs off-page)."""
    values = form()
    shown = st.session_state.setdefault(base._SHOWN, {})
    for key, answer in values.carried.items():
        st.session_state.setdefault(carried_key(key), answer)
    for code, began in values.onsets.items():
        st.session_state.setdefault(onset_key(code), began)
    for field, value in values.model_dump().items():
        if field in ("red_flags", "exercise_screen", "carried", "referral_id", "onsets"):
            continue
        key = widget_key(field)
        if key not in st.session_state:
            st.session_state[key] = (
                (date.fromisoformat(value) if value else None)
                if field in base.DATE_FIELDS
                else value
            )
            shown[field] = value
    for field, features in base._CHECKLISTS:
        chosen: list[str] = getattr(values, field)
        if any(feature_key(f.code) not in st.session_state for f in features):
            for f in features:
                st.session_state.setdefault(feature_key(f.code), f.code in chosen)
            shown[field] = list(chosen)


def offer(field: str, value: date) -> None:
    """Put a suggested value in a form widget (the review date the recommendation gives)
    without counting it as typed: until the clinician changes it, the form keeps none and
    the suggestion follows the visit date."""
    st.session_state[widget_key(field)] = value
    st.session_state.setdefault(base._SHOWN, {})[field] = value.isoformat()


def keep_widgets(fields: tuple[str, ...] | None = None) -> None:
    """Copy into the stored form what a widget has changed since it was given its value.

    Only widgets the last run drew are read: the whole form after a run of the consultation
    page, or the `fields` named (the review date, on the Recommendation page). A value
    left in the session for a widget not drawn can never overwrite what the form learned
    elsewhere (a review date chosen on another page, a start worked out again for a visit
    date)."""
    if fields is None and not st.session_state.get(base.ON_FORM):
        return
    values = form()
    shown = st.session_state.setdefault(base._SHOWN, {})
    if fields is None and values.carried:
        answers = {k: st.session_state.get(carried_key(k), a) for k, a in values.carried.items()}
        if answers != values.carried:
            values.carried = answers
    if fields is None:
        typed = {
            code: str(st.session_state[onset_key(code)])
            for code in dict.fromkeys([*values.onsets, *ticked("red_flags")])
            if onset_key(code) in st.session_state
        }
        onsets = {
            **values.onsets,
            **{c: t for c, t in typed.items() if t.strip() or c in values.onsets},
        }
        onsets = {c: t for c, t in onsets.items() if t.strip()}
        if onsets != values.onsets:
            values.onsets = onsets
    for field in ConsultationForm.model_fields if fields is None else fields:
        if field in ("red_flags", "exercise_screen", "carried", "referral_id", "onsets"):
            continue
        if widget_key(field) not in st.session_state:
            continue
        value = st.session_state[widget_key(field)]
        value = value.isoformat() if isinstance(value, date) else value
        if field not in shown or value != shown[field]:
            setattr(values, field, value)
            shown[field] = value
    for field, features in base._CHECKLISTS if fields is None else ():
        if any(feature_key(f.code) in st.session_state for f in features):
            now = ticked(field)
            if field not in shown or now != shown[field]:
                setattr(values, field, list(now))
                shown[field] = list(now)


def errors_for(field: str) -> None:
    """Show the errors of one form field, right beside it."""
    now = current()
    messages = now.errors.get(field, []) if now is not None else []
    if messages:
        # Keyed, so the page aid ties the messages to the field (aria-describedby).
        with st.container(key=aid.ERROR + field):
            for message in messages:
                base.field_error(message)


def follow_goto() -> None:
    """Switch page if an action asked for it."""
    target = st.session_state.pop(base.GOTO, None)
    if target:
        st.switch_page(target)


def _forget_widgets() -> None:
    """Drop the consultation widgets' state so they start again from the stored form."""
    for key in [k for k in st.session_state if str(k).startswith(base.WIDGET)]:
        del st.session_state[key]
    st.session_state.pop(base._SHOWN, None)


def visit_day() -> date:
    """The visit date the form holds (today when none was typed)."""
    from .records import today

    day = form().visit_date
    return date.fromisoformat(day) if day else today()


def field(key: str, **chosen: Any) -> Any:
    """Draw one answer of the consultation form from the field table: its question, help,
    step and placeholder, keyed to the form; `chosen` adds what the page decides (the
    options of a choice, a layout)."""
    spec = FIELD[key]
    common: dict[str, Any] = {"key": widget_key(key), "help": spec.help, **chosen}
    hint = placeholder(spec)
    if spec.widget == "number":
        return st.number_input(spec.prompt, step=spec.step, placeholder=hint, **common)
    if spec.widget == "checkbox":
        return st.checkbox(spec.prompt, **common)
    if spec.widget == "text":
        return st.text_input(spec.prompt, placeholder=hint, **common)
    if spec.widget == "textarea":
        return st.text_area(spec.prompt, placeholder=hint, **common)
    if spec.widget == "select":
        return st.selectbox(spec.prompt, placeholder=hint, **common)
    if spec.widget == "radio":
        return st.radio(spec.prompt, **common)
    if spec.widget == "date":
        return st.date_input(spec.prompt, **common)
    return assert_never(spec.widget)
