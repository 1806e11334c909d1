"""The consultation form: its fields, their labels, and conversion to and from an Assessment.

The app keeps the form as a `ConsultationForm` of plain typed values (so it survives page
switches and is easy to prefill); this module turns it into assessment data, and back, and
maps each validation error to the form field it belongs to, in plain words. No UI code
lives here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic import Field as PydanticField

from ..core.codes import CONDITIONS, Condition, FlareLevel
from ..core.dosing import effective_level, implied_level
from ..core.models import Assessment, reaches_emergency
from ..core.screens import CONDITION_INFO, EXERCISE_FEATURES, RED_FLAG_FEATURES, Feature
from ..core.validation import AssessmentError, FieldError, in_words, validate_assessment
from .fields import FIELDS
from .findings import HISTORY_FINDINGS, Answer, still_held
from .referrals import Status

# The red-flag checklist grouped by condition, in the specification's order. Metastatic
# cord compression has no features of its own: it is cancer history with new neurology.
RED_FLAG_GROUPS: dict[Condition, tuple[Feature, ...]] = {
    c: tuple(f for f in RED_FLAG_FEATURES if f.condition == c)
    for c in CONDITIONS
    if any(f.condition == c for f in RED_FLAG_FEATURES)
}
GROUP_TITLES: dict[Condition, str] = {
    c: CONDITION_INFO[c].name[0].upper() + CONDITION_INFO[c].name[1:] for c in CONDITIONS
}
EXERCISE_CHECKLIST: tuple[Feature, ...] = EXERCISE_FEATURES

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
ADHERENCE_CHOICES: dict[str | None, str] = {
    None: "Not asked",
    "as_planned": "Did the walks planned",
    "less_than_planned": "Did fewer walks than planned",
}
LEG_CHOICES = {
    "none": "No leg symptoms",
    "above_knee": "Above the knee",
    "below_knee": "Below the knee",
}
TOLERANCE_CHOICES = {
    "full": "Full",
    "duration_limited": "Walk length limited (e.g. hip or knee arthritis)",
    "not_tolerated": "Walking not tolerated",
}
# Yes-or-no questions about the person, in the form's order: field and the question.
HISTORY_QUESTIONS: tuple[tuple[str, str], ...] = tuple(HISTORY_FINDINGS.items())
REVIEW_FIELDS = (
    "baseline_walks_per_week",
    "last_step",
    "previous_dose_known",
    "previous_walks",
    "previous_minutes",
    "returning_after_flare",
    "adherence",
    "new_lower_limb_pain",
)

Asked = Literal["none_present", "not_asked"]
Adherence = Literal["as_planned", "less_than_planned"]
LastStep = Literal["none", "no_increase", "settled", "not_settled"]


class ConsultationForm(BaseModel):
    """The consultation as typed: one typed field per answer on the form, plain values only,
    so it survives page switches and is kept as a draft whole. Not yet validated as an
    assessment (`validate_form` does that, and says what is wrong by field)."""

    model_config = ConfigDict(extra="forbid")

    age: int | None = None
    visit: Literal["initial", "review"] = "initial"
    previous_episodes: int | None = None
    episode_weeks: int | None = None
    usual_pain: int | None = None
    flare_level: FlareLevel | None = None  # asked at every visit: never prefilled as "none"
    pain_now: int | None = None
    days_since_onset: int | None = None
    # Asked, never assumed: None until typed (0 for someone not walking), so that an
    # emergency can tell an unasked dose from "not walking" (spec §2).
    walks_per_week: int | None = None
    minutes_per_walk: int | None = None
    weeks_at_current_dose: int | None = None
    baseline_walks_per_week: int | None = None
    last_step: LastStep | None = "none"  # None: left open after a step up, to be asked
    previous_dose_known: bool = False
    previous_walks: int | None = None
    previous_minutes: int | None = None
    returning_after_flare: bool = False
    adherence: Adherence | None = None
    new_lower_limb_pain: bool = False
    red_flags: list[str] = PydanticField(default_factory=list)
    exercise_screen: list[str] = PydanticField(default_factory=list)
    self_harm_concern: bool = False
    phq2_interest: int | None = None
    phq2_mood: int | None = None
    startback_total: int | None = None
    startback_distress: int | None = None
    walking_tolerance: str = "full"
    prefers_other_exercise: bool = False
    other_exercise_minutes_per_week: int | None = 0
    leg_symptoms: str = "none"
    stable_neuro_deficit: bool = False
    neurogenic_claudication: bool = False
    pregnant_or_postpartum: bool = False
    spinal_surgery_within_6_months: bool = False
    falls_last_year: bool = False
    # How each checklist was answered when nothing is ticked (`visit.ASKED_CHOICES`):
    # unanswered until the clinician says, never assumed negative.
    red_flags_asked: Asked | None = None
    exercise_asked: Asked | None = None
    # The visit as a record (`visit.VisitDetails`); not part of the assessment.
    visit_date: str | None = None  # ISO date; None is today
    clinician: str = ""
    note: str = ""
    review_date: str | None = None  # ISO date; None is the date the recommendation implies
    corrects: str | None = None  # the recorded time of the consultation this one corrects
    # At a review: each finding carried from the last visit (`findings.py`) and the
    # clinician's answer, None until asked; the open referral asked about first, its new
    # status (None until asked) and a short note of its outcome.
    carried: dict[str, Answer | None] = PydanticField(default_factory=dict)
    # For the referral letter, kept in the record and never printed on a patient sheet:
    # examination findings, and when each ticked red-flag symptom began.
    exam_findings: str = ""
    onsets: dict[str, str] = PydanticField(default_factory=dict)
    referral_id: int | None = None
    referral_status: Status | None = None
    referral_note: str = ""

    def plain(self) -> dict[str, Any]:
        """The form as JSON-ready plain values, as a draft keeps it."""
        return self.model_dump(mode="json")


def as_form(values: ConsultationForm | Mapping[str, Any]) -> ConsultationForm:
    """A form from plain values (a test's, or a draft's known fields), or the form itself."""
    if isinstance(values, ConsultationForm):
        return values
    return ConsultationForm.model_validate(dict(values))


FORM_DEFAULTS: dict[str, Any] = ConsultationForm().model_dump()
# The form's fields that describe the visit, not the person: the rules never read them.
VISIT_FORM_FIELDS = (
    "visit_date",
    "clinician",
    "note",
    "review_date",
    "corrects",
    "exam_findings",
    "onsets",
    "referral_id",
    "referral_status",
    "referral_note",
)

# Each assessment field's place on the form.
FIELD_TO_FORM: dict[str, str] = {
    "assessment": "age",
    "age": "age",
    "visit": "visit",
    "previous_episodes": "previous_episodes",
    "episode_weeks": "episode_weeks",
    "usual_pain": "usual_pain",
    "flare": "flare_level",
    "flare.level": "flare_level",
    "flare.pain_now": "pain_now",
    "flare.days_since_onset": "days_since_onset",
    "walking": "walks_per_week",
    "walking.walks_per_week": "walks_per_week",
    "walking.minutes_per_walk": "minutes_per_walk",
    "walking.weeks_at_current_dose": "weeks_at_current_dose",
    "baseline_walks_per_week": "baseline_walks_per_week",
    "last_progression": "last_step",
    "last_progression.pain_increased": "last_step",
    "last_progression.settled_within_24h": "last_step",
    "last_progression.previous_dose": "previous_walks",
    "last_progression.previous_dose.walks_per_week": "previous_walks",
    "last_progression.previous_dose.minutes_per_walk": "previous_minutes",
    "returning_after_flare": "returning_after_flare",
    "adherence": "adherence",
    "new_lower_limb_pain": "new_lower_limb_pain",
    "red_flags": "red_flags",
    "exercise_screen": "exercise_screen",
    "self_harm_concern": "self_harm_concern",
    "phq2": "phq2_interest",
    "startback": "startback_total",
    "startback.total": "startback_total",
    "startback.distress": "startback_distress",
    "walking_tolerance": "walking_tolerance",
    "prefers_other_exercise": "prefers_other_exercise",
    "other_exercise_minutes_per_week": "other_exercise_minutes_per_week",
    "leg_symptoms": "leg_symptoms",
    **{field: field for field, _ in HISTORY_QUESTIONS},
}

# Each field's name in messages, from the field table, and the checklists and answers drawn
# apart from it.
LABELS: dict[str, str] = {
    **{f.key: f.label for f in FIELDS},
    "red_flags": "Red flags",
    "exercise_screen": "Exercise safety",
    "phq2_interest": "PHQ-2",
    "red_flags_asked": "Red flags",
    "exercise_asked": "Exercise safety",
    "carried": "Found at the last visit",
    "referral_id": "Open referral",
    "referral_status": "Open referral",
    "referral_note": "Referral outcome",
    **dict(HISTORY_QUESTIONS),
}

# Field paths in messages, put into the form's words in one pass (longest path first, so
# "flare.level" is never read as "flare" followed by ".level").
# Only names that cannot be ordinary words are replaced ("walking" in a sentence stays).
_PATHS = sorted(
    (p for p in FIELD_TO_FORM if "." in p or "_" in p or p in ("visit", "phq2")),
    key=len,
    reverse=True,
)
_PATH_RE = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, _PATHS)) + r")(?![\w.])")


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Walks a week" → "walks a week"; "STarT Back" stays."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def plain(message: str) -> str:
    """A validation message with the field paths it mentions put into the form's words."""
    return _PATH_RE.sub(lambda m: _in_sentence(LABELS[FIELD_TO_FORM[m.group(1)]]), message)


