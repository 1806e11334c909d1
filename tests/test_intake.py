"""The consultation form: conversion to an Assessment, errors by field, and prefilling."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import validate_assessment
from walkback_rules.consultation.form import (
    FORM_DEFAULTS,
    LABELS,
    RED_FLAG_GROUPS,
    asks_onset,
    form_from_assessment,
    phq2_total,
    plain,
    to_assessment_data,
    validate_form,
)
from walkback_rules.teaching.cases import CASES


def filled(**changes: Any) -> dict[str, Any]:
    return {
        **FORM_DEFAULTS,
        "age": 50,
        "previous_episodes": 1,
        "flare_level": "none",
        "pain_now": 0,
        "walks_per_week": 0,
        "minutes_per_walk": 0,
        "red_flags_asked": "none_present",
        "exercise_asked": "not_asked",
        **changes,
    }


def test_minimal_form_is_valid() -> None:
    """Age, previous episodes, the flare, the pain now and how each checklist was answered
    are all a first visit needs."""

    assessment, errors = validate_form(filled())

    assert errors == {}
    assert assessment is not None and assessment.visit == "initial"


def test_empty_form_names_the_missing_fields() -> None:
    """Age and previous episodes left empty are named in plain words."""

    _, errors = validate_form(dict(FORM_DEFAULTS))

    assert errors["age"] == ["Age is required: a whole number from 0 to 120"]
    assert errors["previous_episodes"] == [
        "Previous episodes is required unless the screens reach an emergency: a whole number "
        "from 0 to 1000"
    ]
    assert errors["walks_per_week"] == ["Walks a week is required: a whole number from 0 to 14"]
    assert errors["flare_level"][0].startswith("Flare level is required")
    assert errors["pain_now"] == ["Pain now is required: a whole number from 0 to 10"]
    assert errors["red_flags_asked"] == [
        "Red flags: tick what you found, or say none was present or that it was not asked"
    ]
    assert "exercise_asked" in errors
    assert not any("null" in m for messages in errors.values() for m in messages)


def test_paths_become_words_in_one_pass() -> None:
    """Each field path is replaced once, never a part of one already replaced."""

    assert plain('required when flare.level is "mild"') == 'required when flare level is "mild"'
    assert plain("no step up without walking") == "no step up without walking"
    assert plain("above walking.walks_per_week (4)") == "above walks a week (4)"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"flare_level": "mild", "pain_now": 2},
            "days_since_onset",
            'Days since the flare began: required when flare level is "mild": a whole number',
        ),
        (
            {"walks_per_week": 3, "minutes_per_walk": 0},
            "minutes_per_walk",
            "Minutes per walk: must be at least 1 when walks a week",
        ),
        (
            {
                "visit": "review",
                "walks_per_week": 4,
                "minutes_per_walk": 10,
                "last_step": "no_increase",
                "previous_dose_known": True,
                "previous_walks": 5,
                "previous_minutes": 10,
            },
            "previous_walks",
            "Walks a week before the last step: must not be above the current walks a week (4)",
        ),
        ({"phq2_interest": 2}, "phq2_interest", "PHQ-2: answer both questions"),
        ({"startback_total": 2}, "startback_total", "STarT Back: give both scores"),
        (
            {"startback_total": 2, "startback_distress": 3},
            "startback_distress",
            "STarT Back distress: must not be above STarT Back total (2)",
        ),
    ],
    ids=["onset", "minutes", "previous-dose", "phq2-half", "startback-half", "startback"],
)
def test_errors_land_on_their_field(changes: dict[str, Any], field: str, message: str) -> None:
    """Each problem is keyed by the form field that must change, in the form's words."""

    assessment, errors = validate_form(filled(**changes))

    assert assessment is None
    assert any(m.startswith(message) for m in errors[field]), errors


