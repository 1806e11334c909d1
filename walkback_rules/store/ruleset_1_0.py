"""The ruleset 1.0 contract, frozen: used only to check records made under 1.0 (spec §11).

A consultation saved under ruleset 1.0 is kept exactly as recorded: shown, exported and
imported with its version, never re-decided and never converted. These models are the 1.0
`Assessment` and `Recommendation` as they were released; nothing decides with them.
Do not edit them: a record made under 1.0 must stay valid for as long as it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

FlareLevel = Literal["none", "mild", "moderate", "severe"]
Visit = Literal["initial", "review"]
WalkingTolerance = Literal["full", "duration_limited", "not_tolerated"]
RedFlagCode = Literal[
    "cauda_equina",
    "progressive_neurological_deficit",
    "suspected_malignancy",
    "suspected_infection",
    "suspected_fracture",
    "suspected_inflammatory_disease",
]

# The same codes as tuples, in the specification's order, for forms and checks.
FLARE_LEVELS: tuple[FlareLevel, ...] = get_args(FlareLevel)
RED_FLAG_CODES: tuple[RedFlagCode, ...] = get_args(RedFlagCode)
WALKING_TOLERANCES: tuple[WalkingTolerance, ...] = get_args(WalkingTolerance)
VISITS: tuple[Visit, ...] = get_args(Visit)


def _choices(values: tuple[str, ...]) -> str:
    return "one of " + ", ".join(f'"{v}"' for v in values)


def _whole(lo: int, hi: int | None = None) -> str:
    return (
        f"a whole number from {lo} to {hi}" if hi is not None else f"a whole number of {lo} or more"
    )


def _field(allowed: str, description: str, **kwargs: Any) -> Any:
    """A field whose error messages say `allowed`; the text also appears in the JSON Schema."""
    return Field(description=description, json_schema_extra={"allowed": allowed}, **kwargs)


def _problems(*pairs: tuple[str, str]) -> PydanticCustomError:
    """Cross-field problems, each naming its own field by dotted path."""
    return PydanticCustomError(
        "cross_field",
        "; ".join(f"{field}: {message}" for field, message in pairs),
        {"problems": pairs},
    )


_INPUT = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Flare(BaseModel):
    """The current flare-up as the clinician judges it, with the patient's pain rating."""

    model_config = _INPUT

    level: FlareLevel = _field(
        _choices(FLARE_LEVELS), "The clinician's judgement of the current flare-up."
    )
    pain_now: int = _field(
        _whole(0, 10), "Numeric pain rating now, 0 (no pain) to 10 (worst imaginable).", ge=0, le=10
    )
    days_since_onset: int | None = _field(
        _whole(0) + ", or null when the flare level is none",
        "Days since this flare began; required in a flare, null when there is none.",
        ge=0,
        default=None,
    )

    @model_validator(mode="after")
    def _onset_matches_level(self) -> Self:
        if self.level != "none" and self.days_since_onset is None:
            raise _problems(
                (
                    "flare.days_since_onset",
                    f'required when flare.level is "{self.level}": a whole number of 0 or more',
                )
            )
        if self.level == "none" and self.days_since_onset is not None:
            raise _problems(("flare.days_since_onset", 'must be null when flare.level is "none"'))
        return self


class Walking(BaseModel):
    """The current walking programme dose; kept (paused, not erased) during a flare."""

    model_config = _INPUT

    walks_per_week: int = _field(_whole(0, 14), "Walks a week at the current dose.", ge=0, le=14)
    minutes_per_walk: int = _field(
        _whole(0, 240) + ", and 0 exactly when walks_per_week is 0",
        "Minutes per walk at the current dose.",
        ge=0,
        le=240,
    )
    weeks_at_current_dose: int | None = _field(
        _whole(0) + ", or null when unknown",
        "Whole weeks completed at this dose; null (unknown) counts as established.",
        ge=0,
        default=None,
    )

    @model_validator(mode="after")
    def _zero_together(self) -> Self:
        if (self.walks_per_week == 0) != (self.minutes_per_walk == 0):
            if self.walks_per_week == 0:
                message = "must be 0 when walking.walks_per_week is 0"
            else:
                message = "must be at least 1 when walking.walks_per_week is above 0"
            raise _problems(("walking.minutes_per_walk", message))
        return self


