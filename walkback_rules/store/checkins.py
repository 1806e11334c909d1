"""Follow-up check-ins from a CSV file, such as a survey tool's export.

One row per check-in, with a header row naming these columns (in any order):

    patient, month, asked_on, asked_by, how, answered, pain, limited, sought_care, began

A file the record exported also has `discharged` (the discharge day each check-in
follows, which must be the patient's latest) and `discharge_reason` (for reading only).
`answered`, `pain`, `limited` and `sought_care` are yes or no (blank when not asked);
`how` is phone, in person, card or message; `began` is a day (YYYY-MM-DD) or, when the
person could not say the day, its month (YYYY-MM). Every line is read before anything is
written; any problem refuses the whole file, naming each line and field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from ..core.validation import FieldError
from ..outcomes.followup import CHANNELS, FIELD_LABELS, Channel, CheckIn
from .transfer import ID_PATTERN, MAX_FILE_ERRORS, MAX_IMPORT_BYTES, ImportError_

if TYPE_CHECKING:
    from .repo import Episode

COLUMNS = (
    "patient",
    "month",
    "asked_on",
    "asked_by",
    "how",
    "answered",
    "pain",
    "limited",
    "sought_care",
    "began",
)
EXPORTED = ("discharged", "discharge_reason")  # written by `export_rows`, optional to read
_YES_NO = {"yes": True, "no": False, "": None}
_HOW: dict[str, Channel] = {
    **{key: key for key in CHANNELS},
    **{words: key for key, words in CHANNELS.items()},
}


class _Line:
    """One row's cells, read field by field; each problem is kept under its field."""

    def __init__(self, cells: dict[str, str]) -> None:
        self.cells = {k: (v or "").strip() for k, v in cells.items()}
        self.errors: dict[str, str] = {}

    def yes_no(self, field: str, required: bool = False) -> bool | None:
        text = self.cells[field].lower()
        if text not in _YES_NO or (required and not text):
            self.errors[field] = "yes or no" if required else "yes, no or blank"
            return None
        return _YES_NO[text]

    def day(self, field: str) -> date | None:
        try:
            return date.fromisoformat(self.cells[field])
        except ValueError:
            self.errors[field] = "a date as YYYY-MM-DD"
            return None


def _entry(line: _Line) -> CheckIn | None:
    cells = line.cells
    month = int(cells["month"]) if cells["month"].isdigit() else None
    if month is None:
        line.errors["month"] = "a whole number of months after discharge, from 1 to 36"
    asked_on = line.day("asked_on")
    how = _HOW.get(cells["how"].lower())
    if how is None:
        line.errors["how"] = "phone, in person, card or message"
    answered = line.yes_no("answered", required=True)
    pain, limited, sought = (line.yes_no(f) for f in ("pain", "limited", "sought_care"))
    began: date | None = None
    month_only = False
    if cells["began"]:
        text = cells["began"]
        try:
            if len(text) == 7:
                began, month_only = date.fromisoformat(text + "-01"), True
            else:
                began = date.fromisoformat(text)
        except ValueError:
            line.errors["began"] = "a day as YYYY-MM-DD, or a month as YYYY-MM, or blank"
    if line.errors or month is None or asked_on is None or how is None or answered is None:
        return None
    return CheckIn(
        month, asked_on, cells["asked_by"], how, answered, pain, limited, sought, began, month_only
    )


def _words(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def export_rows(episodes: Sequence[Episode]) -> list[dict[str, object]]:
    """Every check-in as a row of the file `read_check_ins` reads, with its discharge."""
    return [
        {
            "patient": e.patient_id,
            "month": c.month,
            "asked_on": c.asked_on.isoformat(),
            "asked_by": c.asked_by,
            "how": CHANNELS[c.how],
            "answered": _words(c.answered),
            "pain": _words(c.pain),
            "limited": _words(c.limited),
            "sought_care": _words(c.sought_care),
            "began": "" if c.began is None else c.began.isoformat()[: 7 if c.month_only else 10],
            "discharged": e.discharge.day.isoformat(),
            "discharge_reason": e.discharge.reason,
        }
        for e in episodes
        for c in e.check_ins
    ]


class Line(NamedTuple):
    """A check-in read from a file: its line, patient, entry and (when the file gives it)
    the day of the discharge it follows."""

    line: int
    patient: str
    entry: CheckIn
    discharged: date | None = None


def read_check_ins(raw: bytes) -> list[Line]:
    """Every check-in in a CSV file, read and shaped; whether
    each is sound for its patient's discharge is checked by `Store.import_check_ins`.

    Raises `ImportError_` naming every line and field that is wrong (capped)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportError_(
            [FieldError("FILE", f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB")]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportError_([FieldError("FILE", "not UTF-8 text")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in COLUMNS + EXPORTED]
    if not header:
        raise ImportError_(
            [FieldError("FILE", "empty; expected a header row: " + ", ".join(COLUMNS))]
        )
    if missing or extra:
        said = []
        if missing:
            said.append("missing " + ", ".join(missing))
        if extra:
            said.append("not known: " + ", ".join(extra))
        raise ImportError_(
            [FieldError("header", "; ".join(said) + ". The columns are " + ", ".join(COLUMNS))]
        )
    reader.fieldnames = header
    rows: list[tuple[int, str, CheckIn]] = []
    errors: list[FieldError] = []
    dates: dict[int, date] = {}  # each line's discharge day, when the file gives it
    try:
        for row in reader:
            number = reader.line_num
            if None in row:  # more cells than the header names
                errors.append(FieldError(f"line {number}", f"more than {len(COLUMNS)} cells"))
                continue
            line = _Line(row)
            patient = line.cells["patient"]
            if not ID_PATTERN.match(patient):
                line.errors["patient"] = 'a pseudonym such as "P-7K2QF9"'
            entry = _entry(line)
            if line.cells.get("discharged"):
                discharged = line.day("discharged")
                if discharged is not None:
                    dates[number] = discharged
            errors += [
                FieldError(f"line {number}: {FIELD_LABELS.get(k, k)}", v)
                for k, v in line.errors.items()
            ]
            if entry is not None and not line.errors:
                rows.append((number, patient, entry))
            if len(errors) >= MAX_FILE_ERRORS:
                errors.append(
                    FieldError(
                        f"line {number}", "checking stopped here; fix these and import again"
                    )
                )
                break
    except csv.Error as exc:
        errors.append(FieldError(f"line {reader.line_num}", f"not readable as CSV ({exc})"))
    if errors:
        raise ImportError_(errors)
    if not rows:
        raise ImportError_([FieldError("FILE", "no check-ins under the header row")])
    return [Line(n, p, e, dates.get(n)) for n, p, e in rows]
