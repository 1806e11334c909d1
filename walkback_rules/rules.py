"""The rule table a clinician reviews (specification §4 and §5, ruleset 1.0).

Each rule is data plus a one-line predicate: a stable id (never renumbered; a retired rule
keeps its id out of use), a title, what it sets, reason templates filled with the patient's
values, its sources, its evidence level and its rationale. `DECISION_RULES` run in order
and the first that holds decides; `FLAG_RULES` then add every modifier that holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .cards import describe_dose
from .dosing import (
    MODERATE_FLARE_MINUTES,
    START_MINUTES,
    START_WALKS,
    Dose,
    band_range,
    effective_level,
    pain_band,
    progression_step,
    step_back,
    target_met,
)
from .models import (
    Assessment,
    Decision,
    Flag,
    NextDose,
    Referral,
    Span,
    Urgency,
)

EMERGENCY_FLAGS = ("cauda_equina", "progressive_neurological_deficit")
URGENT_FLAGS = ("suspected_malignancy", "suspected_infection", "suspected_fracture")
ROUTINE_FLAGS = ("suspected_inflammatory_disease",)
CHRONIC_DAYS = 84  # 12 weeks: the usual boundary of chronic low back pain
LONG_SEVERE_FLARE_DAYS = 7
ADULT_AGE = 18
OLDER_ADULT_AGE = 65
HIGH_RISK_EPISODES = 2  # more than this many previous episodes
PHQ2_POSITIVE = 3
TRIAL_EXCLUDED_WALKS = 3  # the trial excluded people already walking 3+ times a week

EMPTY: frozenset[str] = frozenset()


def dose_words(dose: Dose) -> str:
    """A dose as a clinician says it: "4 walks a week, 10 minutes each"."""
    return describe_dose(exact(dose)) if dose.walks else "no walking yet"


class Facts:
    """Everything the rules read about one patient, derived once from the `Assessment`.

    `values` gives the patient's values as the reason templates quote them.
    """

    __slots__ = (
        "age",
        "assessment",
        "days",
        "dose",
        "established",
        "level",
        "met",
        "mismatch",
        "pain_rose",
        "red_flags",
        "settled",
        "tolerance",
        "unsettled",
        "values",
    )

    def __init__(self, a: Assessment) -> None:
        walking, last, flare = a.walking, a.last_progression, a.flare
        self.assessment = a
        self.age = a.age
        self.days = flare.days_since_onset
        self.tolerance = a.walking_tolerance
        self.level, self.mismatch = effective_level(flare.level, flare.pain_now)
        self.dose = dose = Dose(walking.walks_per_week, walking.minutes_per_walk)
        weeks = walking.weeks_at_current_dose
        # Unknown weeks at the dose count as established (at least a week), per §2.
        self.established = weeks is None or weeks >= 1
        self.met = target_met(dose)
        self.pain_rose = pain_rose = last is not None and last.pain_increased
        # Pain rose after the last step and had not settled (or had settled) within 24 hours.
        self.unsettled = pain_rose and last is not None and last.settled_within_24h is False
        self.settled = pain_rose and not self.unsettled
        self.red_flags = frozenset(a.red_flags) if a.red_flags else EMPTY
        self.values = _Values(self)

    @property
    def next_step(self) -> Dose:
        """The dose one progression step up."""
        return progression_step(self.dose, self.tolerance)

    @property
    def step_back(self) -> Dose:
        """The dose before the last step up if known, else one step back."""
        last = self.assessment.last_progression
        previous = last.previous_dose if last is not None else None
        if previous is not None:
            return Dose(previous.walks_per_week, previous.minutes_per_walk)
        return step_back(self.dose, self.tolerance)


def derive(a: Assessment) -> Facts:
    """Compute the derived values of specification §3 for one assessment."""
    return Facts(a)


def _last_step(f: Facts) -> str:
    if f.assessment.last_progression is None:
        return "no step up reported"
    if not f.pain_rose:
        return "pain did not rise after the last step up"
    if f.settled:
        return "pain rose after the last step up and settled within 24 hours"
    return "pain rose after the last step up and had not settled within 24 hours"


def _step_back_basis(f: Facts) -> str:
    last = f.assessment.last_progression
    if last is not None and last.previous_dose is not None:
        return "the dose before the last step up"
    return "one step back"


# The patient's values as the reason templates quote them, by name; each is computed the
# first time a template asks for it (the decision's own reason needs only a few).
TEXTS: dict[str, Callable[[Facts], object]] = {
    "age": lambda f: f.age,
    "visit": lambda f: f.assessment.visit,
    "previous_episodes": lambda f: f.assessment.previous_episodes,
    "pain_now": lambda f: f.assessment.flare.pain_now,
    "pain_band": lambda f: pain_band(f.assessment.flare.pain_now),
    "band_range": lambda f: band_range(pain_band(f.assessment.flare.pain_now)),
    "entered_level": lambda f: f.assessment.flare.level,
    "level": lambda f: f.level,
    "days": lambda f: "not recorded" if f.days is None else f.days,
    "dose": lambda f: dose_words(f.dose),
    "walks": lambda f: f.dose.walks,
    "weeks": lambda f: (
        "unknown (counted as established)"
        if f.assessment.walking.weeks_at_current_dose is None
        else f.assessment.walking.weeks_at_current_dose
    ),
    "target": lambda f: "met" if f.met else "not met",
    "tolerance": lambda f: f.tolerance.replace("_", " "),
    "prefers": lambda f: "yes" if f.assessment.prefers_other_exercise else "no",
    "red_flags": lambda f: ", ".join(f.assessment.red_flags).replace("_", " ") or "none",
    "last_step": _last_step,
    "next_step": lambda f: (
        dose_words(f.next_step) if f.dose.walks else "no current dose to step up from"
    ),
    "step_back": lambda f: (
        dose_words(f.step_back) if f.dose.walks else "no current dose to step back from"
    ),
    "step_back_basis": _step_back_basis,
    "phq2": lambda f: (
        "PHQ-2 not asked" if f.assessment.phq2 is None else f"PHQ-2 score {f.assessment.phq2}/6"
    ),
    "hold_reasons": lambda f: "; ".join(_hold_reasons(f)) or "none",
}


def patient_values(f: Facts) -> dict[str, object]:
    """Every value a reason template may quote, computed now (explaining all rules needs most)."""
    values = f.values
    for key, text in TEXTS.items():
        if key not in values:
            values[key] = text(f)
    return values


class _Values(dict[str, object]):
    """Template values, each computed the first time a template asks for it."""

    __slots__ = ("_facts",)

    def __init__(self, facts: Facts) -> None:
        super().__init__()
        self._facts = facts

    def __missing__(self, key: str) -> object:
        value = self[key] = TEXTS[key](self._facts)
        return value


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a deciding rule puts in the recommendation besides its decision."""

    next_dose: NextDose | None = None
    referral: Referral | None = None
    ice_or_heat: bool = False
    medication_discussion: bool = False
    review_in_days: int | None = None


