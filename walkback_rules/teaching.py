"""Teaching helpers: a searchable rule table and the what-if explorer's one-step re-run."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .core.engine import Decided, decide
from .core.rules import DECISION_RULES, DecisionRule, FlagRule
from .core.validation import AssessmentError, validate_assessment
from .intake import last_progression_for, plain


def rule_rows(rules: Sequence[DecisionRule | FlagRule], query: str = "") -> list[dict[str, str]]:
    """The rule table as rows, keeping those where any column contains every query word."""
    rows = [
        {
            "id": r.id,
            "title": r.title,
            "sets": r.sets,
            "evidence level": r.evidence_level,
            "sources": ", ".join(r.source_ids),
            "rationale": r.rationale,
        }
        for r in rules
    ]
    words = query.lower().split()
    return [row for row in rows if all(w in " ".join(row.values()).lower() for w in words)]


@dataclass(frozen=True, slots=True)
class Exploration:
    """The explorer's result: what the rules decide and the deciding rule, or input errors."""

    decided: Decided | None
    deciding_rule: str
    errors: tuple[str, ...]


def explore(
    base: dict[str, Any],
    *,
    pain: int,
    level: str,
    days: int | None,
    walks: int,
    minutes: int,
    weeks: int | None,
    step: str,
    phq2: int | None,
) -> Exploration:
    """Re-run the rules on `base` with the explorer's controls applied."""
    data = copy.deepcopy(base)
    data["flare"] = {"level": level, "pain_now": pain, "days_since_onset": days}
    data["walking"] = {
        "walks_per_week": walks,
        "minutes_per_walk": minutes,
        "weeks_at_current_dose": weeks,
    }
    data["phq2"] = phq2
    previous = (base.get("last_progression") or {}).get("previous_dose")
    data["last_progression"] = last_progression_for(step, previous)
    if step != "none":
        data["visit"] = "review"
    if walks == 0:
        data["last_progression"] = None
    try:
        assessment = validate_assessment(data)
    except AssessmentError as exc:
        return Exploration(None, "", tuple(plain(str(e)) for e in exc.errors))
    result = decide(assessment)
    titles = {r.id: r.title for r in DECISION_RULES}
    return Exploration(result, f"{result.rule_id} · {titles[result.rule_id]}", ())
