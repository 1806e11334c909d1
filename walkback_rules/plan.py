"""A week-by-week projection from this week's dose to the WalkBack target, with no setbacks."""

from __future__ import annotations

from dataclasses import dataclass

from .core.codes import Decision
from .core.dosing import (
    TARGET_MINUTES,
    TARGET_WALKS,
    Dose,
    can_progress,
    progression_step,
    target_met,
)
from .core.models import Assessment, Recommendation

MAX_WEEKS = 26  # the trial's programme ran over six months

# Why a decision has no walking plan, in the clinician's words.
NO_PLAN: dict[Decision, str] = {
    Decision.EMERGENCY_REFERRAL: (
        "Emergency referral: the person needs hospital care now. No walking plan until a "
        "serious cause has been ruled out."
    ),
    Decision.SAME_DAY_REFERRAL: (
        "Same-day referral: a doctor today. No exercise walking until the person has been seen."
    ),
    Decision.URGENT_REFERRAL: (
        "Urgent referral: a possible serious cause is assessed first, within days. No new "
        "programme until then."
    ),
    Decision.OUT_OF_SCOPE: "The programme is for people aged 16 and over; no plan is projected "
    "under 16.",
    Decision.SEVERE_FLARE: (
        "Severe flare: no walking dose until it settles. Review in 2–3 days; the programme "
        "restarts at the resume dose."
    ),
    Decision.MODERATE_FLARE: (
        "Moderate flare: short walks of 2–5 minutes as tolerated this week. The programme "
        "restarts at the resume dose once the flare settles."
    ),
    Decision.ALTERNATIVE_EXERCISE: (
        "Another exercise replaces walking; build it up with the person in the same gradual way."
    ),
}


@dataclass(frozen=True, slots=True)
class Week:
    """One week of the projected plan."""

    week: int
    walks: int
    minutes: int
    weekly_minutes: int
    target_met: bool
    # The upper end when the week is a range (a start of 3–4 walks of 5–10 minutes steps
    # up from whichever end the person did): (walks, minutes), or None for an exact dose.
    top: tuple[int, int] | None = None

    @property
    def short(self) -> str:
        """The week's dose as clinicians write it: "4 × 10", "3–4 × 5–10"."""
        if self.top is None:
            return f"{self.walks} × {self.minutes}"
        walks = self.walks if self.top[0] == self.walks else f"{self.walks}–{self.top[0]}"
        minutes = self.minutes if self.top[1] == self.minutes else f"{self.minutes}–{self.top[1]}"
        return f"{walks} × {minutes}"

    @property
    def top_weekly_minutes(self) -> int:
        return self.weekly_minutes if self.top is None else self.top[0] * self.top[1]


@dataclass(frozen=True, slots=True)
class Plan:
    """A projected plan, or the reason there is none."""

    weeks: tuple[Week, ...]
    target_week: int | None  # the first week at the target, if it is reached
    note: str
    now: Week | None = None  # the dose walked so far (week 0), when there is one


def project(assessment: Assessment, rec: Recommendation) -> Plan:
    """Weeks from this week's dose, one progression step a week, until the target is met."""
    if rec.decision in NO_PLAN or rec.next_dose is None or rec.next_dose.walks_per_week is None:
        return Plan((), None, NO_PLAN.get(rec.decision, "No walking dose this week."))
    # A range (the starting dose) steps up from both ends: each week is one step up from
    # whichever end the person did, never a step down from the top of the range.
    dose = Dose(rec.next_dose.walks_per_week.min, rec.next_dose.minutes_per_walk.min)
    top = Dose(rec.next_dose.walks_per_week.max, rec.next_dose.minutes_per_walk.max)
    tolerance = assessment.walking_tolerance
    weeks: list[Week] = []
    for number in range(1, MAX_WEEKS + 1):
        met = target_met(dose)
        upper = None if top == dose else (top.walks, top.minutes)
        weeks.append(Week(number, dose.walks, dose.minutes, dose.walks * dose.minutes, met, upper))
        following = progression_step(dose, tolerance)
        if met or following == dose:
            break
        dose = following
        if can_progress(top, tolerance):
            top = progression_step(top, tolerance)
        top = Dose(max(top.walks, dose.walks), max(top.minutes, dose.minutes))
    target_week = next((w.week for w in weeks if w.target_met), None)
    if target_week == 1:
        note = "This week's dose already meets the target: keep it up."
    elif target_week is not None:
        note = (
            f"With one step a week and no setbacks, the target ({TARGET_WALKS} walks of "
            f"{TARGET_MINUTES} minutes, or 150 minutes a week) is reached in week {target_week}."
        )
    else:
        last = weeks[-1]
        note = (
            f"Walk length is limited, so the plan levels off at {last.walks} walks of "
            f"{last.minutes} minutes ({last.weekly_minutes} minutes a week), below the target."
        )
    walking = assessment.walking
    now = None
    if walking is not None and walking.walks_per_week:
        w, m = walking.walks_per_week, walking.minutes_per_walk
        now = Week(0, w, m, w * m, target_met(Dose(w, m)))
    return Plan(tuple(weeks), target_week, note, now)
