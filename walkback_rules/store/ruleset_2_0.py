"""The ruleset 2.0 contract, frozen: used only to check records made under 2.0 (spec §11).

A consultation saved under ruleset 2.0 is kept exactly as recorded: shown, exported and
imported with its version, never re-decided and never converted. These are the 2.0 codes,
`Assessment` and `Recommendation` as they were released (`archive/RULES_SPEC-2.0.md` §2 and
§8); nothing decides with them. Do not edit them: a record made under 2.0 must stay valid
for as long as it is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

RULESET_VERSION = "2.0"

FlareLevel = Literal["none", "mild", "moderate", "severe"]
Visit = Literal["initial", "review"]
WalkingTolerance = Literal["full", "duration_limited", "not_tolerated"]
LegSymptoms = Literal["none", "above_knee", "below_knee"]
Adherence = Literal["as_planned", "less_than_planned"]

# §3.1: the red-flag features a clinician ticks, grouped by the condition they belong to.
RedFlagFeature = Literal[
    "ces_bladder",
    "ces_urinary_change",
    "ces_bowel",
    "ces_saddle",
    "ces_sexual",
    "ces_both_legs",
    "neuro_worsening_weakness",
    "neuro_foot_drop",
    "neuro_gait",
    "vascular_aneurysm",
    "infection_fever",
    "infection_immunosuppression",
    "infection_drug_injection",
    "infection_spinal_procedure",
    "infection_recent_infection",
    "infection_wound",
    "cancer_history",
    "cancer_weight_loss",
    "cancer_age",
    "cancer_non_mechanical",
    "cancer_no_improvement",
    "cancer_thoracic",
    "fracture_major_trauma",
    "fracture_fragility",
    "fracture_deformity",
    "fracture_eased_lying",
    "axspa_gate",
    "axspa_onset_before_35",
    "axspa_night_waking",
    "axspa_buttock",
    "axspa_movement",
    "axspa_anti_inflammatory",
    "axspa_family",
    "axspa_arthritis",
    "axspa_enthesitis",
    "axspa_psoriasis",
]
# §3.2: the exercise-safety screen.
ExerciseItem = Literal[
    "chest_pain_at_rest",
    "chest_pain_on_exertion",
    "fainting_on_exertion",
    "breathless_on_exertion",
]
# The conditions the screens judge, in the order of the tables (3.1 then 3.2): the order
# of `referral.conditions` within a tier.
Condition = Literal[
    "cauda_equina",
    "progressive_neurological_deficit",
    "metastatic_cord_compression",
    "aortic_aneurysm",
    "spinal_infection",
    "malignancy",
    "fracture",
    "axial_spondyloarthritis",
    "cardiorespiratory",
]
# A condition's tier, highest first; `Urgency` is a tier that makes a referral.
Tier = Literal["emergency", "same_day", "urgent", "routine", "monitor"]
Urgency = Literal["emergency", "same_day", "urgent", "routine"]


class Decision(StrEnum):
    """The decisions of §5, in order of precedence."""

    EMERGENCY_REFERRAL = "EMERGENCY_REFERRAL"
    SAME_DAY_REFERRAL = "SAME_DAY_REFERRAL"
    URGENT_REFERRAL = "URGENT_REFERRAL"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    SEVERE_FLARE = "SEVERE_FLARE"
    MODERATE_FLARE = "MODERATE_FLARE"
    ALTERNATIVE_EXERCISE = "ALTERNATIVE_EXERCISE"
    STEP_BACK = "STEP_BACK"
    HOLD = "HOLD"
    START = "START"
    MAINTAIN = "MAINTAIN"
    PROGRESS = "PROGRESS"


class Flag(StrEnum):
    """The flags of §7, in the specification's order (output lists them sorted)."""

    SELF_HARM_CONCERN = "SELF_HARM_CONCERN"
    RED_FLAG_FEATURES_NOTED = "RED_FLAG_FEATURES_NOTED"
    RED_FLAG_SAFETY_NET = "RED_FLAG_SAFETY_NET"
    AXSPA_POSSIBLE = "AXSPA_POSSIBLE"
    CLINICIAN_REVIEW = "CLINICIAN_REVIEW"
    CHRONIC_PAIN = "CHRONIC_PAIN"
    OUTSIDE_TRIAL_POPULATION = "OUTSIDE_TRIAL_POPULATION"
    MILD_FLARE = "MILD_FLARE"
    RESUMING_AFTER_FLARE = "RESUMING_AFTER_FLARE"
    PAIN_SETTLED_AFTER_PROGRESSION = "PAIN_SETTLED_AFTER_PROGRESSION"
    TOO_SOON_TO_PROGRESS = "TOO_SOON_TO_PROGRESS"
    ADHERENCE_BELOW_PLAN = "ADHERENCE_BELOW_PLAN"
    NEW_LOWER_LIMB_PAIN = "NEW_LOWER_LIMB_PAIN"
    TARGET_REACHED_AFTER_THIS_STEP = "TARGET_REACHED_AFTER_THIS_STEP"
    HIGH_RECURRENCE_RISK = "HIGH_RECURRENCE_RISK"
    OLDER_ADULT = "OLDER_ADULT"
    FALLS_RISK = "FALLS_RISK"
    DEPRESSION_SCREEN_POSITIVE = "DEPRESSION_SCREEN_POSITIVE"
    STARTBACK_LOW = "STARTBACK_LOW"
    STARTBACK_MEDIUM = "STARTBACK_MEDIUM"
    STARTBACK_HIGH = "STARTBACK_HIGH"
    DURATION_LIMITED = "DURATION_LIMITED"
    RADICULAR_PAIN = "RADICULAR_PAIN"
    NEUROGENIC_CLAUDICATION = "NEUROGENIC_CLAUDICATION"
    PREGNANCY_POSTPARTUM = "PREGNANCY_POSTPARTUM"
    RECENT_SPINAL_SURGERY = "RECENT_SPINAL_SURGERY"
    ALREADY_ACTIVE = "ALREADY_ACTIVE"
    PAIN_LEVEL_MISMATCH = "PAIN_LEVEL_MISMATCH"


