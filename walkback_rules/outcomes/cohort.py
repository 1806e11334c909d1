"""A clinic's recurrence curve beside the WalkBack trial's (EVIDENCE §2).

Each person counts once, from their first discharge, as the trial counted each participant
once: days to their first activity-limiting recurrence, or to their last answered check-in.
The clinic's median and its interval are set beside the trial's two medians and theirs.
When the clinic's interval overlaps both arms, it is too early to say which the clinic is
like, and a worked estimate says how many events it would take to tell.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist

from ..core.evidence import TRIAL_ARMS, Arm
from .followup import FOLLOW_UP_MONTHS, Outcome
from .survival import Curve, kaplan_meier

ALPHA = 0.05
MANY_EPISODES = 2  # the trial stratified by more than two previous episodes (machado-2017)
AT_RISK_DAYS = (0, 90, 180, 270, 365)  # where the numbers at risk are read
DAYS_PER_MONTH = 365.25 / 12
# Below this many recurrences a clinic's median says too little for a worked estimate of
# how many more it needs to mean anything.
ESTIMATE_FROM_EVENTS = 5


@dataclass(frozen=True, slots=True)
class Member:
    """One person in the clinic's curve: who discharged them and when, what the trial's
    strata say of them (None where the record does not say), and their outcome."""

    patient: str
    discharged: date
    clinician: str | None
    many_episodes: bool | None  # more than two previous episodes
    target_reached: bool | None  # left on a dose at the WalkBack target
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Filters:
    """Which people the curve shows; a None or empty filter keeps everyone."""

    since: date | None = None
    until: date | None = None
    clinicians: frozenset[str] = field(default_factory=frozenset)
    many_episodes: bool | None = None
    target_reached: bool | None = None

    def keeps(self, m: Member) -> bool:
        return (
            (self.since is None or m.discharged >= self.since)
            and (self.until is None or m.discharged <= self.until)
            and (not self.clinicians or (m.clinician or "") in self.clinicians)
            and (self.many_episodes is None or m.many_episodes is self.many_episodes)
            and (self.target_reached is None or m.target_reached is self.target_reached)
        )


def chosen(members: Iterable[Member], filters: Filters) -> list[Member]:
    return [m for m in members if filters.keeps(m)]


@dataclass(frozen=True, slots=True)
class Comparison:
    """The clinic's curve and what can be said of it beside the trial."""

    curve: Curve | None  # None when nobody has answered a check-in yet
    discharged: int  # people in the filter
    followed: int  # of them, with at least one answered check-in
    care_seeking: int  # recurrences for which the person sought care
    at_risk: tuple[tuple[int, int], ...]  # (day, people still followed and recurrence-free)
    verdict: str  # "none", "too_few", "like_programme", "like_no_programme", "above", "below"
    words: str
    events_needed: int | None = None  # more events for the interval to separate (estimate)
    longest: int = 0  # the longest follow-up, in days


def _overlaps(low: float | None, high: float | None, arm: Arm) -> bool:
    """Whether the interval [low, high] (high None: unbounded) meets the arm's interval."""
    if low is None:
        return True  # no interval: nothing is excluded
    return low <= arm.ci_high and (high is None or high >= arm.ci_low)


def _median_estimate(curve: Curve, days: Sequence[int]) -> float | None:
    """The clinic's median, or before it is reached a constant-hazard estimate (ln 2 × days
    followed ÷ events); None with no event."""
    if curve.median is not None:
        return curve.median
    if curve.events == 0:
        return None
    return math.log(2) * sum(days) / curve.events


def events_to_separate(median: float, events: int, alpha: float = ALPHA) -> int:
    """A worked estimate of how many more events the clinic needs before the median's
    interval clears the nearer-to-separate trial arm.

    Under a constant hazard the log of the median has a standard error of 1/√events, so an
    interval half as wide needs four times the events. The interval must be narrower than
    the distance, on the log scale, from the clinic's median to the farther arm's interval.
    """
    z = NormalDist().inv_cdf(1 - alpha / 2)
    gaps = []
    for arm in TRIAL_ARMS:
        if median > arm.ci_high:
            gaps.append(math.log(median / arm.ci_high))
        elif median < arm.ci_low:
            gaps.append(math.log(arm.ci_low / median))
    if not gaps:  # inside both intervals at once: they do not overlap, so this cannot be
        raise ValueError("median: inside both trial arms' intervals")
    needed = math.ceil((z / max(gaps)) ** 2)
    return max(needed - events, 1)


def _at_risk(outcomes: Sequence[Outcome]) -> tuple[tuple[int, int], ...]:
    days = [o.days for o in outcomes if o.days is not None]
    return tuple((t, sum(1 for d in days if d >= t)) for t in AT_RISK_DAYS)


