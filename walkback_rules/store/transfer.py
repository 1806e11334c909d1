"""The patient file: what a patient's export holds, and how an import is checked.

A file is validated whole before anything is written. Every error names its field by
dotted path (with the line, for JSON Lines) and says what is allowed.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.codes import RELEASED_RULESETS
from ..core.jsontext import json_lines, parse_json
from ..core.models import Assessment, Recommendation
from ..core.validation import ROOT, AssessmentError, FieldError, field_errors
from . import ruleset_1_0

FORMAT = "walkback-patient"
VERSION = 1
ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read aloud
ID_PATTERN = re.compile(rf"^P-[{ID_ALPHABET}]{{6}}$")
LABEL_MAX = 60
MAX_IMPORT_BYTES = 10 * 1024 * 1024  # a backup of thousands of patients is a few MB
_RULESETS = "a ruleset this product has released: " + ", ".join(f'"{v}"' for v in RELEASED_RULESETS)

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def _allowed(text: str, **kwargs: Any) -> Any:
    return Field(json_schema_extra={"allowed": text}, **kwargs)


def label_problem(label: str | None) -> str | None:
    """What is wrong with a patient label, or None when it is fine."""
    if label is None:
        return None
    if len(label) > LABEL_MAX:
        return f"at most {LABEL_MAX} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in label):
        return "text on one line, without control characters"
    if "<" in label or ">" in label:
        return "plain text without < or > (a label is never markup)"
    return None


def _timestamp(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("an ISO 8601 date and time with its UTC offset") from None
    if parsed.tzinfo is None:
        raise ValueError("an ISO 8601 date and time with its UTC offset")
    return value


class PatientIn(BaseModel):
    model_config = _STRICT

    id: str = _allowed('a pseudonym such as "P-7K2QF9"', pattern=ID_PATTERN.pattern)
    label: str | None = _allowed(f"null or text of at most {LABEL_MAX} characters")
    created_at: str = _allowed("an ISO 8601 date and time with its UTC offset")

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        problem = label_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    _created = field_validator("created_at")(_timestamp)


class _Visit(BaseModel):
    model_config = _STRICT

    recorded_at: str = _allowed("an ISO 8601 date and time with its UTC offset")

    _recorded = field_validator("recorded_at")(_timestamp)


class Consultation20In(_Visit):
    """A consultation made under the current ruleset, checked with the core's own models."""

    ruleset_version: Literal["2.0"] = _allowed(_RULESETS)
    assessment: Assessment
    recommendation: Recommendation


class Consultation10In(_Visit):
    """A consultation made under ruleset 1.0: checked with the frozen 1.0 contract, kept
    exactly as recorded and never re-decided (spec §11)."""

    ruleset_version: Literal["1.0"] = _allowed(_RULESETS)
    assessment: ruleset_1_0.Assessment
    recommendation: ruleset_1_0.Recommendation


ConsultationIn = Annotated[
    Consultation20In | Consultation10In, Field(discriminator="ruleset_version")
]


class DiaryIn(BaseModel):
    model_config = _STRICT

    week_start: str = _allowed("the Monday that starts the week, as YYYY-MM-DD")
    walks: int = _allowed("a whole number from 0 to 28", ge=0, le=28)
    minutes: int = _allowed("a whole number of minutes from 0 to 2000", ge=0, le=2000)
    worst_pain: int = _allowed("a whole number from 0 to 10", ge=0, le=10)

    @field_validator("week_start")
    @classmethod
    def _monday(cls, value: str) -> str:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError("the Monday that starts the week, as YYYY-MM-DD") from None
        if day.weekday() != 0 or day.isoformat() != value:
            raise ValueError("the Monday that starts the week, as YYYY-MM-DD")
        return value


class PatientFile(BaseModel):
    """One patient's whole record, as exported."""

    model_config = _STRICT

    format: Literal["walkback-patient"] = _allowed('"walkback-patient"')
    version: Literal[1] = _allowed("1")
    patient: PatientIn
    consultations: list[ConsultationIn] = _allowed("a list of consultations")
    diary: list[DiaryIn] = _allowed("a list of diary weeks")


class ImportError_(Exception):
    """An import that cannot go ahead; carries every problem found."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def parse_import(raw: bytes) -> list[PatientFile]:
    """Every patient in an import file (one JSON object, or JSON Lines), all validated.

    (An ID given twice is refused by `Store.import_records`, which every import goes through.)

    Raises `ImportError_` with every problem found; nothing is returned unless all is well.
    """
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportError_(
            [FieldError("FILE", f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ImportError_([FieldError("FILE", "not UTF-8 text")]) from None
    if not text.strip():
        raise ImportError_([FieldError("FILE", "empty; expected a WalkBack patient export")])
    try:
        lines = json_lines(text)
    except AssessmentError as exc:
        raise ImportError_([_located("", e) for e in exc.errors]) from None
    documents: list[tuple[int | None, str]] = (
        [(None, text)] if lines is None else [(n, line) for n, line in lines]
    )
    files: list[PatientFile] = []
    errors: list[FieldError] = []
    for number, document in documents:
        where = "" if number is None else f"line {number}: "
        try:
            files.append(PatientFile.model_validate(parse_json(document)))
        except AssessmentError as exc:  # repeated keys, runaway nesting: never resolved
            errors += [_located(where, e) for e in exc.errors]
        except ValidationError as exc:
            errors += [_located(where, e) for e in field_errors(exc, PatientFile)]
    if errors:
        raise ImportError_(errors)
    return files


_TAGS = tuple(f".{v}" for v in RELEASED_RULESETS)


def _untagged(field: str) -> str:
    """A field path without the ruleset tag the version's union adds ("x.2.0.y" → "x.y")."""
    for tag in _TAGS:
        field = field.replace(tag, "")
    return field


def _located(where: str, error: FieldError) -> FieldError:
    if error.message.startswith(("Input tag", "Unable to extract tag")):
        return FieldError(f"{where}{error.field}.ruleset_version", f"must be {_RULESETS}")
    if error.field != ROOT:
        return FieldError(f"{where}{_untagged(error.field)}", error.message)
    message = error.message
    if not message.startswith("not valid JSON"):
        message = (
            "not a WalkBack patient export: expected a JSON object with format, version, "
            "patient, consultations and diary"
        )
    return FieldError(f"{where}record", message)


def dumps(data: dict[str, Any]) -> str:
    """A patient file as compact, stable JSON (one line, so it also suits JSON Lines)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
