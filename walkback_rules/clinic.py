"""The clinic's own details, set once and printed on every handout and letter.

Kept in the patient record's store (`Store.settings`), set on the Clinic settings page or
with `walkback settings set`. Nothing here is clinical: it is who the patient calls, what
the local emergency number is, and what the patient calls their doctor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
PAPER_NAMES: dict[Paper, str] = {"a4": "A4", "letter": "US Letter"}
Doctor = Literal["GP", "family doctor"]
DOCTORS: tuple[Doctor, ...] = ("GP", "family doctor")

# The characters the bundled handout font prints (tools/subset_fonts.py cuts the font to
# these): Western and Central European Latin, dashes, quotes, arrows, common maths signs,
# ticks, crosses, boxes and stars.
PRINTABLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x0218, 0x021B),  # Romanian comma-below letters
    (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
    (0x2030, 0x203A),  # per mille, primes, angle quotes
    (0x20AC, 0x20AC),  # euro sign
    (0x2122, 0x2122),  # trade mark
    (0x2190, 0x2195),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x2248, 0x2248),  # almost equal
    (0x2260, 0x2265),  # not equal, less or equal, greater or equal
    (0x25A0, 0x25A1),  # squares
    (0x25CF, 0x25CF),  # black circle
    (0x2605, 0x2606),  # stars
    (0x2610, 0x2612),  # ballot boxes
    (0x2713, 0x2718),  # check and cross marks
)


def printable(text: str) -> bool:
    """Whether the handout font has every character of `text`."""
    return all(any(lo <= ord(c) <= hi for lo, hi in PRINTABLE_RANGES) for c in text)


CLINIC_MAX = 80
PHONE_MAX = 30
PATIENT_MAX = 40
CLINICIAN_MAX = 60
EMERGENCY_MAX = 6
CONTACT_MAX = 80
_PHONE_CHARS = frozenset("0123456789 +()-.")
_LATIN = "in Latin letters, digits and punctuation"


def option_errors(clinic: str, phone: str, patient: str) -> dict[str, str]:
    """What is wrong with a handout's details, by field, in plain words."""
    errors = {}
    if len(clinic) > CLINIC_MAX or not printable(clinic):
        errors["clinic"] = f"at most {CLINIC_MAX} characters, {_LATIN}"
    if len(phone) > PHONE_MAX or not set(phone) <= _PHONE_CHARS:
        errors["phone"] = f"up to {PHONE_MAX} digits, spaces and + ( ) - . only"
    if len(patient) > PATIENT_MAX or not printable(patient):
        errors["patient"] = f"a pseudonym of at most {PATIENT_MAX} characters, {_LATIN}"
    return errors


@dataclass(frozen=True, slots=True)
class ClinicSettings:
    """What every handout and letter prints about the clinic."""

    name: str = ""
    phone: str = ""
    emergency: str = ""  # the local emergency number: 000, 999, 911, 112
    urgent_line: str = ""  # a phone line for urgent health advice, when there is one
    doctor: Doctor = "GP"
    paper: Paper = "a4"
    clinician: str = ""  # the clinician who usually signs the letters
    # For a concern about self-harm: the local crisis line and the urgent mental-health
    # contact, named on the critical card and printed on the discreet contacts slip.
    crisis_line: str = ""
    mental_health: str = ""
    # The clinic's time zone (an IANA name such as Europe/London): every time shown or
    # printed is the clinic's local time, with its zone. Empty: this computer's own.
    time_zone: str = ""

    @property
    def zone(self) -> tzinfo | None:
        """The clinic's time zone; None means this computer's local time."""
        return ZoneInfo(self.time_zone) if self.time_zone else None

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ClinicSettings:
        """Settings as stored; a field the store does not hold keeps its default."""
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: str(v) for k, v in data.items() if k in known})  # type: ignore[arg-type]


# The settings' fields in plain words, for errors and forms.
SETTING_LABELS: dict[str, str] = {
    "name": "Clinic name",
    "phone": "Clinic phone",
    "emergency": "Emergency number",
    "urgent_line": "Urgent advice line",
    "doctor": "The patient's doctor is called",
    "paper": "Paper",
    "clinician": "Clinician",
    "crisis_line": "Crisis line",
    "mental_health": "Urgent mental-health contact",
    "time_zone": "Time zone",
}


