"""The input and output contract of the rules: `Assessment` in, `Recommendation` out.

Field names and codes are exactly those of the clinical specification (ruleset 2.1, §2 and
§8). Input models are strict: a wrong type is an error, never silently coerced, and an
unknown field is an error so that a typo in a clinical form cannot pass unnoticed. The rules
that tie two fields together are one table, `CROSS_FIELD_RULES`, read top to bottom.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .codes import (
    ADHERENCE,
    EXERCISE_ITEMS,
    FLARE_LEVELS,
    LEG_SYMPTOMS,
    RED_FLAG_FEATURES,
    VISITS,
    WALKING_TOLERANCES,
    Adherence,
    Condition,
    Decision,
    ExerciseItem,
    Flag,
    FlareLevel,
    LegSymptoms,
    RedFlagFeature,
    Urgency,
    Visit,
    WalkingTolerance,
)
from .screens import screen


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


# §2: these three may be left out (never null) when a screen reaches the emergency tier.
NOT_ASKED_IN_AN_EMERGENCY = ("previous_episodes", "flare", "walking")


def _not_null(value: Any) -> Any:
    """An explicit null where the contract allows only leaving the field out (§2)."""
    if value is None:
        raise PydanticCustomError("null_not_allowed", "must not be null")
    return value


def reaches_emergency(red_flags: Any, exercise_screen: Any) -> bool:
    """Whether the ticked features reach the emergency tier (§3): the only case in which
    `previous_episodes`, `flare` and `walking` may be left out."""
    return screen(red_flags, exercise_screen).highest == "emergency"


class Assessment(BaseModel):
    """One consultation's findings: the input of `recommend()` (specification §2)."""

    model_config = _INPUT

    age: int = _int(0, 120, "Age in years; under 16 is out of scope.")
    visit: Visit = _field(_choices(VISITS), "First consultation or a review.", default="initial")
    previous_episodes: int | None = _field(
        whole(0, 1000),
        "Episodes of low back pain before the current or most recent one. Required unless "
        "the screens reach an emergency, when it may be left out (never null).",
        default=None,
        ge=0,
        le=1000,
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
    flare: Flare | None = _field(
        "an object with level, pain_now and days_since_onset",
        "The current flare-up. Required unless the screens reach an emergency, when it may "
        "be left out (never null).",
        default=None,
    )
    walking: Walking | None = _field(
        "an object with walks_per_week, minutes_per_walk and weeks_at_current_dose",
        "The current walking dose. Required unless the screens reach an emergency, when it "
        "may be left out (never null).",
        default=None,
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

    _given = field_validator("previous_episodes", "flare", "walking", mode="after")(_not_null)
    _unique_red_flags = field_validator("red_flags", mode="after")(_unique)
    _unique_exercise = field_validator("exercise_screen", mode="after")(_unique)

    @model_serializer(mode="wrap")
    def _left_out(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A field an emergency left out stays left out when written (never null), so a
        record reads back exactly as it was given and is shown as not asked (§2)."""
        data: dict[str, Any] = handler(self)
        for name in NOT_ASKED_IN_AN_EMERGENCY:
            if name in data and data[name] is None:
                del data[name]
        return data

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
            and a.walking is not None
            and getattr(a.last_progression.previous_dose, axis) > getattr(a.walking, axis)
        ),
        lambda a: f"must not be above the current walking.{axis} ({getattr(a.walking, axis)})",
    )


def _not_below(a: Reader) -> bool:
    last = a.last_progression
    if last is None or last.previous_dose is None or a.walking is None:
        return False
    before, now = last.previous_dose, a.walking
    return bool(
        before.walks_per_week >= now.walks_per_week
        and before.minutes_per_walk >= now.minutes_per_walk
    )


def _required_unless_emergency(field: str) -> CrossFieldRule:
    # The screens are read as they stand; `validation` blanks a screen that carries an error,
    # so a list with a bad code never counts as reaching an emergency (§2).
    return CrossFieldRule(
        field,
        (field,),
        lambda a: (
            getattr(a, field) is None and not reaches_emergency(a.red_flags, a.exercise_screen)
        ),
        lambda a: "required unless the screens reach an emergency: " + REQUIRED_ALLOWED[field],
    )


REQUIRED_ALLOWED = {
    "previous_episodes": whole(0, 1000),
    "flare": "an object with level, pain_now and days_since_onset",
    "walking": "an object with walks_per_week, minutes_per_walk and weeks_at_current_dose",
}

CROSS_FIELD_RULES: tuple[CrossFieldRule, ...] = (
    *(_required_unless_emergency(f) for f in NOT_ASKED_IN_AN_EMERGENCY),
    CrossFieldRule(
        "flare.days_since_onset",
        ("flare.level", "flare.days_since_onset"),
        lambda a: (
            a.flare is not None and a.flare.level != "none" and a.flare.days_since_onset is None
        ),
        lambda a: f'required when flare.level is "{a.flare.level}": {whole(0, 3650)}',
    ),
    CrossFieldRule(
        "walking.minutes_per_walk",
        ("walking.walks_per_week", "walking.minutes_per_walk"),
        lambda a: (
            a.walking is not None
            and (a.walking.walks_per_week == 0) != (a.walking.minutes_per_walk == 0)
        ),
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
        lambda a: (
            a.last_progression is not None and (a.walking is None or a.walking.walks_per_week == 0)
        ),
        lambda a: (
            "must be null when walking is left out (no step up without walking)"
            if a.walking is None
            else "must be null when walking.walks_per_week is 0 (no step up without walking)"
        ),
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
