"""WalkBack CDS rules: turn a low back pain assessment into an explained walking recommendation.

Decision support for physiotherapists, not a diagnosis. The reviewed clinical core is in
`walkback_rules.core`; the app, charts, handouts, command line and store sit beside it and
load their heavy libraries only when used.
"""

from .core.cards import describe_dose
from .core.codes import RULESET_VERSION, Decision, Flag
from .core.engine import Decided, RuleTableError, decide, recommend
from .core.evidence import SOURCES, Source
from .core.models import (
    Assessment,
    Card,
    NextDose,
    Recommendation,
    Referral,
    Span,
    TraceEntry,
)
from .core.rules import DECISION_RULES, FLAG_RULES, RULES, DecisionRule, FlagRule
from .core.screens import FEATURES, TIER_RULES, Screening, TierRule, screen
from .core.validation import (
    AssessmentError,
    FieldError,
    field_errors,
    validate_assessment,
    validate_assessment_json,
)

__all__ = [
    "DECISION_RULES",
    "FEATURES",
    "FLAG_RULES",
    "RULES",
    "RULESET_VERSION",
    "SOURCES",
    "TIER_RULES",
    "Assessment",
    "AssessmentError",
    "Card",
    "Decided",
    "Decision",
    "DecisionRule",
    "FieldError",
    "Flag",
    "FlagRule",
    "NextDose",
    "Recommendation",
    "Referral",
    "RuleTableError",
    "Screening",
    "Source",
    "Span",
    "TierRule",
    "TraceEntry",
    "decide",
    "describe_dose",
    "field_errors",
    "recommend",
    "screen",
    "validate_assessment",
    "validate_assessment_json",
]
