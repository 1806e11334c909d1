"""A patient's course over time: planned against reported walking, pain, flare-ups, decisions.

Pure data from stored consultations and diary weeks (any objects with the stored fields);
`charts.history_spec` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class _Visit(Protocol):
    recorded_at: str
    decision: str
    assessment: dict[str, Any]
    recommendation: dict[str, Any]


class _Week(Protocol):
    week_start: str
    walks: int
    minutes: int
    worst_pain: int


@dataclass(frozen=True, slots=True)
class Timeline:
    visits: list[dict[str, Any]]  # one per consultation
    weeks: list[dict[str, Any]]  # one per diary week


def prescribed(recommendation: dict[str, Any], field: str = "next_dose") -> tuple[int, int] | None:
    """Walks a week and minutes a walk a stored recommendation prescribes (`next_dose`, or
    `resume_dose` after a flare), a range taken at its gentle end (as the plan starts it);
    None with no dose or open-ended walks."""
    dose = recommendation.get(field)
    if not dose or not dose.get("walks_per_week"):
        return None
    return int(dose["walks_per_week"]["min"]), int(dose["minutes_per_walk"]["min"])


def planned_minutes(recommendation: dict[str, Any]) -> int:
    """Minutes a week the recommendation prescribes (0 if none)."""
    dose = prescribed(recommendation)
    return 0 if dose is None else dose[0] * dose[1]


def timeline(visits: Sequence[_Visit], weeks: Sequence[_Week]) -> Timeline:
    """The rows the history chart and table show."""
    rows = []
    for number, v in enumerate(visits, start=1):
        flare = v.assessment["flare"]
        rows.append(
            {
                "Visit": number,
                "Date": v.recorded_at[:10],
                "Decision": v.decision,
                "Summary": v.recommendation["cards"][0]["summary"],
                "Planned minutes a week": planned_minutes(v.recommendation),
                "Flare": flare["level"],
                "Pain at visit": flare["pain_now"],
            }
        )
    diary = [
        {
            "Week of": w.week_start,
            "Walks": w.walks,
            "Reported minutes": w.minutes,
            "Worst pain": w.worst_pain,
        }
        for w in weeks
    ]
    return Timeline(rows, diary)
