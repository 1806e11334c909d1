"""Spec §6 and §7: flare care, each flag's condition at its boundary, and what hides them."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import Flag, recommend

from .conftest import first_visit, flare, make_assessment, walking


def flags(**overrides: Any) -> set[str]:
    return {f.value for f in recommend(make_assessment(**overrides)).flags}


FLAG_CASES: list[tuple[dict[str, Any], str, bool]] = [
        ({"self_harm_concern": True}, "SELF_HARM_CONCERN", True),
        ({"red_flags": ["cancer_history"]}, "RED_FLAG_FEATURES_NOTED", True),
        ({"red_flags": ["cancer_history", "cancer_age"]}, "RED_FLAG_FEATURES_NOTED", False),
        ({"red_flags": ["fracture_deformity"]}, "RED_FLAG_SAFETY_NET", True),
        ({"flare": flare("mild", 2)}, "RED_FLAG_SAFETY_NET", True),
        ({}, "RED_FLAG_SAFETY_NET", False),
        (
            {"red_flags": ["axspa_gate", "axspa_buttock", "axspa_family", "axspa_psoriasis"]},
            "AXSPA_POSSIBLE",
            True,
        ),
        ({"episode_weeks": 12}, "CHRONIC_PAIN", True),
        ({"episode_weeks": 11}, "CHRONIC_PAIN", False),
        ({"flare": flare("mild", 2, 84)}, "CHRONIC_PAIN", True),
        ({"flare": flare("mild", 2, 83)}, "CHRONIC_PAIN", False),
        ({"flare": flare("none", 0), "episode_weeks": 11}, "CHRONIC_PAIN", False),
        ({"flare": flare("mild", 2)}, "MILD_FLARE", True),
        ({"returning_after_flare": True}, "RESUMING_AFTER_FLARE", True),
        ({"last_progression": {"pain_increased": True, "settled_within_24h": True}},
         "PAIN_SETTLED_AFTER_PROGRESSION", True),
        ({"walking": walking(4, 10, weeks=0)}, "TOO_SOON_TO_PROGRESS", True),
        ({"adherence": "less_than_planned"}, "ADHERENCE_BELOW_PLAN", True),
        ({"adherence": "as_planned"}, "ADHERENCE_BELOW_PLAN", False),
        ({"new_lower_limb_pain": True}, "NEW_LOWER_LIMB_PAIN", True),
        ({"walking": walking(5, 25)}, "TARGET_REACHED_AFTER_THIS_STEP", True),
        ({"walking": walking(5, 20)}, "TARGET_REACHED_AFTER_THIS_STEP", False),
        ({"previous_episodes": 3}, "HIGH_RECURRENCE_RISK", True),
        ({"previous_episodes": 2}, "HIGH_RECURRENCE_RISK", False),
        ({"age": 65}, "OLDER_ADULT", True),
        ({"age": 64}, "OLDER_ADULT", False),
        ({"falls_last_year": True}, "FALLS_RISK", True),
        ({"phq2": 3}, "DEPRESSION_SCREEN_POSITIVE", True),
        ({"phq2": 2}, "DEPRESSION_SCREEN_POSITIVE", False),
        ({"startback": {"total": 3, "distress": 3}}, "STARTBACK_LOW", True),
        ({"startback": {"total": 4, "distress": 3}}, "STARTBACK_MEDIUM", True),
        ({"startback": {"total": 4, "distress": 4}}, "STARTBACK_HIGH", True),
        ({"startback": {"total": 4, "distress": 3}}, "STARTBACK_LOW", False),
        ({"walking_tolerance": "duration_limited"}, "DURATION_LIMITED", True),
        ({"leg_symptoms": "below_knee"}, "RADICULAR_PAIN", True),
        ({"leg_symptoms": "above_knee"}, "RADICULAR_PAIN", False),
        ({"stable_neuro_deficit": True}, "RADICULAR_PAIN", True),
        ({"neurogenic_claudication": True}, "NEUROGENIC_CLAUDICATION", True),
        ({"pregnant_or_postpartum": True}, "PREGNANCY_POSTPARTUM", True),
        ({"spinal_surgery_within_6_months": True}, "RECENT_SPINAL_SURGERY", True),
        ({"other_exercise_minutes_per_week": 150}, "ALREADY_ACTIVE", True),
        ({"other_exercise_minutes_per_week": 149}, "ALREADY_ACTIVE", False),
        ({"flare": flare("severe", 8, 43)}, "PERSISTENT_SEVERE_PAIN", True),
        ({"flare": flare("severe", 8, 42)}, "PERSISTENT_SEVERE_PAIN", False),
        ({"flare": flare("moderate", 5, 60)}, "PERSISTENT_SEVERE_PAIN", False),
        ({"age": 60, "flare": flare("severe", 8, 2)}, "SUDDEN_SEVERE_PAIN_OLDER", True),
        ({"age": 59, "flare": flare("severe", 8, 2)}, "SUDDEN_SEVERE_PAIN_OLDER", False),
        ({"age": 60, "flare": flare("severe", 8, 3)}, "SUDDEN_SEVERE_PAIN_OLDER", False),
        ({"age": 70, "flare": flare("none", 9)}, "SUDDEN_SEVERE_PAIN_OLDER", True),  # no onset
        ({"age": 70, "flare": flare("severe", 8, 1), "red_flags": ["cancer_age"]},
         "SUDDEN_SEVERE_PAIN_OLDER", False),
        ({"age": 70, "flare": flare("severe", 8, 1), "exercise_screen": ["breathless_on_exertion"]},
         "SUDDEN_SEVERE_PAIN_OLDER", False),
        ({"leg_symptoms": "above_knee"}, "RED_FLAG_SAFETY_NET", True),
        ({"stable_neuro_deficit": True}, "RED_FLAG_SAFETY_NET", True),
        ({"episode_weeks": 12, "red_flags": ["axspa_gate", "axspa_buttock", "axspa_family",
          "axspa_psoriasis", "axspa_arthritis"]}, "CHRONIC_PAIN", False),
        ({"age": 17}, "OUTSIDE_TRIAL_POPULATION", True),
        ({"age": 18}, "OUTSIDE_TRIAL_POPULATION", False),
        ({"visit": "initial", "episode_weeks": 1}, "OUTSIDE_TRIAL_POPULATION", True),
        ({"visit": "initial", "episode_weeks": 0}, "OUTSIDE_TRIAL_POPULATION", True),  # 4 walks
        ({"visit": "initial", "episode_weeks": 0, "walking": walking(2, 10)},
         "OUTSIDE_TRIAL_POPULATION", False),
        ({"visit": "initial", "episode_weeks": 1, "walking": walking(2, 10)},
         "OUTSIDE_TRIAL_POPULATION", True),
        ({"flare": flare("none", 7)}, "PAIN_LEVEL_MISMATCH", True),
        ({"flare": flare("none", 3)}, "PAIN_LEVEL_MISMATCH", False),
        ({"flare": flare("severe", 2, 1)}, "PAIN_LEVEL_MISMATCH", True),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "flag", "raised"), FLAG_CASES)
def test_each_flag_at_its_boundary(overrides: dict[str, Any], flag: str, raised: bool) -> None:
    """Each flag is raised exactly when its condition of §7 holds."""

    assert (flag in flags(**overrides)) is raised


@pytest.mark.parametrize(
    ("overrides", "raised"),
    [
        ({"flare": flare("severe", 8, 7)}, False),
        ({"flare": flare("severe", 8, 8)}, True),  # severe beyond a week
        ({"flare": flare("mild", 2, 42)}, False),
        ({"flare": flare("mild", 2, 43)}, True),  # any flare beyond 6 weeks
        ({"flare": flare("none", 7, None)}, True),  # raised by the pain with no onset day
        ({"flare": {"level": "none", "pain_now": 7, "days_since_onset": 2}}, False),
        ({"walking": walking(7, 10), "walking_tolerance": "duration_limited"}, True),
        ({"walking": walking(7, 21), "walking_tolerance": "duration_limited"}, True),
        ({"walking": walking(7, 22), "walking_tolerance": "duration_limited"}, False),  # 154 min
        ({"walking": walking(7, 30), "walking_tolerance": "duration_limited"}, False),
        (
            {
                "walking": walking(1, 5),
                "last_progression": {"pain_increased": True, "settled_within_24h": False},
            },
            True,  # STEP_BACK with no smaller dose
        ),
        (
            {
                "walking": walking(1, 10),
                "last_progression": {"pain_increased": True, "settled_within_24h": False},
            },
            False,
        ),
    ],
)
def test_clinician_review(overrides: dict[str, Any], raised: bool) -> None:
    """CLINICIAN_REVIEW at each of its five reasons, and the reason names which."""

    rec = recommend(make_assessment(**overrides))
    entry = next(t for t in rec.trace if t.rule_id == "WB-F18")

    assert (Flag.CLINICIAN_REVIEW in rec.flags) is raised
    assert entry.fired is raised
    if raised:
        assert entry.reason and entry.reason in rec.cards[-1].detail + "".join(
            c.detail for c in rec.cards
        )


@pytest.mark.parametrize(
    ("assessment", "raised"),
    [
        (first_visit(), False),
        (first_visit(walking=walking(3, 10)), True),  # already walking 3 times a week
        (first_visit(walking=walking(2, 10)), False),
        (first_visit(flare=flare("mild", 2)), True),  # initial visit in a flare
        (make_assessment(flare=flare("mild", 2)), False),  # a review in a flare
        (make_assessment(baseline_walks_per_week=3), True),
        (make_assessment(baseline_walks_per_week=2), False),
        (first_visit(walking_tolerance="not_tolerated"), True),
        (first_visit(pregnant_or_postpartum=True), True),
        (first_visit(spinal_surgery_within_6_months=True), True),
        (first_visit(episode_weeks=12), True),
    ],
)
def test_outside_trial_population(assessment: Any, raised: bool) -> None:
    """Each reason the trial's figures may not apply."""

    assert (Flag.OUTSIDE_TRIAL_POPULATION in recommend(assessment).flags) is raised


