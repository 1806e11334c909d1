"""The follow-up card given at discharge: one row a month with the day it falls due and the
trial's three questions (EVIDENCE §2), for the person to fill in and bring back or read out
when the clinic calls. Patient text, in the patient's language, typeset like every sheet."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..outcomes.followup import FOLLOW_UP_MONTHS, MONTH_MAX, Discharge, due_day
from .content import UNREVIEWED_TEXT, HandoutOptions, no_break, questions_line
from .i18n import N_, _, long_date, reviewed, speaking
from .typeset import PAGE_WORDS, typeset

TITLE = N_("Your back: monthly check-in card")
INTRO = N_(
    "Each month after your last visit, we will ask you three questions about your back. "
    "Fill in a row at the end of each month. Keep this card, and bring it or read it out "
    "when we call."
)
QUESTIONS = (
    N_("Since the last check-in, did you have low back pain that lasted 24 hours or more?"),
    N_("Did it stop you doing your usual things, at home, at work or in your free time?"),
    N_("Did you see a doctor, a physiotherapist or another health worker about it?"),
)
COLUMNS = (N_("Month"), N_("Day to fill in"), N_("Pain 24 hours?"), N_("Stopped you?"),
           N_("Saw someone?"), N_("When it began"))  # fmt: skip
ANSWER = N_("Yes / No")


def card_problems(discharge: date, months: int, today: date) -> dict[str, str]:
    """What is wrong with a card's details, by field, in plain words."""
    errors = {}
    if not 1 <= months <= MONTH_MAX:
        errors["months"] = f"a whole number of months from 1 to {MONTH_MAX}"
    if discharge > today:
        errors["discharge"] = "the day of discharge: today or earlier"
    return errors


def card_pdf(discharge: date, options: HandoutOptions, months: int = FOLLOW_UP_MONTHS) -> bytes:
    """The card as PDF bytes, in the options' language, from the day of discharge."""
    problems = card_problems(discharge, months, options.issued or date.today())
    if problems:
        raise ValueError("; ".join(f"{k}: {v}" for k, v in problems.items()))
    with speaking(options.language):
        data = _card_data(Discharge(discharge, "completed"), options, months)
    return typeset("card", data, sheet="follow-up card", issued=options.issued or discharge)


def _card_data(discharge: Discharge, options: HandoutOptions, months: int) -> dict[str, Any]:
    footer = " · ".join(p for p in (options.clinic, no_break(options.patient)) if p)
    return {
        "title": _(TITLE),
        "lang": options.language,
        "paper": options.paper,
        "footer": footer,
        "page-words": _(PAGE_WORDS),
        "notice": [_(UNREVIEWED_TEXT)] if reviewed(options.language) is None else [],
        "intro": _(INTRO),
        "questions": [_(q) for q in QUESTIONS],
        "columns": [_(c) for c in COLUMNS],
        "answer": _(ANSWER),
        "rows": [[str(m), long_date(due_day(discharge, m))] for m in range(1, months + 1)],
        "call": questions_line(options) if options.phone else "",
    }
