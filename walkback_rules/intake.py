"""The consultation form: its fields, the red-flag checklist, and conversion to an Assessment.

The app keeps the form as a flat dict of plain values (so it survives page switches and is
easy to prefill); this module turns it into assessment data, and back, and maps each
validation error to the form field it belongs to. No UI code lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .codes import RedFlagCode

if TYPE_CHECKING:
    from .models import Assessment
    from .validation import FieldError


@dataclass(frozen=True, slots=True)
class Feature:
    """A clinical feature on the red-flag checklist and the code it sets."""

    id: str
    code: RedFlagCode
    text: str


# EVIDENCE.md §3, in the order a clinician screens for them.
RED_FLAG_GROUPS: dict[RedFlagCode, tuple[str, str, tuple[str, ...]]] = {
    "cauda_equina": (
        "Possible cauda equina syndrome",
        "Emergency: hospital now, to be seen within hours",
        (
            "New bladder retention or incontinence",
            "Bowel incontinence or rectal numbness",
            "Saddle, genital or anal numbness",
            "New sexual dysfunction",
            "Symptoms in both legs",
        ),
    ),
    "progressive_neurological_deficit": (
        "Progressive neurological deficit",
        "Emergency or same-day specialist assessment",
        (
            "Worsening leg weakness or numbness",
            "Foot drop",
            "Gait disturbance",
        ),
    ),
    "suspected_malignancy": (
        "Possible malignancy",
        "Urgent referral",
        (
            "History of cancer",
            "Unexplained weight loss",
            "New pain after age 50 or before 20",
            "Constant or night pain",
            "No improvement after a month",
        ),
    ),
    "suspected_infection": (
        "Possible spinal infection",
        "Urgent referral",
        (
            "Fever or feeling systemically unwell",
            "Immunosuppression",
            "Intravenous drug use",
            "Recent bacterial infection",
        ),
    ),
    "suspected_fracture": (
        "Possible fracture",
        "Urgent referral",
        (
            "Significant trauma",
            "Minor trauma with osteoporosis",
            "Minor trauma with long-term steroid use",
            "Structural deformity",
        ),
    ),
    "suspected_inflammatory_disease": (
        "Possible inflammatory back disease",
        "Routine GP or rheumatology referral",
        (
            "Morning stiffness easing with exercise",
            "Night waking with back pain",
            "Onset under age 45",
        ),
    ),
}

FEATURES: dict[str, Feature] = {
    f"{code}.{i}": Feature(f"{code}.{i}", code, text)
    for code, (_, _, texts) in RED_FLAG_GROUPS.items()
    for i, text in enumerate(texts, start=1)
}

PHQ2_QUESTIONS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed or hopeless",
)
PHQ2_ANSWERS = ("Not at all", "Several days", "More than half the days", "Nearly every day")

# How the last step up went, as one choice (so the form cannot contradict itself).
LAST_STEP_CHOICES: dict[str, str] = {
    "none": "No step up since the last visit",
    "no_increase": "Back pain did not increase",
    "settled": "Pain increased, settled within 24 hours",
    "not_settled": "Pain increased, not settled within 24 hours",
}

FORM_DEFAULTS: dict[str, Any] = {
    "age": None,
    "visit": "initial",
    "previous_episodes": None,
    "flare_level": "none",
    "pain_now": 0,
    "days_since_onset": None,
    "walks_per_week": 0,
    "minutes_per_walk": 0,
    "weeks_at_current_dose": None,
    "last_step": "none",
    "previous_dose_known": False,
    "previous_walks": None,
    "previous_minutes": None,
    "red_flag_features": [],
    "phq2_interest": None,
    "phq2_mood": None,
    "walking_tolerance": "full",
    "cardiorespiratory_concern": False,
    "prefers_other_exercise": False,
}

# Each assessment field's place on the form, and its label in plain words.
FIELD_TO_FORM: dict[str, str] = {
    "assessment": "age",
    "age": "age",
    "visit": "visit",
    "previous_episodes": "previous_episodes",
    "flare": "flare_level",
    "flare.level": "flare_level",
    "flare.pain_now": "pain_now",
    "flare.days_since_onset": "days_since_onset",
    "walking": "walks_per_week",
    "walking.walks_per_week": "walks_per_week",
    "walking.minutes_per_walk": "minutes_per_walk",
    "walking.weeks_at_current_dose": "weeks_at_current_dose",
    "last_progression": "last_step",
    "last_progression.pain_increased": "last_step",
    "last_progression.settled_within_24h": "last_step",
    "last_progression.previous_dose": "previous_walks",
    "last_progression.previous_dose.walks_per_week": "previous_walks",
    "last_progression.previous_dose.minutes_per_walk": "previous_minutes",
    "red_flags": "red_flag_features",
    "phq2": "phq2_interest",
    "walking_tolerance": "walking_tolerance",
    "cardiorespiratory_concern": "cardiorespiratory_concern",
    "prefers_other_exercise": "prefers_other_exercise",
}

LABELS: dict[str, str] = {
    "age": "Age",
    "visit": "Visit",
    "previous_episodes": "Previous episodes",
    "flare_level": "Flare level",
    "pain_now": "Pain now",
    "days_since_onset": "Days since the flare began",
    "walks_per_week": "Walks a week",
    "minutes_per_walk": "Minutes per walk",
    "weeks_at_current_dose": "Weeks at this dose",
    "last_step": "Since the last step up",
    "previous_walks": "Walks a week before the last step",
    "previous_minutes": "Minutes per walk before the last step",
    "red_flag_features": "Red flags",
    "phq2_interest": "PHQ-2",
    "walking_tolerance": "Walking tolerance",
    "cardiorespiratory_concern": "Cardiorespiratory concern",
    "prefers_other_exercise": "Prefers another exercise",
}

_PATH_WORDS = sorted(
    ((path, LABELS[form].lower()) for path, form in FIELD_TO_FORM.items() if path != "assessment"),
    key=lambda pair: -len(pair[0]),
)


def plain(message: str) -> str:
    """A validation message with the field paths it mentions put into the form's words."""
    for path, words in _PATH_WORDS:
        message = message.replace(path, words)
    return message


