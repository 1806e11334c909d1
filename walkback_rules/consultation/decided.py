"""A consultation decided once: its assessment, the recommendation, the visit's details
and the referral status asked at it, from one filled form.

Everything downstream (the card, the plan, the prints, the save) reads this value; nothing
decides the same consultation again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.engine import recommend
from ..core.models import Assessment, Recommendation
from .form import LABELS, ConsultationForm, as_form, validate_form, visit_data
from .referrals import ReferralUpdate, update_problems
from .visit import VisitDetails, default_review, details_problems


@dataclass(frozen=True, slots=True)
class Decided:
    """One consultation, decided."""

    assessment: Assessment
    recommendation: Recommendation
    details: VisitDetails
    referral: tuple[int, ReferralUpdate] | None  # the open referral's status, asked now


def decide(
    values: ConsultationForm | Mapping[str, Any], today: date, advised_on: str | None = None
) -> tuple[Decided | None, dict[str, list[str]]]:
    """The consultation a filled form describes, decided once, or every problem keyed by
    form field in plain words. `advised_on` is when the open referral was advised."""
    form = as_form(values)
    assessment, errors = validate_form(form)
    if assessment is None:
        return None, errors
    rec = recommend(assessment)
    try:
        day = date.fromisoformat(form.visit_date or today.isoformat())
    except ValueError:  # the visit details say what is wrong with it, by field
        day = today
    review = default_review(day, rec)
    details, problems = details_problems(
        visit_data(form, assessment, today.isoformat(), review.isoformat() if review else None),
        today,
    )
    found = {field: [message] for field, message in problems.items()}
    referral = None
    rid = form.referral_id
    if rid is not None:
        update, wrong = update_problems(
            {
                "status": form.referral_status,
                "on": day.isoformat(),
                "note": form.referral_note.strip() or None,
            },
            advised_on or day.isoformat(),
            today,
        )
        for field, message in wrong.items():
            key = {"status": "referral_status", "on": "visit_date"}.get(field, "referral_note")
            found.setdefault(key, []).append(message)
        if update is not None:
            referral = (int(rid), update)
    if details is None or found:
        return None, found or {"visit_date": [f"{LABELS['visit']}: the details are incomplete"]}
    return Decided(assessment, rec, details, referral), {}