def _span(lo: int, hi: int) -> Span:
    return Span(min=lo, max=hi)


def exact(dose: Dose) -> NextDose:
    """An exact dose: min equal to max on both axes."""
    return NextDose(
        walks_per_week=_span(dose.walks, dose.walks),
        minutes_per_walk=_span(dose.minutes, dose.minutes),
    )


def _referral(urgency: Urgency, reason: str) -> Referral:
    return Referral(urgency=urgency, reason=reason)


_START = NextDose(walks_per_week=_span(*START_WALKS), minutes_per_walk=_span(*START_MINUTES))
_SHORT_WALKS = NextDose(walks_per_week=None, minutes_per_walk=_span(*MODERATE_FLARE_MINUTES))


@dataclass(frozen=True, slots=True)
class Rule:
    """Fields every rule shares: identity, reasons, evidence."""

    id: str
    title: str
    if_true: str  # reason template when the condition holds
    if_false: str  # reason template when it does not
    source_ids: tuple[str, ...]
    evidence_level: str
    rationale: str


@dataclass(frozen=True, slots=True)
class DecisionRule(Rule):
    """A rule that can set the decision; the first one that holds wins."""

    decision: Decision
    holds: Callable[[Facts], bool]
    outcome: Callable[[Facts], Outcome]

    @property
    def sets(self) -> str:
        return self.decision.value


