"""The codes of the clinical specification (ruleset 2.1, §2, §3, §5 and §7).

Every code the contract uses is spelled here once, as a `Literal`, with the same codes as
tuples in the specification's order for forms and checks.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args

RULESET_VERSION = "2.1"
# Every ruleset this product has released; a record names one of these (spec §11).
RELEASED_RULESETS = ("1.0", "2.0", "2.1")

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
    PERSISTENT_SEVERE_PAIN = "PERSISTENT_SEVERE_PAIN"
    SUDDEN_SEVERE_PAIN_OLDER = "SUDDEN_SEVERE_PAIN_OLDER"
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
