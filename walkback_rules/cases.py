"""Synthetic demo patients for teaching: together they reach every decision of the rules.

None of these is a real person. Each carries the point it teaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Decision


@dataclass(frozen=True, slots=True)
class DemoCase:
    """A synthetic patient, the decision it shows, and what it teaches."""

    id: str
    title: str
    teaches: str
    expected: Decision
    data: dict[str, Any] = field(hash=False)


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


CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "demo-01",
        "45, first visit, recovered, not walking yet",
        "The trial population: start gently and note the recurrence risk.",
        Decision.START,
        _a(45, 4),
    ),
    DemoCase(
        "demo-02",
        "52, review, 4 walks of 10 minutes for a week",
        "No pain rise after the last step and a full week done: one step up (a walk more).",
        Decision.PROGRESS,
        _a(
            52,
            1,
            pain=1,
            walks=4,
            minutes=10,
            weeks=1,
            visit="review",
            last_progression={"pain_increased": False},
        ),
    ),
    DemoCase(
        "demo-03",
        "56, review, 5 walks of 25 minutes",
        "The next step reaches the WalkBack target of 5 walks of 30 minutes.",
        Decision.PROGRESS,
        _a(56, 2, walks=5, minutes=25, weeks=2, visit="review"),
    ),
    DemoCase(
        "demo-04",
        "61, review, at the target for a month",
        "At the target: maintain, never reduce.",
        Decision.MAINTAIN,
        _a(61, 3, walks=5, minutes=30, weeks=4, visit="review"),
    ),
    DemoCase(
        "demo-05",
        "48, review, pain rose after the last step and settled",
        "A pain rise that settles within a day: repeat the dose for a week.",
        Decision.HOLD,
        _a(
            48,
            1,
            pain=2,
            level="none",
            walks=5,
            minutes=15,
            weeks=1,
            visit="review",
            last_progression={"pain_increased": True, "settled_within_24h": True},
        ),
    ),
    DemoCase(
        "demo-06",
        "50, review, pain rose after the last step and did not settle",
        "Pain that has not settled: back to the dose before the last step.",
        Decision.STEP_BACK,
        _a(
            50,
            2,
            pain=3,
            level="mild",
            days=1,
            walks=5,
            minutes=20,
            weeks=1,
            visit="review",
            last_progression={
                "pain_increased": True,
                "settled_within_24h": False,
                "previous_dose": {"walks_per_week": 5, "minutes_per_walk": 15},
            },
        ),
    ),
    DemoCase(
        "demo-07",
        "39, review, mild flare for 2 days",
        "A mild flare holds the dose until it settles, with the safety net.",
        Decision.HOLD,
        _a(39, 1, level="mild", pain=3, days=2, walks=4, minutes=20, weeks=2, visit="review"),
    ),
    DemoCase(
        "demo-08",
        "58, review, moderate flare for 3 days, prefers Pilates",
        "Flare care comes before the choice of exercise: short walks of 2–5 minutes.",
        Decision.MODERATE_FLARE,
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
    DemoCase(
        "demo-09",
        "41, severe flare since yesterday",
        "Severe flare: ease off, cold or heat, and a pain-relief talk with the GP or pharmacist.",
        Decision.SEVERE_FLARE,
        _a(41, 2, level="severe", pain=8, days=1),
    ),
    DemoCase(
        "demo-10",
        "67, flare for 14 weeks",
        "Pain beyond 12 weeks belongs to the chronic pathway, whatever its level.",
        Decision.CHRONIC_PATHWAY,
        _a(67, 5, level="moderate", pain=5, days=98, walks=3, minutes=10, visit="review", phq2=3),
    ),
    DemoCase(
        "demo-11",
        "70, knee arthritis limits walks to 10 minutes",
        "Walk length limited: progression by frequency only, capped at 7 a week.",
        Decision.MAINTAIN,
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
    DemoCase(
        "demo-12",
        "44, would rather swim than walk",
        "A preferred exercise the person will keep doing beats walking they will not.",
        Decision.ALTERNATIVE_EXERCISE,
        _a(44, 0, prefers_other_exercise=True),
    ),
    DemoCase(
        "demo-13",
        "63, breathless and chest-tight on hills",
        "Cardiorespiratory symptoms on exertion: medical clearance first.",
        Decision.MEDICAL_CLEARANCE,
        _a(63, 1, cardiorespiratory_concern=True),
    ),
    DemoCase(
        "demo-14",
        "55, new saddle numbness and a severe flare",
        "A red flag always wins: emergency referral, no dose, no flags.",
        Decision.EMERGENCY_REFERRAL,
        _a(55, 3, level="severe", pain=9, days=2, red_flags=["cauda_equina"]),
    ),
    DemoCase(
        "demo-15",
        "72, history of cancer and constant night pain",
        "Possible malignancy: urgent referral.",
        Decision.URGENT_REFERRAL,
        _a(72, 1, level="moderate", pain=6, days=30, red_flags=["suspected_malignancy"]),
    ),
    DemoCase(
        "demo-16",
        "31, long morning stiffness that eases with exercise",
        "Possible inflammatory back disease: routine GP or rheumatology referral.",
        Decision.ROUTINE_REFERRAL,
        _a(31, 2, level="mild", pain=3, days=40, red_flags=["suspected_inflammatory_disease"]),
    ),
    DemoCase(
        "demo-17",
        "16, back pain after sport",
        "The tool is for adults only.",
        Decision.OUT_OF_SCOPE,
        _a(16, 0, level="mild", pain=3, days=5),
    ),
    DemoCase(
        "demo-18",
        "47, says 'no flare' but rates pain 7/10",
        "Entry and pain rating three bands apart: the more severe is used; re-check.",
        Decision.SEVERE_FLARE,
        _a(47, 1, level="none", pain=7, walks=3, minutes=15, visit="review"),
    ),
)

CASES_BY_ID = {case.id: case for case in CASES}
