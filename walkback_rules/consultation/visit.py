"""A visit as a clinical record: its date, the clinician, a short note, which screens were
done, what it corrects, and the next review date.

These are kept beside the assessment, never inside it: the rules never read them, and a
record made before they were kept simply has none. A screen is recorded as screened
negative, positive or not asked, and "not asked" is never turned into "negative".
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.codes import RedFlagFeature
from ..core.models import Assessment, Recommendation
from ..core.plaintext import unsafe_character
from ..core.rules import PHQ2_POSITIVE, STARTBACK_LOW_MAX
from ..core.validation import field_errors, in_words
from .findings import Answer, known_key

Screen = Literal["red_flags", "exercise_screen", "phq2", "startback"]
Status = Literal["negative", "positive", "not_asked"]
SCREENS: tuple[Screen, ...] = ("red_flags", "exercise_screen", "phq2", "startback")
SCREEN_NAMES: dict[Screen, str] = {
    "red_flags": "Red flags",
    "exercise_screen": "Exercise safety",
    "phq2": "PHQ-2",
    "startback": "STarT Back",
}
STATUS_WORDS: dict[Status, str] = {
    "negative": "screened, negative",
    "positive": "positive",
    "not_asked": "not asked",
}
# How a checklist with nothing ticked was answered on the form.
ASKED_CHOICES: dict[str, str] = {
    "none_present": "Asked: none present",
    "not_asked": "Not asked at this visit",
}
CLINICIAN_MAX = 60
NOTE_MAX = 2000
EXAM_MAX = 600  # examination findings: for the referral letter, never a patient sheet
ONSET_MAX = 40  # when a red-flag symptom began, as the clinician writes it
# The red-flag features whose onset the letter asks for: the symptoms and events, not the
# history or the spondyloarthritis criteria.
ONSET_CONDITIONS = frozenset(
    {
        "cauda_equina",
        "progressive_neurological_deficit",
        "aortic_aneurysm",
        "spinal_infection",
        "malignancy",
        "fracture",
    }
)
REVIEW_MAX_DAYS = 365  # a review date at most a year after the visit

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def _day(value: str) -> date:
    day = date.fromisoformat(value)
    if day.isoformat() != value:
        raise ValueError
    return day


def iso_day(value: str | None) -> str | None:
    """A date field's check: exactly YYYY-MM-DD, a real day (None passes)."""
    if value is None:
        return None
    try:
        _day(value)
    except ValueError:
        raise ValueError("a date as YYYY-MM-DD") from None
    return value


class VisitDetails(BaseModel):
    """What makes a consultation a record, as saved and exported."""

    model_config = _STRICT

    visit_date: str = Field(json_schema_extra={"allowed": "a date as YYYY-MM-DD"})
    clinician: str | None = Field(
        None,
        json_schema_extra={
            "allowed": f"plain printable text of at most {CLINICIAN_MAX} characters"
        },
    )
    note: str | None = Field(
        None,
        json_schema_extra={"allowed": f"plain printable text of at most {NOTE_MAX} characters"},
    )
    screens: dict[Screen, Status] = Field(
        json_schema_extra={"allowed": "each screen as negative, positive or not_asked"}
    )
    corrects: str | None = Field(
        None, json_schema_extra={"allowed": "null or the time of the consultation it corrects"}
    )
    review_date: str | None = Field(
        None, json_schema_extra={"allowed": "null or a date as YYYY-MM-DD"}
    )
    # Each finding carried from the last visit and the clinician's answer to "still
    # present?" (`findings.py`); absent on a first visit and on records made before.
    carried: dict[str, Answer] | None = Field(
        None,
        json_schema_extra={"allowed": "null, or each carried finding as present or resolved"},
    )

    # Examination findings (myotomes, dermatomes, reflexes, saddle sensation) for the
    # referral letter; never printed on a patient sheet.
    exam_findings: str | None = Field(
        None,
        json_schema_extra={"allowed": f"plain printable text of at most {EXAM_MAX} characters"},
    )
    # When each ticked red-flag symptom began, in the clinician's words ("this morning, 6 am").
    onsets: dict[RedFlagFeature, str] | None = Field(
        None,
        json_schema_extra={
            "allowed": f"null, or each red-flag feature with one line of at most {ONSET_MAX} "
            "characters"
        },
    )

    @field_validator("exam_findings")
    @classmethod
    def _exam(cls, value: str | None) -> str | None:
        return plain_text(value, EXAM_MAX, one_line=False)

    @field_validator("onsets")
    @classmethod
    def _onsets(cls, value: dict[RedFlagFeature, str] | None) -> dict[RedFlagFeature, str] | None:
        for text in (value or {}).values():
            plain_text(text, ONSET_MAX, one_line=True)
        return value

    @field_validator("carried")
    @classmethod
    def _carried(cls, value: dict[str, Answer] | None) -> dict[str, Answer] | None:
        unknown = [k for k in value or {} if not known_key(k)]
        if unknown:
            raise ValueError(
                "findings a review carries (red-flag and exercise-safety features, history "
                "questions, leg symptoms); not " + ", ".join(unknown[:3])
            )
        return value

    _dates = field_validator("visit_date", "review_date")(iso_day)

    @field_validator("clinician")
    @classmethod
    def _clinician(cls, value: str | None) -> str | None:
        return plain_text(value, CLINICIAN_MAX, one_line=True)

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        return plain_text(value, NOTE_MAX, one_line=False)

    @field_validator("screens")
    @classmethod
    def _every_screen(cls, value: dict[Screen, Status]) -> dict[Screen, Status]:
        missing = [SCREEN_NAMES[s] for s in SCREENS if s not in value]
        if missing:
            raise ValueError("each screen recorded; missing: " + ", ".join(missing))
        return value

    def day(self) -> date:
        return _day(self.visit_date)

    def review_day(self) -> date | None:
        return None if self.review_date is None else _day(self.review_date)