def settings_errors(values: dict[str, str]) -> dict[str, str]:
    """What is wrong with clinic settings, by field, in plain words. Nothing is changed."""
    errors: dict[str, str] = {}
    unknown = sorted(set(values) - set(SETTING_LABELS))
    for key in unknown:
        errors[key] = "one of the clinic settings: " + ", ".join(SETTING_LABELS)
    basic = option_errors(values.get("name", ""), values.get("phone", ""), "")
    if "clinic" in basic:
        errors["name"] = basic["clinic"]
    if "phone" in basic:
        errors["phone"] = basic["phone"]
    emergency = values.get("emergency", "")
    digits = emergency.isascii() and emergency.isdigit()
    if emergency and (not digits or len(emergency) > EMERGENCY_MAX):
        errors["emergency"] = f"digits only, at most {EMERGENCY_MAX} (for example 000, 999, 911)"
    line = values.get("urgent_line", "")
    if len(line) > PHONE_MAX or not set(line) <= _PHONE_CHARS:
        errors["urgent_line"] = f"up to {PHONE_MAX} digits, spaces and + ( ) - . only"
    if values.get("doctor", "GP") not in DOCTORS:
        errors["doctor"] = "either GP or family doctor"
    if values.get("paper", "a4") not in PAPERS:
        errors["paper"] = "either a4 or letter"
    clinician = values.get("clinician", "")
    if len(clinician) > CLINICIAN_MAX or not printable(clinician):
        errors["clinician"] = f"at most {CLINICIAN_MAX} characters, {_LATIN}"
    crisis = values.get("crisis_line", "")
    if len(crisis) > PHONE_MAX or not set(crisis) <= _PHONE_CHARS:
        errors["crisis_line"] = f"up to {PHONE_MAX} digits, spaces and + ( ) - . only"
    contact = values.get("mental_health", "")
    if len(contact) > CONTACT_MAX or not printable(contact) or "\n" in contact:
        errors["mental_health"] = (
            f"one line of at most {CONTACT_MAX} characters, {_LATIN} (a team's name and number)"
        )
    zone = values.get("time_zone", "")
    if zone and zone not in time_zones():
        errors["time_zone"] = (
            "a time zone by its place name, such as Europe/London or Australia/Sydney "
            "(empty: this computer's own)"
        )
    return errors


@cache
def time_zones() -> tuple[str, ...]:
    """The time zones this computer knows, by IANA name, sorted."""
    return tuple(sorted(available_timezones()))


def local(moment: datetime | str, zone: tzinfo | None) -> datetime:
    """A moment (a datetime, or a stored ISO stamp with its offset) in the clinic's time zone
    (this computer's when `zone` is None). A moment without a zone is read as UTC, as the
    record stores it."""
    at = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo("UTC"))
    return at.astimezone(zone)


def today(zone: tzinfo | None, moment: datetime | str | None = None) -> date:
    """The clinic's calendar day at `moment` (now when None): the one "today" of the form,
    the record's checks, the schedules and the command line, in the clinic's time zone
    (this computer's when `zone` is None). A server on UTC serving a clinic in Sydney
    dates a visit at 07:45 in Sydney on Sydney's day, not the day before."""
    at = datetime.now(ZoneInfo("UTC")) if moment is None else moment
    return local(at, zone).date()


def zone_words(at: datetime) -> str:
    """The zone of a local time as printed beside it: "Europe/London, UTC+00:00", or the
    offset alone when the zone has no name."""
    offset = at.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    name = getattr(at.tzinfo, "key", None)
    return f"{name}, {utc}" if name and name != "UTC" else utc


def clock(moment: datetime | str, zone: tzinfo | None) -> str:
    """A moment as the screens show it: "14:05 on 2026-12-07 (Europe/London, UTC+00:00)"."""
    at = local(moment, zone)
    return f"{at:%H:%M} on {at:%Y-%m-%d} ({zone_words(at)})"


def signing_name(typed: str, usual: str) -> str:
    """Who signs a letter, by full name. The consultation's clinician when it gives a full
    name; when it gives initials that are the usual clinician's (Clinic settings), the
    usual clinician's full name; otherwise what was typed, or the usual clinician."""
    typed, usual = typed.strip(), usual.strip()
    if not typed:
        return usual
    if " " not in typed and usual:
        initials = "".join(word[0] for word in usual.replace("-", " ").split()).upper()
        if typed.replace(".", "").upper() == initials:
            return usual
    return typed


def error_lines(errors: dict[str, str]) -> list[str]:
    """Each problem as a sentence that names its field."""
    return [f"{SETTING_LABELS.get(k, k)} must be {why}" for k, why in errors.items()]
