"""Case tables for each decision rule of spec §4, at their boundaries and in precedence."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import Decision, recommend

from .conftest import flare, make_assessment, walking


def decide(**overrides: Any) -> Decision:
    return recommend(make_assessment(**overrides)).decision


def dose_of(**overrides: Any) -> tuple[Any, Any]:
    d = recommend(make_assessment(**overrides)).next_dose
    assert d is not None
    w = None if d.walks_per_week is None else (d.walks_per_week.min, d.walks_per_week.max)
    return w, (d.minutes_per_walk.min, d.minutes_per_walk.max)


@pytest.mark.parametrize(
    ("red_flags", "expected"),
    [
        (["cauda_equina"], Decision.EMERGENCY_REFERRAL),
        (["progressive_neurological_deficit"], Decision.EMERGENCY_REFERRAL),
        (["suspected_malignancy"], Decision.URGENT_REFERRAL),
        (["suspected_infection"], Decision.URGENT_REFERRAL),
        (["suspected_fracture"], Decision.URGENT_REFERRAL),
        (["suspected_inflammatory_disease"], Decision.ROUTINE_REFERRAL),
        (["suspected_inflammatory_disease", "suspected_fracture"], Decision.URGENT_REFERRAL),
        (["suspected_malignancy", "cauda_equina"], Decision.EMERGENCY_REFERRAL),
    ],
)
def test_red_flags_refer_by_urgency(red_flags: list[str], expected: Decision) -> None:
    """Each red flag sets its referral; the most urgent one wins."""

    assert decide(red_flags=red_flags) == expected


def test_referral_carries_urgency() -> None:
    """A referral decision carries its urgency and a reason, and nothing else."""

    rec = recommend(make_assessment(red_flags=["cauda_equina"], flare=flare("severe", 9)))

    assert rec.referral is not None
    assert rec.referral.urgency == "emergency"
    assert "within hours" in rec.referral.reason
    assert (rec.next_dose, rec.flags, rec.ice_or_heat, rec.medication_discussion) == (
        None,
        [],
        False,
        False,
    )
    assert rec.cards[0].indicator == "critical"


@pytest.mark.parametrize(
    ("age", "expected"),
    [(17, Decision.OUT_OF_SCOPE), (18, Decision.PROGRESS), (0, Decision.OUT_OF_SCOPE)],
    ids=["17-out", "18-in", "0-out"],
)
def test_adults_only(age: int, expected: Decision) -> None:
    """Under 18 is out of scope; 18 is in."""

    assert decide(age=age) == expected


def test_red_flag_outranks_age() -> None:
    """A red flag in a 16-year-old still refers: red flags always win."""

    assert decide(age=16, red_flags=["suspected_fracture"]) == Decision.URGENT_REFERRAL


def test_out_of_scope_has_no_referral() -> None:
    """Out of scope says the tool is for adults and makes no referral."""

    rec = recommend(make_assessment(age=12))

    assert rec.referral is None
    assert rec.cards[0].indicator == "warning"
    assert "adults" in rec.cards[0].summary


def test_cardiorespiratory_concern_needs_clearance() -> None:
    """Chest pain, breathlessness or fainting on exertion: routine referral for clearance."""

    rec = recommend(make_assessment(cardiorespiratory_concern=True, flare=flare("severe", 8)))

    assert rec.decision == Decision.MEDICAL_CLEARANCE
    assert rec.referral is not None and rec.referral.urgency == "routine"
    assert rec.flags == []


@pytest.mark.parametrize(
    ("level", "pain", "days", "expected"),
    [
        ("mild", 2, 83, Decision.HOLD),
        ("mild", 2, 84, Decision.CHRONIC_PATHWAY),
        ("severe", 8, 84, Decision.CHRONIC_PATHWAY),
        ("moderate", 5, 200, Decision.CHRONIC_PATHWAY),
        ("severe", 8, 83, Decision.SEVERE_FLARE),
    ],
    ids=["mild-83", "mild-84", "severe-84", "moderate-200", "severe-83"],
)
def test_chronic_pathway_from_day_84(level: str, pain: int, days: int, expected: Decision) -> None:
    """A flare of 84 days or more goes to the chronic pathway, whatever its level."""

    assert decide(flare=flare(level, pain, days)) == expected


def test_chronic_needs_a_known_onset() -> None:
    """A flare raised from 'none' by the pain rating has no onset, so it is never chronic."""

    assert decide(flare=flare("none", 8)) == Decision.SEVERE_FLARE


@pytest.mark.parametrize(
    ("entered", "pain", "expected"),
    [
        ("severe", 7, Decision.SEVERE_FLARE),
        ("moderate", 6, Decision.MODERATE_FLARE),
        ("moderate", 7, Decision.MODERATE_FLARE),  # one band apart: entry stands
        ("mild", 6, Decision.HOLD),  # one band apart: mild stands
        ("mild", 7, Decision.SEVERE_FLARE),  # two bands apart: severe used
        ("none", 3, Decision.PROGRESS),  # one band apart: none stands
        ("none", 4, Decision.MODERATE_FLARE),  # two bands apart: moderate used
        ("none", 6, Decision.MODERATE_FLARE),
        ("none", 7, Decision.SEVERE_FLARE),
        ("severe", 3, Decision.SEVERE_FLARE),
    ],
)
def test_flare_level_and_pain_bands(entered: str, pain: int, expected: Decision) -> None:
    """The effective level decides between severe, moderate, mild and no flare."""

    assert decide(flare=flare(entered, pain)) == expected


def test_severe_flare_care() -> None:
    """Severe flare: no dose, cold or heat, a pain-relief conversation, review in 2 days."""

    rec = recommend(make_assessment(flare=flare("severe", 8, 1)))

    assert rec.next_dose is None
    assert rec.ice_or_heat and rec.medication_discussion
    assert rec.review_in_days == 2
    assert rec.cards[0].indicator == "warning"


def test_moderate_flare_short_walks() -> None:
    """Moderate flare: short walks of 2–5 minutes, walks open, cold or heat, no medicine talk."""

    rec = recommend(make_assessment(flare=flare("moderate", 5)))

    assert dose_of(flare=flare("moderate", 5)) == (None, (2, 5))
    assert rec.ice_or_heat and not rec.medication_discussion


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"walking_tolerance": "not_tolerated"}, Decision.ALTERNATIVE_EXERCISE),
        ({"prefers_other_exercise": True}, Decision.ALTERNATIVE_EXERCISE),
        (
            {"prefers_other_exercise": True, "flare": flare("moderate", 5)},
            Decision.MODERATE_FLARE,
        ),
        (
            {"prefers_other_exercise": True, "flare": flare("mild", 2)},
            Decision.ALTERNATIVE_EXERCISE,
        ),
        (
            {
                "prefers_other_exercise": True,
                "last_progression": {"pain_increased": True, "settled_within_24h": False},
            },
            Decision.ALTERNATIVE_EXERCISE,
        ),
    ],
    ids=["not-tolerated", "prefers", "moderate-outranks", "mild-does-not", "before-step-back"],
)
def test_alternative_exercise(overrides: dict[str, Any], expected: Decision) -> None:
    """Another exercise when walking does not suit, after severe and moderate flare care."""

    assert decide(**overrides) == expected


@pytest.mark.parametrize(
    ("last", "expected_dose"),
    [
        (
            {
                "pain_increased": True,
                "settled_within_24h": False,
                "previous_dose": {"walks_per_week": 3, "minutes_per_walk": 10},
            },
            ((3, 3), (10, 10)),
        ),
        ({"pain_increased": True, "settled_within_24h": False}, ((3, 3), (10, 10))),
    ],
    ids=["previous-known", "one-step-back"],
)
def test_step_back_when_pain_did_not_settle(last: dict[str, Any], expected_dose: Any) -> None:
    """Pain that had not settled in 24 hours: back to the previous dose, or one step back."""

    overrides = {"walking": walking(4, 10), "last_progression": last}

    assert decide(**overrides) == Decision.STEP_BACK
    assert dose_of(**overrides) == expected_dose


def test_step_back_uses_the_known_previous_dose_over_the_rule() -> None:
    """A known previous dose wins over the one-step rule (5×20 → 4×20, not 5×15)."""

    last = {
        "pain_increased": True,
        "settled_within_24h": False,
        "previous_dose": {"walks_per_week": 4, "minutes_per_walk": 20},
    }

    assert dose_of(walking=walking(5, 20), last_progression=last) == ((4, 4), (20, 20))


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"flare": flare("mild", 2)}, Decision.HOLD),
        ({"last_progression": {"pain_increased": True, "settled_within_24h": True}}, Decision.HOLD),
        ({"walking": walking(4, 10, 0)}, Decision.HOLD),
        ({"walking": walking(4, 10, 1)}, Decision.PROGRESS),
        ({"walking": walking(4, 10, None)}, Decision.PROGRESS),  # unknown counts as established
        ({"walking": walking(5, 30, 0)}, Decision.MAINTAIN),  # target met: not too soon
        ({"walking": walking(0, 0), "flare": flare("mild", 2)}, Decision.START),
    ],
    ids=[
        "mild",
        "settled",
        "0-weeks",
        "1-week",
        "unknown-weeks",
        "0-weeks-target-met",
        "mild-not-walking",
    ],
)
def test_hold(overrides: dict[str, Any], expected: Decision) -> None:
    """Hold for a mild flare, a settled pain rise, or 0 weeks at a dose below the target."""

    assert decide(**overrides) == expected


def test_hold_keeps_the_dose_exactly() -> None:
    """HOLD repeats the current dose."""

    assert dose_of(flare=flare("mild", 2), walking=walking(4, 20)) == ((4, 4), (20, 20))


def test_start_gently() -> None:
    """Not walking yet: 3–4 walks a week of 5–10 minutes."""

    assert decide(walking=walking(0, 0, None)) == Decision.START
    assert dose_of(walking=walking(0, 0, None)) == ((3, 4), (5, 10))


@pytest.mark.parametrize(
    ("dose", "tolerance", "expected"),
    [
        ((5, 30), "full", Decision.MAINTAIN),
        ((5, 29), "full", Decision.PROGRESS),
        ((6, 25), "full", Decision.MAINTAIN),  # 150 minutes a week
        ((3, 50), "full", Decision.MAINTAIN),
        ((7, 10), "duration_limited", Decision.MAINTAIN),  # capped at 7 walks
        ((6, 10), "duration_limited", Decision.PROGRESS),
        ((7, 10), "full", Decision.PROGRESS),  # not capped when walk length is free
    ],
)
def test_maintain(dose: tuple[int, int], tolerance: str, expected: Decision) -> None:
    """Maintain at the target, or at 7 walks when walk length is limited."""

    assert decide(walking=walking(*dose), walking_tolerance=tolerance) == expected


def test_maintain_never_reduces() -> None:
    """A dose above the target is kept as it is."""

    assert dose_of(walking=walking(10, 60)) == ((10, 10), (60, 60))


@pytest.mark.parametrize(
    ("dose", "tolerance", "expected_dose"),
    [
        ((4, 10), "full", ((5, 5), (10, 10))),
        ((5, 25), "full", ((5, 5), (30, 30))),
        ((5, 27), "full", ((5, 5), (30, 30))),
        ((6, 10), "duration_limited", ((7, 7), (10, 10))),
    ],
)
def test_progress_one_step(dose: tuple[int, int], tolerance: str, expected_dose: Any) -> None:
    """PROGRESS moves exactly one step, capped at 30 minutes and 7 walks."""

    assert dose_of(walking=walking(*dose), walking_tolerance=tolerance) == expected_dose
