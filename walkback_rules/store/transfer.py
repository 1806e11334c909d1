"""The patient file: what a patient's export holds, and how an import is checked.

A file is validated whole before anything is written. Every error names its field by
dotted path (with the line, for JSON Lines) and says what is allowed.

An import never trusts a stored recommendation. A consultation made under the current
ruleset is decided again, and one whose stored decision, doses, referral, flags or rule
outcomes differ from what the rules give is refused. A consultation made under an older
ruleset is kept exactly as recorded, but only when it is sound: its cards are there, its
doses and review are in range, and it says the ruleset it was made under.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import textlines
from ..consultation.referrals import ReferralUpdate
from ..consultation.visit import VisitDetails
from ..core.cards import describe_dose
from ..core.codes import RELEASED_RULESETS, RULESET_VERSION
from ..core.jsontext import json_lines, parse_json
from ..core.models import Assessment, Recommendation
from ..core.plaintext import unsafe_character
from ..core.validation import ROOT, AssessmentError, FieldError, capped, field_errors
from ..outcomes.followup import CheckIn, Discharge, problems
from ..outcomes.psfs import Psfs
from ..outcomes.psfs import problems as psfs_problems
from . import ruleset_1_0, ruleset_2_0

FORMAT = "walkback-patient"
VERSION = 1
ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read aloud
ID_PATTERN = re.compile(rf"^P-[{ID_ALPHABET}]{{6}}$")
LABEL_MAX = 60
# A file read whole (one patient, an upload in the app, a small backup); a larger JSON
# Lines backup is read a line at a time (`check_backup`). A patient with six visits is
# about 70 KB, so this is about 150 such patients.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_FILE_ERRORS = 100  # an import stops checking after this many problems
STAMP_MAX = 32  # characters: the record's time columns
EARLIEST = date(2000, 1, 1)  # no record of this product is older
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
    if any("\ud800" <= c <= "\udfff" for c in label):  # undecodable bytes, as surrogates
        return "UTF-8 text (it holds bytes that are not UTF-8)"
    char = unsafe_character(label)
    if char is not None:
        return f"text on one line, without control or invisible characters (it holds {char})"
    if "<" in label or ">" in label:
        return "plain text without < or > (a label is never markup)"
    return None


_STAMP = "an ISO 8601 date and time with its UTC offset"


def _latest() -> date:
    """The latest date a record may carry: tomorrow, for a clock a little ahead."""
    return datetime.now(UTC).date() + timedelta(days=1)


def _timestamp(value: str) -> str:
    """A stored time: ISO 8601 with its offset, fitting its column, from 2000 to tomorrow."""
    try:
        parsed = datetime.fromisoformat(value) if len(value) <= STAMP_MAX else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(f"{_STAMP}, at most {STAMP_MAX} characters")
    if not EARLIEST <= parsed.astimezone(UTC).date() <= _latest():
        raise ValueError(f"{_STAMP}, between {EARLIEST.isoformat()} and today")
    return value


class PatientIn(BaseModel):
    model_config = _STRICT

    id: str = _allowed('a pseudonym such as "P-7K2QF9"', pattern=ID_PATTERN.pattern)
    label: str | None = _allowed(f"null or text of at most {LABEL_MAX} characters")
    created_at: str = _allowed("an ISO 8601 date and time with its UTC offset")
    # The language of the patient's own sheets; a file from before languages is English.
    language: Literal["en", "es"] = _allowed('"en" or "es"', default="en")

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        problem = label_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    _created = field_validator("created_at")(_timestamp)


class PrintIn(BaseModel):
    """A handout, summary or referral letter printed from the consultation, with the
    options it used."""

    model_config = _STRICT

    kind: Literal["handout", "summary", "letter"] = _allowed('"handout", "summary" or "letter"')
    options: dict[str, Any] = _allowed("the print options as an object")
    printed_at: str = _allowed("an ISO 8601 date and time with its UTC offset")

    _printed = field_validator("printed_at")(_timestamp)


class _Visit(BaseModel):
    model_config = _STRICT

    recorded_at: str = _allowed("an ISO 8601 date and time with its UTC offset")
    # Absent from files of consultations saved before visit details were kept.
    details: VisitDetails | None = _allowed("null or the visit's details", default=None)
    # Who saved it, signed in on a clinic server; absent from a local tool's files.
    clinician_id: str | None = _allowed(
        "null or the signed-in clinician's e-mail, at most 254 characters",
        default=None,
        max_length=254,
    )
    printed: list[PrintIn] = _allowed("a list of prints", default=[])

    _recorded = field_validator("recorded_at")(_timestamp)


class Consultation21In(_Visit):
    """A consultation made under the current ruleset, checked with the core's own models."""

    ruleset_version: Literal["2.1"] = _allowed(_RULESETS)
    assessment: Assessment
    recommendation: Recommendation


