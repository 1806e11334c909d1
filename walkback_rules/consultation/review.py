"""A review's start: one function that, given a patient's history and the visit day, gives
the review's form and the note that explains it.

The dose starts where the last visit's plan has taken the person (`prefill`); the findings
of the last visit are carried and asked again (`findings.py`); an open referral is shown
first, with its status asked, and the walking it stopped is never offered as "planned".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..core.cards import DECISION_NAMES
from ..core.codes import RULESET_VERSION
from ..core.models import FLARE_DECISIONS, REFERRAL_DECISIONS, Assessment, Recommendation
from ..history import StoredVisit, prescribed
from .findings import Carried, carried_from
from .form import ConsultationForm, form_from_assessment
from .referrals import Referral

_DECISION_WORDS = {d.value: name for d, name in DECISION_NAMES.items()}


@dataclass(frozen=True, slots=True)
class Prefill:
    """A review visit started from the last consultation.

    `data` is assessment data with no last step recorded: how the back took the last step
    up is asked afresh, with the flare and both screens. `previous_dose` is the dose walked
    before the last step up, when there was one since (or at) the last consultation.
    `plan_week` is the week of the last visit's plan the person is in now, when the dose
    comes from that plan.
    """

    data: dict[str, Any]
    previous_dose: dict[str, int] | None
    last_seen: str
    last_decision: str
    last_ruleset: str
    returning_after_flare: bool
    plan_week: int | None = None
    # The plan's week when it is a range ("4–5 × 5–10"): the dose is asked, never assumed
    # to be either end.
    plan_range: str | None = None


# What carries over from a consultation to the next review; everything else (the flare,
# the red-flag and exercise screens, self-harm, PHQ-2, STarT Back) is asked afresh.
EPISODE_WEEKS_MAX = 520  # spec §2: episode_weeks 0–520
_CARRIED = ("walking_tolerance", "prefers_other_exercise", "usual_pain")
# Decisions whose handout tells the person to step up once a week while the back is happy:
# the review starts from the week of that plan they are in now.
_WEEKLY = frozenset({"START", "PROGRESS", "MAINTAIN"})


_NOT_ASKED_WALKING: dict[str, Any] = {
    "walks_per_week": 0,
    "minutes_per_walk": 0,
    "weeks_at_current_dose": None,
}


def _baseline(history: Sequence[StoredVisit]) -> int | None:
    """Walks a week at the first consultation, as the record holds it."""
    first = history[0].assessment
    if first.get("visit", "initial") == "initial":
        walking = first.get("walking")  # an emergency may have left it out
        return None if walking is None else int(walking["walks_per_week"])
    baseline = first.get("baseline_walks_per_week")
    return None if baseline is None else int(baseline)


@dataclass(frozen=True, slots=True)
class _Planned:
    week: int  # the week of the plan the person is in now (1 is the week of the visit)
    dose: tuple[int, int]
    before: tuple[int, int] | None  # the dose before the last step up of the plan
    range: str | None  # the week's dose when it is a range ("4–5 × 5–10")
    full_weeks: int  # full weeks at `dose` so far


def _plan_week(last: StoredVisit, days: int) -> _Planned | None:
    """Where the last visit's weekly plan has taken the person after `days` days.

    Week 1 starts on the visit day, and each week's step is due on its first day, which
    the review decides: on day 7 the person is still in week 1, on day 8 in week 2. After
    the plan's last week (the target, or walk length's limit) the dose stays.
    """
    from ..plan import project

    assessment = Assessment.model_validate(last.assessment)
    plan = project(assessment, Recommendation.model_validate(last.recommendation))
    if not plan.weeks:
        return None
    week = min(max(1, (days - 1) // 7 + 1), len(plan.weeks))
    now = plan.weeks[week - 1]
    if week > 1:
        earlier = plan.weeks[week - 2]
        before = (earlier.walks, earlier.minutes)
    elif (
        last.decision == "PROGRESS"
        and assessment.walking is not None
        and assessment.walking.walks_per_week
    ):
        before = (assessment.walking.walks_per_week, assessment.walking.minutes_per_walk)
    else:
        before = None  # a start from no walking, or a dose already at the target
    if before == (now.walks, now.minutes):
        before = None
    return _Planned(
        week,
        (now.walks, now.minutes),
        before,
        None if now.top is None else now.short,
        max(0, days - (week - 1) * 7) // 7,
    )


def prefill(history: Sequence[StoredVisit], today: date | None = None) -> Prefill | None:
    """A review visit's starting values from the last consultation (None if there is none).

    After a start, step up or maintain, the dose the plan set for the week the person is
    in now, counting weeks from the visit date (the handout told them to step up weekly
    while their back was happy). After a flare the stored resume dose becomes the walking
    dose, with `returning_after_flare` set; the paused dose is never erased to 0 × 0.
    After a step back or hold, that dose; after a referral the walking stands. A
    consultation made under ruleset 1.0 gives only what carries over (age, episodes,
    walking dose and weeks, the dose prescribed).
    """
    if not history:
        return None
    last = history[-1]
    before: dict[str, Any] = last.assessment
    rec = last.recommendation
    # An emergency may have left the walking out: it is asked afresh (start_review).
    walking = dict(before.get("walking") or _NOT_ASKED_WALKING)
    current = last.ruleset_version == RULESET_VERSION
    flare_decision = current and last.decision in {d.value for d in FLARE_DECISIONS}
    today = today or datetime.now(UTC).date()
    seen = (
        date.fromisoformat(last.visit_date)
        if last.visit_date
        else datetime.fromisoformat(last.recorded_at).date()
    )
    days = max(0, (today - seen).days)
    planned = _plan_week(last, days) if current and last.decision in _WEEKLY else None
    old = before.get("walking") or _NOT_ASKED_WALKING
    if planned is not None and planned.range is not None:
        # A range week: which end the person did is asked, never assumed.
        walking.update(walks_per_week=None, minutes_per_walk=None, weeks_at_current_dose=None)
        previous = None
    elif planned is not None:
        walking["walks_per_week"], walking["minutes_per_walk"] = planned.dose
        walking["weeks_at_current_dose"] = planned.full_weeks
        previous = (
            None
            if planned.before is None
            else {"walks_per_week": planned.before[0], "minutes_per_walk": planned.before[1]}
        )
    else:
        # After a flare the dose to resume at; otherwise the dose prescribed. With neither
        # (a referral, or a flare with nothing to resume) the walking stands as it was.
        dose = prescribed(rec, "resume_dose" if flare_decision else "next_dose")
        if dose is not None:
            walking["walks_per_week"], walking["minutes_per_walk"] = dose
        # Weeks at the dose count from the visit that set it as the walking dose: after a
        # flare the person resumes at this review, so none of the flare's weeks count.
        if not walking["walks_per_week"]:
            walking["weeks_at_current_dose"] = None
        else:
            walking["weeks_at_current_dose"] = 0 if flare_decision else days // 7
        stepped = last.decision == "PROGRESS" and bool(old["walks_per_week"])
        previous = (
            {"walks_per_week": old["walks_per_week"], "minutes_per_walk": old["minutes_per_walk"]}
            if stepped
            else None
        )
    data: dict[str, Any] = {
        "age": before["age"],
        "visit": "review",
        "previous_episodes": before.get("previous_episodes"),
        "flare": {"level": "none", "pain_now": 0, "days_since_onset": None},
        "walking": walking,
        "baseline_walks_per_week": _baseline(history),
        "returning_after_flare": flare_decision,
    }
    if current:
        data.update({k: before[k] for k in _CARRIED if k in before})
        # The episode has gone on since the last visit (0, recovered, stays until asked).
        weeks_then = before.get("episode_weeks")
        if weeks_then:
            data["episode_weeks"] = min(EPISODE_WEEKS_MAX, int(weeks_then) + days // 7)
    else:
        data["walking_tolerance"] = before.get("walking_tolerance", "full")
        data["prefers_other_exercise"] = bool(before.get("prefers_other_exercise", False))
    return Prefill(
        data,
        previous,
        last.visit_date or last.recorded_at[:10],
        last.decision,
        last.ruleset_version,
        flare_decision,
        None if planned is None else planned.week,
        None if planned is None else planned.range,
    )


def review_form(
    data: Mapping[str, Any], previous_dose: Mapping[str, int] | None
) -> ConsultationForm:
    """The form for a review started from the last consultation's values (`prefill`).

    After a step up the dose before it is filled in, and how the back took the step is
    left unanswered: the clinician must ask, and `validate_form` will not go on without it.
    """
    values = form_from_assessment(data)
    # Asked afresh: the flare, the pain now and both screens start blank, not negative.
    values.flare_level = values.pain_now = values.days_since_onset = None
    values.red_flags_asked = values.exercise_asked = None
    if previous_dose is not None:
        values.previous_dose_known = True
        values.previous_walks = previous_dose["walks_per_week"]
        values.previous_minutes = previous_dose["minutes_per_walk"]
        values.last_step = None
    return values


@dataclass(frozen=True, slots=True)
class ReviewStart:
    """A review as it starts: its form, the note that explains it, what it carries."""

    form: ConsultationForm
    note: str
    carried: tuple[Carried, ...]
    referral: Referral | None  # the open referral, asked about first
    stopped_for_referral: tuple[int, int] | None  # the last dose, when walking was stopped
    prefill: Prefill


def start_review(
    pid: str,
    history: Sequence[StoredVisit],
    day: date,
    referrals: Sequence[Referral] = (),
) -> ReviewStart | None:
    """The review of `pid` on `day` from the visits before it (None: a first visit)."""
    before = [v for v in history if (v.visit_date or v.recorded_at[:10]) <= day.isoformat()]
    start = prefill(before, day)
    if start is None:
        return None
    form = review_form(start.data, start.previous_dose)
    last = before[-1]
    carried = carried_from(before)
    form.carried = dict.fromkeys((c.key for c in carried), None)
    if last.ruleset_version == RULESET_VERSION:
        form.other_exercise_minutes_per_week = last.assessment.get(
            "other_exercise_minutes_per_week", 0
        )
    stopped = None
    if last.decision in {d.value for d in REFERRAL_DECISIONS}:
        walking = last.assessment.get("walking")
        if walking is not None:
            stopped = (int(walking["walks_per_week"]), int(walking["minutes_per_walk"]))
        # Walking was stopped until the person was seen: what they walked since is asked,
        # never offered as the plan.
        form.walks_per_week = form.minutes_per_walk = form.weeks_at_current_dose = None
    open_referral = next((r for r in reversed(referrals) if r.is_open), None)
    if open_referral is not None:
        form.referral_id = open_referral.id
        form.referral_status = None
        form.referral_note = ""
    note = _note(start, carried, open_referral, stopped)
    return ReviewStart(form, note, carried, open_referral, stopped, start)


def _note(
    start: Prefill,
    carried: Sequence[Carried],
    referral: Referral | None,
    stopped: tuple[int, int] | None,
) -> str:
    """Where a review started from, and what to ask afresh."""
    decision = _DECISION_WORDS.get(start.last_decision, start.last_decision)
    seen = f"the visit of {start.last_seen[:10]} ({decision}, ruleset {start.last_ruleset})"
    parts: list[str] = []
    if referral is not None:  # the referral itself is shown, and asked, just below
        parts.append("Ask first what became of the open referral.")
    if stopped is not None:
        walks, minutes = stopped
        last = f"{walks} walks a week of {minutes} minutes" if walks else "no exercise walking"
        parts.append(
            f"Review started from {seen}. Exercise walking was stopped for the referral; "
            f"the last dose before it was {last}. Enter what the person has walked since."
        )
    elif start.last_decision in {d.value for d in REFERRAL_DECISIONS}:
        parts.append(
            f"Review started from {seen}. The referral was made before the walking was "
            "asked. Enter what the person has walked since."
        )
    else:
        if start.returning_after_flare:
            dose = "the walking dose is the one set to resume at after the flare"
        elif start.plan_range is not None:
            dose = (
                f"week {start.plan_week} of its plan was {start.plan_range} minutes, stepping up "
                "from whichever end the person did: enter what they walked"
            )
        elif start.plan_week is not None:
            dose = f"the walking dose is the one planned for week {start.plan_week} of it"
        else:
            dose = "this week's dose is the one prescribed then"
        asked = start.plan_range is not None
        parts.append(
            f"Review started from {seen}: {dose}."
            + ("" if asked else " It is what was planned: change it to what the person did.")
        )
    if carried:
        parts.append(
            f"{len(carried)} finding{'s' if len(carried) != 1 else ''} from the last visit "
            "carried: say whether each is still present."
        )
    parts.append("Ask afresh about the flare, the pain now, both screens, mood and self-harm.")
    if start.previous_dose is not None and stopped is None:
        parts.append("The plan stepped the walking up since: ask how the back took the step.")
    return " ".join(parts)
