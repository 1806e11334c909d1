"""The consultation's fields, each once: its label, the question the form asks, its widget,
its group and its help. Ranges are read from the `Assessment` model, never restated, so a
bound changed in the contract changes the form, the explorer and every message with it.

The consultation page draws each field from here, the what-if explorer names its controls
from here, and validation messages use the same labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import annotated_types
from pydantic import BaseModel

from ..core.models import Assessment

Widget = Literal["number", "select", "radio", "checkbox", "text", "textarea", "date"]


def bounds(path: str) -> tuple[int, int]:
    """The whole numbers the `Assessment` allows at a dotted path ("flare.pain_now"), read
    from the model's own constraints."""
    model: type[BaseModel] = Assessment
    *parents, name = path.split(".")
    for part in parents:
        model = _model_of(model, part)
    info = model.model_fields[name]
    low = next(m.ge for m in info.metadata if isinstance(m, annotated_types.Ge))
    high = next(m.le for m in info.metadata if isinstance(m, annotated_types.Le))
    assert isinstance(low, int) and isinstance(high, int)
    return low, high


def _model_of(model: type[BaseModel], name: str) -> type[BaseModel]:
    """The model a nested field holds (through an optional)."""
    annotation = model.model_fields[name].annotation
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    raise KeyError(f"{name} is not a nested model")


@dataclass(frozen=True, slots=True)
class FormField:
    """One answer on the consultation form."""

    key: str  # the `ConsultationForm` field
    label: str  # its name in messages, the explorer and the trail
    widget: Widget
    group: str
    question: str | None = None  # the widget's label on the form, when not the label
    help: str | None = None
    placeholder: str | None = None
    step: int = 1
    path: str | None = None  # where it lands in the assessment: its range comes from there

    @property
    def range(self) -> tuple[int, int] | None:
        return None if self.path is None else bounds(self.path)

    @property
    def prompt(self) -> str:
        """The widget's label: the question, with its range read from the model where the
        question shows one ("Pain now ({range})" reads "Pain now (0–10)")."""
        text = self.question or self.label
        if "{range}" in text and self.range is not None:
            low, high = self.range
            text = text.replace("{range}", f"{low}–{high}")
        return text


_PERSON, _FLARE, _WALKING, _REVIEW, _HISTORY, _MOOD, _VISIT = (
    "The person",
    "Current flare-up",
    "Walking now",
    "Since the last visit",
    "Legs and history",
    "Mood and risk",
    "The visit",
)

