"""recommend(): run the rule table in order and build an explained recommendation."""

from __future__ import annotations

from collections.abc import Sequence

from .cards import build_cards
from .models import RULESET_VERSION, Assessment, Decision, Flag, Recommendation, TraceEntry
from .rules import FLAGLESS_DECISIONS, RULES, DecisionRule, FlagRule, derive


def _fill(template: str, values: dict[str, object]) -> str:
    return template.format_map(values) if "{" in template else template


class RuleTableError(Exception):
    """A rule table that cannot decide: decision rules must come first and one must hold."""


def recommend(
    assessment: Assessment, rules: Sequence[DecisionRule | FlagRule] = RULES
) -> Recommendation:
    """The recommendation for one assessment, with the trace of every rule in `rules`."""
    facts = derive(assessment)
    values = facts.values
    trace: list[TraceEntry] = []
    decided: DecisionRule | None = None
    flags: list[Flag] = []
    flag_sources: dict[Flag, tuple[str, ...]] = {}
    deciding_reason = ""
    flag_rules_seen = False

    for rule in rules:
        sources = rule.source_ids
        if isinstance(rule, DecisionRule):
            if flag_rules_seen:
                raise RuleTableError(f"{rule.id}: decision rules must come before flag rules")
            holds = rule.holds(facts)
            fired = holds and decided is None
            if fired:
                decided = rule
                values["decision"] = rule.decision.value
                reason = deciding_reason = _fill(rule.if_true, values)
            elif holds:
                assert decided is not None
                reason = (
                    f"{_fill(rule.if_true, values)} — but {decided.id} "
                    f"({decided.decision.value}) takes precedence"
                )
            else:
                reason = _fill(rule.if_false, values)
        else:
            flag_rules_seen = True
            if decided is None:
                raise RuleTableError(f"{rule.id}: no decision rule held before the flag rules")
            if decided.decision in FLAGLESS_DECISIONS:
                fired = False
                reason = f"not raised: {decided.decision.value} shows nothing else"
            else:
                fired = rule.holds(facts, decided.decision)
                reason = _fill(rule.if_true if fired else rule.if_false, values)
                if fired:
                    flags.append(rule.flag)
                    flag_sources[rule.flag] = sources
        trace.append(TraceEntry(rule.id, rule.title, fired, reason, sources))

    if decided is None:
        raise RuleTableError("no decision rule held")
    outcome = decided.outcome(facts)
    flags.sort()
    decision: Decision = decided.decision
    return Recommendation.from_engine(
        ruleset_version=RULESET_VERSION,
        decision=decision,
        next_dose=outcome.next_dose,
        flags=flags,
        referral=outcome.referral,
        ice_or_heat=outcome.ice_or_heat,
        medication_discussion=outcome.medication_discussion,
        review_in_days=outcome.review_in_days,
        cards=build_cards(
            decision,
            deciding_reason,
            decided.source_ids,
            outcome.next_dose,
            outcome.referral.reason if outcome.referral else None,
            outcome.review_in_days,
            outcome.ice_or_heat,
            outcome.medication_discussion,
            flags,
            flag_sources,
        ),
        trace=trace,
    )
