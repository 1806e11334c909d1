"""The recurrence follow-up after discharge: calendar months, what is refused by field,
what is due, and the primary outcome each patient adds to the clinic's curve."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkback_rules.outcomes.followup import (
    CheckIn,
    Discharge,
    add_months,
    due,
    outcome,
    problems,
)
from walkback_rules.outcomes.survival import kaplan_meier

OUT = Discharge(date(2026, 1, 31), "completed", (5, 30))


def asked(month: int, **answers: object) -> CheckIn:
    base = CheckIn(month, add_months(OUT.day, month), "SL", "phone", True, pain=False)
    return replace(base, **answers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), 12, date(2027, 3, 31)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
        (date(2026, 1, 1), 36, date(2029, 1, 1)),
    ],
)
def test_a_month_is_a_calendar_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


PAIN = {"pain": True, "limited": True, "sought_care": False, "began": date(2026, 5, 2)}


@pytest.mark.parametrize(
    ("entry", "field", "words"),
    [
        (asked(0), "month", "from 1 to 36"),
        (asked(37), "month", "from 1 to 36"),
        (asked(2, asked_on=date(2026, 1, 30)), "asked_on", "on or after discharge"),
        (asked(2, asked_by="  "), "asked_by", "who asked"),
        (asked(2, answered=False), "answered", "leave the questions blank"),
        (asked(2, pain=None), "pain", "yes or no"),
        (asked(2, limited=True), "pain", "left blank"),
        (asked(5, **{**PAIN, "limited": None}), "limited", "when there was back pain"),
        (asked(5, **{**PAIN, "sought_care": None}), "sought_care", "when there was back pain"),
        (asked(5, **{**PAIN, "began": None}), "began", "a day, or its month"),
        (asked(3, **{**PAIN, "began": date(2026, 6, 1)}), "began", "on or before the check-in"),
        (asked(5, **{**PAIN, "began": date(2026, 1, 20)}), "began", "on or after discharge"),
        (asked(5, **{**PAIN, "month_only": True}), "began", "first day of that month"),
    ],
)
def test_a_bad_check_in_is_refused_by_field(entry: CheckIn, field: str, words: str) -> None:
    found = problems(OUT, entry)

    assert field in found and words in found[field], found


def test_a_month_already_recorded_is_refused_and_good_entries_pass() -> None:
    kept = [asked(1)]

    assert "already recorded" in problems(OUT, asked(1), kept)["month"]
    assert problems(OUT, asked(2), kept) == {}
    assert problems(OUT, asked(5, **PAIN)) == {}
    assert problems(OUT, CheckIn(3, date(2026, 4, 30), "SL", "card", False)) == {}
    assert problems(OUT, asked(5, **{**PAIN, "began": date(2026, 5, 1), "month_only": True})) == {}


def test_what_is_due_is_every_unrecorded_month_to_a_week_ahead_and_nothing_after_a_recurrence() -> (
    None
):
    today = date(2026, 5, 25)  # month 4 is 30 May: within the week; month 5 is 30 June

    assert due(OUT, [], today) == [
        (1, date(2026, 2, 28)),
        (2, date(2026, 3, 31)),
        (3, date(2026, 4, 30)),
        (4, date(2026, 5, 31)),
    ]
    assert [m for m, _ in due(OUT, [asked(1), asked(2, answered=False, pain=None)], today)] == [
        3,
        4,
    ]
    assert due(OUT, [asked(1, **{**PAIN, "began": date(2026, 2, 10)})], today) == []


def test_the_primary_outcome_is_the_first_activity_limiting_recurrence_or_the_last_answer() -> None:
    recurred = [asked(1), asked(2), asked(3, answered=False, pain=None), asked(5, **PAIN), asked(6)]
    mild = [asked(1, pain=True, limited=False, sought_care=False, began=date(2026, 2, 20))]

    assert outcome(OUT, recurred) == outcome(OUT, recurred[::-1])
    assert outcome(OUT, recurred).days == (date(2026, 5, 2) - OUT.day).days
    assert outcome(OUT, recurred).event
    assert outcome(OUT, mild).event is False  # pain that did not limit activity
    assert outcome(OUT, mild).days == (add_months(OUT.day, 1) - OUT.day).days
    # An unanswered month never counts as follow-up without a recurrence.
    assert outcome(OUT, [asked(1), asked(2, answered=False, pain=None)]).days == 28
    assert outcome(OUT, [asked(1, answered=False, pain=None)]).days is None


months = st.integers(1, 12)


@st.composite
def histories(draw: st.DrawFn) -> list[CheckIn]:
    chosen = sorted(draw(st.sets(months, min_size=1, max_size=12)))
    # A fifth of the histories have no answer at all (the antecedent is reached often).
    silent = draw(st.integers(0, 4)) == 0
    out = []
    for m in chosen:
        kinds = ["unanswered"] if silent else ["none", "unanswered", "mild", "limiting"]
        kind = draw(st.sampled_from(kinds))
        day = add_months(OUT.day, m)
        if kind == "unanswered":
            out.append(CheckIn(m, day, "SL", "phone", False))
        elif kind == "none":
            out.append(asked(m))
        else:
            began = day - timedelta(days=draw(st.integers(0, 27)))
            out.append(
                asked(m, pain=True, limited=kind == "limiting", sought_care=False, began=began)
            )
    return out


def test_an_outcome_is_an_event_exactly_when_a_limiting_recurrence_was_reported() -> None:
    reached = {"event": 0, "censored": 0, "nothing answered": 0}

    @settings(max_examples=500, deadline=None)
    @given(histories())
    def check(history: list[CheckIn]) -> None:
        result = outcome(OUT, history)
        limiting = [e for e in history if e.recurrence]
        answered = [e for e in history if e.answered]
        if limiting:
            reached["event"] += 1
            assert result.event and result.days == (limiting[0].began - OUT.day).days  # type: ignore[operator]
        elif answered:
            reached["censored"] += 1
            assert not result.event
            assert result.days == (answered[-1].asked_on - OUT.day).days
        else:
            reached["nothing answered"] += 1
            assert result.days is None
        assert result.days is None or result.days >= 0

    check()
    print("\nfollow-up histories reached:", reached)
    assert all(n >= 50 for n in reached.values()), reached


def test_outcomes_make_a_curve() -> None:
    """Six patients: the estimator takes the outcomes as they come from the follow-up."""
    patients = [
        [asked(1), asked(2, **{**PAIN, "began": date(2026, 3, 20)})],
        [asked(1), asked(2), asked(3)],
        [asked(1, **{**PAIN, "began": date(2026, 2, 5)})],
        [asked(1), asked(2), asked(3), asked(4), asked(5), asked(6)],
        [CheckIn(1, date(2026, 2, 28), "SL", "phone", False)],
        [asked(1), asked(2), asked(3), asked(4), asked(5, **PAIN)],
    ]
    results = [outcome(OUT, p) for p in patients]
    followed = [r for r in results if r.days is not None]
    curve = kaplan_meier([r.days for r in followed], [r.event for r in followed])  # type: ignore[misc]

    assert curve.subjects == 5 and curve.events == 3
    assert curve.steps[0].time == 5 and curve.steps[0].at_risk == 5
