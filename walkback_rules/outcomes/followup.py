"""An episode's end and the recurrence follow-up after it, as the WalkBack trial collected
its primary outcome (EVIDENCE §2): a check-in each month from discharge asks whether there
was any low back pain lasting at least 24 hours since the last one, whether it limited
activity, whether the person sought care, and when it began.

Pure and typed: what is due, what is wrong with an entry (by field, in plain words), and
each patient's days to the first activity-limiting recurrence or to the last answered
check-in (a censored follow-up). An unanswered month is recorded as such and never counts
as "no recurrence".
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

DischargeReason = Literal["completed", "referred", "declined", "lost"]
DISCHARGE_REASONS: dict[DischargeReason, str] = {
    "completed": "programme completed",
    "referred": "referred on",
    "declined": "declined further care",
    "lost": "lost to contact",
}
Channel = Literal["phone", "in_person", "card", "message"]
CHANNELS: dict[Channel, str] = {
    "phone": "phone",
    "in_person": "in person",
    "card": "paper card",
    "message": "message",
}
# Each field of a check-in and a discharge as the forms, imports and errors name it.
FIELD_LABELS = {
    "month": "Month after discharge",
    "asked_on": "Asked on",
    "asked_by": "Asked by",
    "how": "How it was asked",
    "answered": "Answered",
    "pain": "Back pain for 24 hours or more",
    "limited": "It limited activity",
    "sought_care": "Sought care for it",
    "began": "When it began",
    "day": "Day of discharge",
    "reason": "Reason for discharge",
}
FOLLOW_UP_MONTHS = 12  # at least a year of monthly check-ins, as the trial's shortest follow-up
MONTH_MAX = 36  # the trial followed some people for up to three years
DUE_WINDOW = timedelta(days=7)  # a check-in is listed as due from a week before its day


@dataclass(frozen=True, slots=True)
class Discharge:
    """The end of an episode of care: when, why, and the dose the person left on (walks a
    week, minutes per walk), when they left on one."""

    day: date
    reason: DischargeReason
    dose: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One month's check-in. `answered` False records a month asked but not answered: its
    questions are then None. `began` is the day the pain began, or the first of its month
    with `month_only` when the person could not say the day."""

    month: int
    asked_on: date
    asked_by: str
    how: Channel
    answered: bool
    pain: bool | None = None  # any low back pain lasting at least 24 hours
    limited: bool | None = None  # it limited activity
    sought_care: bool | None = None
    began: date | None = None
    month_only: bool = False

    @property
    def recurrence(self) -> bool:
        """An activity-limiting recurrence: the trial's primary outcome."""
        return bool(self.answered and self.pain and self.limited)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day when it is
    shorter): 31 January + 1 month is 28 or 29 February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_day(discharge: Discharge, month: int) -> date:
    """The day month `month`'s check-in falls due."""
    return add_months(discharge.day, month)


ASKED_BY_MAX = 60  # characters: a name or initials, as the visit's clinician


def discharge_problems(
    day: date,
    reason: str,
    visit_days: Sequence[date],
    last_discharge: date | None,
    today: date,
) -> dict[str, str]:
    """What is wrong with a discharge, by field, in plain words (empty when it can be kept).
    `visit_days` are the days of the patient's consultations; `last_discharge` the day of
    their previous discharge, if any. An episode is the visits since the last discharge."""
    errors: dict[str, str] = {}
    if reason not in DISCHARGE_REASONS:
        errors["reason"] = "one of " + ", ".join(DISCHARGE_REASONS.values())
    episode = sorted(d for d in visit_days if last_discharge is None or d > last_discharge)
    if not episode:
        errors["day"] = (
            "a discharge ends an episode of care: save a consultation first"
            if last_discharge is None
            else f"already discharged on {last_discharge.isoformat()}, with no visit since"
        )
    elif day < episode[-1]:
        errors["day"] = (
            f"on or after the last visit ({episode[-1].isoformat()}): discharge ends the episode"
        )
    elif day > today:
        errors["day"] = "today or earlier: a discharge is recorded when it happens"
    return errors


