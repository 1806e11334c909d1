"""Spec §10: the worked examples, as one table."""

from __future__ import annotations

from typing import Any

import pytest

from walkback_rules import recommend
from walkback_rules.core.cards import short_dose

from .conftest import LEFT_OUT, first_visit, flare, walking

FLARE_AFTER_STEP = {
    "pain_increased": True,
    "settled_within_24h": False,
}

# patient, decision, next dose, resume, referral (urgency and conditions), flags, flare care
Example = tuple[str, dict[str, Any], str, str, str, str, tuple[str, ...], tuple[bool, bool]]
EXAMPLES: list[Example] = [
    (
        "45 y, 4 episodes, recovered, not walking",
        {"age": 45, "previous_episodes": 4, "episode_weeks": 0},
        "START", "3–4 × 5–10 min", "", "", ("HIGH_RECURRENCE_RISK",), (False, False),
    ),
    (
        "52 y, review, 4 × 10 for a week, no pain increase",
        {"age": 52, "visit": "review", "walking": walking(4, 10, 1),
         "last_progression": {"pain_increased": False}},
        "PROGRESS", "5 × 10 min", "", "", (), (False, False),
    ),
    (
        "56 y, review, 5 × 25 for a week",
        {"age": 56, "visit": "review", "walking": walking(5, 25, 1)},
        "PROGRESS", "5 × 30 min", "", "", ("TARGET_REACHED_AFTER_THIS_STEP",), (False, False),
    ),
    (
        "41 y, severe flare since yesterday, pain 8",
        {"age": 41, "flare": flare("severe", 8, 1)},
        "SEVERE_FLARE", "", "", "", ("OUTSIDE_TRIAL_POPULATION", "RED_FLAG_SAFETY_NET"),
        (True, True),
    ),
    (
        "50 y, moderate flare after 5 × 15 → 5 × 20, previous dose given",
        {"age": 50, "visit": "review", "walking": walking(5, 20, None),
         "last_progression": {**FLARE_AFTER_STEP,
                              "previous_dose": {"walks_per_week": 5, "minutes_per_walk": 15}},
         "flare": flare("moderate", 5, 2)},
        "MODERATE_FLARE", "walks of 2–5 min as tolerated", "5 × 15 min", "",
        ("RED_FLAG_SAFETY_NET",), (True, False),
    ),
    (
        "50 y, moderate flare after 5 × 20 → 5 × 25, no previous dose",
        {"age": 50, "visit": "review", "walking": walking(5, 25, None),
         "last_progression": FLARE_AFTER_STEP, "flare": flare("moderate", 4, 1)},
        "MODERATE_FLARE", "walks of 2–5 min as tolerated", "5 × 20 min", "",
        ("RED_FLAG_SAFETY_NET",), (True, False),
    ),
    (
        "the same 50 y at the next review, returning after the flare",
        {"age": 50, "visit": "review", "walking": walking(5, 15, None),
         "returning_after_flare": True},
        "HOLD", "5 × 15 min", "", "", ("RESUMING_AFTER_FLARE",), (False, False),
    ),
    (
        "60 y, usual pain 5, pain 5, episode 20 weeks, 3 × 10 for 2 weeks",
        {"age": 60, "visit": "review", "usual_pain": 5, "flare": flare("none", 5),
         "episode_weeks": 20, "walking": walking(3, 10, 2)},
        "PROGRESS", "4 × 10 min", "", "", ("CHRONIC_PAIN", "OUTSIDE_TRIAL_POPULATION"),
        (False, False),
    ),
    (
        "35 y, fever and injecting drug use",
        {"age": 35, "red_flags": ["infection_fever", "infection_drug_injection"]},
        "SAME_DAY_REFERRAL", "", "", "same_day: spinal_infection", (), (False, False),
    ),
    (
        "35 y, fever only",
        {"age": 35, "red_flags": ["infection_fever"]},
        "URGENT_REFERRAL", "", "", "urgent: spinal_infection", (), (False, False),
    ),
    (
        "55 y, only a first episode after 50",
        {"age": 55, "red_flags": ["cancer_age"]},
        "START", "3–4 × 5–10 min", "", "", ("RED_FLAG_FEATURES_NOTED", "RED_FLAG_SAFETY_NET"),
        (False, False),
    ),
    (
        "62 y, only a cancer history",
        {"age": 62, "red_flags": ["cancer_history"]},
        "START", "3–4 × 5–10 min", "", "", ("RED_FLAG_FEATURES_NOTED", "RED_FLAG_SAFETY_NET"),
        (False, False),
    ),
    (
        "62 y, cancer history and non-mechanical pain",
        {"age": 62, "red_flags": ["cancer_history", "cancer_non_mechanical"]},
        "SAME_DAY_REFERRAL", "", "", "same_day: malignancy", (), (False, False),
    ),
    (
        "68 y, cancer history, thoracic pain and worsening weakness",
        {"age": 68, "red_flags": ["cancer_history", "cancer_thoracic",
                                  "neuro_worsening_weakness"]},
        "EMERGENCY_REFERRAL", "", "",
        "emergency: progressive_neurological_deficit, metastatic_cord_compression, malignancy",
        (), (False, False),
    ),
    (
        "30 y, review, episode 20 weeks, axSpA gate and 4 criteria, 3 × 20 for 2 weeks",
        {"age": 30, "visit": "review", "episode_weeks": 20, "walking": walking(3, 20, 2),
         "red_flags": ["axspa_gate", "axspa_onset_before_35", "axspa_night_waking",
                       "axspa_buttock", "axspa_movement"]},
        "PROGRESS", "4 × 20 min", "", "routine: axial_spondyloarthritis",
        ("OUTSIDE_TRIAL_POPULATION",), (False, False),
    ),
    (
        "56 y, major trauma",
        {"age": 56, "red_flags": ["fracture_major_trauma"]},
        "SAME_DAY_REFERRAL", "", "", "same_day: fracture", (), (False, False),
    ),
    (
        "48 y, fever and breathlessness on exertion: two urgent conditions",
        {"age": 48, "red_flags": ["infection_fever"],
         "exercise_screen": ["breathless_on_exertion"]},
        "SAME_DAY_REFERRAL", "", "", "same_day: spinal_infection, cardiorespiratory", (),
        (False, False),
    ),
    (
        "45 y, review, 1 × 150 for 2 weeks",
        {"age": 45, "visit": "review", "walking": walking(1, 150, 2)},
        "PROGRESS", "2 × 75 min", "", "", (), (False, False),
    ),
    (
        "50 y, review, 5 × 20, severe flare day 1, pain 8",
        {"age": 50, "visit": "review", "walking": walking(5, 20, None),
         "flare": flare("severe", 8, 1)},
        "SEVERE_FLARE", "", "5 × 15 min", "", ("RED_FLAG_SAFETY_NET",), (True, True),
    ),
    (
        "52 y, review, 4 × 20, severe flare day 50, pain 8",
        {"age": 52, "visit": "review", "walking": walking(4, 20, None),
         "flare": flare("severe", 8, 50)},
        "SEVERE_FLARE", "", "3 × 20 min", "",
        ("CLINICIAN_REVIEW", "PERSISTENT_SEVERE_PAIN", "RED_FLAG_SAFETY_NET"), (True, True),
    ),
    (
        "64 y, severe flare day 1, pain 9, nothing ticked",
        {"age": 64, "flare": flare("severe", 9, 1)},
        "SEVERE_FLARE", "", "", "",
        ("OUTSIDE_TRIAL_POPULATION", "RED_FLAG_SAFETY_NET", "SUDDEN_SEVERE_PAIN_OLDER"),
        (True, True),
    ),
    (
        "17 y, not walking",
        {"age": 17},
        "START", "3–4 × 5–10 min", "", "", ("OUTSIDE_TRIAL_POPULATION",), (False, False),
    ),
    (
        "15 y, PHQ-2 4",
        {"age": 15, "phq2": 4},
        "OUT_OF_SCOPE", "", "", "", ("DEPRESSION_SCREEN_POSITIVE",), (False, False),
    ),
    (
        "40 y, walking 3 × 20, leg symptoms below the knee",
        {"age": 40, "walking": walking(3, 20, None), "leg_symptoms": "below_knee"},
        "PROGRESS", "4 × 20 min", "", "",
        ("OUTSIDE_TRIAL_POPULATION", "RADICULAR_PAIN", "RED_FLAG_SAFETY_NET"), (False, False),
    ),
    (
        "60 y, review, 2 × 240 for 3 weeks",
        {"age": 60, "visit": "review", "walking": walking(2, 240, 3)},
        "MAINTAIN", "2 × 240 min", "", "", (), (False, False),
    ),
    (
        "70 y, review, chest pain on exertion, severe flare day 2, pain 8",
        {"age": 70, "visit": "review", "exercise_screen": ["chest_pain_on_exertion"],
         "flare": flare("severe", 8, 2)},
        "SAME_DAY_REFERRAL", "", "", "same_day: cardiorespiratory",
        ("OLDER_ADULT", "RED_FLAG_SAFETY_NET"), (True, True),
    ),
    (
        "any age, saddle numbness",
        {"age": 50, "red_flags": ["ces_saddle"]},
        "EMERGENCY_REFERRAL", "", "", "emergency: cauda_equina", (), (False, False),
    ),
    (
        "58 y, saddle numbness and bladder change, episodes, flare and walking left out",
        {"age": 58, "red_flags": ["ces_saddle", "ces_bladder"],
         "previous_episodes": LEFT_OUT, "flare": LEFT_OUT, "walking": LEFT_OUT},
        "EMERGENCY_REFERRAL", "", "", "emergency: cauda_equina", (), (False, False),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "decision", "dose", "resume", "referral", "flag_codes", "care"),
    [e[1:] for e in EXAMPLES],
    ids=[e[0] for e in EXAMPLES],
)
def test_worked_example(
    overrides: dict[str, Any],
    decision: str,
    dose: str,
    resume: str,
    referral: str,
    flag_codes: tuple[str, ...],
    care: tuple[bool, bool],
) -> None:
    """Each row of §10 gives exactly its decision, doses, referral, flags and flare care."""

    rec = recommend(first_visit(**overrides))
    got_referral = (
        f"{rec.referral.urgency}: {', '.join(rec.referral.conditions)}" if rec.referral else ""
    )

    assert (
        rec.decision.value,
        short_dose(rec.next_dose),
        short_dose(rec.resume_dose),
        got_referral,
        tuple(f.value for f in rec.flags),
        (rec.ice_or_heat, rec.medication_discussion),
    ) == (decision, dose, resume, referral, flag_codes, care)
