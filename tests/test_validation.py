"""Spec §2: the Assessment is strict, and every problem names its field and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import AssessmentError, validate_assessment, validate_assessment_json
from walkback_rules.core.models import CROSS_FIELD_RULES

from .conftest import assessment_data, make_assessment


def problems(data: Any) -> dict[str, str]:
    """Field → message for every problem `data` has (empty when it is valid)."""
    try:
        validate_assessment(data)
    except AssessmentError as exc:
        return {e.field: e.message for e in exc.errors}
    return {}


def test_defaults_of_every_optional_field() -> None:
    """Left out, each optional field takes the default of spec §2."""

    a = make_assessment()

    assert (a.episode_weeks, a.usual_pain, a.baseline_walks_per_week, a.adherence) == (
        None,
        None,
        None,
        None,
    )
    assert (a.red_flags, a.exercise_screen, a.phq2, a.startback) == ([], [], None, None)
    assert (a.walking_tolerance, a.leg_symptoms, a.other_exercise_minutes_per_week) == (
        "full",
        "none",
        0,
    )
    assert not any(
        (
            a.returning_after_flare,
            a.new_lower_limb_pain,
            a.self_harm_concern,
            a.prefers_other_exercise,
            a.stable_neuro_deficit,
            a.neurogenic_claudication,
            a.pregnant_or_postpartum,
            a.spinal_surgery_within_6_months,
            a.falls_last_year,
        )
    )


@pytest.mark.parametrize(
    ("field", "value", "lo", "hi"),
    [
        ("age", 121, 0, 120),
        ("previous_episodes", 1001, 0, 1000),
        ("episode_weeks", 521, 0, 520),
        ("usual_pain", 11, 0, 10),
        ("phq2", 7, 0, 6),
        ("other_exercise_minutes_per_week", 2001, 0, 2000),
        ("baseline_walks_per_week", 15, 0, 14),
        ("age", -1, 0, 120),
    ],
)
def test_integers_out_of_range(field: str, value: int, lo: int, hi: int) -> None:
    """An integer outside its range names the field and the range, and shows the value."""

    assert problems(assessment_data(**{field: value})) == {
        field: f"must be a whole number from {lo} to {hi}"
        + (", or null when not known" if field in _NULLABLE else "")
        + f"; got {value}"
    }


_NULLABLE = {"episode_weeks", "usual_pain", "phq2", "baseline_walks_per_week"}


@pytest.mark.parametrize(
    ("path", "value", "hi"),
    [
        (("flare", "pain_now"), 11, 10),
        (("flare", "days_since_onset"), 3651, 3650),
        (("walking", "walks_per_week"), 15, 14),
        (("walking", "minutes_per_walk"), 241, 240),
        (("walking", "weeks_at_current_dose"), 521, 520),
    ],
)
def test_nested_integers_out_of_range(path: tuple[str, str], value: int, hi: int) -> None:
    """A nested field's error names its dotted path."""

    data = assessment_data(flare={"level": "mild", "pain_now": 2, "days_since_onset": 1})
    data[path[0]] = {**data[path[0]], path[1]: value}

    found = problems(data)

    assert f"{path[0]}.{path[1]}" in found
    assert f"to {hi}" in found[f"{path[0]}.{path[1]}"]


@pytest.mark.parametrize(
    "value",
    [3.0, "3", True, None],
    ids=["float", "string", "bool", "null"],
)
def test_integers_are_json_integers_only(value: object) -> None:
    """3.0, "3", true and null are not integers; nothing is coerced."""

    assert "previous_episodes" in problems(assessment_data(previous_episodes=value))


@pytest.mark.parametrize("field", ["visit", "walking_tolerance", "leg_symptoms", "red_flags"])
def test_null_only_where_allowed(field: str) -> None:
    """An explicit null is an error on a field that does not say "or null"."""

    assert field in problems(assessment_data(**{field: None}))


def test_unknown_field_lists_the_allowed_ones() -> None:
    """A typo is an unknown field, never ignored."""

    found = problems(assessment_data(red_flag=["ces_saddle"]))

    assert found["red_flag"].startswith("unknown field; the fields allowed here are: age, visit")


