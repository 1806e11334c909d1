"""The worked examples of spec §8."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import Assessment, Decision, Flag, recommend

EXAMPLES: list[tuple[str, dict[str, Any], Decision, Any, set[Flag]]] = [
    (
        "45y-start",
        {
            "age": 45,
            "visit": "initial",
            "previous_episodes": 4,
            "flare": {"level": "none", "pain_now": 0},
            "walking": {"walks_per_week": 0, "minutes_per_walk": 0},
        },
        Decision.START,
        ((3, 4), (5, 10)),
        {Flag.HIGH_RECURRENCE_RISK},
    ),
    (
        "52y-progress",
        {
            "age": 52,
            "visit": "review",
            "previous_episodes": 1,
            "flare": {"level": "none", "pain_now": 1},
            "walking": {"walks_per_week": 4, "minutes_per_walk": 10, "weeks_at_current_dose": 1},
            "last_progression": {"pain_increased": False},
        },
        Decision.PROGRESS,
        ((5, 5), (10, 10)),
        set(),
    ),
    (
        "52y-progress-high-risk",
        {
            "age": 52,
            "visit": "review",
            "previous_episodes": 3,
            "flare": {"level": "none", "pain_now": 1},
            "walking": {"walks_per_week": 4, "minutes_per_walk": 10, "weeks_at_current_dose": 1},
            "last_progression": {"pain_increased": False},
        },
        Decision.PROGRESS,
        ((5, 5), (10, 10)),
        {Flag.HIGH_RECURRENCE_RISK},
    ),
    (
        "56y-target",
        {
            "age": 56,
            "visit": "review",
            "previous_episodes": 1,
            "flare": {"level": "none", "pain_now": 0},
            "walking": {"walks_per_week": 5, "minutes_per_walk": 25, "weeks_at_current_dose": 1},
        },
        Decision.PROGRESS,
        ((5, 5), (30, 30)),
        {Flag.TARGET_REACHED_AFTER_THIS_STEP},
    ),
    (
        "41y-severe",
        {
            "age": 41,
            "previous_episodes": 1,
            "flare": {"level": "severe", "pain_now": 8, "days_since_onset": 1},
            "walking": {"walks_per_week": 0, "minutes_per_walk": 0},
        },
        Decision.SEVERE_FLARE,
        None,
        {Flag.RED_FLAG_SAFETY_NET},
    ),
    (
        "58y-moderate-pilates",
        {
            "age": 58,
            "visit": "review",
            "previous_episodes": 1,
            "flare": {"level": "moderate", "pain_now": 5, "days_since_onset": 3},
            "walking": {"walks_per_week": 4, "minutes_per_walk": 20},
            "prefers_other_exercise": True,
        },
        Decision.MODERATE_FLARE,
        (None, (2, 5)),
        {Flag.RED_FLAG_SAFETY_NET},
    ),
    (
        "saddle-numbness",
        {
            "age": 33,
            "previous_episodes": 0,
            "flare": {"level": "moderate", "pain_now": 6, "days_since_onset": 2},
            "walking": {"walks_per_week": 3, "minutes_per_walk": 10},
            "red_flags": ["cauda_equina"],
        },
        Decision.EMERGENCY_REFERRAL,
        None,
        set(),
    ),
]


@pytest.mark.parametrize(
    ("data", "decision", "dose", "expected_flags"),
    [e[1:] for e in EXAMPLES],
    ids=[e[0] for e in EXAMPLES],
)
def test_worked_example(
    data: dict[str, Any], decision: Decision, dose: Any, expected_flags: set[Flag]
) -> None:
    """Each worked example of spec §8 gives its decision, dose and flags."""

    rec = recommend(Assessment.model_validate(data))
    got_dose = (
        None
        if rec.next_dose is None
        else (
            None
            if rec.next_dose.walks_per_week is None
            else (rec.next_dose.walks_per_week.min, rec.next_dose.walks_per_week.max),
            (rec.next_dose.minutes_per_walk.min, rec.next_dose.minutes_per_walk.max),
        )
    )

    assert (rec.decision, got_dose, set(rec.flags)) == (decision, dose, expected_flags)


def test_severe_example_prompts_flare_care() -> None:
    """The severe-flare example carries cold or heat and the pain-relief conversation."""

    rec = recommend(Assessment.model_validate(EXAMPLES[4][1]))

    assert rec.ice_or_heat and rec.medication_discussion


def test_moderate_example_offers_cold_or_heat_only() -> None:
    """The moderate-flare example offers cold or heat without a medicine conversation."""

    rec = recommend(Assessment.model_validate(EXAMPLES[5][1]))

    assert rec.ice_or_heat and not rec.medication_discussion
