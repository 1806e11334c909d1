"""Assessment is strict about spec §2, and every error names its field and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from walkback_rules import Assessment, field_errors

from .conftest import assessment_data, flare, walking


def errors(data: Any) -> list[str]:
    with pytest.raises(ValidationError) as info:
        Assessment.model_validate(data)
    return [str(e) for e in field_errors(info.value)]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"age": 121}, "age: must be a whole number from 0 to 120; got 121"),
        ({"age": -1}, "age: must be a whole number from 0 to 120; got -1"),
        ({"age": 40.0}, "age: must be a whole number from 0 to 120; got 40.0"),
        ({"age": "40"}, 'age: must be a whole number from 0 to 120; got "40"'),
        ({"age": True}, "age: must be a whole number from 0 to 120; got true"),
        ({"visit": "first"}, 'visit: must be one of "initial", "review"; got "first"'),
        ({"previous_episodes": 1001}, "previous_episodes: must be a whole number from 0 to 1000"),
        (
            {"flare": {"pain_now": 11}},
            "flare.pain_now: must be a whole number from 0 to 10; got 11",
        ),
        (
            {"flare": {"level": "bad"}},
            'flare.level: must be one of "none", "mild", "moderate", "severe"',
        ),
        (
            {"walking": {"walks_per_week": 15}},
            "walking.walks_per_week: must be a whole number from 0 to 14",
        ),
        (
            {"walking": {"minutes_per_walk": 241}},
            "walking.minutes_per_walk: must be a whole number from 0 to 240",
        ),
        (
            {"walking": {"weeks_at_current_dose": -1}},
            "walking.weeks_at_current_dose: must be a whole number of 0 or more",
        ),
        ({"phq2": 7}, "phq2: must be a whole number from 0 to 6, or null when not asked; got 7"),
        (
            {"walking_tolerance": "poor"},
            'walking_tolerance: must be one of "full", "duration_limited", "not_tolerated"',
        ),
        (
            {"cardiorespiratory_concern": "yes"},
            'cardiorespiratory_concern: must be true or false; got "yes"',
        ),
        ({"prefers_other_exercise": 1}, "prefers_other_exercise: must be true or false; got 1"),
        (
            {"red_flags": ["saddle"]},
            'red_flags[0]: must be a list of unique codes, each one of "cauda_equina"',
        ),
        ({"red_flags": "cauda_equina"}, "red_flags: must be a list of unique codes"),
        (
            {"red_flags": ["cauda_equina", "cauda_equina"]},
            "red_flags: each code may appear once; repeated: cauda_equina",
        ),
        (
            {"agee": 40},
            "agee: unknown field; the fields allowed here are: age, visit, previous_episodes",
        ),
        (
            {"flare": {"days": 3}},
            "flare.days: unknown field; "
            "the fields allowed here are: level, pain_now, days_since_onset",
        ),
        ({"flare": "mild"}, "flare: must be an object with level, pain_now and days_since_onset"),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, dict) else "",
)
def test_field_error_names_field_and_allowed(overrides: dict[str, Any], expected: str) -> None:
    """Each bad value gets one message naming the field's dotted path and what is allowed."""

    got = errors(assessment_data(**overrides))

    assert any(e.startswith(expected) for e in got), got


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"flare": flare("mild", 2, None)},
            'flare.days_since_onset: required when flare.level is "mild"',
        ),
        (
            {"flare": {"level": "none", "pain_now": 0, "days_since_onset": 3}},
            'flare.days_since_onset: must be null when flare.level is "none"',
        ),
        (
            {"walking": walking(0, 10)},
            "walking.minutes_per_walk: must be 0 when walking.walks_per_week is 0",
        ),
        (
            {"walking": walking(3, 0)},
            "walking.minutes_per_walk: must be at least 1 when walking.walks_per_week is above 0",
        ),
        (
            {"visit": "initial", "last_progression": {"pain_increased": False}},
            'last_progression: must be null when visit is "initial"',
        ),
        (
            {"walking": walking(0, 0), "last_progression": {"pain_increased": False}},
            "last_progression: must be null when walking.walks_per_week is 0",
        ),
        (
            {"last_progression": {"pain_increased": True}},
            "last_progression.settled_within_24h: required (true or false)",
        ),
        (
            {"last_progression": {"pain_increased": False, "settled_within_24h": True}},
            "last_progression.settled_within_24h: "
            "must be null when last_progression.pain_increased is false",
        ),
        (
            {
                "last_progression": {
                    "pain_increased": False,
                    "previous_dose": {"walks_per_week": 5, "minutes_per_walk": 10},
                }
            },
            "last_progression.previous_dose.walks_per_week: "
            "must not be above the current walking.walks_per_week (4); got 5",
        ),
        (
            {
                "last_progression": {
                    "pain_increased": False,
                    "previous_dose": {"walks_per_week": 4, "minutes_per_walk": 11},
                }
            },
            "last_progression.previous_dose.minutes_per_walk: must not be above the current",
        ),
        (
            {
                "last_progression": {
                    "pain_increased": False,
                    "previous_dose": {"walks_per_week": 0, "minutes_per_walk": 10},
                }
            },
            "last_progression.previous_dose.walks_per_week: must be a whole number from 1 to 14",
        ),
    ],
    ids=[
        "onset-required",
        "onset-null",
        "minutes-zero",
        "minutes-nonzero",
        "progression-initial",
        "progression-not-walking",
        "settled-required",
        "settled-null",
        "previous-walks-above",
        "previous-minutes-above",
        "previous-at-least-1",
    ],
)
def test_cross_field_rules(overrides: dict[str, Any], expected: str) -> None:
    """Each cross-field contradiction of spec §2 is an error naming the field to fix."""

    got = errors(assessment_data(**overrides))

    assert any(e.startswith(expected) for e in got), got


