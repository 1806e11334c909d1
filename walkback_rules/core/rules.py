"""The rule table a clinician reviews (specification §4, §5 and §7, ruleset 2.1).

Each rule is data plus a one-line predicate: a stable id (never renumbered; the ids of
ruleset 1.0 are retired and stay out of use), a title, what it sets, reasons in the
patient's values for when it holds and when it does not, its sources and its rationale.
`DECISION_RULES` run in order and the first that holds decides; `FLAG_RULES` then add
every flag that holds and that the decision allows. The screens' tier rules are in
`screens.py`.

Longer than most files on purpose: the tables are reviewed against the specification in
one sitting, in its order, and splitting them would hide the order that decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from .cards import describe_dose, exact
from .codes import Decision, Flag
from .dosing import (
    MODERATE_FLARE_MINUTES,
    START_MINUTES,
    START_WALKS,
    Dose,
    can_progress,
    capped,
    chronic,
    effective_level,
    implied_level,
    progression_step,
    step_back,
    target_met,
)
from .evidence import evidence_level
from .models import Assessment, Flare, NextDose, Span, Walking
from .screens import AXSPA_POSSIBLE_CRITERIA, FEATURES, screen

SCOPE_AGE = 16  # NICE NG59: people aged 16 and over
TRIAL_ADULT_AGE = 18  # the trial enrolled adults
SUDDEN_PAIN_AGE = 60  # sudden severe pain at this age or over: think of an aneurysm first
SUDDEN_PAIN_DAYS = 2
OLDER_ADULT_AGE = 65
HIGH_RISK_EPISODES = 2  # more than this many previous episodes
PHQ2_POSITIVE = 3
TRIAL_EXCLUDED_WALKS = 3  # the trial excluded people already walking 3+ times a week
LONG_SEVERE_FLARE_DAYS = 7
LONG_FLARE_DAYS = 42
STARTBACK_LOW_MAX = 3  # total 0–3 is low risk
STARTBACK_HIGH_DISTRESS = 4
ACTIVE_MINUTES = 150  # WHO weekly minimum of moderate activity

# Ruleset 1.0's ids: retired with it, never given to a 2.0 rule.
RETIRED_IDS = frozenset(
    [f"WB-R{n:02d}" for n in range(1, 15)] + [f"WB-F{n:02d}" for n in range(1, 14)]
)


# What the rules derive from when an emergency left `flare` or `walking` out (§2). Only the
# emergency rule decides then, and the engine reports every later rule as not read, so
# these stand-ins never reach an output (invariant 12).
_NOT_ASKED_FLARE = Flare(level="none", pain_now=0)
_NOT_ASKED_WALKING = Walking(walks_per_week=0, minutes_per_walk=0)


class Facts:
    """Everything the rules read about one person, derived once from the `Assessment` (§4)."""

    __slots__ = (
        "a",
        "can_progress",
        "capped",
        "chronic",
        "decision",
        "dose",
        "episodes",
        "flare",
        "flare_days",
        "implied",
        "level",
        "met",
        "mismatch",
        "screening",
        "settled",
        "unsettled",
        "walking",
    )

    def __init__(self, a: Assessment) -> None:
        self.a = a
        self.flare = flare = a.flare or _NOT_ASKED_FLARE
        self.walking = walking = a.walking or _NOT_ASKED_WALKING
        self.episodes = a.previous_episodes or 0
        last = a.last_progression
        self.screening = screen(a.red_flags, a.exercise_screen)
        self.implied = implied_level(flare.pain_now, a.usual_pain)
        self.level, self.mismatch = effective_level(flare.level, self.implied)
        # Flare days are read only in a flare; they may be null when the pain rating raised
        # an entered "none".
        self.flare_days = flare.days_since_onset if self.level != "none" else None
        self.chronic = chronic(a.episode_weeks, self.flare_days)
        self.dose = dose = Dose(walking.walks_per_week, walking.minutes_per_walk)
        self.met = target_met(dose)
        self.capped = capped(dose, a.walking_tolerance)
        self.can_progress = can_progress(dose, a.walking_tolerance)
        pain_rose = last is not None and last.pain_increased
        self.unsettled = pain_rose and last is not None and last.settled_within_24h is False
        self.settled = pain_rose and last is not None and last.settled_within_24h is True
        self.decision: Decision | None = None  # set by the engine once a rule has decided

    @property
    def too_soon(self) -> bool:
        """0 weeks at a dose that could still progress (unknown weeks count as established)."""
        return self.walking.weeks_at_current_dose == 0 and self.can_progress

    @property
    def next_step(self) -> Dose:
        return progression_step(self.dose, self.a.walking_tolerance)

    @property
    def back_dose(self) -> Dose:
        """The dose before the last step up when given, else one step back (§4)."""
        last = self.a.last_progression
        if last is not None and last.previous_dose is not None:
            return Dose(last.previous_dose.walks_per_week, last.previous_dose.minutes_per_walk)
        return step_back(self.dose, self.a.walking_tolerance)

    @property
    def pre_flare(self) -> Dose | None:
        """The dose before the flare (§4): after an unsettled last step, the dose before it
        (or one step back); otherwise the current dose. None without a walking dose."""
        if self.dose.walks == 0 or self.a.walking_tolerance == "not_tolerated":
            return None
        return self.back_dose if self.unsettled else self.dose

    def resume(self, severe: bool) -> Dose | None:
        """The dose to return to once a flare settles (§4): the pre-flare dose after a
        moderate flare, one step back from it after a severe one (a graded return)."""
        pre = self.pre_flare
        if pre is None or not severe:
            return pre
        return step_back(pre, self.a.walking_tolerance)


def derive(a: Assessment) -> Facts:
    """The derived values of specification §4 for one assessment."""
    return Facts(a)


# ----------------------------------------------------------------------------- words


@cache  # a few thousand doses at most; the trace quotes the same dose several times
def dose_words(dose: Dose) -> str:
    """A dose as a clinician says it: "4 walks a week, 10 minutes each"."""
    return describe_dose(exact(dose)) if dose.walks else "no walking yet"


def _level(f: Facts) -> str:
    """How the flare level was read: "moderate (entered moderate; pain 5/10, implies moderate)"."""
    flare, usual = f.flare, f.a.usual_pain
    against = f" against usual {usual}/10" if usual is not None else ""
    return (
        f"{f.level} (entered {flare.level}; pain {flare.pain_now}/10{against} implies {f.implied})"
    )


def _features(codes: tuple[str, ...]) -> str:
    return "; ".join(FEATURES[c].wording.lower() for c in codes)


def _tiers(f: Facts, tier: str) -> str:
    return "; ".join(
        f"{t.condition.replace('_', ' ')} ({_features(t.features)})"
        for t in f.screening.tiers
        if t.tier == tier
    )


def _highest(f: Facts) -> str:
    top = f.screening.combined
    if top is None:
        return "nothing ticked in either screen"
    if f.screening.combined_by_count:
        return "combined tier is same_day: two or more urgent conditions together"
    return f"combined tier is {top}"


def _last_step(f: Facts) -> str:
    last = f.a.last_progression
    if last is None:
        return "no step up since the last visit"
    if not last.pain_increased:
        return "pain did not increase after the last step up"
    if f.settled:
        return "pain increased after the last step up and settled within 24 hours"
    return "pain increased after the last step up and had not settled within 24 hours"


def _weeks(f: Facts) -> str:
    weeks = f.walking.weeks_at_current_dose
    return "unknown (counted as established)" if weeks is None else str(weeks)


def hold_reasons(f: Facts) -> list[str]:
    """Each reason of §5 rule 9 to hold the dose that holds for this person."""
    a = f.a
    reasons = []
    if f.level == "mild":
        reasons.append("mild flare")
    if f.settled:
        reasons.append("pain rose after the last step up and settled within 24 hours")
    if f.too_soon:
        reasons.append("0 weeks at this dose, which can still progress")
    if a.returning_after_flare:
        reasons.append("returning after a flare: a week at this dose before the next step")
    if a.adherence == "less_than_planned":
        reasons.append("fewer walks than planned since the last visit")
    if a.new_lower_limb_pain:
        reasons.append("new lower-limb pain since the last visit")
    return reasons


def clinician_review_reasons(f: Facts, decision: Decision | None) -> list[str]:
    """Each reason of the CLINICIAN_REVIEW flag (§7) that holds for this person."""
    reasons = []
    days = f.flare_days
    if f.level == "severe" and days is not None and days > LONG_SEVERE_FLARE_DAYS:
        reasons.append(f"a severe flare on day {days}, beyond a week")
    if f.level != "none" and days is not None and days > LONG_FLARE_DAYS:
        reasons.append(f"a flare on day {days}, beyond 6 weeks")
    if f.level != "none" and days is None:
        reasons.append("a flare with no onset day recorded")
    if decision is Decision.MAINTAIN and f.capped and not f.met:
        reasons.append("walk length caps the dose at 7 walks below the target")
    if decision is Decision.STEP_BACK and f.back_dose == f.dose:
        reasons.append("no smaller step back exists from this dose")
    return reasons


def trial_reasons(f: Facts) -> list[str]:
    """Each reason of the OUTSIDE_TRIAL_POPULATION flag (§7) that holds for this person."""
    a = f.a
    reasons = []
    if f.chronic:
        reasons.append("chronic pain (12 weeks or more)")
    if a.age < TRIAL_ADULT_AGE:
        reasons.append(f"age {a.age}: the trial enrolled adults")
    if a.visit == "initial" and f.dose.walks >= TRIAL_EXCLUDED_WALKS:
        reasons.append(f"already walking {f.dose.walks} times a week at the first visit")
    if (
        a.visit == "review"
        and a.baseline_walks_per_week is not None
        and a.baseline_walks_per_week >= TRIAL_EXCLUDED_WALKS
    ):
        reasons.append(f"walked {a.baseline_walks_per_week} times a week at the first visit")
    if a.visit == "initial" and f.level != "none":
        reasons.append(f"in a {f.level} flare at the first visit, not recovered")
    if a.visit == "initial" and a.episode_weeks is not None and a.episode_weeks >= 1:
        reasons.append(
            f"an episode of {a.episode_weeks} week{'s' if a.episode_weeks != 1 else ''} "
            "at the first visit, not recovered"
        )
    if a.walking_tolerance == "not_tolerated":
        reasons.append("cannot walk for exercise")
    if a.pregnant_or_postpartum:
        reasons.append("pregnant or postpartum")
    if a.spinal_surgery_within_6_months:
        reasons.append("spinal surgery in the last 6 months")
    return reasons


# ----------------------------------------------------------------------------- the rules


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a deciding rule puts in the recommendation besides its decision."""

    next_dose: NextDose | None = None
    resume_dose: NextDose | None = None
    review_in_days: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """Fields every rule shares: identity, reasons, evidence."""

    id: str
    title: str
    if_true: Callable[[Facts], str]  # the reason when the condition holds
    if_false: Callable[[Facts], str]  # the reason when it does not
    source_ids: tuple[str, ...]
    rationale: str

    @property
    def evidence_level(self) -> str:
        return evidence_level(self.source_ids)


