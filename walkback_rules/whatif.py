"""What would change this: the nearest changes of input that lead to a different decision.

Computed by re-running the engine on single-field variations of the assessment, never
hand-written: each alternative is what the rules actually say for the changed input.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .cards import short_dose
from .codes import FLARE_LEVELS, WALKING_TOLERANCES
from .engine import recommend
from .intake import last_progression_for, step_of
from .models import Assessment, Decision

Data = dict[str, Any]


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
        """The decision and its dose: "PROGRESS to 5 × 15 min"."""
        if not self.dose:
            return self.decision.value
        joiner = ", " if self.dose.startswith("walks") else " to "
        return f"{self.decision.value}{joiner}{self.dose}"

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


def _set_step(step: str) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        previous = (data.get("last_progression") or {}).get("previous_dose")
        data["last_progression"] = last_progression_for(step, previous)

    return apply


def _set(path: tuple[str, ...], value: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


def _variations(data: Data) -> Iterator[_Variation]:
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
        onset = None if other == "none" else (days if days is not None else 1)
        when = "" if other == "none" or days is not None else " (day 1)"

        def rejudge(d: Data, other: str = other, onset: int | None = onset) -> None:
            d["flare"]["level"], d["flare"]["days_since_onset"] = other, onset

        gap = abs(FLARE_LEVELS.index(other) - FLARE_LEVELS.index(level))
        yield _Variation(f"flare judged {other}{when} instead of {level}", gap, rejudge)
    if level != "none" and days is not None:
        for edge, text in ((8, "day 8"), (84, "day 84 (12 weeks)"), (7, "day 7"), (83, "day 83")):
            if (edge in (8, 84) and days < edge) or (edge in (7, 83) and days > edge):
                yield _Variation(
                    f"{text} of the flare instead of day {days}",
                    1,
                    _set(("flare", "days_since_onset"), edge),
                )
    weeks = walking.get("weeks_at_current_dose")
    if weeks == 0:
        yield _Variation(
            "after a full week at this dose", 1, _set(("walking", "weeks_at_current_dose"), 1)
        )
    else:
        yield _Variation(
            "had this dose only just started", 1, _set(("walking", "weeks_at_current_dose"), 0)
        )
    if data.get("visit") == "review":
        current = step_of(data.get("last_progression"))
        for step, change in _STEPS.items():
            if step != current:
                yield _Variation(change, 1, _set_step(step))
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
    if data.get("cardiorespiratory_concern"):
        yield _Variation(
            "without the cardiorespiratory concern", 1, _set(("cardiorespiratory_concern",), False)
        )
    for code in data.get("red_flags", []):
        rest = [c for c in data["red_flags"] if c != code]
        yield _Variation(
            f"without the {code.replace('_', ' ')} red flag", 1, _set(("red_flags",), rest)
        )
    if data["age"] < 18:
        yield _Variation("at age 18", 18 - data["age"], _set(("age",), 18))


def what_would_change(assessment: Assessment, limit: int = 6) -> list[Alternative]:
    """The nearest single changes of input that give a different decision, nearest first.

    At most one alternative per decision (the nearest), and at most `limit` in all.
    """
    base = assessment.model_dump(mode="json")
    current = recommend(assessment).decision
    found: dict[Decision, Alternative] = {}
    for variation in sorted(_variations(base), key=lambda v: v.distance):
        data = copy.deepcopy(base)
        variation.apply(data)
        try:
            changed = Assessment.model_validate(data)
        except ValidationError:
            continue  # that change alone would contradict another answer
        rec = recommend(changed)
        if rec.decision == current or rec.decision in found:
            continue
        deciding = next(t.rule_id for t in rec.trace if t.fired)
        found[rec.decision] = Alternative(
            variation.change, rec.decision, short_dose(rec.next_dose), deciding, variation.distance
        )
    return sorted(found.values(), key=lambda a: a.distance)[:limit]
