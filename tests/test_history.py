"""A patient's course: what each visit planned, in words and minutes, and until when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from walkback_rules import recommend, validate_assessment
from walkback_rules.history import decision_words, timeline
from walkback_rules.teaching.cases import CASES_BY_ID


@dataclass
class Visit:
    recorded_at: str
    decision: str
    assessment: dict[str, Any]
    recommendation: dict[str, Any]


def visit(case_id: str, day: str) -> Visit:
    data = CASES_BY_ID[case_id].data
    rec = recommend(validate_assessment(data))
    return Visit(f"{day}T09:00:00+00:00", rec.decision.value, data, rec.model_dump(mode="json"))


def test_a_moderate_flare_is_short_walks_not_zero_minutes() -> None:
    """The chart drew a moderate flare's short walks as 0 planned minutes."""

    moderate = next(c for c in CASES_BY_ID.values() if visit(c.id, "2026-01-01").decision
                    == "MODERATE_FLARE")  # fmt: skip
    flare = visit(moderate.id, "2026-01-19")
    rows = timeline([visit("demo-01", "2026-01-05"), flare], []).visits
    review = flare.recommendation["review_in_days"]

    assert rows[0]["Planned minutes a week"] == 15  # 3 walks of 5 minutes, the gentle end
    assert rows[1]["Planned minutes a week"] is None
    assert rows[1]["Planned walking"].startswith("short walks of ")
    assert [r["Until"] for r in rows] == ["2026-01-19", f"2026-01-{19 + review}"]
    assert [r["Decision"] for r in rows] == ["Start walking", "Moderate flare care"]


def test_a_1_0_decision_reads_as_words() -> None:
    assert decision_words("MEDICAL_CLEARANCE") == "Medical clearance"
    assert decision_words("PROGRESS") == "Step up"