def codes_for(feature_ids: list[str]) -> list[RedFlagCode]:
    """The red-flag codes that a set of ticked features sets, in checklist order."""
    ticked = {FEATURES[f].code for f in feature_ids if f in FEATURES}
    return [code for code in RED_FLAG_GROUPS if code in ticked]


def phq2_total(form: Mapping[str, Any]) -> int | None:
    """The PHQ-2 total, or None when neither question was asked."""
    a, b = form.get("phq2_interest"), form.get("phq2_mood")
    if a is None and b is None:
        return None
    return int(a or 0) + int(b or 0)


def last_progression_for(
    step: str, previous: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The last_progression entry for one of LAST_STEP_CHOICES (None for "none")."""
    if step == "none":
        return None
    return {
        "pain_increased": step != "no_increase",
        "settled_within_24h": {"no_increase": None, "settled": True}.get(step, False),
        "previous_dose": None if previous is None else dict(previous),
    }


def step_of(last: Mapping[str, Any] | None) -> str:
    """Which of LAST_STEP_CHOICES a last_progression entry describes."""
    if last is None:
        return "none"
    if not last.get("pain_increased"):
        return "no_increase"
    return "settled" if last.get("settled_within_24h") else "not_settled"


def to_assessment_data(form: Mapping[str, Any]) -> dict[str, Any]:
    """The assessment data a filled form describes (not yet validated)."""
    level = form["flare_level"]
    walks = form["walks_per_week"]
    data: dict[str, Any] = {
        "age": form["age"],
        "visit": form["visit"],
        "previous_episodes": form["previous_episodes"],
        "flare": {
            "level": level,
            "pain_now": form["pain_now"],
            "days_since_onset": None if level == "none" else form["days_since_onset"],
        },
        "walking": {
            "walks_per_week": walks,
            "minutes_per_walk": form["minutes_per_walk"],
            "weeks_at_current_dose": form["weeks_at_current_dose"],
        },
        "red_flags": codes_for(list(form.get("red_flag_features") or [])),
        "phq2": phq2_total(form),
        "walking_tolerance": form["walking_tolerance"],
        "cardiorespiratory_concern": bool(form["cardiorespiratory_concern"]),
        "prefers_other_exercise": bool(form["prefers_other_exercise"]),
    }
    step = form.get("last_step") or "none"  # unanswered is reported by validate_form
    if form["visit"] == "review" and step != "none":
        previous = None
        if form.get("previous_dose_known"):
            previous = {
                "walks_per_week": form.get("previous_walks"),
                "minutes_per_walk": form.get("previous_minutes"),
            }
        data["last_progression"] = last_progression_for(step, previous)
    return data


def validate_form(form: Mapping[str, Any]) -> tuple[Assessment | None, dict[str, list[str]]]:
    """The assessment, or the errors keyed by form field, each message in plain words."""
    # Loaded here, on submit, so that the form itself draws without pydantic.
    from pydantic import ValidationError

    from .models import Assessment
    from .validation import field_errors

    errors: dict[str, list[str]] = {}
    one_item = (form.get("phq2_interest") is None) != (form.get("phq2_mood") is None)
    if one_item:
        errors["phq2_interest"] = ["PHQ-2: answer both questions, or neither if not asked"]
    if form.get("visit") == "review" and form.get("last_step", "none") is None:
        # Left open on purpose after a step up, so the answer is never assumed.
        errors["last_step"] = [f"{LABELS['last_step']}: choose how the back responded"]
    try:
        assessment = Assessment.model_validate(to_assessment_data(form))
    except ValidationError as exc:
        for problem in field_errors(exc):
            _add(errors, problem)
        return None, errors
    return (None, errors) if errors else (assessment, {})


def _add(errors: dict[str, list[str]], problem: FieldError) -> None:
    key = FIELD_TO_FORM.get(problem.field.split("[")[0], "age")
    label = LABELS[key]
    errors.setdefault(key, []).append(f"{label}: {plain(problem.message)}")


def review_form(data: Mapping[str, Any], previous_dose: Mapping[str, int] | None) -> dict[str, Any]:
    """The form for a review started from the last consultation (`store.prefill`).

    After a step up the dose before it is filled in, and how the back took the step is
    left unanswered: the clinician must ask, and `validate_form` will not go on without it.
    """
    values = form_from_assessment(data)
    if previous_dose is not None:
        values["previous_dose_known"] = True
        values["previous_walks"] = previous_dose["walks_per_week"]
        values["previous_minutes"] = previous_dose["minutes_per_walk"]
        values["last_step"] = None
    return values


def form_from_assessment(data: Mapping[str, Any]) -> dict[str, Any]:
    """A form prefilled from assessment data (a demo case or a saved consultation)."""
    flare = data.get("flare", {})
    walking = data.get("walking", {})
    last = data.get("last_progression")
    previous = (last or {}).get("previous_dose")
    phq2 = data.get("phq2")
    features = [
        next(f.id for f in FEATURES.values() if f.code == code)
        for code in data.get("red_flags", [])
    ]
    return {
        **FORM_DEFAULTS,
        "age": data.get("age"),
        "visit": data.get("visit", "initial"),
        "previous_episodes": data.get("previous_episodes"),
        "flare_level": flare.get("level", "none"),
        "pain_now": flare.get("pain_now", 0),
        "days_since_onset": flare.get("days_since_onset"),
        "walks_per_week": walking.get("walks_per_week", 0),
        "minutes_per_walk": walking.get("minutes_per_walk", 0),
        "weeks_at_current_dose": walking.get("weeks_at_current_dose"),
        "last_step": step_of(last),
        "previous_dose_known": previous is not None,
        "previous_walks": (previous or {}).get("walks_per_week"),
        "previous_minutes": (previous or {}).get("minutes_per_walk"),
        "red_flag_features": features,
        # A stored total cannot be split back into its two answers; put it on the first.
        "phq2_interest": None if phq2 is None else min(phq2, 3),
        "phq2_mood": None if phq2 is None else phq2 - min(phq2, 3),
        "walking_tolerance": data.get("walking_tolerance", "full"),
        "cardiorespiratory_concern": bool(data.get("cardiorespiratory_concern", False)),
        "prefers_other_exercise": bool(data.get("prefers_other_exercise", False)),
    }