def test_several_cross_field_problems_reported_together() -> None:
    """All cross-field problems of one record are reported, one message each."""

    got = errors(
        assessment_data(
            visit="initial",
            last_progression={
                "pain_increased": False,
                "previous_dose": {"walks_per_week": 9, "minutes_per_walk": 50},
            },
        )
    )

    assert [e.split(":")[0] for e in got] == [
        "last_progression",
        "last_progression.previous_dose.walks_per_week",
        "last_progression.previous_dose.minutes_per_walk",
    ]


def test_missing_required_fields() -> None:
    """Missing required fields are each named with what is allowed."""

    got = errors({})

    assert got == [
        "age: required: a whole number from 0 to 120",
        "previous_episodes: required: a whole number from 0 to 1000",
        "flare: required: an object with level, pain_now and days_since_onset",
        "walking: required: "
        "an object with walks_per_week, minutes_per_walk and weeks_at_current_dose",
    ]


def test_not_an_object() -> None:
    """A non-object input says an object is expected."""

    assert errors([1, 2]) == [
        "assessment: must be a JSON object with the assessment's fields; got [1, 2]"
    ]


def test_invalid_json() -> None:
    """Broken JSON names the input and says it is not JSON."""

    with pytest.raises(ValidationError) as info:
        Assessment.model_validate_json('{"age": ')

    assert str(field_errors(info.value)[0]).startswith("assessment: not valid JSON")


def test_defaults() -> None:
    """Optional fields take the defaults of spec §2."""

    a = Assessment.model_validate(
        {
            "age": 40,
            "previous_episodes": 0,
            "flare": {"level": "none", "pain_now": 0},
            "walking": {"walks_per_week": 0, "minutes_per_walk": 0},
        }
    )

    assert (a.visit, a.red_flags, a.phq2, a.walking_tolerance, a.last_progression) == (
        "initial",
        [],
        None,
        "full",
        None,
    )
    assert a.walking.weeks_at_current_dose is None
    assert not a.cardiorespiratory_concern and not a.prefers_other_exercise


def test_assessment_is_frozen() -> None:
    """A validated assessment cannot be changed."""

    a = Assessment.model_validate(assessment_data())

    with pytest.raises(ValidationError):
        a.age = 30  # type: ignore[misc]
