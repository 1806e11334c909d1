"""A week-by-week projection from this week's dose to the WalkBack target, with no setbacks."""

from __future__ import annotations

from dataclasses import dataclass

from .core.codes import Decision
from .core.dosing import TARGET_MINUTES, TARGET_WALKS, Dose, progression_step, target_met
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
    Decision.OUT_OF_SCOPE: "The programme is for adults; no plan is projected under 18.",
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
    # A range (the starting dose) begins at its gentle end.
    dose = Dose(rec.next_dose.walks_per_week.min, rec.next_dose.minutes_per_walk.min)
    tolerance = assessment.walking_tolerance
    weeks: list[Week] = []
    for number in range(1, MAX_WEEKS + 1):
        met = target_met(dose)
        weeks.append(Week(number, dose.walks, dose.minutes, dose.walks * dose.minutes, met))
        following = progression_step(dose, tolerance)
        if met or following == dose:
            break
        dose = following
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