@dataclass(frozen=True, slots=True)
class DecisionRule(Rule):
    """A rule that can set the decision; the first one that holds wins."""

    decision: Decision
    condition: str  # the condition as the specification states it
    holds: Callable[[Facts], bool]
    outcome: Callable[[Facts], Outcome]
    # Reads more than the screens and the age: the flare, the walking or the history, which
    # an emergency may leave out (§2).
    reads_consultation: bool = True

    @property
    def sets(self) -> str:
        return self.decision.value


@dataclass(frozen=True, slots=True)
class FlagRule(Rule):
    """A rule that raises a flag once the decision is known."""

    flag: Flag
    condition: str
    holds: Callable[[Facts, Decision], bool]

    @property
    def sets(self) -> str:
        return self.flag.value


def _span(lo: int, hi: int) -> Span:
    return Span(min=lo, max=hi)


def _resume(f: Facts, *, severe: bool) -> NextDose | None:
    dose = f.resume(severe)
    return None if dose is None else exact(dose)


_START = NextDose(walks_per_week=_span(*START_WALKS), minutes_per_walk=_span(*START_MINUTES))
_SHORT_WALKS = NextDose(walks_per_week=None, minutes_per_walk=_span(*MODERATE_FLARE_MINUTES))
_NONE = Outcome()


