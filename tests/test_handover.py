""" "Also noted": the other findings a referral hands over, as entered."""

from __future__ import annotations

from walkback_rules import recommend
from walkback_rules.handover import also_noted

from .conftest import make_assessment


def noted(**changes: object) -> list[str]:
    assessment = make_assessment(**changes)
    return also_noted(assessment, recommend(assessment))


def test_an_emergency_hands_over_the_mood_screen_and_the_other_features() -> None:
    lines = noted(
        red_flags=["ces_saddle", "infection_drug_injection"],
        phq2=4,
        self_harm_concern=True,
        startback={"total": 6, "distress": 4},
    )

    assert not any("saddle" in line for line in lines)  # the referral's own finding
    assert "Injecting drug use (possible spinal infection)" in lines
    assert "PHQ-2 4/6 (positive screen: 3 or more)" in lines
    assert "The clinician is concerned about thoughts of self-harm or suicide" in lines
    assert "STarT Back 6/9, distress 4/5 (high risk)" in lines


def test_scores_at_their_boundaries_are_named_as_the_rules_read_them() -> None:
    assert "PHQ-2 2/6" in noted(phq2=2)
    assert "PHQ-2 3/6 (positive screen: 3 or more)" in noted(phq2=3)
    assert "STarT Back 3/9, distress 3/5 (low risk)" in noted(startback={"total": 3, "distress": 3})
    assert "STarT Back 4/9, distress 3/5 (medium risk)" in noted(
        startback={"total": 4, "distress": 3}
    )


def test_history_that_bears_on_care_is_listed_and_nothing_is_invented() -> None:
    assert noted() == []
    lines = noted(pregnant_or_postpartum=True, leg_symptoms="below_knee", falls_last_year=True)

    assert lines == [
        "Leg symptoms below the knee",
        "Pregnant, or gave birth in the last 12 months",
        "One or more falls in the last 12 months",
    ]
