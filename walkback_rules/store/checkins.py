"""Follow-up check-ins from a CSV file, such as a survey tool's export.

One row per check-in, with a header row naming these columns (in any order):

    patient, month, asked_on, asked_by, how, answered, pain, limited, sought_care, began

`answered`, `pain`, `limited` and `sought_care` are yes or no (blank when not asked);
`how` is phone, in person, card or message; `began` is a day (YYYY-MM-DD) or, when the
person could not say the day, its month (YYYY-MM). Every line is read before anything is
written; any problem refuses the whole file, naming each line and field.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from ..core.validation import FieldError
from ..outcomes.followup import CHANNELS, FIELD_LABELS, Channel, CheckIn
from .transfer import ID_PATTERN, MAX_FILE_ERRORS, MAX_IMPORT_BYTES, ImportError_

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


def read_check_ins(raw: bytes) -> list[tuple[int, str, CheckIn]]:
    """Every check-in in a CSV file, as `(line, patient, entry)`, read and shaped; whether
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
    extra = [h for h in header if h not in COLUMNS]
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
    return rows