def test_an_unanswered_last_step_at_review_is_an_error() -> None:
    """After a step up the answer is left open; a review cannot go on without it."""

    review = filled(visit="review", walks_per_week=4, minutes_per_walk=10, weeks_at_current_dose=1)

    assessment, errors = validate_form({**review, "last_step": None})

    assert assessment is None
    assert errors == {"last_step": ["Since the last step up: choose how the back responded"]}
    assert validate_form({**review, "last_step": "no_increase"})[1] == {}
    assert validate_form({**filled(), "last_step": None})[1] == {}  # a first visit: not asked


def test_last_step_only_counts_at_review() -> None:
    """How the last step went is ignored at a first visit."""

    data = to_assessment_data(
        filled(last_step="not_settled", walks_per_week=3, minutes_per_walk=10)
    )

    assert "last_progression" not in data


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (
            "no_increase",
            {"pain_increased": False, "settled_within_24h": None, "previous_dose": None},
        ),
        ("settled", {"pain_increased": True, "settled_within_24h": True, "previous_dose": None}),
        (
            "not_settled",
            {"pain_increased": True, "settled_within_24h": False, "previous_dose": None},
        ),
    ],
)
def test_last_step_choices(step: str, expected: dict[str, Any]) -> None:
    """Each choice of how the back responded maps to one consistent last_progression."""

    data = to_assessment_data(
        filled(visit="review", walks_per_week=4, minutes_per_walk=10, last_step=step)
    )

    assert data["last_progression"] == expected


def test_red_flag_checklist_groups_every_feature_by_condition() -> None:
    """The checklist shows each red-flag feature once, under its condition."""

    from walkback_rules.core.codes import RED_FLAG_FEATURES

    codes = [f.code for features in RED_FLAG_GROUPS.values() for f in features]

    assert sorted(codes) == sorted(RED_FLAG_FEATURES)
    assert "metastatic_cord_compression" not in RED_FLAG_GROUPS  # it has no features of its own


def test_ticked_features_and_screen_items_reach_the_assessment() -> None:
    """The form's checklists become the assessment's code lists."""

    data = to_assessment_data(
        filled(red_flags=["ces_saddle", "cancer_history"], exercise_screen=["fainting_on_exertion"])
    )

    assert (data["red_flags"], data["exercise_screen"]) == (
        ["ces_saddle", "cancer_history"],
        ["fainting_on_exertion"],
    )


def test_review_answers_are_sent_only_at_a_review() -> None:
    """Review-only answers left over from a review are not sent at a first visit."""

    left_over = filled(returning_after_flare=True, adherence="less_than_planned",
                       new_lower_limb_pain=True, baseline_walks_per_week=3)  # fmt: skip

    assert validate_form(left_over)[1] == {}
    assert to_assessment_data({**left_over, "visit": "review"})["adherence"] == (
        "less_than_planned"
    )


@pytest.mark.parametrize(
    ("level", "pain", "usual", "asked"),
    [("none", 0, None, False), ("mild", 2, None, True), ("none", 7, None, True),
     ("none", 7, 5, False)],
)  # fmt: skip
def test_onset_is_asked_in_a_flare_entered_or_read_from_the_pain(
    level: str, pain: int, usual: int | None, asked: bool
) -> None:
    """Days since onset is asked when the flare level used is not none."""

    assert asks_onset(level, pain, usual) is asked


@pytest.mark.parametrize(("a", "b", "total"), [(None, None, None), (1, 2, 3), (0, 0, 0), (3, 3, 6)])
def test_phq2_total(a: int | None, b: int | None, total: int | None) -> None:
    """The PHQ-2 total adds the two answers; neither answered means not asked."""

    assert phq2_total(a, b) == total


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_prefilled_form_round_trips(case: object) -> None:
    """A case loaded into the form validates back to the same assessment."""

    data = case.data  # type: ignore[attr-defined]
    assessment, errors = validate_form(form_from_assessment(data))

    assert errors == {}
    assert assessment is not None
    assert validate_assessment(data) == assessment


