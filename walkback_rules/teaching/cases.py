"""Synthetic demo patients for teaching: together they reach every decision of the rules,
every referral tier and every screen condition.

None of these is a real person. Each carries the point it teaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.codes import Decision


@dataclass(frozen=True, slots=True)
class DemoCase:
    """A synthetic patient, the decision it shows, and what it teaches."""

    id: str
    title: str
    teaches: str
    expected: Decision
    data: dict[str, Any] = field(hash=False)
    topics: tuple[str, ...] = ()


def _a(
    age: int,
    episodes: int,
    level: str = "none",
    pain: int = 0,
    days: int | None = None,
    walks: int = 0,
    minutes: int = 0,
    weeks: int | None = None,
    visit: str = "initial",
    **more: Any,
) -> dict[str, Any]:
    return {
        "age": age,
        "visit": visit,
        "previous_episodes": episodes,
        "flare": {"level": level, "pain_now": pain, "days_since_onset": days},
        "walking": {
            "walks_per_week": walks,
            "minutes_per_walk": minutes,
            "weeks_at_current_dose": weeks,
        },
        **more,
    }


def _case(
    n: int, title: str, teaches: str, expected: Decision, topics: str, data: dict[str, Any]
) -> DemoCase:
    return DemoCase(f"demo-{n:02d}", title, teaches, expected, data, tuple(topics.split(",")))


_D = Decision
_STEPPED_UP = {
    "pain_increased": True,
    "settled_within_24h": False,
    "previous_dose": {"walks_per_week": 5, "minutes_per_walk": 15},
}

CASES: tuple[DemoCase, ...] = (
    _case(
        1,
        "45, first visit, recovered, not walking yet",
        "The trial population: start gently and note the recurrence risk.",
        _D.START,
        "progression",
        _a(45, 4, episode_weeks=0),
    ),
    _case(
        2,
        "52, review, 4 walks of 10 minutes for a week",
        "No pain rise after the last step and a full week done: one step up (a walk more).",
        _D.PROGRESS,
        "progression",
        _a(
            52,
            1,
            walks=4,
            minutes=10,
            weeks=1,
            visit="review",
            last_progression={"pain_increased": False},
        ),
    ),
    _case(
        3,
        "56, review, 5 walks of 25 minutes",
        "The next step reaches the WalkBack target of 5 walks of 30 minutes.",
        _D.PROGRESS,
        "progression",
        _a(56, 2, walks=5, minutes=25, weeks=1, visit="review"),
    ),
    _case(
        4,
        "61, review, at the target for a month",
        "At the target: maintain, never reduce.",
        _D.MAINTAIN,
        "progression",
        _a(61, 2, walks=5, minutes=30, weeks=4, visit="review"),
    ),
    _case(
        5,
        "48, review, pain rose after the last step and settled",
        "A pain rise that settles within a day: repeat the dose for a week.",
        _D.HOLD,
        "progression",
        _a(
            48,
            1,
            pain=2,
            walks=5,
            minutes=15,
            weeks=1,
            visit="review",
            usual_pain=2,
            last_progression={"pain_increased": True, "settled_within_24h": True},
        ),
    ),
    _case(
        6,
        "50, review, pain rose after the last step and did not settle",
        "Pain that has not settled: back to the dose before the last step.",
        _D.STEP_BACK,
        "progression",
        _a(
            50,
            2,
            pain=2,
            walks=5,
            minutes=20,
            weeks=1,
            visit="review",
            usual_pain=1,
            last_progression=_STEPPED_UP,
        ),
    ),
    _case(
        7,
        "39, review, mild flare for 2 days",
        "A mild flare holds the dose until it settles, with the safety net.",
        _D.HOLD,
        "flares",
        _a(39, 1, level="mild", pain=3, days=2, walks=4, minutes=20, weeks=2, visit="review"),
    ),
    _case(
        8,
        "58, review, moderate flare for 3 days, prefers Pilates",
        "Flare care comes before the choice of exercise: short walks of 2–5 minutes.",
        _D.MODERATE_FLARE,
        "flares",
        _a(
            58,
            1,
            level="moderate",
            pain=5,
            days=3,
            walks=4,
            minutes=20,
            visit="review",
            prefers_other_exercise=True,
        ),
    ),
    _case(
        9,
        "41, first visit, severe flare since yesterday",
        "Severe flare: ease off, cold or heat, and a pain-relief talk with the GP or pharmacist.",
        _D.SEVERE_FLARE,
        "flares",
        _a(41, 2, level="severe", pain=8, days=1),
    ),
    _case(
        10,
        "50, flare after stepping up from 5 × 15 to 5 × 20",
        "One dose to return to: the dose before the step that caused the flare.",
        _D.MODERATE_FLARE,
        "flares",
        _a(
            50,
            1,
            level="moderate",
            pain=5,
            days=2,
            walks=5,
            minutes=20,
            weeks=1,
            visit="review",
            last_progression=_STEPPED_UP,
        ),
    ),
    _case(
        11,
        "50, the visit after the flare, back at 5 × 15",
        "The visit after a flare holds the resume dose for a week: never straight up.",
        _D.HOLD,
        "flares,progression",
        _a(50, 1, walks=5, minutes=15, visit="review", returning_after_flare=True),
    ),
    _case(
        12,
        "60, usual pain 5/10, no flare, 20-week episode",
        "A flare is judged against usual pain: 5 of 5 is no flare. Chronic pain is a flag: "
        "walking still progresses.",
        _D.PROGRESS,
        "chronic pain,flares",
        _a(
            60,
            1,
            pain=5,
            usual_pain=5,
            episode_weeks=20,
            walks=3,
            minutes=10,
            weeks=2,
            visit="review",
        ),
    ),
    _case(
        13,
        "70, knee arthritis limits walks to 10 minutes",
        "Walk length limited: progression by frequency only, capped at 7 a week; below "
        "the target, the clinician reviews the plan.",
        _D.MAINTAIN,
        "progression",
        _a(
            70,
            1,
            walks=7,
            minutes=10,
            weeks=3,
            visit="review",
            walking_tolerance="duration_limited",
        ),
    ),
    _case(
        14,
        "44, would rather swim than walk",
        "A preferred exercise the person will keep doing beats walking they will not.",
        _D.ALTERNATIVE_EXERCISE,
        "progression",
        _a(44, 0, prefers_other_exercise=True),
    ),
    _case(
        15,
        "35, fever and injecting drug use",
        "Fever with a risk factor: possible spinal infection, a doctor today.",
        _D.SAME_DAY_REFERRAL,
        "red flags",
        _a(35, 1, red_flags=["infection_fever", "infection_drug_injection"]),
    ),
    _case(
        16,
        "35, fever, no risk factor",
        "Fever alone: a doctor within days, sooner if worse.",
        _D.URGENT_REFERRAL,
        "red flags",
        _a(35, 1, red_flags=["infection_fever"]),
    ),
    _case(
        17,
        "62, past cancer, ordinary mechanical back pain",
        "A history of cancer alone is the strongest single sign, but not a referral: note "
        "it, safety-net, re-screen every visit.",
        _D.START,
        "red flags",
        _a(62, 1, red_flags=["cancer_history"]),
    ),
    _case(
        18,
        "68, past cancer, mid-back pain and worsening leg weakness",
        "Cancer with new neurology: possible metastatic cord compression, an emergency; "
        "contact the MSCC coordinator at once as well as the emergency department.",
        _D.EMERGENCY_REFERRAL,
        "red flags",
        _a(68, 1, red_flags=["cancer_history", "cancer_thoracic", "neuro_worsening_weakness"]),
    ),
    _case(
        19,
        "62, past cancer and pain that wakes them at night",
        "Cancer history with a second malignancy feature: the acute oncology / MSCC team "
        "within 24 hours, the same day (NICE NG234).",
        _D.SAME_DAY_REFERRAL,
        "red flags",
        _a(62, 1, red_flags=["cancer_history", "cancer_non_mechanical"]),
    ),
    _case(
        20,
        "55, new saddle numbness and a severe flare",
        "A red flag always wins: emergency referral, no dose, no flare care.",
        _D.EMERGENCY_REFERRAL,
        "red flags",
        _a(55, 3, level="severe", pain=9, days=2, red_flags=["ces_saddle"]),
    ),
    _case(
        21,
        "30, inflammatory back pain, 4 NICE NG65 criteria",
        "Axial spondyloarthritis at 4 criteria: routine rheumatology referral, and the "
        "walking programme continues.",
        _D.PROGRESS,
        "red flags,chronic pain",
        _a(
            30,
            1,
            episode_weeks=20,
            walks=3,
            minutes=20,
            weeks=2,
            visit="review",
            red_flags=[
                "axspa_gate",
                "axspa_onset_before_35",
                "axspa_night_waking",
                "axspa_buttock",
                "axspa_movement",
            ],
        ),
    ),
    _case(
        22,
        "28, inflammatory back pain, 3 NICE NG65 criteria",
        "At 3 criteria: no referral yet, but ask the GP about an HLA-B27 test.",
        _D.START,
        "red flags",
        _a(
            28,
            0,
            episode_weeks=16,
            red_flags=[
                "axspa_gate",
                "axspa_onset_before_35",
                "axspa_night_waking",
                "axspa_buttock",
            ],
        ),
    ),
    _case(
        23,
        "70, chest tightness on hills, severe flare",
        "Chest pain on exertion: a doctor today and no exercise walking; flare care still applies.",
        _D.SAME_DAY_REFERRAL,
        "screens,flares",
        _a(
            70,
            1,
            level="severe",
            pain=8,
            days=2,
            visit="review",
            exercise_screen=["chest_pain_on_exertion"],
        ),
    ),
    _case(
        24,
        "72, chest pressure now, at rest",
        "Chest pain at rest: call an ambulance.",
        _D.EMERGENCY_REFERRAL,
        "screens",
        _a(72, 2, exercise_screen=["chest_pain_at_rest"]),
    ),
    _case(
        25,
        "63, breathless on hills out of proportion",
        "Unexplained breathlessness on exertion: a doctor within days before exercise.",
        _D.URGENT_REFERRAL,
        "screens",
        _a(63, 1, exercise_screen=["breathless_on_exertion"]),
    ),
    _case(
        26,
        "74, sudden severe back and belly pain, smoker",
        "Possible aortic aneurysm: not a back problem, an emergency.",
        _D.EMERGENCY_REFERRAL,
        "red flags",
        _a(74, 0, red_flags=["vascular_aneurysm"]),
    ),
    _case(
        27,
        "78, osteoporosis, pain after lifting a bag",
        "Minor trauma with osteoporosis: possible fracture, urgent.",
        _D.URGENT_REFERRAL,
        "red flags",
        _a(78, 1, level="moderate", pain=6, days=3, red_flags=["fracture_fragility"]),
    ),
    _case(
        28,
        "16, back pain after sport",
        "From 16 the programme applies (NICE NG59), flagged as outside the trial "
        "population, which enrolled adults; with a mild flare, no step up until it settles.",
        _D.START,
        "screens",
        _a(16, 0, level="mild", pain=3, days=5),
    ),
    _case(
        29,
        "47, says 'no flare' but rates pain 7/10",
        "Entry and pain rating three bands apart: the more severe is used; re-check.",
        _D.SEVERE_FLARE,
        "flares",
        _a(47, 1, pain=7, days=2, walks=3, minutes=15, visit="review"),
    ),
    _case(
        30,
        "57, review, managed fewer walks than planned",
        "Adherence below plan: hold and talk through the barriers, do not step up.",
        _D.HOLD,
        "progression",
        _a(57, 1, walks=4, minutes=15, weeks=2, visit="review", adherence="less_than_planned"),
    ),
    _case(
        31,
        "64, review, new knee pain since walking more",
        "New lower-limb pain: hold and assess the joint, footwear and route.",
        _D.HOLD,
        "progression",
        _a(64, 1, walks=5, minutes=20, weeks=2, visit="review", new_lower_limb_pain=True),
    ),
    _case(
        32,
        "45, low mood, concern about self-harm",
        "A self-harm concern is its own critical card: the urgent mental-health pathway "
        "today. It never changes the plan for the back.",
        _D.START,
        "screens",
        _a(45, 1, phq2=5, self_harm_concern=True),
    ),
    _case(
        33,
        "66, cannot walk for exercise (hip), STarT Back high risk",
        "Walking not tolerated: another exercise; STarT Back high risk adds "
        "psychologically informed care.",
        _D.ALTERNATIVE_EXERCISE,
        "screens",
        _a(66, 1, walking_tolerance="not_tolerated", startback={"total": 7, "distress": 4}),
    ),
    _case(
        34,
        "56, fell from a ladder yesterday",
        "Major trauma: possible fracture, the emergency department today for assessment and "
        "imaging (NICE NG41), not a doctor within days.",
        _D.SAME_DAY_REFERRAL,
        "red flags",
        _a(56, 2, level="moderate", pain=6, days=1, red_flags=["fracture_major_trauma"]),
    ),
    _case(
        35,
        "48, fever and new breathlessness on the stairs",
        "Two separate urgent concerns together are a same-day concern: the combination, "
        "not the single sign, sets the level of concern.",
        _D.SAME_DAY_REFERRAL,
        "red flags",
        _a(48, 1, red_flags=["infection_fever"], exercise_screen=["breathless_on_exertion"]),
    ),
    _case(
        36,
        "45, review, one long walk of 150 minutes a week",
        "Long walks are spread, not multiplied: the same 150 minutes over two walks of 75.",
        _D.PROGRESS,
        "progression",
        _a(45, 1, walks=1, minutes=150, weeks=2, visit="review"),
    ),
    _case(
        37,
        "50, review, severe flare at 5 walks of 20 minutes",
        "After a severe flare, a graded return: resume one step back, at 5 × 15, not the "
        "whole pre-flare dose.",
        _D.SEVERE_FLARE,
        "flares",
        _a(50, 1, level="severe", pain=8, days=1, walks=5, minutes=20, visit="review"),
    ),
    _case(
        38,
        "64, sudden severe back pain, nothing else found",
        "Sudden severe pain at 60 or over: ask about an aortic aneurysm and other causes from "
        "outside the spine before treating it as a flare.",
        _D.SEVERE_FLARE,
        "flares",
        _a(64, 0, level="severe", pain=9, days=1),
    ),
    _case(
        39,
        "52, review, severe pain for seven weeks",
        "Severe pain beyond six weeks: a medical review this week, and re-screen the red "
        "flags, no improvement after 4–6 weeks among them.",
        _D.SEVERE_FLARE,
        "flares",
        _a(52, 2, level="severe", pain=8, days=50, walks=4, minutes=20, visit="review"),
    ),
    _case(
        40,
        "14, back pain, low mood",
        "Under 16 is out of scope: safety only, and a positive mood screen is still shown.",
        _D.OUT_OF_SCOPE,
        "screens",
        _a(14, 0, level="mild", pain=3, days=5, phq2=4),
    ),
    _case(
        41,
        "58, saddle numbness and retention, seen at once",
        "An emergency needs only the age and the features: the record and the letter are "
        "ready before the history, the flare or the walking are asked.",
        _D.EMERGENCY_REFERRAL,
        "red flags",
        {"age": 58, "red_flags": ["ces_saddle", "ces_bladder"]},
    ),
    _case(
        42,
        "40, leg pain below the knee, walking 3 times a week",
        "Leg symptoms raise the get-help-now safety net: sciatica is where cauda equina is "
        "most often missed.",
        _D.PROGRESS,
        "screens",
        _a(40, 1, walks=3, minutes=20, leg_symptoms="below_knee"),
    ),
)

CASES_BY_ID = {case.id: case for case in CASES}