FIELDS: tuple[FormField, ...] = (
    FormField(
        "visit_date",
        "Visit date",
        "date",
        _VISIT,
        help="Today, or the day of the visit when writing it up later (a review's planned "
        "dose then follows that day).",
    ),
    FormField(
        "clinician",
        "Clinician",
        "text",
        _VISIT,
        question="Clinician (name or initials)",
        help="Kept with the consultation and remembered in this browser.",
    ),
    FormField(
        "age",
        "Age",
        "number",
        _PERSON,
        question="Age (years)",
        placeholder="e.g. 52",
        help="From 16 (NICE NG59): under 16 is out of scope; 16 and 17 are outside the "
        "trial population.",
        path="age",
    ),
    FormField("visit", "Visit", "radio", _PERSON),
    FormField(
        "previous_episodes",
        "Previous episodes",
        "number",
        _PERSON,
        placeholder="e.g. 2",
        help="Episodes of low back pain before the current or most recent one.",
        path="previous_episodes",
    ),
    FormField(
        "episode_weeks",
        "Weeks this episode has lasted",
        "number",
        _PERSON,
        placeholder="not asked",
        help="0 if the person has recovered from their last episode. 12 or more is chronic.",
        path="episode_weeks",
    ),
    FormField(
        "flare_level",
        "Flare level",
        "select",
        _FLARE,
        question="Flare level (your judgement)",
        placeholder="Ask at every visit",
        help="A worsening lasting hours to weeks that affects usual activities or mood. "
        "Asked at every visit.",
    ),
    FormField(
        "usual_pain",
        "Usual pain between flares",
        "number",
        _FLARE,
        question="Usual pain between flares ({range})",
        placeholder="not asked",
        help="A flare is judged against the person's usual pain.",
        path="usual_pain",
    ),
    FormField(
        "pain_now",
        "Pain now",
        "number",
        _FLARE,
        question="Pain now ({range})",
        placeholder="ask: {range}",
        help="Numeric pain rating, asked at every visit.",
        path="flare.pain_now",
    ),
    FormField(
        "days_since_onset",
        "Days since the flare began",
        "number",
        _FLARE,
        question="Days since this flare began",
        placeholder="e.g. 3",
        path="flare.days_since_onset",
    ),
    FormField(
        "walks_per_week",
        "Walks a week",
        "number",
        _WALKING,
        help="At a review, the programme dose (kept, not erased, during a flare).",
        path="walking.walks_per_week",
    ),
    FormField(
        "minutes_per_walk",
        "Minutes per walk",
        "number",
        _WALKING,
        step=5,
        help="0 exactly when not walking.",
        path="walking.minutes_per_walk",
    ),
    FormField(
        "weeks_at_current_dose",
        "Weeks at this dose",
        "number",
        _WALKING,
        question="Full weeks at this dose",
        placeholder="unknown",
        help="Leave empty if unknown: it then counts as established.",
        path="walking.weeks_at_current_dose",
    ),
    FormField("walking_tolerance", "Walking tolerance", "select", _WALKING),
    FormField(
        "prefers_other_exercise",
        "Prefers another exercise",
        "checkbox",
        _WALKING,
        question="Would rather do another exercise (yoga, Pilates, swimming…)",
    ),
    FormField(
        "other_exercise_minutes_per_week",
        "Other exercise, minutes a week",
        "number",
        _WALKING,
        question="Other moderate exercise, minutes a week (not walking)",
        step=10,
        path="other_exercise_minutes_per_week",
    ),
    FormField(
        "baseline_walks_per_week",
        "Walks a week at the first visit",
        "number",
        _REVIEW,
        question="Walks a week at the first consultation",
        placeholder="not known",
        path="baseline_walks_per_week",
    ),
    FormField(
        "last_step",
        "Since the last step up",
        "radio",
        _REVIEW,
        question="How did the back take the last step up?",
    ),
    FormField(
        "previous_dose_known",
        "The dose before the last step",
        "checkbox",
        _REVIEW,
        question="The dose before the last step up is known",
    ),
    FormField(
        "previous_walks",
        "Walks a week before the last step",
        "number",
        _REVIEW,
        question="Walks a week before",
        path="last_progression.previous_dose.walks_per_week",
    ),
    FormField(
        "previous_minutes",
        "Minutes per walk before the last step",
        "number",
        _REVIEW,
        question="Minutes per walk before",
        step=5,
        path="last_progression.previous_dose.minutes_per_walk",
    ),
    FormField(
        "returning_after_flare",
        "Returning after a flare",
        "checkbox",
        _REVIEW,
        question="Returning after a moderate or severe flare (last visit, or one that has "
        "since eased)",
    ),
    FormField(
        "adherence",
        "Walks done as planned",
        "radio",
        _REVIEW,
        question="Walks since the last visit",
    ),
    FormField(
        "new_lower_limb_pain",
        "New hip, knee, shin or foot pain",
        "checkbox",
        _REVIEW,
        question="New hip, knee, shin or foot pain since the last visit",
    ),
    FormField(
        "leg_symptoms",
        "Leg symptoms",
        "radio",
        _HISTORY,
        question="Leg symptoms (referred or radicular)",
        help="New symptoms in both legs are a red flag; claudication is asked below.",
    ),
    FormField(
        "self_harm_concern",
        "Self-harm concern",
        "checkbox",
        _MOOD,
        question="I am concerned about thoughts of self-harm or suicide",
    ),
    FormField(
        "startback_total",
        "STarT Back total",
        "number",
        _MOOD,
        question="STarT Back total ({range})",
        placeholder="not asked",
        path="startback.total",
    ),
    FormField(
        "startback_distress",
        "STarT Back distress",
        "number",
        _MOOD,
        question="STarT Back distress (items 5–9, {range})",
        placeholder="not asked",
        path="startback.distress",
    ),
    FormField(
        "note",
        "Clinical note",
        "textarea",
        _VISIT,
        question="Clinical note (for the record only: never printed on a patient handout)",
        placeholder="e.g. Discussed pacing; keen to return to golf.",
    ),
    FormField(
        "exam_findings",
        "Examination findings",
        "textarea",
        _VISIT,
        question="Examination findings (printed on the referral letter, never on a patient sheet)",
        help="Myotomes, dermatomes, reflexes, saddle sensation: what the receiving team needs.",
        placeholder="e.g. L5 myotome 4/5 left; reduced saddle sensation S3–S5.",
    ),
)
FIELD: dict[str, FormField] = {f.key: f for f in FIELDS}


def placeholder(field: FormField) -> str | None:
    """A field's placeholder, with its range where it shows one."""
    if field.placeholder is None or field.range is None:
        return field.placeholder
    low, high = field.range
    return field.placeholder.replace("{range}", f"{low}–{high}")