def _referral(tier: str) -> Callable[[Facts], bool]:
    return lambda f: f.screening.combined == tier


def _same_day(f: Facts) -> str:
    if f.screening.combined_by_count:
        return (
            f"two or more urgent conditions together make a same-day concern: {_tiers(f, 'urgent')}"
        )
    return f"same-day tier: {_tiers(f, 'same_day')}"


DECISION_RULES: tuple[DecisionRule, ...] = (
    DecisionRule(
        id="WB-R15",
        title="Emergency: hospital now",
        decision=Decision.EMERGENCY_REFERRAL,
        condition="the combined tier is emergency",
        holds=_referral("emergency"),
        outcome=lambda f: _NONE,
        if_true=lambda f: f"emergency tier: {_tiers(f, 'emergency')}",
        if_false=lambda f: f"no condition reaches the emergency tier ({_highest(f)})",
        source_ids=("bass-ces-2018", "girft-ces-2023", "nice-ng234", "ifompt-2020", "nice-cg95"),
        rationale=(
            "Cauda equina syndrome, a progressive deficit, cord compression in a person with "
            "cancer, an aortic aneurysm and chest pain at rest all need hospital care within "
            "hours; waiting for late signs means waiting for the worst outcome. Single "
            "features are weak diagnostic signs, so the tool says 'possible' and leaves the "
            "diagnosis to the receiving team."
        ),
        reads_consultation=False,
    ),
    DecisionRule(
        id="WB-R16",
        title="Same day: a doctor today",
        decision=Decision.SAME_DAY_REFERRAL,
        condition="the combined tier is same_day (two or more urgent conditions count as same_day)",
        holds=_referral("same_day"),
        outcome=lambda f: _NONE,
        if_true=_same_day,
        if_false=lambda f: f"the combined tier is not same_day ({_highest(f)})",
        source_ids=("ifompt-2020", "nice-cg109", "nice-cg95"),
        rationale=(
            "Fever with a risk factor for spinal infection, chest pain or fainting on "
            "exertion, a history of cancer with another malignancy feature (the acute "
            "oncology / MSCC team within 24 hours) and major trauma (the emergency department "
            "today) need to be seen the same day; so do two or more separate urgent concerns "
            "together, because the combination raises the level of concern. No exercise "
            "walking until the person has been seen; staying gently active is fine."
        ),
        reads_consultation=False,
    ),
    DecisionRule(
        id="WB-R17",
        title="Urgent: a doctor within days",
        decision=Decision.URGENT_REFERRAL,
        condition="the combined tier is urgent (exactly one condition at urgent)",
        holds=_referral("urgent"),
        outcome=lambda f: _NONE,
        if_true=lambda f: f"urgent tier: {_tiers(f, 'urgent')}",
        if_false=lambda f: f"the combined tier is not urgent ({_highest(f)})",
        source_ids=("ifompt-2020", "nice-ng234", "nice-ng59"),
        rationale=(
            "Two or more features suggesting malignancy without a cancer history, fever "
            "alone or several infection risk factors, a fragility fracture, or unexplained "
            "breathlessness on exertion need a doctor within days. No new programme until "
            "then; the receiving clinician sets the review."
        ),
        reads_consultation=False,
    ),
    DecisionRule(
        id="WB-R18",
        title="Under 16: out of scope",
        decision=Decision.OUT_OF_SCOPE,
        condition="age < 16",
        holds=lambda f: f.a.age < SCOPE_AGE,
        outcome=lambda f: _NONE,
        if_true=lambda f: f"age {f.a.age} is under 16: this tool is for people aged 16 and over",
        if_false=lambda f: f"age {f.a.age} is 16 or over",
        source_ids=("walkback-lancet-2024", "nice-ng59"),
        rationale=(
            "NICE NG59 covers people aged 16 and over; back pain in a child needs its own "
            "assessment. Only safety flags are shown, a low mood screen among them."
        ),
        reads_consultation=False,
    ),
    DecisionRule(
        id="WB-R19",
        title="Severe flare: calm things down",
        decision=Decision.SEVERE_FLARE,
        condition="effective level severe",
        holds=lambda f: f.level == "severe",
        outcome=lambda f: Outcome(resume_dose=_resume(f, severe=True), review_in_days=2),
        if_true=lambda f: f"effective flare level {_level(f)}",
        if_false=lambda f: f"effective flare level {_level(f)}: not severe",
        source_ids=("seed-verywell-2024", "acp-2017", "cochrane-heat-2006", "nice-ng59"),
        rationale=(
            "In a badly flared back, avoid doing too much but stay gently active (no bed "
            "rest); offer a cold or heat pack and a talk with the GP or pharmacist about pain "
            "relief. The programme dose is paused, not lost: the return is graded, one step "
            "back from the dose before the flare. Review within 2–3 days (review_in_days is "
            "the earlier, 2)."
        ),
    ),
    DecisionRule(
        id="WB-R20",
        title="Moderate flare: short walks as tolerated",
        decision=Decision.MODERATE_FLARE,
        condition=(
            "effective level moderate; short walks of 2–5 minutes, none when walking is not "
            "tolerated"
        ),
        holds=lambda f: f.level == "moderate",
        outcome=lambda f: Outcome(
            next_dose=None if f.a.walking_tolerance == "not_tolerated" else _SHORT_WALKS,
            resume_dose=_resume(f, severe=False),
            review_in_days=7,
        ),
        if_true=lambda f: f"effective flare level {_level(f)}",
        if_false=lambda f: f"effective flare level {f.level}: not moderate",
        source_ids=("seed-verywell-2024", "costa-flare-2019"),
        rationale=(
            "Walking for 2–5 minutes can ease a moderately flared back; when walking is not "
            "tolerated, gentle movement the person can manage instead. The programme dose is "
            "paused, not lost. Review in a week (team choice)."
        ),
    ),
    DecisionRule(
        id="WB-R21",
        title="Walking does not suit: another exercise",
        decision=Decision.ALTERNATIVE_EXERCISE,
        condition="walking not tolerated, or another exercise preferred",
        holds=lambda f: f.a.walking_tolerance == "not_tolerated" or f.a.prefers_other_exercise,
        outcome=lambda f: Outcome(review_in_days=28),
        if_true=lambda f: (
            "walking is not tolerated"
            if f.a.walking_tolerance == "not_tolerated"
            else "the person prefers another exercise"
        ),
        if_false=lambda f: "walking is tolerated and no other exercise is preferred",
        source_ids=("nice-ng59", "seed-verywell-2024"),
        rationale=(
            "Guidelines recommend exercise in any form the person will keep doing; yoga, "
            "Pilates or swimming can replace walking. A flare comes first. Review in 4 weeks "
            "(team choice)."
        ),
    ),
    DecisionRule(
        id="WB-R22",
        title="Pain rose and did not settle: step back",
        decision=Decision.STEP_BACK,
        condition="pain increased after the last step up and did not settle within 24 hours",
        holds=lambda f: f.unsettled,
        outcome=lambda f: Outcome(next_dose=exact(f.back_dose), review_in_days=7),
        if_true=lambda f: (
            f"{_last_step(f)}: back to {dose_words(f.back_dose)} ("
            + (
                "the dose before the last step up"
                if f.a.last_progression is not None
                and f.a.last_progression.previous_dose is not None
                else "one step back"
            )
            + ")"
        ),
        if_false=lambda f: _last_step(f),
        source_ids=("seed-verywell-2024", "pain-monitoring", "team"),
        rationale=(
            "Pain that has not settled within a day of a step up means the step was too big: "
            "return to the dose before it, or one step back when that is not known. Review "
            "in a week (team choice)."
        ),
    ),
    DecisionRule(
        id="WB-R23",
        title="Hold the current dose",
        decision=Decision.HOLD,
        condition=(
            "walking, and any of: mild flare; settled last step; 0 weeks at a dose that can "
            "progress; returning after a flare; fewer walks than planned; new lower-limb pain"
        ),
        holds=lambda f: f.dose.walks > 0 and bool(hold_reasons(f)),
        outcome=lambda f: Outcome(next_dose=exact(f.dose), review_in_days=7),
        if_true=lambda f: f"hold {dose_words(f.dose)}: {'; '.join(hold_reasons(f))}",
        if_false=lambda f: (
            "not walking yet"
            if f.dose.walks == 0
            else f"no reason to hold {dose_words(f.dose)} (flare {f.level}; {_last_step(f)}; "
            f"weeks at this dose: {_weeks(f)})"
        ),
        source_ids=("seed-verywell-2024", "walkback-protocol-2020", "team"),
        rationale=(
            "Progress at most once a week and only when the back is happy: hold through a "
            "mild flare, for a week after a pain rise that settled, for the first week at a "
            "new dose and the first week back after a flare, when the planned walks were not "
            "done (talk through the barriers first), and when new hip, knee, shin or foot "
            "pain needs a look."
        ),
    ),
    DecisionRule(
        id="WB-R24",
        title="Not walking yet: start gently",
        decision=Decision.START,
        condition="walks_per_week = 0",
        holds=lambda f: f.dose.walks == 0,
        outcome=lambda f: Outcome(next_dose=_START, review_in_days=14),
        if_true=lambda f: "not walking yet: start at 3–4 walks a week, 5–10 minutes each",
        if_false=lambda f: f"already walking: {dose_words(f.dose)}",
        source_ids=("seed-verywell-2024", "walkback-lancet-2024"),
        rationale=(
            "A gentle start that a mild flare can also tolerate; the trial built each "
            "programme up from the person's current walking. Review in 2 weeks."
        ),
    ),
    DecisionRule(
        id="WB-R25",
        title="Target reached, or as far as it goes: maintain",
        decision=Decision.MAINTAIN,
        condition="the dose cannot progress (target met, or walk length limited at 7+ walks)",
        holds=lambda f: not f.can_progress,
        outcome=lambda f: Outcome(next_dose=exact(f.dose), review_in_days=28),
        if_true=lambda f: (
            f"{dose_words(f.dose)} meets the target: keep it"
            if f.met
            else f"{dose_words(f.dose)}: walk length is limited and 7 walks is the most"
        ),
        if_false=lambda f: f"{dose_words(f.dose)} can still progress: the target is not met",
        source_ids=("walkback-lancet-2024", "who-pa-2020"),
        rationale=(
            "The trial aimed for about 5 walks of 30 minutes a week, the WHO weekly minimum "
            "too; a dose at or above it is kept, never reduced. Review in 4 weeks."
        ),
    ),
    DecisionRule(
        id="WB-R26",
        title="Step up by one step",
        decision=Decision.PROGRESS,
        condition="otherwise",
        holds=lambda f: True,
        outcome=lambda f: Outcome(next_dose=exact(f.next_step), review_in_days=14),
        if_true=lambda f: (
            f"no earlier rule applies: one step up from {dose_words(f.dose)} to "
            f"{dose_words(f.next_step)}"
        ),
        if_false=lambda f: "",
        source_ids=("seed-verywell-2024", "walkback-lancet-2024", "team"),
        rationale=(
            "Add a walk a week until 5, then 5 minutes a walk until 30 (walks only, up to 7, "
            "when walk length is limited). The handout steps up once a week while the back "
            "is happy; review in 2 weeks."
        ),
    ),
)


