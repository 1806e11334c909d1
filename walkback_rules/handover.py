"""What a referral hands over beside its own findings: the other findings of the visit, in
the clinician's words ("also noted"). Read by the Recommendation page; the same list is
meant for a referral letter.

Nothing here decides: each line is a finding as it was entered, with the screen's own
threshold named where a score is given.
"""

from __future__ import annotations

from .core.models import Assessment, Recommendation
from .core.rules import PHQ2_POSITIVE, STARTBACK_HIGH_DISTRESS, STARTBACK_LOW_MAX
from .core.screens import CONDITION_INFO, FEATURES

_HISTORY = (
    ("pregnant_or_postpartum", "Pregnant, or gave birth in the last 12 months"),
    ("spinal_surgery_within_6_months", "Spinal surgery in the last 6 months"),
    ("falls_last_year", "One or more falls in the last 12 months"),
    ("stable_neuro_deficit", "A known neurological deficit that is not getting worse"),
    ("neurogenic_claudication", "Leg symptoms on walking or standing, eased by sitting"),
)


def also_noted(assessment: Assessment, rec: Recommendation) -> list[str]:
    """The visit's other findings, for the team a referral goes to: features whose condition
    the referral does not name, the mood and risk screens, and history that bears on care."""
    referred = set(rec.referral.conditions) if rec.referral is not None else set()
    lines: list[str] = []
    for code in (*assessment.red_flags, *assessment.exercise_screen):
        feature = FEATURES[code]
        if feature.condition not in referred:
            lines.append(f"{feature.wording} ({CONDITION_INFO[feature.condition].name})")
    if assessment.self_harm_concern:
        lines.append("The clinician is concerned about thoughts of self-harm or suicide")
    if assessment.phq2 is not None:
        positive = assessment.phq2 >= PHQ2_POSITIVE
        lines.append(
            f"PHQ-2 {assessment.phq2}/6"
            + (f" (positive screen: {PHQ2_POSITIVE} or more)" if positive else "")
        )
    startback = assessment.startback
    if startback is not None:
        if startback.total <= STARTBACK_LOW_MAX:
            risk = "low"
        elif startback.distress >= STARTBACK_HIGH_DISTRESS:
            risk = "high"
        else:
            risk = "medium"
        lines.append(
            f"STarT Back {startback.total}/9, distress {startback.distress}/5 ({risk} risk)"
        )
    if assessment.leg_symptoms != "none":
        where = "below" if assessment.leg_symptoms == "below_knee" else "above"
        lines.append(f"Leg symptoms {where} the knee")
    lines += [words for field, words in _HISTORY if getattr(assessment, field)]
    if assessment.walking_tolerance != "full":
        lines.append(
            "Walking not tolerated"
            if assessment.walking_tolerance == "not_tolerated"
            else "Walk length limited (for example hip or knee arthritis)"
        )
    return lines