def plain_text(value: str | None, limit: int, one_line: bool) -> str | None:
    """Typed text as the record keeps it: within its length, printable, no hidden characters."""
    if value is None:
        return None
    if len(value) > limit:
        raise ValueError(f"at most {limit} characters (this has {len(value)})")
    from ..handouts.content import printable

    lines = value.split("\n") if not one_line else [value]
    for line in lines:
        char = unsafe_character(line)
        if char is not None:
            raise ValueError(f"plain text, without control or invisible characters ({char})")
        if not printable(line):
            raise ValueError("letters, digits and common punctuation the summary can print")
    return value


LABELS = {
    "visit_date": "Visit date",
    "clinician": "Clinician",
    "note": "Clinical note",
    "screens": "Screens",
    "corrects": "Corrects",
    "review_date": "Next review",
    "carried": "Found at the last visit",
    "exam_findings": "Examination findings",
    "onsets": "Symptom onset",
}


def screen_status(
    assessment: Assessment, red_flags_asked: str | None, exercise_asked: str | None
) -> dict[Screen, Status]:
    """Each screen's status. A ticked checklist is positive; an empty one is negative only
    when the clinician said none was present, and otherwise not asked. PHQ-2 and STarT Back
    are not asked when their scores were not entered."""

    def checklist(found: object, asked: str | None) -> Status:
        if found:
            return "positive"
        return "negative" if asked == "none_present" else "not_asked"

    phq2, startback = assessment.phq2, assessment.startback
    return {
        "red_flags": checklist(assessment.red_flags, red_flags_asked),
        "exercise_screen": checklist(assessment.exercise_screen, exercise_asked),
        "phq2": (
            "not_asked" if phq2 is None else ("positive" if phq2 >= PHQ2_POSITIVE else "negative")
        ),
        "startback": (
            "not_asked"
            if startback is None
            else ("positive" if startback.total > STARTBACK_LOW_MAX else "negative")
        ),
    }


def default_review(visit_day: date, rec: Recommendation) -> date | None:
    """The next review date the recommendation implies (None after a referral without one)."""
    if rec.review_in_days is None:
        return None
    return visit_day + timedelta(days=rec.review_in_days)


def review_words(rec: Recommendation) -> str:
    """When the next review is, in words, for the card, the page and the summary alike:
    "in 14 days", "after the referral", or "none set" when the rules give none."""
    if rec.review_in_days is not None:
        return f"in {rec.review_in_days} days"
    return "after the referral" if rec.referral is not None else "none set"


def problems_by_field(
    exc: ValidationError, model: type[BaseModel], labels: dict[str, str]
) -> dict[str, str]:
    """A model's validation errors, the first for each field, in plain words."""
    errors: dict[str, str] = {}
    for e in field_errors(exc, model):
        key = e.field.split(".")[0]
        errors.setdefault(key, in_words(labels.get(key, key), e.message))
    return errors


def details_problems(
    data: dict[str, Any], today: date, earliest: date = date(2000, 1, 1)
) -> tuple[VisitDetails | None, dict[str, str]]:
    """The visit details, or each problem keyed by field in plain words."""
    try:
        details = VisitDetails.model_validate(data)
    except ValidationError as exc:
        return None, problems_by_field(exc, VisitDetails, LABELS)
    problems = visit_problems(details, today, earliest)
    return (None, problems) if problems else (details, {})


def visit_problems(
    details: VisitDetails, today: date, earliest: date = date(2000, 1, 1)
) -> dict[str, str]:
    """What is wrong with valid details' dates, keyed by field. A visit date may be earlier
    than today (a visit written up later), never later; a review date comes after the
    visit and at most a year after it."""
    problems: dict[str, str] = {}
    day = details.day()
    if day > today:
        problems["visit_date"] = (
            f"Visit date must be today or earlier; you entered {day.isoformat()}"
        )
    elif day < earliest:
        problems["visit_date"] = f"Visit date must be {earliest.isoformat()} or later"
    review = details.review_day()
    if review is not None and not day < review <= day + timedelta(days=REVIEW_MAX_DAYS):
        problems["review_date"] = (
            "Next review must be after the visit date and within a year of it; "
            f"you entered {review.isoformat()}"
        )
    return problems


def screens_line(screens: dict[Screen, Status] | None) -> str:
    """The screens in words, for the summary and the record: "Red flags: screened,
    negative · PHQ-2: not asked …" (or a plain note for records made before they were kept)."""
    if screens is None:
        return "not recorded (consultation saved before screens were recorded)"
    return " · ".join(f"{SCREEN_NAMES[s]}: {STATUS_WORDS[screens[s]]}" for s in SCREENS)