def test_unknown_code_and_repeated_code() -> None:
    """Codes are from §3 only, each at most once."""

    assert "red_flags[0]" in problems(assessment_data(red_flags=["cauda_equina"]))
    assert problems(assessment_data(exercise_screen=["chest_pain_at_rest"] * 2)) == {
        "exercise_screen": "each code may appear once; repeated: chest_pain_at_rest"
    }


def test_required_fields() -> None:
    """Age, previous episodes, the flare and the walking dose are required."""

    found = problems({})

    assert set(found) == {"age", "previous_episodes", "flare", "walking"}
    assert found["age"] == "required: a whole number from 0 to 120"


# ----------------------------------------------------------------------------- cross-field

REVIEW_ONLY = [
    ("baseline_walks_per_week", 3, "null"),
    ("last_progression", {"pain_increased": False}, "null"),
    ("returning_after_flare", True, "false"),
    ("adherence", "as_planned", "null"),
    ("new_lower_limb_pain", True, "false"),
]


@pytest.mark.parametrize(("field", "value", "default"), REVIEW_ONLY)
def test_review_only_fields_at_an_initial_visit(field: str, value: object, default: str) -> None:
    """A review-only field must hold its default at an initial visit."""

    assert problems(assessment_data(visit="initial", **{field: value})) == {
        field: f'review only: must be {default} when visit is "initial"'
    }


@pytest.mark.parametrize(("field", "value", "default"), REVIEW_ONLY)
def test_review_only_defaults_may_be_given(field: str, value: object, default: str) -> None:
    """The key may be present at an initial visit with its default value."""

    given = {"null": None, "false": False}[default]

    assert problems(assessment_data(visit="initial", **{field: given})) == {}


@pytest.mark.parametrize(
    ("flare", "expected"),
    [
        ({"level": "mild", "pain_now": 2}, "required"),
        ({"level": "mild", "pain_now": 2, "days_since_onset": None}, "required"),
        ({"level": "none", "pain_now": 7, "days_since_onset": 3}, None),
        ({"level": "none", "pain_now": 0, "days_since_onset": None}, None),
    ],
    ids=["mild-missing", "mild-null", "none-with-days", "none-null"],
)
def test_days_since_onset(flare: dict[str, object], expected: str | None) -> None:
    """Onset is required in a flare; with no flare it may be given or left null."""

    found = problems(assessment_data(flare=flare))

    if expected is None:
        assert found == {}
    else:
        assert found == {
            "flare.days_since_onset": 'required when flare.level is "mild": a whole number '
            "from 0 to 3650"
        }


@pytest.mark.parametrize(
    ("walks", "minutes", "message"),
    [
        (0, 5, "must be 0 when walking.walks_per_week is 0"),
        (3, 0, "must be at least 1 when walking.walks_per_week is above 0"),
        (0, 0, None),
        (1, 1, None),
    ],
)
def test_minutes_zero_exactly_when_not_walking(
    walks: int, minutes: int, message: str | None
) -> None:
    """Minutes per walk is 0 exactly when walks per week is 0."""

    found = problems(
        assessment_data(walking={"walks_per_week": walks, "minutes_per_walk": minutes})
    )

    assert found == ({} if message is None else {"walking.minutes_per_walk": message})


def test_last_progression_needs_walking() -> None:
    """No step up is reported for someone not walking."""

    found = problems(
        assessment_data(
            walking={"walks_per_week": 0, "minutes_per_walk": 0},
            last_progression={"pain_increased": False},
        )
    )

    assert list(found) == ["last_progression"]


@pytest.mark.parametrize(
    ("increased", "settled", "message"),
    [
        (True, None, "required (true or false) when last_progression.pain_increased is true"),
        (False, True, "must be null when last_progression.pain_increased is false"),
        (False, False, "must be null when last_progression.pain_increased is false"),
        (True, False, None),
        (False, None, None),
    ],
)
def test_settled_within_24h(increased: bool, settled: bool | None, message: str | None) -> None:
    """Settled is asked only after a pain increase."""

    found = problems(
        assessment_data(
            last_progression={"pain_increased": increased, "settled_within_24h": settled}
        )
    )

    assert found == ({} if message is None else {"last_progression.settled_within_24h": message})