def problems(
    discharge: Discharge,
    entry: CheckIn,
    earlier: Sequence[CheckIn] = (),
    today: date | None = None,
) -> dict[str, str]:
    """What is wrong with a check-in, by field, in plain words (empty when it can be kept).
    `earlier` are the patient's check-ins already kept; a check-in cannot be dated after
    `today` when it is given."""
    errors: dict[str, str] = {}
    if not 1 <= entry.month <= MONTH_MAX:
        errors["month"] = f"a whole number of months after discharge, from 1 to {MONTH_MAX}"
    elif any(e.month == entry.month for e in earlier):
        errors["month"] = f"month {entry.month} is already recorded: correct that entry instead"
    if entry.asked_on < discharge.day:
        errors["asked_on"] = (
            f"a day on or after discharge ({discharge.day.isoformat()}): a check-in follows it"
        )
    elif today is not None and entry.asked_on > today:
        errors["asked_on"] = "today or earlier: a check-in is recorded once it is made"
    if not entry.asked_by.strip():
        errors["asked_by"] = "who asked: a name or initials"
    elif len(entry.asked_by) > ASKED_BY_MAX or any(not c.isprintable() for c in entry.asked_by):
        errors["asked_by"] = f"a name or initials on one line, at most {ASKED_BY_MAX} characters"
    if entry.how not in CHANNELS:
        errors["how"] = "one of " + ", ".join(CHANNELS.values())
    answers = (entry.pain, entry.limited, entry.sought_care, entry.began)
    if not entry.answered:
        if any(a is not None for a in answers) or entry.month_only:
            errors["answered"] = "an unanswered month has no answers: leave the questions blank"
        return errors
    if entry.pain is None:
        errors["pain"] = "yes or no (asked of every answered month)"
    elif not entry.pain:
        if entry.limited is not None or entry.sought_care is not None or entry.began is not None:
            errors["pain"] = "with no back pain, the other questions are left blank"
    else:
        if entry.limited is None:
            errors["limited"] = "yes or no, when there was back pain"
        if entry.sought_care is None:
            errors["sought_care"] = "yes or no, when there was back pain"
        if entry.began is None:
            errors["began"] = (
                "a day, or its month when the day is not known, when there was back pain"
            )
        elif entry.began > entry.asked_on:
            errors["began"] = "a day on or before the check-in: pain cannot begin after it"
        elif entry.began < discharge.day:
            errors["began"] = (
                f"a day on or after discharge ({discharge.day.isoformat()}): pain before it "
                "belongs to the episode of care"
            )
        elif entry.month_only and entry.began.day != 1:
            errors["began"] = "with only the month known, the first day of that month"
    return errors


def due(
    discharge: Discharge, entries: Sequence[CheckIn], today: date, months: int = FOLLOW_UP_MONTHS
) -> list[tuple[int, date]]:
    """The months whose check-in is due by a week from `today` and not yet recorded, with
    their days, oldest first. Follow-up for the primary outcome ends at the first
    activity-limiting recurrence; nothing is due after it."""
    if any(e.recurrence for e in entries):
        return []
    recorded = {e.month for e in entries}
    return [
        (m, due_day(discharge, m))
        for m in range(1, months + 1)
        if m not in recorded and due_day(discharge, m) <= today + DUE_WINDOW
    ]


def first_open(
    discharge: Discharge, entries: Sequence[CheckIn], months: int = FOLLOW_UP_MONTHS
) -> date | None:
    """The day of the earliest check-in not yet recorded, or None when none is left (all
    recorded, or follow-up ended at a recurrence). `due` lists something exactly when this
    day is at most a week away, so a record can keep it and find who is due by an index."""
    recorded = {e.month for e in entries}
    return first_open_day(discharge.day, recorded, any(e.recurrence for e in entries), months)


