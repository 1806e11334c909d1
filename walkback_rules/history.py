"""A patient's course over time: planned against reported walking, pain, flare-ups, decisions.

Pure data from stored consultations and diary weeks (any objects with the stored fields);
`charts.history_spec` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from .consultation.form import step_of
from .core.cards import DECISION_NAMES, URGENCY_WORDS, describe_dose
from .core.models import NextDose, Span

_NAMES = {d.value: name for d, name in DECISION_NAMES.items()}


class StoredVisit(Protocol):
    """A saved consultation as the record returns it, read only (`store.Consultation`)."""

    @property
    def recorded_at(self) -> str: ...
    @property
    def ruleset_version(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def assessment(self) -> dict[str, Any]: ...
    @property
    def recommendation(self) -> dict[str, Any]: ...
    @property
    def visit_date(self) -> str: ...


class _Week(Protocol):
    """A diary week, read only (`store.DiaryWeek`)."""

    @property
    def week_start(self) -> str: ...
    @property
    def walks(self) -> int: ...
    @property
    def minutes(self) -> int: ...
    @property
    def worst_pain(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Timeline:
    visits: list[dict[str, Any]]  # one per consultation
    weeks: list[dict[str, Any]]  # one per diary week


def prescribed(recommendation: dict[str, Any], field: str = "next_dose") -> tuple[int, int] | None:
    """Walks a week and minutes a walk a stored recommendation prescribes (`next_dose`, or
    `resume_dose` after a flare), a range taken at its gentle end (as the plan starts it);
    None with no dose or open-ended walks."""
    dose = recommendation.get(field)
    if not dose or not dose.get("walks_per_week"):
        return None
    return int(dose["walks_per_week"]["min"]), int(dose["minutes_per_walk"]["min"])


def planned_minutes(recommendation: dict[str, Any]) -> int | None:
    """Minutes a week the recommendation prescribes: 0 with no walking dose, None for short
    walks "as tolerated" (a moderate flare), which have no weekly total to draw."""
    dose = recommendation.get("next_dose")
    if dose and not dose.get("walks_per_week"):
        return None
    planned = prescribed(recommendation)
    return 0 if planned is None else planned[0] * planned[1]


def diary_since(weeks: Sequence[_Week], visit_date: str) -> list[dict[str, Any]]:
    """The diary weeks that run on or after a visit day, as the review shows them."""
    day = date.fromisoformat(visit_date)
    return [
        {
            "Week starting": w.week_start,
            "Walks": w.walks,
            "Minutes in the week": w.minutes,
            "Worst pain": w.worst_pain,
        }
        for w in weeks
        if date.fromisoformat(w.week_start) + timedelta(days=6) >= day
    ]


def decision_words(code: str) -> str:
    """A stored decision in words ("Step up"); a 1.0 decision from its code."""
    return _NAMES.get(code) or code.replace("_", " ").capitalize()


def planned_walking(recommendation: dict[str, Any]) -> str:
    """The walking a stored recommendation prescribes, in words."""
    dose = recommendation.get("next_dose")
    if not dose:
        return "no walking dose"
    walks = dose.get("walks_per_week")
    return describe_dose(
        NextDose(None if not walks else Span(**walks), Span(**dose["minutes_per_walk"]))
    )


def visit_day(v: StoredVisit) -> str:
    """A visit's date: the day it happened (older records: the day it was recorded)."""
    return str(getattr(v, "visit_date", "") or v.recorded_at[:10])


def _until(visits: Sequence[StoredVisit], number: int) -> str:
    """Until when a visit's plan held: the next visit, or the review it set or asked for."""
    if number < len(visits):
        return visit_day(visits[number])
    last = visits[number - 1]
    booked = getattr(last, "review_date", None)
    if booked:
        return str(booked)
    days = last.recommendation.get("review_in_days") or 14
    return (date.fromisoformat(visit_day(last)) + timedelta(days)).isoformat()


_ADHERENCE = {"as_planned": "as planned", "less_than_planned": "fewer than planned"}
# How the back took the last step, in a table cell's words, per `intake.step_of`.
_STEP = {
    "none": "",
    "no_increase": "no more pain",
    "settled": "more pain, settled in 24 h",
    "not_settled": "more pain, not settled",
}


def _referral(recommendation: dict[str, Any]) -> str:
    referral = recommendation.get("referral")
    if not referral:
        return ""
    urgency = referral.get("urgency", "")
    return URGENCY_WORDS.get(urgency, str(urgency))


def timeline(visits: Sequence[StoredVisit], weeks: Sequence[_Week]) -> Timeline:
    """The rows the history chart and table show."""
    rows = []
    first = date.fromisoformat(visit_day(visits[0])) if visits else None
    for number, v in enumerate(visits, start=1):
        # An emergency may have left the flare out: shown as not asked, never as 0.
        flare = v.assessment.get("flare") or {"level": "not asked", "pain_now": None}
        cards = v.recommendation.get("cards") or [{"summary": ""}]
        day = visit_day(v)
        assert first is not None
        phq2 = v.assessment.get("phq2")
        usual = v.assessment.get("usual_pain")
        rows.append(
            {
                "Visit": number,
                "Date": day,
                "Programme week": (date.fromisoformat(day) - first).days // 7 + 1,
                "Until": _until(visits, number),
                "Decision": decision_words(v.decision),
                "Summary": cards[0].get("summary", ""),
                "Planned walking": planned_walking(v.recommendation),
                "Planned minutes a week": planned_minutes(v.recommendation),
                "Adherence": _ADHERENCE.get(v.assessment.get("adherence") or "", ""),
                "Last step": _STEP[step_of(v.assessment.get("last_progression"))],
                "Flare": flare["level"],
                "Pain at visit": flare["pain_now"],
                "Usual pain": "" if usual is None else str(usual),
                "PHQ-2": "" if phq2 is None else str(phq2),
                "Referral": _referral(v.recommendation),
                "Next review": str(getattr(v, "review_date", None) or ""),
            }
        )
    diary = [
        {
            "Week of": w.week_start,
            "Walks": w.walks,
            "Reported minutes": w.minutes,
            "Worst pain": w.worst_pain,
        }
        for w in weeks
    ]
    return Timeline(rows, diary)