@dataclass(frozen=True, slots=True)
class FlagRule(Rule):
    """A rule that adds a modifier flag once the decision is known (decisions 6–14 only)."""

    flag: Flag
    holds: Callable[[Facts, Decision], bool]

    @property
    def sets(self) -> str:
        return self.flag.value


# Flags are shown only after a programme-level decision: a referral, out-of-scope or
# clearance shows nothing else (§5).
FLAGLESS_DECISIONS = frozenset(
    {
        Decision.EMERGENCY_REFERRAL,
        Decision.URGENT_REFERRAL,
        Decision.ROUTINE_REFERRAL,
        Decision.OUT_OF_SCOPE,
        Decision.MEDICAL_CLEARANCE,
    }
)


def _hold_reasons(f: Facts) -> list[str]:
    reasons = []
    if f.level == "mild":
        reasons.append("mild flare")
    if f.settled:
        reasons.append("pain rose after the last step up and settled")
    if not f.established and not f.met:
        reasons.append("0 weeks at this dose with the target not met")
    return reasons


def _holds(f: Facts) -> bool:
    return f.dose.walks > 0 and bool(_hold_reasons(f))


DECISION_RULES: tuple[DecisionRule, ...] = (
    DecisionRule(
        id="WB-R01",
        title="Possible cauda equina or progressive neurological deficit",
        decision=Decision.EMERGENCY_REFERRAL,
        holds=lambda f: not f.red_flags.isdisjoint(EMERGENCY_FLAGS),
        outcome=lambda f: Outcome(
            referral=_referral(
                "emergency",
                "Possible cauda equina syndrome or progressive neurological deficit: send to "
                "hospital now, to be seen within hours.",
            )
        ),
        if_true="red flag recorded ({red_flags}): emergency referral, to hospital now",
        if_false="no cauda equina or progressive neurological deficit recorded",
        source_ids=("bass-ces-2018", "nice-ng59", "ifompt-2020"),
        evidence_level="professional standard and guideline",
        rationale=(
            "Delay in cauda equina syndrome risks permanent bladder, bowel and sexual loss; "
            "standards ask for assessment within hours. Single features are weak diagnostic "
            "signs, so the tool says 'possible' and leaves confirmation to the clinician."
        ),
    ),
    DecisionRule(
        id="WB-R02",
        title="Possible malignancy, infection or fracture",
        decision=Decision.URGENT_REFERRAL,
        holds=lambda f: not f.red_flags.isdisjoint(URGENT_FLAGS),
        outcome=lambda f: Outcome(
            referral=_referral(
                "urgent",
                "Possible serious cause (malignancy, infection or fracture): urgent medical "
                "assessment.",
            )
        ),
        if_true="red flag recorded ({red_flags}): urgent referral",
        if_false="no suspected malignancy, infection or fracture recorded",
        source_ids=("nice-ng59", "ifompt-2020"),
        evidence_level="guideline and consensus framework",
        rationale=(
            "A possible serious cause needs medical assessment before any exercise programme. "
            "Review intervals are left to the receiving clinician."
        ),
    ),
    DecisionRule(
        id="WB-R03",
        title="Possible inflammatory back disease",
        decision=Decision.ROUTINE_REFERRAL,
        holds=lambda f: not f.red_flags.isdisjoint(ROUTINE_FLAGS),
        outcome=lambda f: Outcome(
            referral=_referral(
                "routine",
                "Possible inflammatory back disease: routine GP or rheumatology referral; the "
                "walking programme is suspended until then.",
            )
        ),
        if_true="suspected inflammatory disease recorded: routine GP or rheumatology referral",
        if_false="no suspected inflammatory disease recorded",
        source_ids=("nice-ng59",),
        evidence_level="guideline",
        rationale=(
            "Inflammatory back disease needs its own diagnosis and treatment; the walking "
            "programme waits for that assessment."
        ),
    ),
    DecisionRule(
        id="WB-R04",
        title="Under 18",
        decision=Decision.OUT_OF_SCOPE,
        holds=lambda f: f.age < ADULT_AGE,
        outcome=lambda f: Outcome(),
        if_true="age {age} is under 18: this tool is for adults",
        if_false="age {age} is 18 or over",
        source_ids=("walkback-lancet-2024", "nice-ng59"),
        evidence_level="randomised trial and guideline",
        rationale=(
            "The trial enrolled adults only; back pain in young people needs its own assessment."
        ),
    ),
    DecisionRule(
        id="WB-R05",
        title="Cardiorespiratory concern: medical clearance first",
        decision=Decision.MEDICAL_CLEARANCE,
        holds=lambda f: f.assessment.cardiorespiratory_concern,
        outcome=lambda f: Outcome(
            referral=_referral(
                "routine",
                "Unexplained chest pain, breathlessness or fainting on exertion: medical "
                "clearance before any walking programme.",
            )
        ),
        if_true="unexplained chest pain, breathlessness or fainting on exertion recorded",
        if_false="no cardiorespiratory concern recorded",
        source_ids=("who-pa-2020", "team"),
        evidence_level="guideline and team decision",
        rationale=(
            "Symptoms on exertion may have a cardiac or respiratory cause; a doctor should "
            "clear the person before the walking dose is raised."
        ),
    ),
    DecisionRule(
        id="WB-R06",
        title="Flare lasting 12 weeks or more: chronic pathway",
        decision=Decision.CHRONIC_PATHWAY,
        holds=lambda f: f.level != "none" and f.days is not None and f.days >= CHRONIC_DAYS,
        outcome=lambda f: Outcome(review_in_days=14),
        if_true="{level} flare on day {days}: 84 days (12 weeks) or more is chronic low back pain",
        if_false="flare {level}, days since onset {days}: not a flare of 84 days or more",
        source_ids=("who-clbp-2023", "nice-ng59"),
        evidence_level="guideline",
        rationale=(
            "Pain lasting 12 weeks or more is chronic low back pain: guidelines recommend "
            "clinician-led exercise therapy and education rather than a recurrence-prevention "
            "programme. Review in 2 weeks (team choice) to agree that plan."
        ),
    ),
    DecisionRule(
        id="WB-R07",
        title="Severe flare: calm things down, no walking dose",
        decision=Decision.SEVERE_FLARE,
        holds=lambda f: f.level == "severe",
        outcome=lambda f: Outcome(ice_or_heat=True, medication_discussion=True, review_in_days=2),
        if_true=(
            "effective flare level is severe (entered {entered_level}; pain {pain_now}/10 is "
            "in the {pain_band} band, {band_range})"
        ),
        if_false=(
            "effective flare level is {level}, not severe (entered {entered_level}; pain "
            "{pain_now}/10)"
        ),
        source_ids=("seed-verywell-2024", "acp-2017", "cochrane-heat-2006", "nice-ng59"),
        evidence_level="guideline, systematic review and expert opinion",
        rationale=(
            "In a badly flared back, avoid doing too much but stay gently active (no bed rest); "
            "offer a cold or heat pack and a conversation with the GP or pharmacist about pain "
            "relief. Review within 2–3 days (review_in_days is the earlier, 2)."
        ),
    ),
    DecisionRule(
        id="WB-R08",
        title="Moderate flare: short walks as tolerated",
        decision=Decision.MODERATE_FLARE,
        holds=lambda f: f.level == "moderate",
        outcome=lambda f: Outcome(next_dose=_SHORT_WALKS, ice_or_heat=True, review_in_days=7),
        if_true=(
            "effective flare level is moderate (entered {entered_level}; pain {pain_now}/10 is "
            "in the {pain_band} band, {band_range})"
        ),
        if_false="effective flare level is {level}, not moderate",
        source_ids=("seed-verywell-2024",),
        evidence_level="expert opinion",
        rationale=(
            "Walking for 2–5 minutes can ease a moderately flared back; the programme dose is "
            "paused, not lost. Review in a week (team choice) to restart the programme."
        ),
    ),
    DecisionRule(
        id="WB-R09",
        title="Walking does not suit: another exercise",
        decision=Decision.ALTERNATIVE_EXERCISE,
        holds=lambda f: f.tolerance == "not_tolerated" or f.assessment.prefers_other_exercise,
        outcome=lambda f: Outcome(review_in_days=28),
        if_true="walking tolerance {tolerance}; prefers another exercise: {prefers}",
        if_false="walking tolerance {tolerance} and no other exercise preferred",
        source_ids=("nice-ng59", "seed-verywell-2024"),
        evidence_level="guideline and expert opinion",
        rationale=(
            "Guidelines recommend exercise in any form the person will keep doing; yoga, "
            "Pilates or swimming can replace walking. Review in 4 weeks (team choice)."
        ),
    ),
    DecisionRule(
        id="WB-R10",
        title="Pain rose and did not settle: step back",
        decision=Decision.STEP_BACK,
        holds=lambda f: f.unsettled,
        outcome=lambda f: Outcome(next_dose=exact(f.step_back), review_in_days=7),
        if_true="{last_step}: back to {step_back} ({step_back_basis})",
        if_false="{last_step}",
        source_ids=("seed-verywell-2024", "pain-monitoring", "team"),
        evidence_level="expert opinion, clinical model and team decision",
        rationale=(
            "Pain that has not settled within a day of a step up means the step was too big: "
            "return to the dose before it, or one step back when that is not known. Review in "
            "a week (team choice)."
        ),
    ),
    DecisionRule(
        id="WB-R11",
        title="Hold the current dose",
        decision=Decision.HOLD,
        holds=_holds,
        outcome=lambda f: Outcome(next_dose=exact(f.dose), review_in_days=7),
        if_true="hold {dose}: {hold_reasons}",
        if_false=(
            "no reason to hold ({dose}; flare {level}; {last_step}; weeks at this dose: {weeks})"
        ),
        source_ids=("seed-verywell-2024", "team"),
        evidence_level="expert opinion and team decision",
        rationale=(
            "Hold the dose during a mild flare, for a week after a pain rise that settled, and "
            "until a full week has been done at a new dose: progress at most once a week."
        ),
    ),
    DecisionRule(
        id="WB-R12",
        title="Not walking yet: start gently",
        decision=Decision.START,
        holds=lambda f: f.dose.walks == 0,
        outcome=lambda f: Outcome(next_dose=_START, review_in_days=7),
        if_true="not walking yet: start at 3–4 walks a week, 5–10 minutes each",
        if_false="already walking: {dose}",
        source_ids=("seed-verywell-2024", "walkback-lancet-2024"),
        evidence_level="randomised trial and expert opinion",
        rationale=(
            "A gentle start that a mild flare can also tolerate; the trial built each "
            "programme up from the person's current walking. Review in a week (team choice)."
        ),
    ),
    DecisionRule(
        id="WB-R13",
        title="Target reached (or capped): maintain",
        decision=Decision.MAINTAIN,
        holds=lambda f: f.met or (f.tolerance == "duration_limited" and f.dose.walks >= 7),
        outcome=lambda f: Outcome(next_dose=exact(f.dose), review_in_days=28),
        if_true="{dose}: target {target}; walking tolerance {tolerance}: keep this dose",
        if_false=("{dose}: target not met (5 walks of 30 minutes, or 150 minutes a week)"),
        source_ids=("walkback-lancet-2024", "who-pa-2020"),
        evidence_level="randomised trial and guideline",
        rationale=(
            "The trial aimed for about 5 walks of 30 minutes a week, which is also the WHO "
            "weekly minimum; a dose at or above it is kept, never reduced. Review in 4 weeks."
        ),
    ),
    DecisionRule(
        id="WB-R14",
        title="Step up by one step",
        decision=Decision.PROGRESS,
        holds=lambda f: True,
        outcome=lambda f: Outcome(next_dose=exact(f.next_step), review_in_days=7),
        if_true="no earlier rule applies: one step up from {dose} to {next_step}",
        if_false="",
        source_ids=("seed-verywell-2024", "walkback-lancet-2024", "team"),
        evidence_level="randomised trial, expert opinion and team decision",
        rationale=(
            "Add a walk a week until 5, then 5 minutes a walk until 30 (frequency only when "
            "walk length is limited); at most one step a week. Review in a week (team choice)."
        ),
    ),
)


