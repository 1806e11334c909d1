"""The consultation form: conversion to an Assessment, errors by field, and prefilling."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules.cases import CASES
from walkback_rules.intake import (
    FEATURES,
    FORM_DEFAULTS,
    codes_for,
    form_from_assessment,
    phq2_total,
    to_assessment_data,
    validate_form,
)


def filled(**changes: Any) -> dict[str, Any]:
    return {**FORM_DEFAULTS, "age": 50, "previous_episodes": 1, **changes}


def test_minimal_form_is_valid() -> None:
    """Age and previous episodes are all a first visit needs."""

    assessment, errors = validate_form(filled())

    assert errors == {}
    assert assessment is not None and assessment.visit == "initial"


def test_empty_form_names_the_missing_fields() -> None:
    """Age and previous episodes left empty are named in plain words."""

    _, errors = validate_form(dict(FORM_DEFAULTS))

    assert errors["age"] == ["Age: must be a whole number from 0 to 120; got null"]
    assert errors["previous_episodes"][0].startswith("Previous episodes: must be a whole number")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"flare_level": "mild", "pain_now": 2},
            "days_since_onset",
            "Days since the flare began: required",
        ),
        (
            {"walks_per_week": 3},
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
    ],
    ids=["onset", "minutes", "previous-dose", "phq2-half"],
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


def test_features_set_codes_in_checklist_order() -> None:
    """Ticked features set their codes once each, in checklist order."""

    assert codes_for(["suspected_fracture.1", "cauda_equina.3", "cauda_equina.1", "bogus"]) == [
        "cauda_equina",
        "suspected_fracture",
    ]
    assert len(FEATURES) == 24


@pytest.mark.parametrize(("a", "b", "total"), [(None, None, None), (1, 2, 3), (0, 0, 0), (3, 3, 6)])
def test_phq2_total(a: int | None, b: int | None, total: int | None) -> None:
    """The PHQ-2 total adds the two answers; neither answered means not asked."""

    assert phq2_total({"phq2_interest": a, "phq2_mood": b}) == total


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_prefilled_form_round_trips(case: object) -> None:
    """A case loaded into the form validates back to the same assessment."""

    data = case.data  # type: ignore[attr-defined]
    assessment, errors = validate_form(form_from_assessment(data))

    assert errors == {}
    assert assessment is not None
    expected = {**assessment.model_dump(mode="json")}
    from walkback_rules import Assessment

    assert Assessment.model_validate(data).model_dump(mode="json") == expected