FLARE_LEVELS: tuple[FlareLevel, ...] = get_args(FlareLevel)
VISITS: tuple[Visit, ...] = get_args(Visit)
WALKING_TOLERANCES: tuple[WalkingTolerance, ...] = get_args(WalkingTolerance)
LEG_SYMPTOMS: tuple[LegSymptoms, ...] = get_args(LegSymptoms)
ADHERENCE: tuple[Adherence, ...] = get_args(Adherence)
RED_FLAG_FEATURES: tuple[RedFlagFeature, ...] = get_args(RedFlagFeature)
EXERCISE_ITEMS: tuple[ExerciseItem, ...] = get_args(ExerciseItem)
CONDITIONS: tuple[Condition, ...] = get_args(Condition)
TIERS: tuple[Tier, ...] = get_args(Tier)
URGENCIES: tuple[Urgency, ...] = get_args(Urgency)


def _choices(values: tuple[str, ...]) -> str:
    return "one of " + ", ".join(f'"{v}"' for v in values)


def whole(lo: int, hi: int) -> str:
    """How the contract says "a whole number from lo to hi"."""
    return f"a whole number from {lo} to {hi}"


def _field(allowed: str, description: str, **kwargs: Any) -> Any:
    """A field whose error messages say `allowed`; the text also appears in the JSON Schema."""
    return Field(description=description, json_schema_extra={"allowed": allowed}, **kwargs)


def _int(lo: int, hi: int, description: str, *, null: bool = False, **kwargs: Any) -> Any:
    allowed = whole(lo, hi) + (", or null when not known" if null else "")
    return _field(allowed, description, ge=lo, le=hi, **kwargs)


def _flag(description: str) -> Any:
    return _field("true or false", description, default=False)


_INPUT = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Flare(BaseModel):
    """The current flare-up as the clinician judges it, with the patient's pain rating."""

    model_config = _INPUT

    level: FlareLevel = _field(
        _choices(FLARE_LEVELS), "The clinician's judgement of the current flare-up."
    )
    pain_now: int = _int(0, 10, "Numeric pain rating now, 0 (no pain) to 10 (worst imaginable).")
    days_since_onset: int | None = _int(
        0,
        3650,
        "Days since the current worsening began; required in a flare.",
        null=True,
        default=None,
    )


class Walking(BaseModel):
    """The walking dose: at a review the programme dose (paused, not erased, in a flare)."""

    model_config = _INPUT

    walks_per_week: int = _int(0, 14, "Walks a week at the current dose.")
    minutes_per_walk: int = _int(0, 240, "Minutes per walk; 0 exactly when not walking.")
    weeks_at_current_dose: int | None = _int(
        0,
        520,
        "Whole weeks done at this dose; null (unknown) counts as established.",
        null=True,
        default=None,
    )


