"""Spec §5: each decision at its boundaries, its dose, resume dose and review interval."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import Decision, decide, recommend
from walkback_rules.core.cards import short_dose

from .conftest import flare, make_assessment, walking


def outcome(**overrides: Any) -> tuple[str, str, str, int | None]:
    """Decision, next dose, resume dose and review for a review patient with `overrides`."""
    d = decide(make_assessment(**overrides))
    return d.decision.value, short_dose(d.next_dose), short_dose(d.resume_dose), d.review_in_days


STEP_UP_UNSETTLED = {"pain_increased": True, "settled_within_24h": False}
STEP_UP_SETTLED = {"pain_increased": True, "settled_within_24h": True}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"red_flags": ["ces_bladder"]}, ("EMERGENCY_REFERRAL", "", "", None)),
        (
            {"red_flags": ["infection_fever", "infection_wound"]},
            ("SAME_DAY_REFERRAL", "", "", None),
        ),
        ({"red_flags": ["infection_fever"]}, ("URGENT_REFERRAL", "", "", None)),
        ({"age": 15}, ("OUT_OF_SCOPE", "", "", None)),
        ({"age": 16}, ("PROGRESS", "5 × 10 min", "", 14)),
        ({"flare": flare("severe", 8, 1)}, ("SEVERE_FLARE", "", "3 × 10 min", 2)),
        (
            {"flare": flare("moderate", 5, 1)},
            ("MODERATE_FLARE", "walks of 2–5 min as tolerated", "4 × 10 min", 7),
        ),
        ({"prefers_other_exercise": True}, ("ALTERNATIVE_EXERCISE", "", "", 28)),
        ({"walking_tolerance": "not_tolerated"}, ("ALTERNATIVE_EXERCISE", "", "", 28)),
        ({"last_progression": STEP_UP_UNSETTLED}, ("STEP_BACK", "3 × 10 min", "", 7)),
        ({"last_progression": STEP_UP_SETTLED}, ("HOLD", "4 × 10 min", "", 7)),
        ({"walking": walking(0, 0)}, ("START", "3–4 × 5–10 min", "", 14)),
        ({"walking": walking(5, 30)}, ("MAINTAIN", "5 × 30 min", "", 28)),
        ({}, ("PROGRESS", "5 × 10 min", "", 14)),
    ],
    ids=lambda v: v[0] if isinstance(v, tuple) else None,
)
def test_each_decision(
    overrides: dict[str, Any], expected: tuple[str, str, str, int | None]
) -> None:
    """Each rule of the table, reached from a plain review at 4 × 10."""

    assert outcome(**overrides) == expected


@pytest.mark.parametrize(
    ("age", "decision"),
    [(0, "OUT_OF_SCOPE"), (15, "OUT_OF_SCOPE"), (16, "PROGRESS"), (17, "PROGRESS"),
     (18, "PROGRESS"), (120, "PROGRESS")],
)  # fmt: skip
def test_age_boundary(age: int, decision: str) -> None:
    """Under 16 is out of scope; 16 is in (NICE NG59)."""

    assert outcome(age=age)[0] == decision


def test_referral_outranks_out_of_scope() -> None:
    """An emergency in a 16-year-old is still an emergency."""

    assert outcome(age=16, red_flags=["ces_saddle"])[0] == "EMERGENCY_REFERRAL"


def test_flare_outranks_preference_and_tolerance_is_honoured_inside_it() -> None:
    """A moderate flare comes before other exercise; with walking not tolerated, no walks."""

    assert outcome(flare=flare("moderate", 5), prefers_other_exercise=True)[0] == "MODERATE_FLARE"
    assert outcome(flare=flare("moderate", 5), walking_tolerance="not_tolerated") == (
        "MODERATE_FLARE",
        "",
        "",
        7,
    )


@pytest.mark.parametrize(
    ("pain", "usual", "entered", "decision"),
    [
        (5, 5, "none", "PROGRESS"),  # usual 5, now 5: no flare, can progress
        (7, 5, "none", "PROGRESS"),  # rise 2 is mild, one band from none: none stands
        (8, 5, "none", "PROGRESS"),  # rise 3 is mild: still one band
        (9, 5, "none", "MODERATE_FLARE"),  # rise 4 is moderate: two bands, more severe
        (5, None, "none", "MODERATE_FLARE"),  # usual not asked counts as 0
        (9, 2, "none", "SEVERE_FLARE"),
        (3, 5, "mild", "HOLD"),
    ],
)
def test_implied_level_with_and_without_usual_pain(
    pain: int, usual: int | None, entered: str, decision: str
) -> None:
    """A person whose usual pain is 5/10 is not in a flare for ever."""

    days = None if entered == "none" else 2
    assert (
        outcome(
            usual_pain=usual, flare={"level": entered, "pain_now": pain, "days_since_onset": days}
        )[0]
        == decision
    )


@pytest.mark.parametrize(
    ("previous", "level", "resume"),
    [
        ({"walks_per_week": 4, "minutes_per_walk": 5}, "moderate", "4 × 5 min"),  # given
        (None, "moderate", "3 × 10 min"),  # one step back from 4 × 10
        ({"walks_per_week": 4, "minutes_per_walk": 5}, "severe", "3 × 5 min"),  # then back
        (None, "severe", "2 × 10 min"),  # two steps back from 4 × 10
    ],
    ids=["moderate-previous-dose", "moderate-one-step-back", "severe-previous-dose",
         "severe-one-step-back"],
)  # fmt: skip
def test_resume_dose_after_an_unsettled_step(
    previous: dict[str, int] | None, level: str, resume: str
) -> None:
    """After an unsettled step the pre-flare dose is the dose before it, or one step back;
    a moderate flare resumes there, a severe one a step below it (a graded return)."""

    got = outcome(
        flare=flare(level, 5 if level == "moderate" else 8, 2),
        last_progression={**STEP_UP_UNSETTLED, "previous_dose": previous},
    )

    assert got[2] == resume


@pytest.mark.parametrize(
    ("overrides", "resume"),
    [
        ({}, "3 × 10 min"),  # one step back from the current dose, paused
        ({"last_progression": STEP_UP_SETTLED}, "3 × 10 min"),
        ({"walking": walking(5, 20)}, "5 × 15 min"),
        ({"walking": walking(1, 5)}, "1 × 5 min"),  # no smaller step back: kept
        ({"walking": walking(0, 0)}, ""),  # not walking: nothing to resume
        ({"walking_tolerance": "not_tolerated"}, ""),
    ],
)
def test_resume_dose_otherwise(overrides: dict[str, Any], resume: str) -> None:
    """After a severe flare, one step back from the current dose; none when not walking or
    walking is not tolerated."""

    assert outcome(flare=flare("severe", 8, 1), **overrides)[2] == resume


def test_resume_dose_only_for_flare_decisions() -> None:
    """Every other decision has no resume dose."""

    assert outcome(last_progression=STEP_UP_UNSETTLED)[2] == ""
    assert outcome(red_flags=["infection_fever"], flare=flare("severe", 8, 1))[2] == ""


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"flare": flare("mild", 2, 3)}, "mild flare"),
        ({"last_progression": STEP_UP_SETTLED}, "settled"),
        ({"walking": walking(4, 10, weeks=0)}, "0 weeks"),
        ({"returning_after_flare": True}, "returning after a flare"),
        ({"adherence": "less_than_planned"}, "fewer walks than planned"),
        ({"new_lower_limb_pain": True}, "new lower-limb pain"),
    ],
)
def test_each_reason_to_hold(overrides: dict[str, Any], reason: str) -> None:
    """Each hold reason alone holds the current dose, and the reason says which."""

    rec = recommend(make_assessment(**overrides))
    held = next(t for t in rec.trace if t.fired)

    assert (rec.decision, rec.trace.index(held)) == (Decision.HOLD, 8)
    assert reason in held.reason


def test_zero_weeks_holds_only_while_the_dose_can_progress() -> None:
    """At the target, 0 weeks does not hold: MAINTAIN."""

    assert outcome(walking=walking(5, 30, weeks=0))[0] == "MAINTAIN"
    assert outcome(walking=walking(4, 10, weeks=None))[0] == "PROGRESS"  # unknown: established


@pytest.mark.parametrize(
    ("dose", "tolerance", "decision", "next_dose"),
    [
        (walking(2, 75), "full", "PROGRESS", "3 × 50 min"),  # 150 minutes shared over 3
        (walking(3, 50), "full", "MAINTAIN", "3 × 50 min"),
        (walking(2, 240), "full", "MAINTAIN", "2 × 240 min"),
        (walking(5, 25), "full", "PROGRESS", "5 × 30 min"),
        (walking(7, 10), "duration_limited", "MAINTAIN", "7 × 10 min"),
        (walking(6, 10), "duration_limited", "PROGRESS", "7 × 10 min"),
    ],
)
def test_target_and_can_progress(
    dose: dict[str, Any], tolerance: str, decision: str, next_dose: str
) -> None:
    """The target rule at 2 × 75, 3 × 50 and 2 × 240, and the duration-limited cap."""

    got = outcome(walking=dose, walking_tolerance=tolerance)

    assert got[:2] == (decision, next_dose)


def test_step_back_to_the_dose_before_the_step() -> None:
    """STEP_BACK's dose is previous_dose when given, and it takes precedence over HOLD."""

    got = outcome(
        flare=flare("mild", 2, 1),
        walking=walking(5, 20),
        last_progression={
            **STEP_UP_UNSETTLED,
            "previous_dose": {"walks_per_week": 5, "minutes_per_walk": 15},
        },
    )

    assert got[:2] == ("STEP_BACK", "5 × 15 min")


def test_trace_says_which_rule_decides_first() -> None:
    """A later rule that also holds says which rule took precedence."""

    rec = recommend(make_assessment(flare=flare("severe", 8, 1), walking=walking(0, 0)))
    start = next(t for t in rec.trace if t.rule_id == "WB-R24")

    assert start.fired is False
    assert start.reason.endswith("— but WB-R19 (SEVERE_FLARE) decides first")