@pytest.mark.parametrize(
    ("before", "fields"),
    [
        ((4, 10), {"last_progression.previous_dose"}),  # equal to the current 4 × 10
        ((5, 5), {"last_progression.previous_dose.walks_per_week"}),
        ((3, 15), {"last_progression.previous_dose.minutes_per_walk"}),
        (
            (5, 15),
            {
                "last_progression.previous_dose.walks_per_week",
                "last_progression.previous_dose.minutes_per_walk",
                "last_progression.previous_dose",
            },
        ),
        ((3, 10), set()),
        ((4, 5), set()),
        ((0, 5), {"last_progression.previous_dose.walks_per_week"}),
    ],
)
def test_previous_dose(before: tuple[int, int], fields: set[str]) -> None:
    """The dose before a step up is never above the current dose and below it on one axis."""

    found = problems(
        assessment_data(
            last_progression={
                "pain_increased": False,
                "previous_dose": {"walks_per_week": before[0], "minutes_per_walk": before[1]},
            }
        )
    )

    assert set(found) == fields


@pytest.mark.parametrize(
    ("total", "distress", "field"),
    [
        (3, 4, "startback.distress"),
        (9, 4, "startback.total"),
        (9, 5, None),
        (0, 0, None),
        (4, 0, None),
        (5, 0, "startback.total"),
    ],
)
def test_startback_scores(total: int, distress: int, field: str | None) -> None:
    """distress ≤ total, and total − distress ≤ 4 (items 1–4 score at most 4)."""

    found = problems(assessment_data(startback={"total": total, "distress": distress}))

    assert set(found) == (set() if field is None else {field})


def test_every_problem_of_a_record_is_reported() -> None:
    """A bad field does not hide a cross-field problem elsewhere in the record."""

    found = problems(
        assessment_data(
            age=200,
            visit="initial",
            returning_after_flare=True,
            walking={"walks_per_week": 0, "minutes_per_walk": 5},
            flare={"level": "severe", "pain_now": 8},
            startback={"total": 2, "distress": 3},
        )
    )

    assert set(found) == {
        "age",
        "returning_after_flare",
        "walking.minutes_per_walk",
        "flare.days_since_onset",
        "startback.distress",
    }


def test_a_cross_field_rule_is_not_checked_on_an_invalid_field() -> None:
    """When a field a rule reads is itself invalid, only that field's error is reported."""

    found = problems(assessment_data(walking={"walks_per_week": 99, "minutes_per_walk": 0}))

    assert set(found) == {"walking.walks_per_week"}


def test_json_input_reports_the_same_problems() -> None:
    """JSON text gets the same messages, cross-field ones included."""

    import json

    data = assessment_data(age=200, visit="initial", adherence="as_planned")
    with pytest.raises(AssessmentError) as caught:
        validate_assessment_json(json.dumps(data))

    assert {e.field for e in caught.value.errors} == {"age", "adherence"}


def test_not_json_and_not_an_object() -> None:
    """Broken JSON, and JSON that is not an object, are plain errors on the record."""

    with pytest.raises(AssessmentError) as broken:
        validate_assessment_json("{")
    with pytest.raises(AssessmentError) as listed:
        validate_assessment_json("[]")

    assert broken.value.errors[0].message.startswith("not valid JSON")
    assert listed.value.errors[0].message.startswith("must be a JSON object")


def test_cross_field_rules_name_real_fields() -> None:
    """Every cross-field rule reports on, and reads, fields the model has."""

    from walkback_rules import Assessment
    from walkback_rules.core.validation import _locate

    for rule in CROSS_FIELD_RULES:
        for path in (rule.field, *rule.reads):
            info, _ = _locate(tuple(path.split(".")), Assessment)
            assert info is not None, path


def test_an_unknown_key_of_a_megabyte_is_named_not_echoed_whole() -> None:
    import json

    with pytest.raises(AssessmentError) as caught:
        validate_assessment_json(json.dumps({"k" * 1_000_000: 1}))
    said = [str(e) for e in caught.value.errors]

    assert any(s.startswith("k" * 57 + "...: unknown field") for s in said), said[:1]
    assert all(len(s) < 2_000 for s in said)
