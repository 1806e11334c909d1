"""What would change this: the nearest changes of input that lead to a different decision.

Computed by re-running the rules (`decide()`) on single-answer variations of the
assessment, never hand-written. On the clinician's page it never offers to untick a
finding or a screen item, nor to change the age: those are facts to confirm, not levers.
Teaching asks for them too (`findings=True`): there the lesson is that a finding wins.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .consultation.form import LAST_STEP_CHOICES, last_progression_for, step_of
from .core.cards import DECISION_NAMES, short_dose
from .core.codes import FLARE_LEVELS, WALKING_TOLERANCES, Decision
from .core.engine import decide
from .core.models import REFERRAL_DECISIONS, Assessment
from .core.screens import FEATURES
from .core.validation import AssessmentError, validate_assessment

Data = dict[str, Any]

REFERRAL_NOTE = (
    "A referral rests on the findings ticked. It changes only if your assessment no longer "
    "confirms them; it is never changed by unticking a finding here."
)


@dataclass(frozen=True, slots=True)
class Alternative:
    """A change of input, the decision it leads to, and the dose then."""

    change: str
    decision: Decision
    dose: str
    rule_id: str
    distance: int

    @property
    def outcome(self) -> str:
        """The decision in words, with its dose: "Step up (5 × 15 min)"."""
        name = DECISION_NAMES[self.decision]
        return f"{name} ({self.dose})" if self.dose else name

    def __str__(self) -> str:
        return f"{self.change}: {self.outcome}"


@dataclass(frozen=True, slots=True)
class _Variation:
    change: str
    distance: int
    apply: Callable[[Data], None]


_STEPS = {
    "no_increase": "had pain not risen after the last step",
    "none": "with no step up since the last visit",
    "settled": "had pain risen after the last step and settled within 24 hours",
    "not_settled": "had pain risen after the last step and not settled within 24 hours",
}
assert set(_STEPS) == set(LAST_STEP_CHOICES)


def _set(path: tuple[str, ...], value: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


def _set_step(step: str) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        previous = (data.get("last_progression") or {}).get("previous_dose")
        data["last_progression"] = last_progression_for(step, previous)

    return apply


def _variations(data: Data) -> Iterator[_Variation]:
    if data.get("flare") is None or data.get("walking") is None:
        return  # an emergency that left them out: nothing to vary
    flare, walking = data["flare"], data["walking"]
    pain, level, days = flare["pain_now"], flare["level"], flare.get("days_since_onset")
    for delta in (1, -1, 2, -2, 3, -3, 4, -4):
        new = pain + delta
        if 0 <= new <= 10:
            yield _Variation(
                f"pain {new}/10 instead of {pain}/10", abs(delta), _set(("flare", "pain_now"), new)
            )
    for other in FLARE_LEVELS:
        if other == level:
            continue
        onset = days if days is not None else (None if other == "none" else 1)
        when = "" if other == "none" or days is not None else " (day 1)"

        def rejudge(d: Data, other: str = other, onset: int | None = onset) -> None:
            d["flare"]["level"], d["flare"]["days_since_onset"] = other, onset

        gap = abs(FLARE_LEVELS.index(other) - FLARE_LEVELS.index(level))
        yield _Variation(f"flare judged {other}{when} instead of {level}", gap, rejudge)
    usual = data.get("usual_pain")
    if usual is None and pain > 0:
        yield _Variation(
            f"usual pain {pain}/10 (this pain is the person's usual)",
            1,
            _set(("usual_pain",), pain),
        )
    weeks = walking.get("weeks_at_current_dose")
    if weeks == 0:
        yield _Variation(
            "after a full week at this dose", 1, _set(("walking", "weeks_at_current_dose"), 1)
        )
    elif walking["walks_per_week"]:
        yield _Variation(
            "had this dose only just started", 1, _set(("walking", "weeks_at_current_dose"), 0)
        )
    review = data.get("visit") == "review"
    if review and walking["walks_per_week"]:
        current = step_of(data.get("last_progression"))
        for step, change in _STEPS.items():
            if step != current:
                yield _Variation(change, 1, _set_step(step))
    if review:
        back = bool(data.get("returning_after_flare"))
        yield _Variation(
            "if not returning after a flare" if back else "if returning after a flare",
            1,
            _set(("returning_after_flare",), not back),
        )
        fewer = data.get("adherence") == "less_than_planned"
        yield _Variation(
            "had the planned walks been done"
            if fewer
            else "had fewer walks than planned been done",
            1,
            _set(("adherence",), "as_planned" if fewer else "less_than_planned"),
        )
        limb = bool(data.get("new_lower_limb_pain"))
        yield _Variation(
            "without the new lower-limb pain" if limb else "with new lower-limb pain",
            1,
            _set(("new_lower_limb_pain",), not limb),
        )
    walks, minutes = walking["walks_per_week"], walking["minutes_per_walk"]
    for new_walks in (walks + 1, walks - 1):
        if 0 <= new_walks <= 14:
            new_minutes = 0 if new_walks == 0 else (minutes or 10)

            def resize(d: Data, w: int = new_walks, m: int = new_minutes) -> None:
                d["walking"]["walks_per_week"], d["walking"]["minutes_per_walk"] = w, m
                if w == 0:
                    d["last_progression"] = None

            times = "time" if new_walks == 1 else "times"
            yield _Variation(f"walking {new_walks} {times} a week instead of {walks}", 1, resize)
    if walks:
        for new_minutes in (minutes + 5, minutes - 5):
            if 1 <= new_minutes <= 240:
                yield _Variation(
                    f"walks of {new_minutes} minutes instead of {minutes}",
                    1,
                    _set(("walking", "minutes_per_walk"), new_minutes),
                )
    for tolerance in WALKING_TOLERANCES:
        if tolerance != data.get("walking_tolerance", "full"):
            yield _Variation(
                f"walking tolerance {tolerance.replace('_', ' ')}",
                1,
                _set(("walking_tolerance",), tolerance),
            )
    prefers = bool(data.get("prefers_other_exercise"))
    yield _Variation(
        "if walking were the preferred exercise"
        if prefers
        else "if another exercise were preferred",
        1,
        _set(("prefers_other_exercise",), not prefers),
    )


def _findings(data: Data) -> Iterator[_Variation]:
    """Teaching only: each ticked finding left out. Age is never offered: nobody can become
    older or younger, and an age outside the programme is no change a class can act on."""
    for field in ("red_flags", "exercise_screen"):
        for code in data.get(field, []):

            def untick(d: Data, field: str = field, code: str = code) -> None:
                d[field] = [c for c in d[field] if c != code]

            yield _Variation(f"without: {FEATURES[code].wording.lower()}", 1, untick)


def what_would_change(
    assessment: Assessment, limit: int = 6, *, findings: bool = False
) -> list[Alternative]:
    """The nearest single changes of input that give a different decision, nearest first.

    At most one alternative per decision (the nearest), and at most `limit` in all. A
    referral decision offers none (see `REFERRAL_NOTE`) unless `findings` is set, for
    teaching: then leaving out a finding is a change like any other.
    """
    current = decide(assessment).decision
    if current in REFERRAL_DECISIONS and not findings:
        return []
    base = assessment.model_dump(mode="json")
    found: dict[Decision, Alternative] = {}
    variations = [*_variations(base), *(_findings(base) if findings else ())]
    for variation in sorted(variations, key=lambda v: v.distance):
        data = copy.deepcopy(base)
        variation.apply(data)
        try:
            changed = validate_assessment(data)
        except AssessmentError:
            continue  # that change alone would contradict another answer
        result = decide(changed)
        if result.decision == current or result.decision in found:
            continue
        found[result.decision] = Alternative(
            variation.change,
            result.decision,
            short_dose(result.next_dose),
            result.rule_id,
            variation.distance,
        )
    return sorted(found.values(), key=lambda a: a.distance)[:limit]
