"""The consultation on screen, as one value from the first answer to the save.

It moves through typing → decided → saved. It holds the form, what the form started from
(so what counts as typed is measured from there), the form as last kept as a draft, the
review's start when it is a review, the decision (made once, by `decide`) and, once saved,
what the record stored. A correction is a new consultation whose form names the one it
corrects. Nothing here knows Streamlit or SQL: the pages keep this value under one session
key and the store persists what it is handed.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .decided import Decided, decide
from .form import ConsultationForm, typed
from .review import ReviewStart

Stage = Literal["typing", "decided", "saved"]


@dataclass(frozen=True, slots=True)
class Saved:
    """What a save stored: the record's id, when, whose visit and the decision in words."""

    id: int
    recorded_at: str
    patient: str
    visit_date: str
    decision: str


@dataclass(slots=True)
class Consultation:
    """One consultation as it is typed, decided and saved."""

    form: ConsultationForm
    start: ConsultationForm
    kept: ConsultationForm | None  # the form as last kept in the record as a draft
    review: ReviewStart | None = None
    note: str | None = None  # where it started from, shown at the top of the form
    errors: dict[str, list[str]] = field(default_factory=dict)
    decided: Decided | None = None
    saved: Saved | None = None
    # Names this decision when it is saved: a second press of Save stores nothing twice.
    save_key: str | None = None
    # When this tab last kept the draft (None until it has): another tab's later keep of
    # the same draft is then noticed, never overwritten.
    kept_at: str | None = None

    @classmethod
    def begin(
        cls, form: ConsultationForm, today: date, review: ReviewStart | None = None
    ) -> Consultation:
        """A consultation starting from `form` (dated `today` unless it carries its own
        visit date); what is typed from here on is measured from it."""
        form = form.model_copy(update={"visit_date": form.visit_date or today.isoformat()})
        return cls(form, copy.deepcopy(form), copy.deepcopy(form), review)

    @classmethod
    def loaded(cls, data: Mapping[str, Any], today: date) -> Consultation:
        """A consultation of assessment data (a demo case), decided at once."""
        from .form import form_from_assessment

        consultation = cls.begin(form_from_assessment(data), today)
        consultation.submit(today)
        return consultation

    @property
    def stage(self) -> Stage:
        if self.saved is not None:
            return "saved"
        return "decided" if self.decided is not None else "typing"

    @property
    def advised_on(self) -> str | None:
        """When the open referral asked about at this review was advised."""
        referral = None if self.review is None else self.review.referral
        return None if referral is None else referral.advised_on

    def typed(self) -> list[str]:
        """What has been typed since it started, in words (empty once saved: it is kept)."""
        return [] if self.saved is not None else typed(self.form, self.start)

    def submit(self, today: date) -> bool:
        """Decide the form, once: keep the decision, or the errors by field."""
        decided, errors = decide(self.form, today, self.advised_on)
        self.errors = errors
        if decided is not None:
            self.decided = decided
            self.saved = None
            self.save_key = uuid.uuid4().hex  # a new decision is a new consultation to save
        return decided is not None

    def resume(self, stored: Mapping[str, Any]) -> None:
        """Put a stored draft in the form as it was left; it is what the record holds."""
        from .form import draft_form

        self.form = draft_form(stored)
        self.kept = draft_form(stored)

    def mark_saved(self, saved: Saved) -> None:
        """The record holds it now: what is on screen is exactly what was stored, and it
        never comes back as a draft."""
        self.saved = saved
        self.start = copy.deepcopy(self.form)
        self.kept = copy.deepcopy(self.form)
        self.note = None
