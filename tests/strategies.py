"""Hypothesis strategies: valid assessments across the whole input space of spec §2."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from walkback_rules import Assessment
from walkback_rules.core.models import FLARE_LEVELS, RED_FLAG_CODES, WALKING_TOLERANCES


@st.composite
def assessment_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """JSON-shaped assessments that satisfy every constraint of spec §2."""
    level = draw(st.sampled_from(FLARE_LEVELS))
    walks = draw(st.integers(0, 14))
    minutes = 0 if walks == 0 else draw(st.integers(1, 240))
    visit = draw(st.sampled_from(("initial", "review")))
    data: dict[str, Any] = {
        "age": draw(st.integers(0, 120)),
        "visit": visit,
        "previous_episodes": draw(st.one_of(st.integers(0, 6), st.integers(0, 1000))),
        "flare": {
            "level": level,
            "pain_now": draw(st.integers(0, 10)),
            "days_since_onset": None if level == "none" else draw(st.integers(0, 200)),
        },
        "walking": {
            "walks_per_week": walks,
            "minutes_per_walk": minutes,
            "weeks_at_current_dose": draw(st.one_of(st.none(), st.integers(0, 60))),
        },
        "red_flags": draw(
            st.one_of(
                st.just([]),
                st.lists(st.sampled_from(RED_FLAG_CODES), unique=True, max_size=3),
            )
        ),
        "phq2": draw(st.one_of(st.none(), st.integers(0, 6))),
        "walking_tolerance": draw(st.sampled_from(WALKING_TOLERANCES)),
        "cardiorespiratory_concern": draw(st.sampled_from((False, False, False, True))),
        "prefers_other_exercise": draw(st.booleans()),
    }
    if visit == "review" and walks > 0 and draw(st.booleans()):
        increased = draw(st.booleans())
        previous = None
        if draw(st.booleans()):
            previous = {
                "walks_per_week": draw(st.integers(1, walks)),
                "minutes_per_walk": draw(st.integers(1, minutes)),
            }
        data["last_progression"] = {
            "pain_increased": increased,
            "settled_within_24h": draw(st.booleans()) if increased else None,
            "previous_dose": previous,
        }
    return data


assessments = assessment_dicts().map(Assessment.model_validate)