def _decided(*decisions: Decision) -> Callable[[Decision], bool]:
    chosen = frozenset(decisions)
    return lambda d: d in chosen


def _startback_total(f: Facts) -> int | None:
    return None if f.a.startback is None else f.a.startback.total


_MILD_DECISIONS = _decided(
    Decision.ALTERNATIVE_EXERCISE, Decision.STEP_BACK, Decision.HOLD, Decision.START
)

FLAG_RULES: tuple[FlagRule, ...] = (
    FlagRule(
        id="WB-F14",
        title="Concern about self-harm",
        flag=Flag.SELF_HARM_CONCERN,
        condition="self_harm_concern (every decision)",
        holds=lambda f, d: f.a.self_harm_concern,
        if_true=lambda f: "the clinician is concerned about thoughts of self-harm or suicide",
        if_false=lambda f: "no concern about self-harm recorded",
        source_ids=("nice-ng59", "team"),
        rationale=(
            "A concern about self-harm outranks the back: follow the local urgent mental-health "
            "pathway today. It never changes the decision or the referral for the back."
        ),
    ),
    FlagRule(
        id="WB-F15",
        title="Red-flag features noted",
        flag=Flag.RED_FLAG_FEATURES_NOTED,
        condition="some condition's tier is monitor",
        holds=lambda f, d: bool(f.screening.monitored),
        if_true=lambda f: (
            "noted: "
            + "; ".join(
                f"{t.condition.replace('_', ' ')} ({_features(t.features)})"
                for t in f.screening.monitored
            )
        ),
        if_false=lambda f: "no condition at the monitor tier",
        source_ids=("ifompt-2020",),
        rationale=(
            "Alone, these features have low diagnostic accuracy: note them, safety-net, and "
            "screen again at every visit."
        ),
    ),
    FlagRule(
        id="WB-F16",
        title="Safety net: the get-help-now signs",
        flag=Flag.RED_FLAG_SAFETY_NET,
        condition=(
            "effective level is not none, or RED_FLAG_FEATURES_NOTED, or leg symptoms, or a "
            "stable neurological deficit"
        ),
        holds=lambda f, d: bool(safety_net_reasons(f)),
        if_true=lambda f: "; ".join(safety_net_reasons(f)) + ": go over the warning signs",
        if_false=lambda f: (
            "no flare, no red-flag features noted, no leg symptoms and no known deficit"
        ),
        source_ids=("nice-ng59", "girft-ces-2023"),
        rationale=(
            "Any flare, any noted feature, and any leg symptoms or known deficit are a moment "
            "to tell the person which symptoms need help now: sciatica is where the early "
            "signs of cauda equina syndrome are most often missed."
        ),
    ),
    FlagRule(
        id="WB-F17",
        title="Possible axial spondyloarthritis: HLA-B27 test",
        flag=Flag.AXSPA_POSSIBLE,
        condition="axspa_gate and exactly 3 NICE NG65 criteria",
        holds=lambda f, d: (
            f.screening.axspa_gate and f.screening.axspa_criteria == AXSPA_POSSIBLE_CRITERIA
        ),
        if_true=lambda f: "back pain from before 45 for over 3 months with exactly 3 criteria",
        if_false=lambda f: (
            f"axial spondyloarthritis criteria: {f.screening.axspa_criteria}"
            + ("" if f.screening.axspa_gate else ", without the age and duration gate")
        ),
        source_ids=("nice-ng65",),
        rationale=(
            "With exactly 3 criteria, NICE NG65 asks for an HLA-B27 test and a rheumatology "
            "referral if it is positive."
        ),
    ),
    FlagRule(
        id="WB-F18",
        title="Clinician review of the diagnosis and the plan",
        flag=Flag.CLINICIAN_REVIEW,
        condition=(
            "severe flare beyond day 7; a flare beyond day 42; a flare with no onset day; "
            "MAINTAIN capped below the target; STEP_BACK with no smaller dose"
        ),
        holds=lambda f, d: bool(clinician_review_reasons(f, d)),
        if_true=lambda f: "; ".join(clinician_review_reasons(f, f.decision)),
        if_false=lambda f: "no reason to reassess the diagnosis or the plan",
        source_ids=("nice-ng59", "ifompt-2020", "team"),
        rationale=(
            "A long or unexplained flare, a walk length that can never reach the target, or "
            "a dose that cannot be stepped back each call for a fresh look: re-screen red "
            "flags, the diagnosis and the plan."
        ),
    ),
    FlagRule(
        id="WB-F19",
        title="Chronic low back pain",
        flag=Flag.CHRONIC_PAIN,
        condition=(
            "the episode or the flare has lasted 12 weeks or more, and no condition is at "
            "routine or above"
        ),
        holds=lambda f, d: f.chronic and not f.screening.referred,
        if_true=lambda f: (
            f"episode {f.a.episode_weeks or 0} weeks, flare day {f.flare_days or 0}: "
            "12 weeks or more"
        ),
        if_false=lambda f: (
            "a referral for a possible secondary cause comes first: chronic primary pain is "
            "not named beside it"
            if f.chronic
            else "episode and flare shorter than 12 weeks"
        ),
        source_ids=("who-clbp-2023", "nice-ng59"),
        rationale=(
            "Chronic primary low back pain calls for structured exercise, education and "
            "psychologically informed care; graded walking and flare care continue."
        ),
    ),
    FlagRule(
        id="WB-F20",
        title="Outside the trial population",
        flag=Flag.OUTSIDE_TRIAL_POPULATION,
        condition=(
            "chronic; under 18; initial visit walking 3+ times a week; baseline 3+ walks; "
            "initial visit in a flare or an unresolved episode; walking not tolerated; "
            "pregnant or postpartum; recent spinal surgery"
        ),
        holds=lambda f, d: bool(trial_reasons(f)),
        if_true=lambda f: "; ".join(trial_reasons(f)),
        if_false=lambda f: "within the trial population",
        source_ids=("walkback-lancet-2024", "walkback-protocol-2020", "team"),
        rationale=(
            "The trial enrolled adults recently recovered from an episode who walked for "
            "exercise fewer than 3 times a week and could walk; its effect sizes may not "
            "carry over."
        ),
    ),
    FlagRule(
        id="WB-F21",
        title="Mild flare: ease off until it settles",
        flag=Flag.MILD_FLARE,
        condition="effective level mild and ALTERNATIVE_EXERCISE, STEP_BACK, HOLD or START",
        holds=lambda f, d: f.level == "mild" and _MILD_DECISIONS(d),
        if_true=lambda f: "mild flare: no step up until it settles",
        if_false=lambda f: f"effective level {f.level}, or a decision that covers it",
        source_ids=("seed-verywell-2024", "costa-flare-2019"),
        rationale="Keep moving through a mild flare without adding to the dose.",
    ),
    FlagRule(
        id="WB-F22",
        title="Resuming after a flare",
        flag=Flag.RESUMING_AFTER_FLARE,
        condition="HOLD with returning_after_flare",
        holds=lambda f, d: d is Decision.HOLD and f.a.returning_after_flare,
        if_true=lambda f: f"a week at {dose_words(f.dose)} before the next step",
        if_false=lambda f: "not a hold on the way back from a flare",
        source_ids=("team",),
        rationale="The programme never steps up straight out of a flare.",
    ),
    FlagRule(
        id="WB-F23",
        title="Pain settled after the last step",
        flag=Flag.PAIN_SETTLED_AFTER_PROGRESSION,
        condition="HOLD with a settled last step",
        holds=lambda f, d: d is Decision.HOLD and f.settled,
        if_true=lambda f: f"repeat {dose_words(f.dose)} for a week",
        if_false=lambda f: "not a hold after a pain rise that settled",
        source_ids=("pain-monitoring", "team"),
        rationale="Pain that settles within a day is acceptable, but the dose is repeated first.",
    ),
    FlagRule(
        id="WB-F24",
        title="Too soon to step up",
        flag=Flag.TOO_SOON_TO_PROGRESS,
        condition="HOLD with 0 weeks at a dose that can progress",
        holds=lambda f, d: d is Decision.HOLD and f.too_soon,
        if_true=lambda f: f"0 weeks at {dose_words(f.dose)}: at most one step a week",
        if_false=lambda f: f"weeks at this dose: {_weeks(f)}",
        source_ids=("seed-verywell-2024", "team"),
        rationale="Each dose is done for a full week before the next step.",
    ),
    FlagRule(
        id="WB-F25",
        title="Fewer walks than planned",
        flag=Flag.ADHERENCE_BELOW_PLAN,
        condition="adherence is less_than_planned",
        holds=lambda f, d: f.a.adherence == "less_than_planned",
        if_true=lambda f: "the person did fewer walks than planned since the last visit",
        if_false=lambda f: (
            "adherence not asked" if f.a.adherence is None else "the person did the walks planned"
        ),
        source_ids=("walkback-protocol-2020",),
        rationale=(
            "The trial's physiotherapists used health coaching: talk through the barriers and "
            "set the week's goal together."
        ),
    ),
    FlagRule(
        id="WB-F26",
        title="New lower-limb pain",
        flag=Flag.NEW_LOWER_LIMB_PAIN,
        condition="new_lower_limb_pain",
        holds=lambda f, d: f.a.new_lower_limb_pain,
        if_true=lambda f: "new hip, knee, shin or foot pain since the last visit",
        if_false=lambda f: "no new lower-limb pain reported",
        source_ids=("walkback-lancet-2024",),
        rationale=(
            "The trial's walking group had more lower-limb adverse events: assess the joint, "
            "footwear, surface and route, and hold the step."
        ),
    ),
    FlagRule(
        id="WB-F27",
        title="This step reaches the target",
        flag=Flag.TARGET_REACHED_AFTER_THIS_STEP,
        condition="PROGRESS whose new dose meets the target",
        holds=lambda f, d: d is Decision.PROGRESS and target_met(f.next_step),
        if_true=lambda f: f"{dose_words(f.next_step)} meets the target",
        if_false=lambda f: "no step up that reaches the target",
        source_ids=("walkback-lancet-2024",),
        rationale="About 5 walks of 30 minutes a week is the programme's goal.",
    ),
    FlagRule(
        id="WB-F28",
        title="High risk of recurrence",
        flag=Flag.HIGH_RECURRENCE_RISK,
        condition="previous_episodes > 2",
        holds=lambda f, d: f.episodes > HIGH_RISK_EPISODES,
        if_true=lambda f: f"{f.episodes} previous episodes, more than 2",
        if_false=lambda f: f"{f.episodes} previous episodes, 2 or fewer",
        source_ids=("machado-2017", "walkback-lancet-2024"),
        rationale=(
            "More than two previous episodes about triples the odds of a recurrence; a note "
            "for the conversation, not a change of dose."
        ),
    ),
    FlagRule(
        id="WB-F29",
        title="Older adult",
        flag=Flag.OLDER_ADULT,
        condition="age ≥ 65",
        holds=lambda f, d: f.a.age >= OLDER_ADULT_AGE,
        if_true=lambda f: f"age {f.a.age}, 65 or over",
        if_false=lambda f: f"age {f.a.age}, under 65",
        source_ids=("who-pa-2020",),
        rationale="WHO advises older adults to add balance and strength on 3 or more days.",
    ),
    FlagRule(
        id="WB-F30",
        title="Falls in the last year",
        flag=Flag.FALLS_RISK,
        condition="falls_last_year",
        holds=lambda f, d: f.a.falls_last_year,
        if_true=lambda f: "one or more falls in the last 12 months",
        if_false=lambda f: "no falls reported in the last 12 months",
        source_ids=("who-pa-2020", "team"),
        rationale=(
            "Balance work, a walking aid if needed and safe routes; consider a falls assessment."
        ),
    ),
    FlagRule(
        id="WB-F31",
        title="PHQ-2 positive: discuss mood",
        flag=Flag.DEPRESSION_SCREEN_POSITIVE,
        condition="phq2 ≥ 3",
        holds=lambda f, d: f.a.phq2 is not None and f.a.phq2 >= PHQ2_POSITIVE,
        if_true=lambda f: f"PHQ-2 score {f.a.phq2}/6: 3 or more is a positive screen",
        if_false=lambda f: (
            "PHQ-2 not asked"
            if f.a.phq2 is None
            else f"PHQ-2 score {f.a.phq2}/6: not a positive screen"
        ),
        source_ids=("phq2-kroenke-2003", "seed-verywell-2024"),
        rationale=(
            "A positive PHQ-2 is not a diagnosis: follow up with the GP or a PHQ-9. It does "
            "not screen for self-harm, which is asked about directly."
        ),
    ),
    FlagRule(
        id="WB-F32",
        title="STarT Back: low risk",
        flag=Flag.STARTBACK_LOW,
        condition="startback given and total ≤ 3",
        holds=lambda f, d: (t := _startback_total(f)) is not None and t <= STARTBACK_LOW_MAX,
        if_true=lambda f: f"STarT Back total {_startback_total(f)}: low risk",
        if_false=lambda f: _startback_words(f),
        source_ids=("startback-hill-2011", "nice-ng59"),
        rationale="Reassurance, advice and self-management; the walking programme as planned.",
    ),
    FlagRule(
        id="WB-F33",
        title="STarT Back: medium risk",
        flag=Flag.STARTBACK_MEDIUM,
        condition="total ≥ 4 and distress ≤ 3",
        holds=lambda f, d: (
            f.a.startback is not None
            and f.a.startback.total > STARTBACK_LOW_MAX
            and f.a.startback.distress < STARTBACK_HIGH_DISTRESS
        ),
        if_true=lambda f: f"{_startback_words(f)}: medium risk",
        if_false=lambda f: _startback_words(f),
        source_ids=("startback-hill-2011", "nice-ng59"),
        rationale="Physiotherapist-led exercise and treatment.",
    ),
    FlagRule(
        id="WB-F34",
        title="STarT Back: high risk",
        flag=Flag.STARTBACK_HIGH,
        condition="total ≥ 4 and distress ≥ 4",
        holds=lambda f, d: (
            f.a.startback is not None
            and f.a.startback.total > STARTBACK_LOW_MAX
            and f.a.startback.distress >= STARTBACK_HIGH_DISTRESS
        ),
        if_true=lambda f: f"{_startback_words(f)}: high risk",
        if_false=lambda f: _startback_words(f),
        source_ids=("startback-hill-2011", "nice-ng59"),
        rationale="Psychologically informed physiotherapy.",
    ),
    FlagRule(
        id="WB-F35",
        title="Walk length limited",
        flag=Flag.DURATION_LIMITED,
        condition="walking_tolerance is duration_limited",
        holds=lambda f, d: f.a.walking_tolerance == "duration_limited",
        if_true=lambda f: "walk length is limited: step up by more walks only, up to 7",
        if_false=lambda f: f"walking tolerance {f.a.walking_tolerance.replace('_', ' ')}",
        source_ids=("team",),
        rationale=(
            "When hip or knee pain caps walk length, more frequent walks build the weekly "
            "total without longer walks."
        ),
    ),
    FlagRule(
        id="WB-F36",
        title="Radicular pain",
        flag=Flag.RADICULAR_PAIN,
        condition="leg symptoms below the knee, or a stable neurological deficit",
        holds=lambda f, d: f.a.leg_symptoms == "below_knee" or f.a.stable_neuro_deficit,
        if_true=lambda f: (
            "leg symptoms below the knee"
            if f.a.leg_symptoms == "below_knee"
            else "a stable neurological deficit"
        ),
        if_false=lambda f: f"leg symptoms: {f.a.leg_symptoms.replace('_', ' ')}",
        source_ids=("nice-ng59",),
        rationale=(
            "Check the neurology at each visit; if it is not improving, consider a spinal opinion."
        ),
    ),
    FlagRule(
        id="WB-F37",
        title="Neurogenic claudication",
        flag=Flag.NEUROGENIC_CLAUDICATION,
        condition="neurogenic_claudication",
        holds=lambda f, d: f.a.neurogenic_claudication,
        if_true=lambda f: "leg symptoms on walking or standing, eased by sitting or bending",
        if_false=lambda f: "no neurogenic claudication",
        source_ids=("nice-ng59", "team"),
        rationale=(
            "Shorter bouts with rests, and options in a flexed posture: cycling, a walking "
            "frame or poles."
        ),
    ),
    FlagRule(
        id="WB-F38",
        title="Pregnant or postpartum",
        flag=Flag.PREGNANCY_POSTPARTUM,
        condition="pregnant_or_postpartum",
        holds=lambda f, d: f.a.pregnant_or_postpartum,
        if_true=lambda f: "pregnant, or gave birth in the last 12 months",
        if_false=lambda f: "not pregnant or postpartum",
        source_ids=("team",),
        rationale=(
            "Pelvic girdle pain is common; obstetric warning signs go to the maternity unit."
        ),
    ),
    FlagRule(
        id="WB-F39",
        title="Recent spinal surgery",
        flag=Flag.RECENT_SPINAL_SURGERY,
        condition="spinal_surgery_within_6_months",
        holds=lambda f, d: f.a.spinal_surgery_within_6_months,
        if_true=lambda f: "spinal surgery in the last 6 months",
        if_false=lambda f: "no spinal surgery in the last 6 months",
        source_ids=("walkback-protocol-2020", "team"),
        rationale=(
            "Follow the surgical team's rehabilitation plan; check with them before a new "
            "programme."
        ),
    ),
    FlagRule(
        id="WB-F40",
        title="Already active",
        flag=Flag.ALREADY_ACTIVE,
        condition="other_exercise_minutes_per_week ≥ 150",
        holds=lambda f, d: f.a.other_exercise_minutes_per_week >= ACTIVE_MINUTES,
        if_true=lambda f: f"{f.a.other_exercise_minutes_per_week} minutes a week of other activity",
        if_false=lambda f: (
            f"{f.a.other_exercise_minutes_per_week} minutes a week of other activity, under 150"
        ),
        source_ids=("who-pa-2020",),
        rationale="Already meets activity guidance: keep it; walking adds variety.",
    ),
    FlagRule(
        id="WB-F42",
        title="Severe pain for more than six weeks",
        flag=Flag.PERSISTENT_SEVERE_PAIN,
        condition="effective level severe with flare days > 42",
        holds=lambda f, d: persistent_severe(f),
        if_true=lambda f: f"a severe flare on day {f.flare_days}, beyond 6 weeks",
        if_false=lambda f: (
            f"effective level {f.level}"
            if f.level != "severe"
            else f"a severe flare on day {f.flare_days}, within 6 weeks"
            if f.flare_days is not None
            else "a severe flare with no onset day recorded"
        ),
        source_ids=("nice-ng59", "ifompt-2020"),
        rationale=(
            "Severe pain that has not eased in six weeks needs a medical opinion this week, "
            "and no improvement after 4–6 weeks is itself a feature to screen for."
        ),
    ),
    FlagRule(
        id="WB-F43",
        title="Sudden severe pain at 60 or over",
        flag=Flag.SUDDEN_SEVERE_PAIN_OLDER,
        condition=(
            "age ≥ 60, effective level severe, flare days ≤ 2 or not recorded, nothing "
            "ticked in either screen"
        ),
        holds=lambda f, d: sudden_severe_older(f),
        if_true=lambda f: (
            f"age {f.a.age}, severe pain "
            + ("with no onset day recorded" if f.flare_days is None else f"on day {f.flare_days}")
            + ", and nothing ticked in either screen"
        ),
        if_false=lambda f: (
            f"age {f.a.age}, under 60"
            if f.a.age < SUDDEN_PAIN_AGE
            else f"effective level {f.level}"
            if f.level != "severe"
            else f"a severe flare on day {f.flare_days}, beyond day 2"
            if f.flare_days is not None and f.flare_days > SUDDEN_PAIN_DAYS
            else "features ticked in a screen: the screens cover it"
        ),
        source_ids=("ifompt-2020", "team"),
        rationale=(
            "In an older person, sudden severe back pain can come from outside the spine, an "
            "abdominal aortic aneurysm above all: ask about it before treating the pain as a "
            "flare."
        ),
    ),
    FlagRule(
        id="WB-F41",
        title="Pain rating and flare level disagree",
        flag=Flag.PAIN_LEVEL_MISMATCH,
        condition="entered and implied levels two or more bands apart (§4)",
        holds=lambda f, d: f.mismatch,
        if_true=lambda f: (
            f"entered {f.flare.level} but the pain rating implies {f.implied}: two or more "
            f"bands apart, so {f.level} is used; re-check both before printing"
        ),
        if_false=lambda f: f"entered {f.flare.level} and implied {f.implied} agree",
        source_ids=("team",),
        rationale=(
            "A large gap between the judged flare level and the pain rating may be an entry "
            "error; the more severe reading is used until it is checked."
        ),
    ),
)