@pytest.mark.parametrize(
    ("level", "pain", "ice", "medication"),
    [
        ("none", 0, False, False),
        ("mild", 2, False, False),
        ("moderate", 5, True, False),
        ("severe", 8, True, True),
    ],
)
def test_flare_care(level: str, pain: int, ice: bool, medication: bool) -> None:
    """Cold or heat in a moderate or severe flare; a pain-relief talk in a severe one."""

    rec = recommend(make_assessment(flare=flare(level, pain)))

    assert (rec.ice_or_heat, rec.medication_discussion) == (ice, medication)


@pytest.mark.parametrize(
    ("red_flags", "exercise", "ice"),
    [
        (["ces_saddle"], [], False),  # an emergency: nothing but the referral
        (["infection_fever", "infection_wound"], [], True),  # same day keeps flare care
        (["infection_fever"], [], True),
        ([], ["chest_pain_on_exertion"], True),
    ],
)
def test_flare_care_beside_referrals(red_flags: list[str], exercise: list[str], ice: bool) -> None:
    """Flare care is withheld only for an emergency or out of scope."""

    rec = recommend(
        make_assessment(flare=flare("severe", 8), red_flags=red_flags, exercise_screen=exercise)
    )

    assert (rec.ice_or_heat, rec.medication_discussion) == (ice, ice)


