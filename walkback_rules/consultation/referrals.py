"""Referrals followed: each referral the product gives is an item of the record, with its
tier, conditions, the day it was advised, a follow-up date and a status, until it is closed.

The rules decide whether to refer and how urgently; what became of the referral is the
clinician's record, kept here apart from the rules and never read by them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.cards import URGENCY_WORDS
from .visit import iso_day, plain_text

Status = Literal["advised", "made", "seen", "declined", "lost"]
STATUS_WORDS: dict[Status, str] = {
    "advised": "advised, not yet made",
    "made": "made, not yet seen",
    "seen": "seen",
    "declined": "declined by the person",
    "lost": "lost to follow-up",
}
STATUS_CHOICES: dict[Status, str] = {
    "advised": "Advised: not yet made",
    "made": "Made: waiting to be seen",
    "seen": "Seen",
    "declined": "Declined by the person",
    "lost": "Lost to follow-up",
}
OPEN: frozenset[Status] = frozenset({"advised", "made"})
# How soon to check that a referral happened, by its tier: the next day after an emergency
# or same-day referral, within the week after an urgent one. A routine referral rides
# with the walking programme and is checked at its next review.
FOLLOW_UP_DAYS: dict[str, int] = {"emergency": 1, "same_day": 1, "urgent": 7}
NOTE_MAX = 200

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def follow_up(urgency: str, advised_on: date) -> date | None:
    """The day to check on a referral of this tier (None for a routine one)."""
    days = FOLLOW_UP_DAYS.get(urgency)
    return None if days is None else advised_on + timedelta(days=days)


class ReferralUpdate(BaseModel):
    """A referral's status as the clinician recorded it on a day, with a short note (the
    outcome once seen)."""

    model_config = _STRICT

    status: Status = Field(json_schema_extra={"allowed": "advised, made, seen, declined or lost"})
    on: str = Field(json_schema_extra={"allowed": "a date as YYYY-MM-DD"})
    note: str | None = Field(
        None,
        json_schema_extra={"allowed": f"plain printable text of at most {NOTE_MAX} characters"},
    )

    _on = field_validator("on")(iso_day)

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        return plain_text(value, NOTE_MAX, one_line=True)


UPDATE_LABELS = {"status": "Referral status", "on": "Referral status date", "note": "Outcome"}


@dataclass(frozen=True, slots=True)
class Referral:
    """A referral as the record keeps it, with every status it has had, oldest first."""

    id: int
    patient_id: str
    consultation_id: int
    urgency: str
    conditions: tuple[str, ...]
    advised_on: str
    follow_up: str | None
    updates: tuple[ReferralUpdate, ...]
    recorded: tuple[str, ...] = ()  # when each update was recorded

    @property
    def status(self) -> Status:
        return self.updates[-1].status if self.updates else "advised"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def outcome(self) -> str | None:
        return self.updates[-1].note if self.updates else None

    def words(self) -> str:
        """The referral in a line: "Urgent referral of 2026-03-02: made, not yet seen"."""
        return referral_words(self.urgency, self.advised_on, self.status, self.outcome)

    def line(self) -> str:
        """The referral in a line, with its follow-up date while it is open."""
        return with_follow_up(self.words(), self.follow_up if self.is_open else None)

    def to_json(self) -> dict[str, Any]:
        return {
            "urgency": self.urgency,
            "conditions": list(self.conditions),
            "advised_on": self.advised_on,
            "follow_up": self.follow_up,
            "updates": [
                {**u.model_dump(), "recorded_at": at}
                for u, at in zip(self.updates, self.recorded, strict=True)
            ],
        }


def referral_words(urgency: str, advised_on: str, status: Status, outcome: str | None) -> str:
    """A referral in words, the one wording the record, the summary, the pages and the
    command line use: "Urgent referral of 2026-03-02: made, not yet seen (letter sent)"."""
    line = f"{URGENCY_WORDS[urgency]} referral of {advised_on}: "  # type: ignore[index]
    line += STATUS_WORDS[status]
    return line + (f" ({outcome})" if outcome else "")


def with_follow_up(line: str, follow_up: str | None) -> str:
    """A referral's line with the day to check on it, when there is one."""
    return line + (f"; follow up {follow_up}" if follow_up else "")


def update_problems(
    data: dict[str, Any], advised_on: str, today: date
) -> tuple[ReferralUpdate | None, dict[str, str]]:
    """A status update, or each problem keyed by field in plain words: a known status, a
    date from the day it was advised to today, a short plain note."""
    from pydantic import ValidationError

    from .visit import problems_by_field

    try:
        update = ReferralUpdate.model_validate(data)
    except ValidationError as exc:
        return None, problems_by_field(exc, ReferralUpdate, UPDATE_LABELS)
    day = date.fromisoformat(update.on)
    if not date.fromisoformat(advised_on) <= day <= today:
        return None, {
            "on": f"Referral status date must be from {advised_on} (when it was advised) "
            f"to {today.isoformat()}; you entered {update.on}"
        }
    return update, {}