class PreviousDose(BaseModel):
    """The dose before the last step up."""

    model_config = _INPUT

    walks_per_week: int = _int(1, 14, "Walks a week before the last step up.")
    minutes_per_walk: int = _int(1, 240, "Minutes per walk before the last step up.")


class LastProgression(BaseModel):
    """The step up made at the last visit, as the person reports how it went."""

    model_config = _INPUT

    pain_increased: bool = _field("true or false", "Did back pain increase after the step up?")
    settled_within_24h: bool | None = _field(
        "true or false when pain_increased is true, otherwise null",
        "Did that increase settle within 24 hours?",
        default=None,
    )
    previous_dose: PreviousDose | None = _field(
        "null, or an object with walks_per_week (1 to 14) and minutes_per_walk (1 to 240)",
        "The dose before the last step up, if known.",
        default=None,
    )


class StartBack(BaseModel):
    """STarT Back Tool scores: the total and the distress subscale (items 5–9)."""

    model_config = _INPUT

    total: int = _int(0, 9, "STarT Back total score.")
    distress: int = _int(0, 5, "STarT Back distress subscale (items 5–9).")


def _unique(value: list[str]) -> list[str]:
    repeated = sorted({code for code in value if value.count(code) > 1})
    if repeated:
        raise PydanticCustomError(
            "duplicate_code",
            "each code may appear once; repeated: {repeated}",
            {"repeated": ", ".join(repeated)},
        )
    return value


class Assessment(BaseModel):
    """One consultation's findings: the input of `recommend()` (specification §2)."""

    model_config = _INPUT

    age: int = _int(0, 120, "Age in years; under 18 is out of scope.")
    visit: Visit = _field(_choices(VISITS), "First consultation or a review.", default="initial")
    previous_episodes: int = _int(
        0, 1000, "Episodes of low back pain before the current or most recent one."
    )
    episode_weeks: int | None = _int(
        0,
        520,
        "How long the current episode has lasted, in whole weeks; 0 = recovered.",
        null=True,
        default=None,
    )
    usual_pain: int | None = _int(
        0, 10, "The person's usual pain between flares.", null=True, default=None
    )
    flare: Flare = _field(
        "an object with level, pain_now and days_since_onset", "The current flare-up."
    )
    walking: Walking = _field(
        "an object with walks_per_week, minutes_per_walk and weeks_at_current_dose",
        "The current walking dose.",
    )
    baseline_walks_per_week: int | None = _int(
        0,
        14,
        "Review only: walks a week at the first consultation.",
        null=True,
        default=None,
    )
    last_progression: LastProgression | None = _field(
        "null, or an object with pain_increased, settled_within_24h and previous_dose",
        "Review only: the step up made at the last visit and how the back took it.",
        default=None,
    )
    returning_after_flare: bool = _field(
        "true or false",
        "Review only: the last visit was a moderate or severe flare, or one has since eased.",
        default=False,
    )
    adherence: Adherence | None = _field(
        _choices(ADHERENCE) + ", or null when not asked",
        "Review only: did the person do the walks planned since the last visit?",
        default=None,
    )
    new_lower_limb_pain: bool = _field(
        "true or false",
        "Review only: new hip, knee, shin or foot pain since the last visit.",
        default=False,
    )
    red_flags: list[RedFlagFeature] = _field(
        "a list of unique codes, each " + _choices(RED_FLAG_FEATURES),
        "Red-flag features the clinician has found (possible serious causes, to confirm).",
        default_factory=list,
        max_length=len(RED_FLAG_FEATURES),  # unique codes: a longer list repeats one
    )
    exercise_screen: list[ExerciseItem] = _field(
        "a list of unique codes, each " + _choices(EXERCISE_ITEMS),
        "Exercise-safety findings: chest pain, fainting, breathlessness.",
        default_factory=list,
        max_length=len(EXERCISE_ITEMS),
    )
    self_harm_concern: bool = _flag("Concern about thoughts of self-harm or suicide.")
    phq2: int | None = _int(0, 6, "PHQ-2 total (two items, 0–3 each).", null=True, default=None)
    startback: StartBack | None = _field(
        "null, or an object with total (0 to 9) and distress (0 to 5)",
        "STarT Back Tool scores.",
        default=None,
    )
    walking_tolerance: WalkingTolerance = _field(
        _choices(WALKING_TOLERANCES),
        "Whether something other than the back limits walking, e.g. hip or knee arthritis.",
        default="full",
    )
    prefers_other_exercise: bool = _flag("The person would rather do yoga, Pilates, swimming…")
    other_exercise_minutes_per_week: int = _int(
        0, 2000, "Other moderate activity a week, not walking.", default=0
    )
    leg_symptoms: LegSymptoms = _field(
        _choices(LEG_SYMPTOMS), "Referred or radicular leg pain.", default="none"
    )
    stable_neuro_deficit: bool = _flag("A known neurological deficit that is not getting worse.")
    neurogenic_claudication: bool = _flag(
        "Leg symptoms brought on by walking or standing, eased by sitting or bending forward."
    )
    pregnant_or_postpartum: bool = _flag("Pregnant, or gave birth in the last 12 months.")
    spinal_surgery_within_6_months: bool = _flag("Spinal surgery in the last 6 months.")
    falls_last_year: bool = _flag("One or more falls in the last 12 months.")

    _unique_red_flags = field_validator("red_flags", mode="after")(_unique)
    _unique_exercise = field_validator("exercise_screen", mode="after")(_unique)

    @model_validator(mode="after")
    def _cross_field(self) -> Self:
        problems = [(r.field, r.message(self)) for r in CROSS_FIELD_RULES if r.broken(self)]
        if problems:
            raise PydanticCustomError(
                "cross_field",
                "; ".join(f"{field}: {message}" for field, message in problems),
                {"problems": problems},
            )
        return self