def safety_net_reasons(f: Facts) -> list[str]:
    """Each reason of the RED_FLAG_SAFETY_NET flag (§7) that holds for this person."""
    a = f.a
    reasons = []
    if f.level != "none":
        reasons.append(f"{f.level} flare")
    if f.screening.monitored:
        reasons.append("red-flag features noted")
    if a.leg_symptoms != "none":
        reasons.append(f"leg symptoms {a.leg_symptoms.replace('_', ' ')}")
    if a.stable_neuro_deficit:
        reasons.append("a known neurological deficit")
    return reasons


def persistent_severe(f: Facts) -> bool:
    """A severe flare that has lasted more than six weeks (§7 PERSISTENT_SEVERE_PAIN)."""
    return f.level == "severe" and f.flare_days is not None and f.flare_days > LONG_FLARE_DAYS


def sudden_severe_older(f: Facts) -> bool:
    """Sudden severe pain at 60 or over with nothing ticked (§7 SUDDEN_SEVERE_PAIN_OLDER)."""
    a = f.a
    return (
        a.age >= SUDDEN_PAIN_AGE
        and f.level == "severe"
        and (f.flare_days is None or f.flare_days <= SUDDEN_PAIN_DAYS)
        and not a.red_flags
        and not a.exercise_screen
    )


def _startback_words(f: Facts) -> str:
    s = f.a.startback
    return (
        "STarT Back not asked"
        if s is None
        else f"STarT Back total {s.total}, distress {s.distress}"
    )


# §7: the flags an emergency or an out-of-scope decision may show; every other decision
# shows each flag that holds.
ALLOWED_FLAGS: dict[Decision, frozenset[Flag]] = {
    Decision.EMERGENCY_REFERRAL: frozenset({Flag.SELF_HARM_CONCERN}),
    Decision.OUT_OF_SCOPE: frozenset(
        {
            Flag.SELF_HARM_CONCERN,
            Flag.DEPRESSION_SCREEN_POSITIVE,
            Flag.RED_FLAG_FEATURES_NOTED,
            Flag.RED_FLAG_SAFETY_NET,
            Flag.PAIN_LEVEL_MISMATCH,
        }
    ),
}

RULES: tuple[DecisionRule | FlagRule, ...] = DECISION_RULES + FLAG_RULES