def compare(members: Sequence[Member], alpha: float = ALPHA) -> Comparison:
    """The curve of `members` and its comparison with the trial's two arms."""
    outcomes = [m.outcome for m in members]
    followed = [o for o in outcomes if o.days is not None]
    days = [o.days for o in followed if o.days is not None]
    care = sum(1 for o in followed if o.event and o.sought_care)
    at_risk = _at_risk(followed)

    def made(
        curve: Curve | None, verdict: str, words: str, needed: int | None = None
    ) -> Comparison:
        return Comparison(
            curve,
            len(members),
            len(followed),
            care,
            at_risk,
            verdict,
            words,
            needed,
            max(days, default=0),
        )

    if not followed:
        return made(None, "none", "No answered check-in yet: the curve starts with the first one.")
    curve = kaplan_meier(days, [o.event for o in followed], alpha)
    low, high = curve.median_lower, curve.median_upper
    programme, none_ = TRIAL_ARMS
    near_programme = _overlaps(low, high, programme)
    near_none = _overlaps(low, high, none_)
    median = _median_estimate(curve, days)
    if near_programme and near_none:
        if median is not None and curve.events < ESTIMATE_FROM_EVENTS:
            return made(
                curve,
                "too_few",
                (
                    f"Too few events to compare with the trial: {curve.events} "
                    f"recurrence{'s' if curve.events != 1 else ''} so far. Until there are at "
                    f"least {ESTIMATE_FROM_EVENTS}, the clinic's median is too uncertain even "
                    "to estimate how many more would be needed."
                ),
            )
        if median is None:
            return made(
                curve,
                "too_few",
                (
                    "Too few events to compare with the trial: no one followed has had an "
                    "activity-limiting recurrence yet, so the clinic's median cannot be "
                    "estimated."
                ),
            )
        more = events_to_separate(median, curve.events, alpha)
        reached = "median" if curve.median is not None else "median, estimated at a constant rate,"
        return made(
            curve,
            "too_few",
            (
                f"Too few patients or events to compare: the clinic's interval overlaps both "
                f"trial arms. A worked estimate: if the clinic's {reached} stays near "
                f"{median:.0f} days, about {more} more recurrence{'s' if more != 1 else ''} "
                f"would narrow its interval enough to tell it from one arm (this assumes a "
                f"steady rate of recurrence; it is a guide, not a promise)."
            ),
            more,
        )
    if near_programme:
        verdict, said = (
            "like_programme",
            "The clinic's interval overlaps the programme arm's and lies above the arm "
            "without the programme: its patients' time to a recurrence cannot be told apart "
            "from the trial's programme arm, and is longer than for people who did not get "
            "the programme.",
        )
    elif near_none:
        verdict, said = (
            "like_no_programme",
            "The clinic's interval overlaps the arm without the programme and lies below the "
            "programme arm's: its patients' time to a recurrence cannot be told apart from "
            "people who did not get the programme, and is shorter than the trial's programme "
            "arm.",
        )
    elif low is not None and low > programme.ci_high:
        verdict, said = (
            "above",
            "The clinic's interval lies above both trial arms': its patients go longer "
            "before a recurrence than either arm did.",
        )
    else:
        verdict, said = (
            "below",
            "The clinic's interval lies below both trial arms': its patients have a "
            "recurrence sooner than either arm did.",
        )
    return made(curve, verdict, said)


def teaching_cohort(size: int = 160, seed: int = 2024) -> list[Member]:
    """Synthetic people for teaching, the same every time: discharged through 2025 by three
    clinicians, recurrences at a steady rate (slower for those who reached the target,
    faster after more than two episodes), asked each month for a year or two, some lost
    to contact. No real patient is in it."""
    rng = random.Random(seed)
    start = date(2025, 1, 6)
    members = []
    for n in range(1, size + 1):
        many = rng.random() < 0.4
        target = rng.random() < 0.6
        median = 190 * (1.3 if target else 0.8) * (0.75 if many else 1.1)
        recurrence = rng.expovariate(math.log(2) / median)
        months = rng.randint(FOLLOW_UP_MONTHS, 2 * FOLLOW_UP_MONTHS)
        if rng.random() < 0.15:  # lost to contact part way
            months = rng.randint(1, months)
        last_answer = round(months * DAYS_PER_MONTH)
        if recurrence <= last_answer:
            outcome = Outcome(int(recurrence), True, rng.random() < 0.45)
        else:
            outcome = Outcome(last_answer, False)
        members.append(
            Member(
                f"Teaching {n:03d}",
                start + timedelta(days=rng.randint(0, 360)),
                rng.choice(("Clinician A", "Clinician B", "Clinician C")),
                many,
                target,
                outcome,
            )
        )
    return members