# ----------------------------------------------------------------------------- cross-field

# The checks read the assessment through attributes only, so `validation` can run the same
# checks on raw data whose other fields are invalid (every problem of a record is reported).
Reader = Any


@dataclass(frozen=True, slots=True)
class CrossFieldRule:
    """A rule of §2 that ties fields together: the field it reports on, what it reads."""

    field: str
    reads: tuple[str, ...]
    broken: Callable[[Reader], bool]
    message: Callable[[Reader], str]


def _review_only(field: str, default: str) -> CrossFieldRule:
    return CrossFieldRule(
        field,
        ("visit", field),
        lambda a: a.visit == "initial" and getattr(a, field) not in (None, False),
        lambda a: f'review only: must be {default} when visit is "initial"',
    )


def _above(axis: str) -> CrossFieldRule:
    path = f"last_progression.previous_dose.{axis}"
    return CrossFieldRule(
        path,
        (path, f"walking.{axis}"),
        lambda a: (
            a.last_progression is not None
            and a.last_progression.previous_dose is not None
            and getattr(a.last_progression.previous_dose, axis) > getattr(a.walking, axis)
        ),
        lambda a: f"must not be above the current walking.{axis} ({getattr(a.walking, axis)})",
    )


def _not_below(a: Reader) -> bool:
    last = a.last_progression
    if last is None or last.previous_dose is None:
        return False
    before, now = last.previous_dose, a.walking
    return bool(
        before.walks_per_week >= now.walks_per_week
        and before.minutes_per_walk >= now.minutes_per_walk
    )


CROSS_FIELD_RULES: tuple[CrossFieldRule, ...] = (
    CrossFieldRule(
        "flare.days_since_onset",
        ("flare.level", "flare.days_since_onset"),
        lambda a: a.flare.level != "none" and a.flare.days_since_onset is None,
        lambda a: f'required when flare.level is "{a.flare.level}": {whole(0, 3650)}',
    ),
    CrossFieldRule(
        "walking.minutes_per_walk",
        ("walking.walks_per_week", "walking.minutes_per_walk"),
        lambda a: (a.walking.walks_per_week == 0) != (a.walking.minutes_per_walk == 0),
        lambda a: (
            "must be 0 when walking.walks_per_week is 0"
            if a.walking.walks_per_week == 0
            else "must be at least 1 when walking.walks_per_week is above 0"
        ),
    ),
    _review_only("baseline_walks_per_week", "null"),
    _review_only("last_progression", "null"),
    _review_only("returning_after_flare", "false"),
    _review_only("adherence", "null"),
    _review_only("new_lower_limb_pain", "false"),
    CrossFieldRule(
        "last_progression",
        ("last_progression", "walking.walks_per_week"),
        lambda a: a.last_progression is not None and a.walking.walks_per_week == 0,
        lambda a: "must be null when walking.walks_per_week is 0 (no step up without walking)",
    ),
    CrossFieldRule(
        "last_progression.settled_within_24h",
        ("last_progression.pain_increased", "last_progression.settled_within_24h"),
        lambda a: (
            a.last_progression is not None
            and a.last_progression.pain_increased
            and a.last_progression.settled_within_24h is None
        ),
        lambda a: "required (true or false) when last_progression.pain_increased is true",
    ),
    CrossFieldRule(
        "last_progression.settled_within_24h",
        ("last_progression.pain_increased", "last_progression.settled_within_24h"),
        lambda a: (
            a.last_progression is not None
            and not a.last_progression.pain_increased
            and a.last_progression.settled_within_24h is not None
        ),
        lambda a: "must be null when last_progression.pain_increased is false",
    ),
    _above("walks_per_week"),
    _above("minutes_per_walk"),
    CrossFieldRule(
        "last_progression.previous_dose",
        ("last_progression.previous_dose", "walking.walks_per_week", "walking.minutes_per_walk"),
        _not_below,
        lambda a: (
            "must be below the current walking dose on at least one axis (the dose "
            "before a step up is smaller)"
        ),
    ),
    CrossFieldRule(
        "startback.distress",
        ("startback.total", "startback.distress"),
        lambda a: a.startback is not None and a.startback.distress > a.startback.total,
        lambda a: f"must not be above startback.total ({a.startback.total})",
    ),
    CrossFieldRule(
        "startback.total",
        ("startback.total", "startback.distress"),
        lambda a: a.startback is not None and a.startback.total - a.startback.distress > 4,
        lambda a: (
            f"must be at most startback.distress + 4 ({a.startback.distress + 4}): items 1–4 "
            "score at most 4"
        ),
    ),
)


