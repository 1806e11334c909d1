"""Case tables for the modifier flags of spec §5, at their boundaries."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import Decision, Flag, recommend

from .conftest import flare, make_assessment, walking


def flags(**overrides: Any) -> list[Flag]:
    return recommend(make_assessment(**overrides)).flags


@pytest.mark.parametrize(
    ("episodes", "raised"),
    [(2, False), (3, True), (0, False), (1000, True)],
    ids=["2", "3", "0", "1000"],
)
def test_high_recurrence_risk(episodes: int, raised: bool) -> None:
    """More than 2 previous episodes raises HIGH_RECURRENCE_RISK; 2 does not."""

    assert (Flag.HIGH_RECURRENCE_RISK in flags(previous_episodes=episodes)) is raised


@pytest.mark.parametrize(
    ("age", "raised"), [(64, False), (65, True), (18, False)], ids=["64", "65", "18"]
)
def test_older_adult(age: int, raised: bool) -> None:
    """Age 65 or over raises OLDER_ADULT; 64 does not."""

    assert (Flag.OLDER_ADULT in flags(age=age)) is raised


@pytest.mark.parametrize(
    ("phq2", "raised"),
    [(2, False), (3, True), (6, True), (None, False)],
    ids=["2", "3", "6", "not-asked"],
)
def test_depression_screen(phq2: int | None, raised: bool) -> None:
    """PHQ-2 of 3 or more is a positive screen; 2 is not."""

    assert (Flag.DEPRESSION_SCREEN_POSITIVE in flags(phq2=phq2)) is raised


@pytest.mark.parametrize(("days", "raised"), [(7, False), (8, True)], ids=["day-7", "day-8"])
def test_long_severe_flare_needs_review(days: int, raised: bool) -> None:
    """A severe flare beyond day 7 asks for clinician review."""

    assert (Flag.CLINICIAN_REVIEW in flags(flare=flare("severe", 8, days))) is raised


def test_chronic_pathway_flags() -> None:
    """The chronic pathway asks for review and is outside the trial population."""

    assert {Flag.CLINICIAN_REVIEW, Flag.OUTSIDE_TRIAL_POPULATION} <= set(
        flags(flare=flare("mild", 2, 84))
    )


def test_capped_maintenance_needs_review() -> None:
    """Maintaining at 7 short walks below the target asks for clinician review."""

    raised = flags(walking=walking(7, 10), walking_tolerance="duration_limited")

    assert {Flag.CLINICIAN_REVIEW, Flag.DURATION_LIMITED} <= set(raised)


def test_capped_maintenance_at_target_needs_no_review() -> None:
    """Duration-limited but at the target: no review needed."""

    assert Flag.CLINICIAN_REVIEW not in flags(
        walking=walking(7, 30), walking_tolerance="duration_limited"
    )


@pytest.mark.parametrize(
    ("visit", "walks", "raised"),
    [("initial", 3, True), ("initial", 2, False), ("review", 3, False)],
)
def test_outside_trial_population(visit: str, walks: int, raised: bool) -> None:
    """An initial visit already walking 3 or more times a week is outside the trial population."""

    assert (
        Flag.OUTSIDE_TRIAL_POPULATION in flags(visit=visit, walking=walking(walks, 10))
    ) is raised


@pytest.mark.parametrize(
    ("level", "pain", "decision"),
    [("severe", 8, Decision.SEVERE_FLARE), ("moderate", 5, Decision.MODERATE_FLARE)],
)
def test_resume_at_previous_dose(level: str, pain: int, decision: Decision) -> None:
    """A flare after an unsettled pain rise: restart below the last step once settled."""

    rec = recommend(
        make_assessment(
            flare=flare(level, pain),
            last_progression={"pain_increased": True, "settled_within_24h": False},
        )
    )

    assert rec.decision == decision
    assert Flag.RESUME_AT_PREVIOUS_DOSE in rec.flags


def test_pain_settled_after_progression() -> None:
    """A pain rise that settled: HOLD with PAIN_SETTLED_AFTER_PROGRESSION."""

    assert Flag.PAIN_SETTLED_AFTER_PROGRESSION in flags(
        last_progression={"pain_increased": True, "settled_within_24h": True}
    )


def test_too_soon_to_progress() -> None:
    """0 weeks at a dose below the target: TOO_SOON_TO_PROGRESS."""

    assert Flag.TOO_SOON_TO_PROGRESS in flags(walking=walking(4, 10, 0))
    assert Flag.TOO_SOON_TO_PROGRESS not in flags(walking=walking(4, 10, 1))


@pytest.mark.parametrize(
    ("dose", "raised"), [((5, 25), True), ((5, 20), False), ((4, 30), True), ((4, 29), False)]
)
def test_target_reached_after_this_step(dose: tuple[int, int], raised: bool) -> None:
    """PROGRESS whose new dose meets the target says so."""

    assert (Flag.TARGET_REACHED_AFTER_THIS_STEP in flags(walking=walking(*dose))) is raised


@pytest.mark.parametrize(
    ("entered", "pain", "raised"),
    [
        ("none", 3, False),
        ("none", 4, True),
        ("mild", 7, True),
        ("mild", 6, False),
        ("severe", 3, True),
    ],
)
def test_pain_level_mismatch(entered: str, pain: int, raised: bool) -> None:
    """Entered level and pain band two or more bands apart raise PAIN_LEVEL_MISMATCH."""

    assert (Flag.PAIN_LEVEL_MISMATCH in flags(flare=flare(entered, pain))) is raised


def test_several_flags_at_once_sorted() -> None:
    """Every flag that holds is raised, sorted and unique."""

    raised = flags(
        age=70,
        previous_episodes=5,
        phq2=4,
        flare=flare("mild", 2),
        walking_tolerance="duration_limited",
    )

    assert raised == sorted(
        [
            Flag.DEPRESSION_SCREEN_POSITIVE,
            Flag.DURATION_LIMITED,
            Flag.HIGH_RECURRENCE_RISK,
            Flag.MILD_FLARE,
            Flag.OLDER_ADULT,
            Flag.RED_FLAG_SAFETY_NET,
        ]
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"red_flags": ["suspected_infection"]},
        {"age": 16},
        {"cardiorespiratory_concern": True},
        {"red_flags": ["suspected_inflammatory_disease"]},
    ],
    ids=["urgent", "out-of-scope", "clearance", "routine"],
)
def test_no_flags_with_referral_scope_or_clearance(overrides: dict[str, Any]) -> None:
    """Decisions 1–5 show no flags, even when flag conditions hold."""

    assert flags(age=overrides.pop("age", 70), previous_episodes=9, phq2=6, **overrides) == []
