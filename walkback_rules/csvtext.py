"""Rows as CSV that a spreadsheet opens as data, never as formulas.

A cell that begins with =, +, -, @, a tab or a carriage return is read by spreadsheets as
a formula (`=HYPERLINK(...)` can send data away when clicked). Such text cells get a
leading apostrophe, which spreadsheets show as text; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value as a CSV cell: text that could start a formula is marked as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """`rows` (dicts with the same keys) as CSV text with a header row."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(k) for k in rows[0]])
    writer.writerows([cell(v) for v in row.values()] for row in rows)
    return out.getvalue()