class PreviousDose(BaseModel):
    """The dose before the last step up."""

    model_config = _INPUT

    walks_per_week: int = _field(
        _whole(1, 14), "Walks a week before the last step up.", ge=1, le=14
    )
    minutes_per_walk: int = _field(
        _whole(1, 240), "Minutes per walk before the last step up.", ge=1, le=240
    )


class LastProgression(BaseModel):
    """How the back responded to the last step up of the walking dose."""

    model_config = _INPUT

    pain_increased: bool = _field("true or false", "Did back pain increase after the last step up?")
    settled_within_24h: bool | None = _field(
        "true or false when pain_increased is true, otherwise null",
        "Did that increase settle within 24 hours?",
        default=None,
    )
    previous_dose: PreviousDose | None = _field(
        "null, or an object with walks_per_week and minutes_per_walk, "
        "neither above the current dose",
        "The dose before the last step up, if known.",
        default=None,
    )

    @model_validator(mode="after")
    def _settled_only_after_increase(self) -> Self:
        if self.pain_increased and self.settled_within_24h is None:
            raise _problems(
                (
                    "last_progression.settled_within_24h",
                    "required (true or false) when last_progression.pain_increased is true",
                )
            )
        if not self.pain_increased and self.settled_within_24h is not None:
            raise _problems(
                (
                    "last_progression.settled_within_24h",
                    "must be null when last_progression.pain_increased is false",
                )
            )
        return self


class Assessment(BaseModel):
    """One consultation's findings: the input of `recommend()` (specification §2)."""

    model_config = _INPUT

    age: int = _field(_whole(0, 120), "Age in years; under 18 is out of scope.", ge=0, le=120)
    visit: Visit = _field(_choices(VISITS), "First consultation or a follow-up.", default="initial")
    previous_episodes: int = _field(
        _whole(0, 1000),
        "Episodes of low back pain before the current or most recent one.",
        ge=0,
        le=1000,
    )
    flare: Flare = _field(
        "an object with level, pain_now and days_since_onset", "The current flare."
    )
    walking: Walking = _field(
        "an object with walks_per_week, minutes_per_walk and weeks_at_current_dose",
        "The current walking dose.",
    )
    last_progression: LastProgression | None = _field(
        "null, or an object with pain_increased, settled_within_24h and previous_dose",
        "The response to the last step up; only at a review with walking under way.",
        default=None,
    )
    red_flags: list[RedFlagCode] = _field(
        "a list of unique codes, each " + _choices(RED_FLAG_CODES),
        "Possible serious causes the clinician has found (to be confirmed).",
        default_factory=list,
    )
    phq2: int | None = _field(
        _whole(0, 6) + ", or null when not asked",
        "PHQ-2 total (two items, 0–3 each).",
        ge=0,
        le=6,
        default=None,
    )
    walking_tolerance: WalkingTolerance = _field(
        _choices(WALKING_TOLERANCES),
        "Whether something other than the back limits walking, e.g. hip or knee arthritis.",
        default="full",
    )
    cardiorespiratory_concern: bool = _field(
        "true or false",
        "Unexplained chest pain, breathlessness or fainting on exertion.",
        default=False,
    )
    prefers_other_exercise: bool = _field(
        "true or false",
        "The person would rather do yoga, Pilates, swimming or similar.",
        default=False,
    )

    @field_validator("red_flags", mode="after")
    @classmethod
    def _unique_red_flags(cls, value: list[RedFlagCode]) -> list[RedFlagCode]:
        repeated = sorted({code for code in value if value.count(code) > 1})
        if repeated:
            raise PydanticCustomError(
                "duplicate_code",
                "each code may appear once; repeated: {repeated}",
                {"repeated": ", ".join(repeated)},
            )
        return value

    @model_validator(mode="after")
    def _progression_is_consistent(self) -> Self:
        last = self.last_progression
        if last is None:
            return self
        problems: list[tuple[str, str]] = []
        if self.visit == "initial":
            problems.append(("last_progression", 'must be null when visit is "initial"'))
        if self.walking.walks_per_week == 0:
            problems.append(("last_progression", "must be null when walking.walks_per_week is 0"))
        previous = last.previous_dose
        if previous is not None:
            for axis in ("walks_per_week", "minutes_per_walk"):
                before, now = getattr(previous, axis), getattr(self.walking, axis)
                if before > now:
                    problems.append(
                        (
                            f"last_progression.previous_dose.{axis}",
                            f"must not be above the current walking.{axis} ({now}); got {before}",
                        )
                    )
        if problems:
            raise _problems(*problems)
        return self


