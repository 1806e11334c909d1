"""Findings a review carries from the last visit, and how the clinician answers them.

A finding recorded at a visit (a red-flag feature, an exercise-safety symptom, pregnancy,
recent spinal surgery, falls, claudication, a known deficit, leg symptoms) does not vanish
at the next one: the review shows it as found, with the day it was first recorded, and asks
whether it is still present. "Resolved" is the clinician's answer, never a default; until
each carried finding is answered the review cannot go on, and what the rules read in the
meantime keeps the finding (a serious finding always wins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..core.screens import EXERCISE_FEATURES, RED_FLAG_FEATURES

if TYPE_CHECKING:  # history reads the form, which reads this module
    from ..history import StoredVisit

Answer = Literal["present", "resolved"]
ANSWERS: dict[Answer, str] = {"present": "Still present", "resolved": "Resolved"}

# Yes-or-no findings about the person that persist from visit to visit, with their words.
HISTORY_FINDINGS: dict[str, str] = {
    "stable_neuro_deficit": "A known neurological deficit that is not getting worse",
    "neurogenic_claudication": (
        "Leg symptoms on walking or standing, eased by sitting or bending forward"
    ),
    "pregnant_or_postpartum": "Pregnant, or gave birth in the last 12 months",
    "spinal_surgery_within_6_months": "Spinal surgery in the last 6 months",
    "falls_last_year": "One or more falls in the last 12 months",
}
LEG_WORDS = {
    "above_knee": "Leg symptoms above the knee",
    "below_knee": "Leg symptoms below the knee",
}
_FEATURE_WORDS: dict[str, str] = {
    f.code: f.wording for f in (*RED_FLAG_FEATURES, *EXERCISE_FEATURES)
}
_CHECKLIST_OF: dict[str, str] = {
    **{f.code: "red_flags" for f in RED_FLAG_FEATURES},
    **{f.code: "exercise_screen" for f in EXERCISE_FEATURES},
}


@dataclass(frozen=True, slots=True)
class Carried:
    """One finding carried to a review: its key, its words and the day first recorded."""

    key: str  # a feature code, a history field, or "leg_symptoms:<value>"
    words: str
    since: str  # YYYY-MM-DD

    @property
    def where(self) -> str:
        """Which part of the form the finding belongs to."""
        if self.key.startswith("leg_symptoms:"):
            return "leg_symptoms"
        return _CHECKLIST_OF.get(self.key, "history")


def known_key(key: str) -> bool:
    """Whether a key names a finding a review can carry."""
    if key.startswith("leg_symptoms:"):
        return key.split(":", 1)[1] in LEG_WORDS
    return key in _FEATURE_WORDS or key in HISTORY_FINDINGS


def words_of(key: str) -> str:
    if key.startswith("leg_symptoms:"):
        return LEG_WORDS[key.split(":", 1)[1]]
    return _FEATURE_WORDS.get(key) or HISTORY_FINDINGS[key]


def findings_of(assessment: Mapping[str, Any]) -> list[str]:
    """The persisting findings one stored assessment holds, as keys, in form order."""
    ticked = set(assessment.get("red_flags", [])) | set(assessment.get("exercise_screen", []))
    out = [code for code in _FEATURE_WORDS if code in ticked]
    out += [field for field in HISTORY_FINDINGS if assessment.get(field)]
    legs = assessment.get("leg_symptoms") or "none"
    if legs in LEG_WORDS:
        out.append(f"leg_symptoms:{legs}")
    return out


def carried_from(history: Sequence[StoredVisit]) -> tuple[Carried, ...]:
    """What the last visit found, each with the day it was first recorded in the run of
    visits that have found it since."""
    if not history:
        return ()
    since: dict[str, str] = {}
    for visit in history:
        day = visit.visit_date or visit.recorded_at[:10]
        found = findings_of(visit.assessment)
        since = {key: since.get(key, day) for key in found}
    return tuple(Carried(key, words_of(key), day) for key, day in since.items())


def unanswered(carried: Iterable[Carried], answers: Mapping[str, Any]) -> list[Carried]:
    """The carried findings the clinician has not yet answered."""
    return [c for c in carried if answers.get(c.key) not in ANSWERS]


def still_held(key: str, answers: Mapping[str, Any]) -> bool:
    """Whether the rules read a carried finding as present: until it is answered
    "resolved" by the clinician, it is."""
    return answers.get(key) != "resolved"