# Every number box of the form, with a value just outside its range on each side. What is
# typed is what is checked: never clamped, never replaced by the last valid value.
OUT_OF_RANGE = [
    ("age", {}, 121, "Age must be a whole number from 0 to 120; you entered 121"),
    ("age", {}, -1, "Age must be a whole number from 0 to 120; you entered -1"),
    ("previous_episodes", {}, 1001,
     "Previous episodes must be a whole number from 0 to 1000; you entered 1001"),
    ("episode_weeks", {}, 521, None),
    ("usual_pain", {}, 11, None),
    ("usual_pain", {}, -1, None),
    ("walks_per_week", {"minutes_per_walk": 10}, 15, None),
    ("minutes_per_walk", {"walks_per_week": 3}, 241, None),
    ("weeks_at_current_dose", {"walks_per_week": 3, "minutes_per_walk": 10}, 521, None),
    ("other_exercise_minutes_per_week", {}, 2001, None),
    ("days_since_onset", {"flare_level": "mild", "pain_now": 3}, 3651, None),
    ("startback_total", {"startback_distress": 3}, 10, None),
    ("startback_distress", {"startback_total": 5}, 6, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "context", "value", "message"),
    OUT_OF_RANGE,
    ids=[f"{f}={v}" for f, _, v, _ in OUT_OF_RANGE],
)
def test_a_number_out_of_range_is_an_error_in_plain_words_beside_its_field(
    field: str, context: dict[str, object], value: int, message: str | None
) -> None:
    assessment, errors = validate_form(filled(**context, **{field: value}))

    assert assessment is None
    [text] = errors[field]
    assert text.startswith(f"{LABELS[field]} must be ")
    assert text.endswith(f"; you entered {value}")
    assert message is None or text == message
    assert "null" not in text and "." not in text.split(" must be ")[0]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"red_flags_asked": None}, True),
        ({"red_flags_asked": None, "red_flags": ["cancer_history"]}, False),
        ({"red_flags_asked": "not_asked"}, False),
        ({"exercise_asked": None}, True),
        ({"exercise_asked": None, "exercise_screen": ["fainting_on_exertion"]}, False),
    ],
)
def test_an_empty_checklist_must_be_answered(changes: dict[str, Any], error: bool) -> None:
    """Nothing ticked is not the same as none present: the clinician says which."""

    _, errors = validate_form(filled(**changes))

    assert ("red_flags_asked" in errors or "exercise_asked" in errors) is error


def test_a_review_asks_the_flare_pain_and_screens_afresh() -> None:
    """A review started from a record leaves the flare, pain and screens blank, whatever
    the last visit held."""
    from walkback_rules.consultation.review import review_form

    last = {**filled(), "visit": "review"}
    data = {"age": 50, "visit": "review", "previous_episodes": 1,
            "flare": {"level": "mild", "pain_now": 4, "days_since_onset": 2},
            "walking": {"walks_per_week": 4, "minutes_per_walk": 10, "weeks_at_current_dose": 1},
            "red_flags": [], "exercise_screen": []}  # fmt: skip

    form = review_form(data, None)

    assert (form.flare_level, form.pain_now, form.days_since_onset) == (None, None, None)
    assert (form.red_flags_asked, form.exercise_asked) == (None, None)
    assert last["red_flags_asked"] == "none_present"


def test_a_draft_from_an_older_form_keeps_what_was_typed() -> None:
    from walkback_rules.consultation.form import draft_form

    form = draft_form({"age": 61, "retired_field": 3})

    assert form.age == 61 and "retired_field" not in form.model_dump()
    assert form.red_flags_asked is None


def test_what_was_typed_is_named_once_each() -> None:
    from walkback_rules.consultation.form import ConsultationForm, typed

    start = ConsultationForm()
    now = start.model_copy(update={"age": 60, "phq2_interest": 1, "phq2_mood": 2, "note": "x"})

    assert typed(now, start) == ["age", "PHQ-2", "the clinical note"]
    assert typed(start, start) == []


def test_a_draft_keeps_every_value_it_can_hold() -> None:
    """A stored value this version cannot hold leaves that field at its default; every other
    field of the draft is kept as typed."""
    from walkback_rules.consultation.form import draft_form

    form = draft_form({"age": 61, "visit": "teleconsult", "note": "kept"})

    assert (form.age, form.visit, form.note) == (61, "initial", "kept")