# ----------------------------------------------------------------------------- output


@dataclass(frozen=True, slots=True)
class Span:
    """An inclusive range; an exact value has min equal to max."""

    min: int
    max: int


@dataclass(frozen=True, slots=True)
class NextDose:
    """A walking dose; walks a week may be open (short walks "as tolerated")."""

    walks_per_week: Span | None
    minutes_per_walk: Span


@dataclass(frozen=True, slots=True)
class Referral:
    """An onward referral: its urgency, the conditions behind it, and what to do (§3.3)."""

    urgency: Urgency
    conditions: tuple[Condition, ...]
    reason: str


Indicator = Literal["critical", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Card:
    """A CDS-Hooks-shaped card for the clinician."""

    summary: Annotated[str, Field(max_length=140)]
    indicator: Indicator
    detail: str
    source_ids: tuple[str, ...]


# Not frozen: a frozen dataclass costs about 1.1 µs to build against 0.3 µs, and there are
# 40 entries a recommendation (about 35 µs of a 200 µs recommend() on the benchmark, see
# bench/bench_rules.py). Nothing changes an entry once the engine has built it.
@dataclass(slots=True)
class TraceEntry:
    """One rule's outcome for this patient, fired or not, with the reason."""

    rule_id: str
    title: str
    fired: bool
    reason: str
    source_ids: tuple[str, ...]


REFERRAL_DECISIONS = frozenset(
    {Decision.EMERGENCY_REFERRAL, Decision.SAME_DAY_REFERRAL, Decision.URGENT_REFERRAL}
)
FLARE_DECISIONS = frozenset({Decision.SEVERE_FLARE, Decision.MODERATE_FLARE})
PROGRAMME_DECISIONS = frozenset(
    {Decision.STEP_BACK, Decision.HOLD, Decision.START, Decision.MAINTAIN, Decision.PROGRESS}
)
# §3: the features that alone reach the emergency tier (cauda equina, a progressive
# deficit, an aortic aneurysm; chest pain at rest on the exercise screen). Under 2.0 any of
# them made the decision EMERGENCY_REFERRAL (§7 invariant 1): an import checks a stored
# decision against them without the 2.0 engine.
EMERGENCY_FEATURES = frozenset(
    {f for f in RED_FLAG_FEATURES if f.startswith("ces_")}
    | {"neuro_worsening_weakness", "neuro_foot_drop", "neuro_gait", "vascular_aneurysm"}
)
EMERGENCY_EXERCISE_ITEMS = frozenset({"chest_pain_at_rest"})

_OUTPUT = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Recommendation(BaseModel):
    """The output of `recommend()` (specification §8): complete and frozen."""

    model_config = _OUTPUT

    ruleset_version: str
    decision: Decision
    next_dose: NextDose | None
    resume_dose: NextDose | None
    flags: tuple[Flag, ...]
    referral: Referral | None
    ice_or_heat: bool
    medication_discussion: bool
    review_in_days: int | None
    cards: tuple[Card, ...]
    trace: tuple[TraceEntry, ...]