class Consultation20In(_Visit):
    """A consultation made under ruleset 2.0: checked with the frozen 2.0 contract, kept
    exactly as recorded and never re-decided (spec §11)."""

    ruleset_version: Literal["2.0"] = _allowed(_RULESETS)
    assessment: ruleset_2_0.Assessment
    recommendation: ruleset_2_0.Recommendation


class Consultation10In(_Visit):
    """A consultation made under ruleset 1.0: checked with the frozen 1.0 contract, kept
    exactly as recorded and never re-decided (spec §11)."""

    ruleset_version: Literal["1.0"] = _allowed(_RULESETS)
    assessment: ruleset_1_0.Assessment
    recommendation: ruleset_1_0.Recommendation


ConsultationIn = Annotated[
    Consultation21In | Consultation20In | Consultation10In,
    Field(discriminator="ruleset_version"),
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
        if not EARLIEST <= day <= _latest():
            raise ValueError(f"a Monday between {EARLIEST.isoformat()} and this week")
        return value


class DiaryChangeIn(BaseModel):
    model_config = _STRICT

    week_start: str = _allowed("the Monday that starts the week, as YYYY-MM-DD")
    change: Literal["corrected", "removed"] = _allowed('"corrected" or "removed"')
    before: dict[str, int] = _allowed("the week's walks, minutes and worst pain before")
    after: dict[str, int] | None = _allowed("null or the week's walks, minutes and worst pain")
    changed_at: str = _allowed("an ISO 8601 date and time with its UTC offset")

    _changed = field_validator("changed_at")(_timestamp)


class ReferralUpdateIn(ReferralUpdate):
    """One status of a referral, with when it was recorded."""

    recorded_at: str = _allowed("an ISO 8601 date and time with its UTC offset")

    _recorded = field_validator("recorded_at")(_timestamp)


class ReferralIn(BaseModel):
    """A referral followed: the consultation that gave it (by its recorded time), its tier,
    conditions, the day advised, the follow-up date and every status it has had."""

    model_config = _STRICT

    consultation: str = _allowed("the recorded time of the consultation that gave it")
    urgency: Literal["emergency", "same_day", "urgent", "routine"] = _allowed(
        "emergency, same_day, urgent or routine"
    )
    conditions: list[str] = _allowed("a list of conditions", max_length=20)
    advised_on: str = _allowed("a date as YYYY-MM-DD", pattern=r"^\d{4}-\d{2}-\d{2}$")
    follow_up: str | None = _allowed(
        "null or a date as YYYY-MM-DD", default=None, pattern=r"^\d{4}-\d{2}-\d{2}$"
    )
    updates: list[ReferralUpdateIn] = _allowed("a list of statuses", min_length=1, max_length=50)


class DoseIn(BaseModel):
    model_config = _STRICT

    walks_per_week: int = _allowed("a whole number from 1 to 14", ge=1, le=14)
    minutes_per_walk: int = _allowed("a whole number from 1 to 120", ge=1, le=120)


_DAY = r"^\d{4}-\d{2}-\d{2}$"


class CheckInIn(BaseModel):
    """One month's check-in after a discharge (`outcomes.followup.CheckIn`)."""

    model_config = _STRICT

    month: int = _allowed("a whole number of months after discharge, from 1 to 36", ge=1, le=36)
    asked_on: str = _allowed("a date as YYYY-MM-DD", pattern=_DAY)
    asked_by: str = _allowed("a name or initials, at most 60 characters", max_length=60)
    how: Literal["phone", "in_person", "card", "message"] = _allowed(
        "phone, in_person, card or message"
    )
    answered: bool = _allowed("true or false")
    pain: bool | None = _allowed("null, true or false")
    limited: bool | None = _allowed("null, true or false")
    sought_care: bool | None = _allowed("null, true or false")
    began: str | None = _allowed("null or a date as YYYY-MM-DD", pattern=_DAY)
    month_only: bool = _allowed("true or false")

    def entry(self) -> CheckIn:
        return CheckIn(
            self.month,
            date.fromisoformat(self.asked_on),
            self.asked_by,
            self.how,
            self.answered,
            self.pain,
            self.limited,
            self.sought_care,
            None if self.began is None else date.fromisoformat(self.began),
            self.month_only,
        )


class EpisodeIn(BaseModel):
    """An episode's discharge and the check-ins after it."""

    model_config = _STRICT

    day: str = _allowed("a date as YYYY-MM-DD", pattern=_DAY)
    reason: Literal["completed", "referred", "declined", "lost"] = _allowed(
        "completed, referred, declined or lost"
    )
    dose: DoseIn | None = _allowed("null or the dose left on")
    clinician: str | None = _allowed("null or text of at most 254 characters", max_length=254)
    many_episodes: bool | None = _allowed("null, true or false")
    recorded_at: str = _allowed("an ISO 8601 date and time with its UTC offset")
    check_ins: list[CheckInIn] = _allowed("a list of check-ins", max_length=36)

    _recorded = field_validator("recorded_at")(_timestamp)

    def discharge(self) -> Discharge:
        dose = None if self.dose is None else (self.dose.walks_per_week, self.dose.minutes_per_walk)
        return Discharge(date.fromisoformat(self.day), self.reason, dose)


class ItemIn(BaseModel):
    model_config = _STRICT

    activity: str = _allowed("the activity's name, at most 60 characters", max_length=60)
    score: int = _allowed("a whole number from 0 to 10", ge=0, le=10)


class MeasureIn(BaseModel):
    """One rating of the Patient-Specific Functional Scale: each activity with its score."""

    model_config = _STRICT

    instrument: Literal["psfs"] = _allowed('"psfs"')
    day: str = _allowed("a date as YYYY-MM-DD", pattern=_DAY)
    when: Literal["first", "review", "discharge"] = _allowed("first, review or discharge")
    items: list[ItemIn] = _allowed("from 1 to 5 activities", min_length=1, max_length=5)

    def rating(self) -> Psfs:
        items = tuple((i.activity, i.score) for i in self.items)
        return Psfs(date.fromisoformat(self.day), self.when, items)


class PatientFile(BaseModel):
    """One patient's whole record, as exported."""

    model_config = _STRICT

    format: Literal["walkback-patient"] = _allowed('"walkback-patient"')
    version: Literal[1] = _allowed("1")
    patient: PatientIn
    consultations: list[ConsultationIn] = _allowed("a list of consultations")
    diary: list[DiaryIn] = _allowed("a list of diary weeks")
    diary_changes: list[DiaryChangeIn] = _allowed("a list of diary changes", default=[])
    # Absent from files made before referrals were followed: their items are made on import.
    referrals: list[ReferralIn] = _allowed("a list of referrals", default=[])
    # Absent from files made before discharge and follow-up were kept.
    episodes: list[EpisodeIn] = _allowed("a list of discharges with their check-ins", default=[])
    # Absent from files made before function measures were kept.
    measures: list[MeasureIn] = _allowed("a list of function measures", default=[])


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
    documents: Sequence[tuple[int | None, str]] = [(None, text)] if lines is None else lines
    files: list[PatientFile] = []
    errors: list[FieldError] = []
    for number, document in documents:
        where = "" if number is None else f"line {number}: "
        file, found = _document(document, where)
        if file is not None:
            files.append(file)
        errors += found
        if len(errors) >= MAX_FILE_ERRORS and number is not None:
            errors.append(_stopped(where, errors))
            break
    if errors:
        raise ImportError_(_grouped(errors))
    return files


def _document(document: str, where: str) -> tuple[PatientFile | None, list[FieldError]]:
    """One patient file read and checked: the file (None when it cannot be read) and its
    problems, each prefixed with `where` (its line in a backup), capped."""
    try:
        file = PatientFile.model_validate(parse_json(document))
    except AssessmentError as exc:  # repeated keys, runaway nesting: never resolved
        return None, capped([_located(where, e) for e in exc.errors], f"{where}record")
    except ValidationError as exc:
        found = [_located(where, e) for e in field_errors(exc, PatientFile)]
        return None, capped(found, f"{where}record")
    return file, capped([_located(where, e) for e in verify(file)], f"{where}record")


def _stopped(where: str, errors: list[FieldError]) -> FieldError:
    return FieldError(
        f"{where}record",
        f"checking stopped here after {len(errors):,} problems; fix these and import again",
    )


# A backup larger than MAX_IMPORT_BYTES is read twice, a line at a time (`check_backup`,
# then `backup_batches`), so its size is bounded only by the disk; the patients of one
# batch are held at once.
BACKUP_BATCH = 100
MAX_LINE_BYTES = 10 * 1024 * 1024  # one patient, as a file of one patient is bounded


def check_backup(source: BinaryIO) -> int:
    """Every patient of a JSON Lines backup read and checked, one line at a time; the
    number of patients. Raises `ImportError_` with every problem (capped at
    `MAX_FILE_ERRORS`), an ID given twice among them."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    twice: set[str] = set()
    count = 0
    try:
        for _, number, line in textlines.lines(source, longest=MAX_LINE_BYTES):
            if textlines.blank(line):
                continue
            count += 1
            where = f"line {number}: "
            file, found = _document(line.decode("utf-8"), where)
            if file is not None:
                (twice if file.patient.id in seen else seen).add(file.patient.id)
            errors += found
            if len(errors) >= MAX_FILE_ERRORS:
                errors.append(_stopped(where, errors))
                break
    except textlines.NotUtf8:
        raise ImportError_([FieldError("FILE", "not UTF-8 text")]) from None
    except textlines.LineTooLong as exc:
        most = MAX_LINE_BYTES // (1024 * 1024)
        errors.append(
            FieldError(
                f"line {exc.number}",
                f"longer than {most} MB: a large backup holds one patient a line (JSON "
                f"Lines, as walkback patients export --all writes it), each at most {most} MB",
            )
        )
    if errors:
        raise ImportError_(_grouped(errors))
    if not count:
        raise ImportError_([FieldError("FILE", "empty; expected a WalkBack patient export")])
    if twice:
        again = "appears more than once in the file"
        raise ImportError_([FieldError("patient.id", f"{pid} {again}") for pid in sorted(twice)])
    return count


def backup_batches(source: BinaryIO, size: int | None = None) -> Iterator[list[PatientFile]]:
    """The patients of a backup `check_backup` accepted, `size` at a time, read and
    checked again (a file changed in between raises `ImportError_`)."""
    size = size or BACKUP_BATCH
    files: list[PatientFile] = []
    for _, number, line in textlines.lines(source):
        if textlines.blank(line):
            continue
        file, found = _document(line.decode("utf-8"), f"line {number}: ")
        if file is None or found:
            raise ImportError_([FieldError("FILE", "changed while it was being imported")])
        files.append(file)
        if len(files) == size:
            yield files
            files = []
    if files:
        yield files


_LINE = re.compile(r"^line (\d+): ")


def _grouped(errors: list[FieldError]) -> list[FieldError]:
    """The same problem on many lines of a backup, said once with its lines."""
    groups: dict[tuple[str, str], list[int]] = {}
    order: list[FieldError | tuple[str, str]] = []
    for error in errors:
        found = _LINE.match(error.field)
        if found is None:
            order.append(error)
            continue
        key = (error.field[found.end() :], error.message)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(int(found.group(1)))
    out: list[FieldError] = []
    for item in order:
        if isinstance(item, FieldError):
            out.append(item)
            continue
        field, message = item
        out.append(FieldError(f"{_lines_text(groups[item])}: {field}", message))
    return out


def _lines_text(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"lines {numbers[0]}–{numbers[-1]}"
    shown = ", ".join(map(str, numbers[:10]))
    return f"lines {shown}" + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


# --------------------------------------------------------------------- verification


# The day each earlier ruleset gave way to the next in this product: a consultation
# recorded after it cannot have been made under the older one.
SUPERSEDED_ON = {"1.0": ("2.0", date(2026, 12, 1)), "2.0": ("2.1", date(2026, 12, 7))}


def _consistent(visit: Any) -> list[tuple[str, str]]:
    """What in an earlier ruleset's consultation cannot have come from that ruleset, found
    without its engine: recorded after the next ruleset replaced it, or an emergency
    finding beside any decision but the emergency referral (a red flag beside no referral,
    under 1.0)."""
    out: list[tuple[str, str]] = []
    version = visit.ruleset_version
    recorded = datetime.fromisoformat(visit.recorded_at).astimezone(UTC).date()
    after, on = SUPERSEDED_ON[version]
    if recorded > on:
        out.append(
            (
                "recorded_at",
                f"recorded {recorded.isoformat()}, after ruleset {after} replaced {version} "
                f"on {on.isoformat()}: it cannot have been made under {version}",
            )
        )
    a, decision = visit.assessment, visit.recommendation.decision
    emergency = "EMERGENCY_REFERRAL"
    if version == "1.0":
        flags = set(a.red_flags)
        if flags & ruleset_1_0.EMERGENCY_RED_FLAGS and decision != emergency:
            out.append(("recommendation.decision", f"{decision.value} beside an emergency red "
                        f"flag ({', '.join(sorted(flags & ruleset_1_0.EMERGENCY_RED_FLAGS))}): "
                        "under 1.0 it was an EMERGENCY_REFERRAL"))  # fmt: skip
        elif flags and decision not in ruleset_1_0.REFERRAL_DECISIONS:
            out.append(("recommendation.decision", f"{decision.value} beside a red flag: "
                        "under 1.0 every red flag was a referral"))  # fmt: skip
    else:
        found = (set(a.red_flags) & ruleset_2_0.EMERGENCY_FEATURES) | (
            set(a.exercise_screen) & ruleset_2_0.EMERGENCY_EXERCISE_ITEMS
        )
        if found and decision != emergency:
            out.append(("recommendation.decision", f"{decision.value} beside an emergency "
                        f"feature ({', '.join(sorted(found))}): under 2.0 it was an "
                        "EMERGENCY_REFERRAL"))  # fmt: skip
    return out


def _screens_agree(visit: Any) -> list[tuple[str, str]]:
    """A screen recorded as negative or not asked beside the findings that make it
    positive, or positive with none: the record would contradict itself."""
    details = visit.details
    if details is None or details.screens is None:
        return []
    out = []
    a = visit.assessment
    for screen, found in (
        ("red_flags", getattr(a, "red_flags", None)),
        ("exercise_screen", getattr(a, "exercise_screen", None)),
    ):
        if found is None or screen not in details.screens:
            continue
        status = details.screens[screen]
        if bool(found) != (status == "positive"):
            said = "positive: findings are recorded" if found else "not positive: none is recorded"
            out.append((f"details.screens.{screen}", f"must be {said} ({status} was stored)"))
    return out


# A print's options as the clinic settings they came from (`HandoutOptions.from_settings`).
_PRINTED_SETTINGS = {"clinic": "name", "phone": "phone", "emergency": "emergency",
                     "urgent_line": "urgent_line", "doctor": "doctor", "paper": "paper",
                     "clinician": "clinician", "crisis_line": "crisis_line",
                     "mental_health": "mental_health"}  # fmt: skip


def _printed_sound(visit: Any) -> list[tuple[str, str]]:
    """Each stored print's options pass the clinic settings' own checks: a reprint prints
    them again exactly, emergency number included."""
    from ..clinic import settings_errors

    out = []
    for n, printed in enumerate(visit.printed):
        values = {
            key: str(printed.options[option])
            for option, key in _PRINTED_SETTINGS.items()
            if isinstance(printed.options.get(option), str) and printed.options[option]
        }
        out += [
            (f"printed[{n}].options.{field}", message)
            for field, message in settings_errors(values).items()
        ]
    return out


def verify(file: PatientFile) -> list[FieldError]:
    """What is unsound in a validated patient file, each problem naming its consultation.

    The current ruleset's consultations are decided again; older ones are checked for shape.
    """
    found: list[FieldError] = []
    weeks = [w.week_start for w in file.diary]
    for i, week in enumerate(weeks):
        if week in weeks[:i]:
            found.append(
                FieldError(f"diary[{i}].week_start", f"{week} is given twice; give each week once")
            )
    times = [v.recorded_at for v in file.consultations]
    for i, visit in enumerate(file.consultations):
        at = f"consultations[{i}]"
        if visit.details is not None:
            recorded = datetime.fromisoformat(visit.recorded_at).date()
            if date.fromisoformat(visit.details.visit_date) > recorded:
                found.append(
                    FieldError(
                        f"{at}.details.visit_date",
                        f"{visit.details.visit_date} is after the day it was recorded",
                    )
                )
            corrects = visit.details.corrects
            if corrects is not None and corrects not in times[:i] + times[i + 1 :]:
                found.append(
                    FieldError(
                        f"{at}.details.corrects",
                        "must be the recorded time of another consultation in this file",
                    )
                )
        found += [
            FieldError(f"{at}.recommendation{where}", f"must be plain text; it holds {char}")
            for where, char in _unsafe_text(visit.recommendation.model_dump(mode="json"))
        ]
        if isinstance(visit, Consultation21In):
            found += [
                FieldError(f"{at}.recommendation.{field}", message)
                for field, message in _differences(visit.assessment, visit.recommendation)
            ]
        else:
            found += [
                FieldError(f"{at}.recommendation.{field}", message)
                for field, message in _unsound(visit.recommendation, visit.ruleset_version)
            ]
            found += [FieldError(f"{at}.{field}", message) for field, message in _consistent(visit)]
        found += [FieldError(f"{at}.{field}", message) for field, message in _screens_agree(visit)]
        found += [FieldError(f"{at}.{field}", message) for field, message in _printed_sound(visit)]
    urgency = {
        v.recorded_at: v.recommendation.referral.urgency if v.recommendation.referral else None
        for v in file.consultations
    }
    for i, referral in enumerate(file.referrals):
        at = f"referrals[{i}]"
        if urgency.get(referral.consultation) != referral.urgency:
            found.append(
                FieldError(
                    f"{at}.consultation",
                    f"must be the recorded time of a consultation in this file that gave a "
                    f"{referral.urgency} referral",
                )
            )
        if any(u.on < referral.advised_on for u in referral.updates):
            found.append(
                FieldError(
                    f"{at}.updates", f"every status must be dated {referral.advised_on} or later"
                )
            )
    found += _unsound_episodes(file.episodes)
    kept: list[Psfs] = []
    for i, measure in enumerate(file.measures):
        try:
            rating = measure.rating()
        except ValueError:
            found.append(FieldError(f"measures[{i}].day", "a real date as YYYY-MM-DD"))
            continue
        found += [
            FieldError(f"measures[{i}].{field}", message)
            for field, message in psfs_problems(rating, kept, _latest()).items()
        ]
        kept.append(rating)
    return found


def _unsound_episodes(episodes: Sequence[EpisodeIn]) -> list[FieldError]:
    """Discharges in order on different days, each check-in sound for its discharge."""
    found: list[FieldError] = []
    for i, episode in enumerate(episodes):
        at = f"episodes[{i}]"
        try:
            discharge = episode.discharge()
        except ValueError:
            found.append(FieldError(f"{at}.day", "a real date as YYYY-MM-DD"))
            continue
        if i and episode.day <= episodes[i - 1].day:
            found.append(FieldError(f"{at}.day", "after the previous discharge's day"))
        kept: list[CheckIn] = []
        for j, item in enumerate(episode.check_ins):
            try:
                entry = item.entry()
            except ValueError:
                found.append(FieldError(f"{at}.check_ins[{j}]", "real dates as YYYY-MM-DD"))
                continue
            found += [
                FieldError(f"{at}.check_ins[{j}].{field}", message)
                for field, message in problems(discharge, entry, kept, _latest()).items()
            ]
            kept.append(entry)
    return found


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _differences(assessment: Assessment, stored: Recommendation) -> list[tuple[str, str]]:
    """Where a stored 2.0 recommendation differs from what the rules give for its assessment.

    Decision, doses, referral, flags, flare care, review and each rule's outcome are
    compared; the wording of cards and reasons is kept as recorded and not compared.
    """
    from ..core.engine import recommend

    if stored.ruleset_version != RULESET_VERSION:
        return [("ruleset_version", f'must be "{RULESET_VERSION}", as the consultation says')]
    rules = recommend(assessment)
    out: list[tuple[str, str]] = []

    def differs(field: str, was: Any, gives: Any, shown: Any = _text) -> None:
        if was != gives:
            out.append(
                (
                    field,
                    f"stored as {shown(was)}, but the rules give {shown(gives)} for this "
                    "assessment; a stored recommendation must be what the rules decide",
                )
            )

    differs("decision", stored.decision.value, rules.decision.value, str)
    differs("next_dose", stored.next_dose, rules.next_dose, describe_dose)
    differs("resume_dose", stored.resume_dose, rules.resume_dose, describe_dose)
    differs("referral", _referral(stored), _referral(rules))
    differs("flags", sorted(f.value for f in stored.flags), [f.value for f in rules.flags])
    differs("ice_or_heat", stored.ice_or_heat, rules.ice_or_heat)
    differs("medication_discussion", stored.medication_discussion, rules.medication_discussion)
    differs("review_in_days", stored.review_in_days, rules.review_in_days)
    was = [(t.rule_id, t.fired) for t in stored.trace]
    gives = [(t.rule_id, t.fired) for t in rules.trace]
    if was != gives:
        if [r for r, _ in was] != [r for r, _ in gives]:
            message = (
                f"must list every rule of ruleset {RULESET_VERSION} in order, as the rules "
                "give them"
            )
        else:
            changed = ", ".join(r for (r, a), (_, b) in zip(was, gives, strict=True) if a != b)
            message = f"stored rule outcomes differ from what the rules give at {changed}"
        out.append(("trace", message))
    if not stored.cards:
        out.append(("cards", "must hold the cards shown to the clinician; the list is empty"))
    return out


def _unsafe_text(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every string in stored output holding a refused character: (path, code point)."""
    if isinstance(value, str):
        char = unsafe_character(value, prose=True)
        if char is not None:
            yield where, char
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unsafe_text(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _unsafe_text(item, f"{where}[{n}]")


def _referral(rec: Recommendation) -> dict[str, Any] | None:
    r = rec.referral
    return None if r is None else {"urgency": r.urgency, "conditions": list(r.conditions)}


# The decision card's indicator under each earlier ruleset (1.0 §6, 2.0 §8); any other
# decision's card was "info". A stored card that says otherwise was not made by that ruleset.
_DECISION_INDICATOR: dict[str, dict[str, str]] = {
    "1.0": {"EMERGENCY_REFERRAL": "critical", "URGENT_REFERRAL": "critical",
            "ROUTINE_REFERRAL": "warning", "MEDICAL_CLEARANCE": "warning",
            "OUT_OF_SCOPE": "warning", "SEVERE_FLARE": "warning"},
    "2.0": {"EMERGENCY_REFERRAL": "critical", "SAME_DAY_REFERRAL": "critical",
            "URGENT_REFERRAL": "critical", "OUT_OF_SCOPE": "warning", "SEVERE_FLARE": "warning"},
}  # fmt: skip


def _unsound(
    rec: ruleset_1_0.Recommendation | ruleset_2_0.Recommendation, version: str
) -> list[tuple[str, str]]:
    """What makes a stored recommendation of an earlier ruleset unfit to show as recorded:
    its own contract checked it; this checks that it holds together (spec §11)."""
    out: list[tuple[str, str]] = []
    if rec.ruleset_version != version:
        out.append(("ruleset_version", f'must be "{version}", as the consultation says'))
    if not rec.cards:
        out.append(("cards", "must hold the cards shown to the clinician; the list is empty"))
    if not rec.trace:
        out.append(("trace", "must hold the rule outcomes; the list is empty"))
    dose = rec.next_dose
    if dose is not None:
        spans = [("minutes_per_walk", dose.minutes_per_walk, 1, 240)]
        if dose.walks_per_week is not None:
            spans.append(("walks_per_week", dose.walks_per_week, 0, 14))
        for name, span, lo, hi in spans:
            if not lo <= span.min <= span.max <= hi:
                out.append(
                    (
                        f"next_dose.{name}",
                        f"must run from min to max within {lo}–{hi}; "
                        f"stored as {span.min}–{span.max}",
                    )
                )
    referral_decisions = (
        ruleset_1_0.REFERRAL_DECISIONS if version == "1.0" else ruleset_2_0.REFERRAL_DECISIONS
    )
    if rec.decision in referral_decisions and (rec.referral is None or dose):
        out.append(("referral", f"{rec.decision.value} needs a referral and no walking dose"))
    if rec.cards:
        expected = _DECISION_INDICATOR[version].get(rec.decision.value, "info")
        if rec.cards[0].indicator != expected:
            out.append(
                (
                    "cards[0].indicator",
                    f"the decision's card of {rec.decision.value} was {expected!r} under "
                    f"{version}; stored as {rec.cards[0].indicator!r}",
                )
            )
    if rec.review_in_days is not None and not 1 <= rec.review_in_days <= 365:
        out.append(
            ("review_in_days", f"must be 1–365 days or null; stored as {rec.review_in_days}")
        )
    return out


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
