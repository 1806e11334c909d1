"""WalkBack CDS rules: turn a low back pain assessment into an explained walking recommendation.

Decision support for physiotherapists, not a diagnosis. Importing this package loads only
pydantic; the app, charts, handouts and store load their heavy libraries when used.
"""

from .cards import describe_dose
from .engine import RuleTableError, recommend
from .evidence import SOURCES, Source
from .models import (
    RULESET_VERSION,
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