def first_open_day(
    discharged: date, recorded: set[int], recurrence: bool, months: int = FOLLOW_UP_MONTHS
) -> date | None:
    """`first_open` from the discharge day, the months recorded and whether a recorded
    check-in was a recurrence (as a migration reads them from the record)."""
    if recurrence:
        return None
    return next(
        (add_months(discharged, m) for m in range(1, months + 1) if m not in recorded), None
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """One patient's time to the first activity-limiting recurrence: `days` from discharge
    to when it began (`event`), or to the last answered check-in (censored). None days when
    no check-in has been answered: the patient adds nothing to the curve yet."""

    days: int | None
    event: bool
    sought_care: bool = False


def outcome(discharge: Discharge, entries: Sequence[CheckIn]) -> Outcome:
    """The primary outcome from a patient's check-ins, in month order. Later check-ins are
    kept in the record but do not change it."""
    answered = sorted((e for e in entries if e.answered), key=lambda e: e.month)
    for entry in answered:
        if entry.recurrence and entry.began is not None:
            return Outcome((entry.began - discharge.day).days, True, bool(entry.sought_care))
    if not answered:
        return Outcome(None, False)
    return Outcome((answered[-1].asked_on - discharge.day).days, False)


def dose_words(discharge: Discharge) -> str:
    """The dose the person left on, worded as every card words a dose."""
    from ..core.cards import describe_dose
    from ..core.models import NextDose, Span

    if discharge.dose is None:
        return describe_dose(None)
    walks, minutes = discharge.dose
    return describe_dose(NextDose(Span(walks, walks), Span(minutes, minutes)))


def next_steps(discharged: date) -> str:
    """What follows a discharge, in the clinician's words (the summary's line)."""
    first = add_months(discharged, 1).isoformat()
    return (
        f"Discharged {discharged.isoformat()}: a recurrence check-in each month for "
        f"{FOLLOW_UP_MONTHS} months (the follow-up card), the first due {first}."
    )


def month_text(day: date, month_only: bool) -> str:
    """A day, or its month alone when only the month is known."""
    return day.isoformat()[:7] if month_only else day.isoformat()


def answer_words(entry: CheckIn) -> str:
    """What a check-in found, in a few words (the clinician's, not the patient's)."""
    if not entry.answered:
        return "not answered"
    if not entry.pain:
        return "no back pain lasting 24 hours"
    began = "" if entry.began is None else f" from {month_text(entry.began, entry.month_only)}"
    care = "; sought care" if entry.sought_care else "; no care sought"
    if entry.limited:
        return f"activity-limiting recurrence{began}{care}"
    return f"back pain that did not limit activity{began}{care}"


def outcome_words(discharge: Discharge, entries: Sequence[CheckIn]) -> str:
    """The patient's primary outcome in a sentence, as the patient's page and the exports
    say it."""
    result = outcome(discharge, entries)
    if result.days is None:
        return "No check-in answered yet: nothing is known of a recurrence."
    if result.event:
        first = next(e for e in sorted(entries, key=lambda e: e.month) if e.recurrence and e.began)
        return (
            f"First activity-limiting recurrence {result.days} days after discharge (asked "
            f"in month {first.month}); follow-up for the trial's outcome ended there."
        )
    return f"No activity-limiting recurrence in {result.days} days, to the last answered check-in."


def schedule(
    discharge: Discharge, entries: Sequence[CheckIn], today: date
) -> list[dict[str, str | int]]:
    """The follow-up month by month, for a table: each month's day, whether it was asked
    and what was found. A year at least, further when later months were recorded."""
    kept = {e.month: e for e in entries}
    ended = any(e.recurrence for e in entries)
    months = max([FOLLOW_UP_MONTHS, *kept])
    rows: list[dict[str, str | int]] = []
    for month in range(1, months + 1):
        day = due_day(discharge, month)
        entry = kept.get(month)
        if entry is not None:
            status = f"asked {entry.asked_on.isoformat()} by {CHANNELS[entry.how]}"
            found = answer_words(entry)
        elif ended:
            status, found = "not needed: follow-up ended at the recurrence", ""
        elif day <= today + DUE_WINDOW:
            week = due_week(day, today)
            status, found = (week if week == "overdue" else f"due {week}"), ""
        else:
            status, found = "", ""
        rows.append({"Month": month, "Falls due": day.isoformat(), "Asked": status,
                     "Found": found})  # fmt: skip
    return rows


Week = Literal["overdue", "this week", "next week"]


def due_week(day: date, today: date) -> Week:
    """Where a check-in due on `day` is listed: before this week (Monday to Sunday),
    within it, or in the next."""
    monday = today - timedelta(days=today.weekday())
    if day < monday:
        return "overdue"
    return "this week" if day < monday + timedelta(days=7) else "next week"


def months_words(months: Sequence[int]) -> str:
    """Months as a reader takes them in: "3", "3 and 4", "1-4 and 6" (runs of three or
    more as a range)."""
    runs: list[list[int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts: list[str] = []
    for r in runs:  # a run of three or more as a range; one or two, each month
        parts += [f"{r[0]}\u2013{r[-1]}"] if len(r) > 2 else [str(m) for m in r]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def due_words(months: Sequence[int], first: date, discharged: date) -> str:
    """One patient's open check-ins in one line, for the list of who is due."""
    if len(months) == 1:
        said = f"Month {months[0]} check-in, due {first.isoformat()}"
    else:
        said = (
            f"{len(months)} check-ins (months {months_words(months)}), the first due "
            f"{first.isoformat()}"
        )
    return f"{said} · discharged {discharged.isoformat()}"