def _clinician_review(f: Facts, d: Decision) -> bool:
    return (
        d is Decision.CHRONIC_PATHWAY
        or (d is Decision.SEVERE_FLARE and f.days is not None and f.days > LONG_SEVERE_FLARE_DAYS)
        or (d is Decision.MAINTAIN and f.tolerance == "duration_limited" and not f.met)
    )


FLAG_RULES: tuple[FlagRule, ...] = (
    FlagRule(
        id="WB-F01",
        title="Flare: go over the warning signs",
        flag=Flag.RED_FLAG_SAFETY_NET,
        holds=lambda f, d: f.level != "none",
        if_true="{level} flare: go over the get-help-now warning signs",
        if_false="no flare",
        source_ids=("nice-ng59",),
        evidence_level="guideline",
        rationale="Any flare is a moment to remind the person which symptoms need help now.",
    ),
    FlagRule(
        id="WB-F02",
        title="Mild flare: hold until it settles",
        flag=Flag.MILD_FLARE,
        holds=lambda f, d: f.level == "mild",
        if_true="mild flare: keep the dose until it settles",
        if_false="effective flare level is {level}, not mild",
        source_ids=("seed-verywell-2024",),
        evidence_level="expert opinion",
        rationale="Keep moving through a mild flare without adding to the dose.",
    ),
    FlagRule(
        id="WB-F03",
        title="Clinician review of diagnosis and plan",
        flag=Flag.CLINICIAN_REVIEW,
        holds=_clinician_review,
        if_true="{decision}: reassess the diagnosis and plan",
        if_false=(
            "not a chronic flare, a severe flare beyond day 7, or a capped dose below the target"
        ),
        source_ids=("nice-ng59", "team"),
        evidence_level="guideline and team decision",
        rationale=(
            "A long flare, a severe flare beyond a week, or a walk length that can never reach "
            "the target each call for a fresh look at the diagnosis and the plan."
        ),
    ),
    FlagRule(
        id="WB-F04",
        title="Outside the trial population",
        flag=Flag.OUTSIDE_TRIAL_POPULATION,
        holds=lambda f, d: (
            d is Decision.CHRONIC_PATHWAY
            or (f.assessment.visit == "initial" and f.dose.walks >= TRIAL_EXCLUDED_WALKS)
        ),
        if_true=(
            "{decision} at an {visit} visit, {walks} walks a week: trial figures do not apply "
            "directly"
        ),
        if_false="{visit} visit, {walks} walks a week: within the trial population",
        source_ids=("walkback-lancet-2024",),
        evidence_level="randomised trial",
        rationale=(
            "The trial enrolled people recently recovered from an episode who walked for "
            "exercise fewer than 3 times a week; its effect sizes may not carry over."
        ),
    ),
    FlagRule(
        id="WB-F05",
        title="Resume at the dose before the last step",
        flag=Flag.RESUME_AT_PREVIOUS_DOSE,
        holds=lambda f, d: d in (Decision.SEVERE_FLARE, Decision.MODERATE_FLARE) and f.unsettled,
        if_true="{last_step}: once settled, restart at {step_back}",
        if_false="not a severe or moderate flare after an unsettled pain rise",
        source_ids=("team",),
        evidence_level="team decision",
        rationale="The last step up did not suit, so the programme restarts below it.",
    ),
    FlagRule(
        id="WB-F06",
        title="Pain settled after the last step",
        flag=Flag.PAIN_SETTLED_AFTER_PROGRESSION,
        holds=lambda f, d: d is Decision.HOLD and f.settled,
        if_true="{last_step}: repeat {dose} for a week",
        if_false="not a hold after a pain rise that settled",
        source_ids=("pain-monitoring", "team"),
        evidence_level="clinical model and team decision",
        rationale="Pain that settles within a day is acceptable, but the dose is repeated first.",
    ),
    FlagRule(
        id="WB-F07",
        title="Too soon to progress",
        flag=Flag.TOO_SOON_TO_PROGRESS,
        holds=lambda f, d: d is Decision.HOLD and not f.established and not f.met,
        if_true="{weeks} weeks at {dose}, target not met: step up at most once a week",
        if_false="weeks at this dose: {weeks}; target {target}",
        source_ids=("seed-verywell-2024", "team"),
        evidence_level="expert opinion and team decision",
        rationale="Each dose is done for a full week before the next step.",
    ),
    FlagRule(
        id="WB-F08",
        title="This step reaches the target",
        flag=Flag.TARGET_REACHED_AFTER_THIS_STEP,
        holds=lambda f, d: d is Decision.PROGRESS and target_met(f.next_step),
        if_true="{next_step} meets the target",
        if_false="no step up that reaches the target",
        source_ids=("walkback-lancet-2024",),
        evidence_level="randomised trial",
        rationale="Reaching about 5 walks of 30 minutes a week is the programme's goal.",
    ),
    FlagRule(
        id="WB-F09",
        title="High risk of recurrence",
        flag=Flag.HIGH_RECURRENCE_RISK,
        holds=lambda f, d: f.assessment.previous_episodes > HIGH_RISK_EPISODES,
        if_true="{previous_episodes} previous episodes, more than 2",
        if_false="{previous_episodes} previous episodes, 2 or fewer",
        source_ids=("machado-2017", "walkback-lancet-2024"),
        evidence_level="cohort study and randomised trial",
        rationale=(
            "More than two previous episodes about triples the odds of a recurrence; a note "
            "for the clinician, not a change of dose."
        ),
    ),
    FlagRule(
        id="WB-F10",
        title="Older adult",
        flag=Flag.OLDER_ADULT,
        holds=lambda f, d: f.age >= OLDER_ADULT_AGE,
        if_true="age {age}, 65 or over",
        if_false="age {age}, under 65",
        source_ids=("who-pa-2020",),
        evidence_level="guideline",
        rationale=(
            "WHO advises older adults to add balance and strength work on 3 or more days a week."
        ),
    ),
    FlagRule(
        id="WB-F11",
        title="PHQ-2 positive: discuss mood",
        flag=Flag.DEPRESSION_SCREEN_POSITIVE,
        holds=lambda f, d: f.assessment.phq2 is not None and f.assessment.phq2 >= PHQ2_POSITIVE,
        if_true="{phq2}: 3 or more is a positive screen",
        if_false="{phq2}: not a positive screen (3 or more)",
        source_ids=("phq2-kroenke-2003", "seed-verywell-2024"),
        evidence_level="validation study and expert opinion",
        rationale=(
            "A positive PHQ-2 is not a diagnosis: follow up with the GP or a PHQ-9. It does not "
            "screen for risk of self-harm, which must be asked about directly if there is concern."
        ),
    ),
    FlagRule(
        id="WB-F12",
        title="Walk length limited by another condition",
        flag=Flag.DURATION_LIMITED,
        holds=lambda f, d: f.tolerance == "duration_limited",
        if_true="walk length is limited: step up by more walks only, up to 7 a week",
        if_false="walking tolerance {tolerance}",
        source_ids=("team",),
        evidence_level="team decision",
        rationale=(
            "When hip or knee pain caps walk length, more frequent walks build the weekly "
            "total without longer walks."
        ),
    ),
    FlagRule(
        id="WB-F13",
        title="Pain rating and flare level disagree",
        flag=Flag.PAIN_LEVEL_MISMATCH,
        holds=lambda f, d: f.mismatch,
        if_true=(
            "entered {entered_level} but pain {pain_now}/10 is {pain_band}: two or more bands "
            "apart, so {level} is used; re-check the pain rating"
        ),
        if_false="entered {entered_level} and pain {pain_now}/10 ({pain_band}) are within one band",
        source_ids=("team",),
        evidence_level="team decision",
        rationale=(
            "A large gap between the judged flare level and the pain rating may be an entry "
            "error; the more severe reading is used until it is checked."
        ),
    ),
)

RULES: tuple[DecisionRule | FlagRule, ...] = DECISION_RULES + FLAG_RULES
