"""Session keys, the pages table and the text helpers every binding uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from walkback_rules.core.cards import DECISION_NAMES
from walkback_rules.core.screens import EXERCISE_FEATURES, RED_FLAG_FEATURES

if TYPE_CHECKING:
    pass


CONSULTATION = "consultation"  # the consultation on screen (`consultation.state.Consultation`)


LOADED = "loaded"  # who is loaded: a demo case's title or "New patient"


GOTO = "goto"  # a page to switch to on the next run


WIDGET = "c_"  # prefix of the consultation widgets' keys


PATIENT = "patient"  # the open patient's pseudonym (also the query parameter)


TOKEN = "browser"  # this browser's token: its drafts and clinician (query parameter "b")


TOKEN_PARAM = "b"


ASK = "ask"  # a question to ask before an action that would discard what was typed


VIEW = "view"  # the record's id of the past consultation being looked at


RESTORED = "restored"  # this browser session has looked for its draft


DATE_FIELDS = ("visit_date", "review_date")  # ISO text in the form, dates in the widgets


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
    "outcomes": "views/outcomes.py",
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


def file_stem(patient: str) -> str:
    """A safe file-name stem from a pseudonym: letters, digits and dashes only."""
    stem = "".join(c if c.isalnum() else "-" for c in patient.lower()).strip("-")
    return "-".join(filter(None, stem.split("-")))[:40] or "walkback"


_CHECKLISTS = (("red_flags", RED_FLAG_FEATURES), ("exercise_screen", EXERCISE_FEATURES))


_SHOWN = "widgets_shown"  # each form field's value as last given to or taken from a widget


ON_FORM = "on_form"  # the last run drew the consultation form (its widgets are live)


PRACTICE = "practice"  # this browser session works in the practice record


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


PAIN_CHECKED = "pain_checked"  # the flare and pain this session confirmed, before printing


PRESENTING = "presenting"  # presenter mode: no sidebar, large type, plain words


PERSON = "signed_in_person"  # (provider account, the record's name for its person)
SIGNED_IN = "signed_in_as"  # the identity whose sign-in this browser session has recorded
SESSION_ENDED = "session_ended"  # why this browser's signed-in session was refused


LOCAL_ACTOR = "local user"  # who acts on one clinician's local tool, in the audit trail


ROLES = "roles_now"  # the roles in force for this run (read once a run: a grant shows next run)
