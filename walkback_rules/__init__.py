"""WalkBack CDS rules: turn a low back pain assessment into an explained walking recommendation.

Decision support for physiotherapists, not a diagnosis. Names are loaded on first use, so
importing the package costs nothing; the rules load pydantic, and the app, charts, handouts
and store load their heavy libraries only when used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cards import describe_dose
    from .codes import RULESET_VERSION
    from .engine import RuleTableError, recommend
    from .evidence import SOURCES, Source
    from .models import (
        Assessment,
        Card,
        Decision,
        Flag,
        NextDose,
        Recommendation,
        Referral,
        Span,
        TraceEntry,
    )
    from .rules import DECISION_RULES, FLAG_RULES, RULES, DecisionRule, FlagRule
    from .validation import FieldError, field_errors

_HOME = {
    "describe_dose": "cards",
    "RULESET_VERSION": "codes",
    "RuleTableError": "engine",
    "recommend": "engine",
    "SOURCES": "evidence",
    "Source": "evidence",
    **dict.fromkeys(
        (
            "Assessment",
            "Card",
            "Decision",
            "Flag",
            "NextDose",
            "Recommendation",
            "Referral",
            "Span",
            "TraceEntry",
        ),
        "models",
    ),
    **dict.fromkeys(("DECISION_RULES", "FLAG_RULES", "RULES", "DecisionRule", "FlagRule"), "rules"),
    "FieldError": "validation",
    "field_errors": "validation",
}

__all__ = [
    "DECISION_RULES",
    "FLAG_RULES",
    "RULES",
    "RULESET_VERSION",
    "SOURCES",
    "Assessment",
    "Card",
    "Decision",
    "DecisionRule",
    "FieldError",
    "Flag",
    "FlagRule",
    "NextDose",
    "Recommendation",
    "Referral",
    "RuleTableError",
    "Source",
    "Span",
    "TraceEntry",
    "describe_dose",
    "field_errors",
    "recommend",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module the first time it is asked for."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