def phq2_total(interest: int | None, mood: int | None) -> int | None:
    """The PHQ-2 total, or None when neither question was asked."""
    if interest is None and mood is None:
        return None
    return int(interest or 0) + int(mood or 0)


def pain_band_ok(pain: Any, usual: Any) -> bool:
    """Whether a pain rating and usual pain can be read as a band (each 0–10, or usual pain
    not asked); otherwise their fields say what is wrong, and nothing is read from them."""

    def rating(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10

    return rating(pain) and (usual is None or rating(usual))


def asks_onset(level: FlareLevel | None, pain: Any, usual: Any) -> bool:
    """Whether the form asks when the flare began: in a flare, entered or read from the pain."""
    if not pain_band_ok(pain, usual):
        return (level or "none") != "none"
    return effective_level(level or "none", implied_level(pain, usual))[0] != "none"


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


def to_assessment_data(values: ConsultationForm | Mapping[str, Any]) -> dict[str, Any]:
    """The assessment data a filled form describes (not yet validated).

    Review-only answers are sent only at a review, where the form shows them.
    """
    form = as_form(values)
    review = form.visit == "review"
    total, distress = form.startback_total, form.startback_distress
    held = [key for key in form.carried if still_held(key, form.carried)]
    data: dict[str, Any] = {
        "age": form.age,
        "visit": form.visit,
        "episode_weeks": form.episode_weeks,
        "usual_pain": form.usual_pain,
        "flare": {
            "level": form.flare_level,
            "pain_now": form.pain_now,
            "days_since_onset": (
                form.days_since_onset
                if asks_onset(form.flare_level, form.pain_now, form.usual_pain)
                else None
            ),
        },
        "walking": {
            "walks_per_week": form.walks_per_week,
            "minutes_per_walk": form.minutes_per_walk,
            "weeks_at_current_dose": form.weeks_at_current_dose,
        },
        "red_flags": _with(form.red_flags, held, RED_FLAG_FEATURES),
        "exercise_screen": _with(form.exercise_screen, held, EXERCISE_FEATURES),
        "self_harm_concern": form.self_harm_concern,
        "phq2": phq2_total(form.phq2_interest, form.phq2_mood),
        "startback": (
            None if total is None or distress is None else {"total": total, "distress": distress}
        ),
        "walking_tolerance": form.walking_tolerance,
        "prefers_other_exercise": form.prefers_other_exercise,
        "other_exercise_minutes_per_week": form.other_exercise_minutes_per_week,
        "leg_symptoms": _legs(form.leg_symptoms or "none", held),
        **{field: bool(getattr(form, field)) or field in held for field, _ in HISTORY_QUESTIONS},
    }
    if form.previous_episodes is not None:  # empty is left out: required unless an emergency
        data["previous_episodes"] = form.previous_episodes
    if reaches_emergency(data["red_flags"], data["exercise_screen"]):
        _leave_out_unasked(form, data)
    if review:
        data["baseline_walks_per_week"] = form.baseline_walks_per_week
        data["returning_after_flare"] = form.returning_after_flare
        data["adherence"] = form.adherence
        data["new_lower_limb_pain"] = form.new_lower_limb_pain
        step = form.last_step or "none"  # unanswered is reported by validate_form
        if step != "none":
            previous = None
            if form.previous_dose_known:
                previous = {
                    "walks_per_week": form.previous_walks,
                    "minutes_per_walk": form.previous_minutes,
                }
            data["last_progression"] = last_progression_for(step, previous)
    return data


def _leave_out_unasked(form: ConsultationForm, data: dict[str, Any]) -> None:
    """In an emergency, the answers it does not need and nobody gave are left out, to be
    shown as not asked (spec §2): the flare when none of its answers was given, the walking
    likewise (the episodes are left out whenever empty). Anything typed is kept, and
    checked as usual."""
    if form.flare_level is None and form.pain_now is None and form.days_since_onset is None:
        del data["flare"]
    walking = (form.walks_per_week, form.minutes_per_walk, form.weeks_at_current_dose)
    if walking == (None, None, None):
        del data["walking"]


def emergency_form(values: ConsultationForm | Mapping[str, Any]) -> bool:
    """Whether the form's findings reach an emergency: then only the age and the features
    are needed to decide, record and print the letter."""
    data = to_assessment_data(values)
    return reaches_emergency(data["red_flags"], data["exercise_screen"])


def _with(ticked: Any, held: list[str], checklist: tuple[Feature, ...]) -> list[str]:
    """A checklist's ticks, then the carried findings of that checklist still held."""
    codes = {f.code for f in checklist}
    out = list(ticked or [])
    return out + [code for code in held if code in codes and code not in out]


def _legs(value: str, held: list[str]) -> str:
    """Leg symptoms as asked, or as carried when asked as none and still held."""
    if value != "none":
        return value
    carried = [k.split(":", 1)[1] for k in held if k.startswith("leg_symptoms:")]
    return carried[0] if carried else value


def validate_form(
    values: ConsultationForm | Mapping[str, Any],
) -> tuple[Assessment | None, dict[str, list[str]]]:
    """The assessment, or the errors keyed by form field, each message in plain words."""
    form = as_form(values)
    errors: dict[str, list[str]] = {}
    if (form.phq2_interest is None) != (form.phq2_mood is None):
        errors["phq2_interest"] = ["PHQ-2: answer both questions, or neither if not asked"]
    if (form.startback_total is None) != (form.startback_distress is None):
        errors["startback_total"] = ["STarT Back: give both scores, or neither if not asked"]
    data = to_assessment_data(form)
    # An emergency is decided, recorded and its letter printed from the age and the
    # features alone: nothing else it does not read holds it up (spec §2).
    emergency = reaches_emergency(data["red_flags"], data["exercise_screen"])
    for checklist, asked in (
        ("red_flags", form.red_flags_asked),
        ("exercise_screen", form.exercise_asked),
    ):
        if not data[checklist] and asked is None and not emergency:
            key = "red_flags_asked" if checklist == "red_flags" else "exercise_asked"
            errors[key] = [
                f"{LABELS[key]}: tick what you found, or say none was present or that it "
                "was not asked"
            ]
    waiting = [key for key, answer in form.carried.items() if answer is None]
    if waiting and not emergency:
        errors["carried"] = [
            f"{LABELS['carried']}: say whether each finding is still present or has resolved "
            f"({len(waiting)} not yet answered)"
        ]
    if form.referral_id is not None and form.referral_status is None and not emergency:
        errors["referral_status"] = [
            "Open referral: record what became of it (made, seen, declined, lost to "
            "follow-up, or still only advised)"
        ]
    if form.visit == "review" and form.last_step is None and "walking" in data:
        # Left open on purpose after a step up, so the answer is never assumed.
        errors["last_step"] = [f"{LABELS['last_step']}: choose how the back responded"]
    try:
        assessment = validate_assessment(data)
    except AssessmentError as exc:
        for problem in exc.errors:
            _add(errors, problem)
        return None, errors
    return (None, errors) if errors else (assessment, {})


def _add(errors: dict[str, list[str]], problem: FieldError) -> None:
    """One problem in the form's words, beside its field (`validation.in_words`): never a
    field path, a JSON value such as null, or a value other than the one typed."""
    key = FIELD_TO_FORM.get(problem.field.split("[")[0], "age")
    message = in_words(LABELS[key], plain(problem.message))
    if message not in errors.get(key, []):
        errors.setdefault(key, []).append(message)


def visit_data(
    form: ConsultationForm, assessment: Assessment, today: str, review: str | None
) -> dict[str, Any]:
    """The visit details a filled form describes (`visit.VisitDetails`, not yet validated).

    `review` is the next review date when the clinician has not chosen one."""
    from .visit import screen_status

    clinician = form.clinician.strip()
    note = form.note.strip()
    return {
        "visit_date": form.visit_date or today,
        "clinician": clinician or None,
        "note": note or None,
        "screens": screen_status(assessment, form.red_flags_asked, form.exercise_asked),
        "corrects": form.corrects,
        "review_date": form.review_date or review,
        # An emergency may be saved before every carried finding is answered; one not yet
        # answered stays in the assessment as present.
        "carried": {k: v for k, v in form.carried.items() if v is not None} or None,
        "exam_findings": form.exam_findings.strip() or None,
        "onsets": {
            code: text.strip()
            for code, text in form.onsets.items()
            if text.strip() and code in assessment.red_flags
        }
        or None,
    }


def draft_form(stored: Mapping[str, Any]) -> ConsultationForm:
    """A form read back from a stored draft: the fields this version knows, each keeping
    what was typed (a draft from an older version gains the new fields' defaults; a value
    this version cannot hold is left at its default rather than failing the whole draft)."""
    known = {k: v for k, v in stored.items() if k in ConsultationForm.model_fields}
    try:
        return ConsultationForm.model_validate(known)
    except ValidationError as exc:
        wrong = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        return ConsultationForm.model_validate({k: v for k, v in known.items() if k not in wrong})


_VISIT_WORDS = {
    "clinician": "the clinician",
    "note": "the clinical note",
    "visit_date": "the visit date",
    "review_date": "the next review date",
    "corrects": "what it corrects",
    "phq2_mood": "PHQ-2",
    "previous_dose_known": "the dose before the last step",
    "carried": "the findings carried from the last visit",
    "referral_status": "the referral's status",
    "referral_note": "the referral's outcome",
    "exam_findings": "the examination findings",
    "onsets": "when the symptoms began",
}


def draft_summary(stored: Mapping[str, Any]) -> str:
    """A stored draft in a few words, to recognise it: "review, age 52, 2 red-flag features"."""
    form = draft_form(stored)
    parts = ["review" if form.visit == "review" else "first consultation"]
    if form.age is not None:
        parts.append(f"age {form.age}")
    flags = len(form.red_flags)
    if flags:
        parts.append(f"{flags} red-flag feature{'s' if flags != 1 else ''}")
    return ", ".join(parts)


def typed(form: ConsultationForm, start: ConsultationForm) -> list[str]:
    """What has been typed since the form was started, in words, for a question such as
    "discard it?": the fields that differ, in form order, each named once."""
    out: list[str] = []
    now, then = form.model_dump(), start.model_dump()
    for k in FORM_DEFAULTS:
        if now[k] != then[k]:
            word = _VISIT_WORDS.get(k) or _in_sentence(LABELS[k])
            if word not in out:
                out.append(word)
    return out


def form_from_assessment(data: Mapping[str, Any]) -> ConsultationForm:
    """A form prefilled from assessment data (a demo case or a saved consultation)."""
    # An emergency may have left the flare or the walking out: they stay unanswered.
    flare = data.get("flare") or {"level": None, "pain_now": None}
    walking = data.get("walking") or {"walks_per_week": None, "minutes_per_walk": None}
    last = data.get("last_progression")
    previous = (last or {}).get("previous_dose")
    phq2 = data.get("phq2")
    startback = data.get("startback") or {}
    return ConsultationForm.model_validate(
        {
            **{k: data[k] for k in FORM_DEFAULTS if k in data},
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
            "red_flags": list(data.get("red_flags", [])),
            "exercise_screen": list(data.get("exercise_screen", [])),
            # Assessment data (a demo case) describes the whole person: an empty checklist
            # in it says none was present. A review from the record asks again
            # (`review.review_form`).
            "red_flags_asked": "none_present",
            "exercise_asked": "none_present",
            # A stored total cannot be split back into its two answers; put it on the first.
            "phq2_interest": None if phq2 is None else min(phq2, 3),
            "phq2_mood": None if phq2 is None else phq2 - min(phq2, 3),
            "startback_total": startback.get("total"),
            "startback_distress": startback.get("distress"),
        }
    )