def test_flare_care_withheld_out_of_scope() -> None:
    rec = recommend(make_assessment(age=15, flare=flare("severe", 8)))

    assert (rec.ice_or_heat, rec.medication_discussion) == (False, False)


def test_emergency_shows_only_self_harm() -> None:
    """An emergency shows nothing but itself, and a self-harm concern."""

    rec = recommend(
        make_assessment(
            age=80, red_flags=["ces_bowel"], self_harm_concern=True, phq2=6, flare=flare("mild", 2)
        )
    )

    assert rec.flags == (Flag.SELF_HARM_CONCERN,)
    older = next(t for t in rec.trace if t.rule_id == "WB-F29")
    assert (older.fired, older.reason) == (
        False,
        "not shown: EMERGENCY_REFERRAL shows only what is safe to show",
    )


def test_out_of_scope_shows_only_safety() -> None:
    """Under 16: self-harm, a positive mood screen, features noted, the safety net and a
    mismatch only."""

    rec = recommend(
        make_assessment(
            age=15,
            red_flags=["cancer_age"],
            self_harm_concern=True,
            flare=flare("none", 7),
            phq2=5,
            falls_last_year=True,
        )
    )

    assert {f.value for f in rec.flags} == {
        "SELF_HARM_CONCERN",
        "DEPRESSION_SCREEN_POSITIVE",
        "RED_FLAG_FEATURES_NOTED",
        "RED_FLAG_SAFETY_NET",
        "PAIN_LEVEL_MISMATCH",
    }


def test_same_day_and_urgent_referrals_keep_their_flags() -> None:
    """Flags are no longer hidden behind the same-day and urgent referrals."""

    assert {"OLDER_ADULT", "DEPRESSION_SCREEN_POSITIVE"} <= flags(
        age=70, phq2=4, exercise_screen=["chest_pain_on_exertion"]
    )
    assert "HIGH_RECURRENCE_RISK" in flags(previous_episodes=9, red_flags=["infection_fever"])


def test_self_harm_never_changes_the_decision_and_has_a_critical_card() -> None:
    """Self-harm concern is its own critical card, second after the decision."""

    plain = recommend(make_assessment())
    concerned = recommend(make_assessment(self_harm_concern=True))

    assert (concerned.decision, concerned.next_dose, concerned.referral) == (
        plain.decision,
        plain.next_dose,
        plain.referral,
    )
    assert concerned.cards[1].indicator == "critical"
    assert "mental-health pathway" in concerned.cards[1].summary


def test_flags_are_sorted_and_unique() -> None:
    rec = recommend(make_assessment(age=70, phq2=5, previous_episodes=4, falls_last_year=True))

    assert list(rec.flags) == sorted(set(rec.flags))