# ----------------------------------------------------------------------------- output


class Decision(StrEnum):
    """The decision codes of specification §4, in order of precedence."""

    EMERGENCY_REFERRAL = "EMERGENCY_REFERRAL"
    URGENT_REFERRAL = "URGENT_REFERRAL"
    ROUTINE_REFERRAL = "ROUTINE_REFERRAL"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    MEDICAL_CLEARANCE = "MEDICAL_CLEARANCE"
    CHRONIC_PATHWAY = "CHRONIC_PATHWAY"
    SEVERE_FLARE = "SEVERE_FLARE"
    MODERATE_FLARE = "MODERATE_FLARE"
    ALTERNATIVE_EXERCISE = "ALTERNATIVE_EXERCISE"
    STEP_BACK = "STEP_BACK"
    HOLD = "HOLD"
    START = "START"
    MAINTAIN = "MAINTAIN"
    PROGRESS = "PROGRESS"


class Flag(StrEnum):
    """The modifier flags of specification §5."""

    RED_FLAG_SAFETY_NET = "RED_FLAG_SAFETY_NET"
    MILD_FLARE = "MILD_FLARE"
    CLINICIAN_REVIEW = "CLINICIAN_REVIEW"
    OUTSIDE_TRIAL_POPULATION = "OUTSIDE_TRIAL_POPULATION"
    RESUME_AT_PREVIOUS_DOSE = "RESUME_AT_PREVIOUS_DOSE"
    PAIN_SETTLED_AFTER_PROGRESSION = "PAIN_SETTLED_AFTER_PROGRESSION"
    TOO_SOON_TO_PROGRESS = "TOO_SOON_TO_PROGRESS"
    TARGET_REACHED_AFTER_THIS_STEP = "TARGET_REACHED_AFTER_THIS_STEP"
    HIGH_RECURRENCE_RISK = "HIGH_RECURRENCE_RISK"
    OLDER_ADULT = "OLDER_ADULT"
    DEPRESSION_SCREEN_POSITIVE = "DEPRESSION_SCREEN_POSITIVE"
    DURATION_LIMITED = "DURATION_LIMITED"
    PAIN_LEVEL_MISMATCH = "PAIN_LEVEL_MISMATCH"


REFERRAL_DECISIONS = frozenset(
    {Decision.EMERGENCY_REFERRAL, Decision.URGENT_REFERRAL, Decision.ROUTINE_REFERRAL}
)
PROGRAMME_DECISIONS = frozenset(
    {Decision.STEP_BACK, Decision.HOLD, Decision.START, Decision.MAINTAIN, Decision.PROGRESS}
)
# §5 rules 1-3: any red flag made a referral, and these two an emergency one.
EMERGENCY_RED_FLAGS = frozenset({"cauda_equina", "progressive_neurological_deficit"})

Urgency = Literal["emergency", "urgent", "routine"]
Indicator = Literal["critical", "warning", "info"]

_OUTPUT = ConfigDict(frozen=True, extra="forbid", defer_build=True)


@dataclass(frozen=True, slots=True)
class Span:
    """An inclusive range; an exact value has min equal to max."""

    min: int
    max: int


@dataclass(frozen=True, slots=True)
class NextDose:
    """The walking dose to do until the next review; walks may be open ("as tolerated")."""

    walks_per_week: Span | None
    minutes_per_walk: Span


@dataclass(frozen=True, slots=True)
class Referral:
    """An onward referral and how soon it is needed."""

    urgency: Urgency
    reason: str


@dataclass(frozen=True, slots=True)
class Card:
    """A CDS-Hooks-shaped card for the clinician."""

    summary: Annotated[str, Field(max_length=140)]
    indicator: Indicator
    detail: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """One rule's outcome for this patient, fired or not, with the reason."""

    rule_id: str
    title: str
    fired: bool
    reason: str
    source_ids: tuple[str, ...]


class Recommendation(BaseModel):
    """The output of `recommend()` (specification §6)."""

    model_config = _OUTPUT

    ruleset_version: str
    decision: Decision
    next_dose: NextDose | None
    flags: list[Flag]
    referral: Referral | None
    ice_or_heat: bool
    medication_discussion: bool
    review_in_days: int | None
    cards: list[Card]
    trace: list[TraceEntry]
