"""recommend(): run the rule table in order and build an explained recommendation."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from .cards import build_cards
from .codes import RULESET_VERSION
from .models import (
    Assessment,
    Flag,
    LazyTrace,
    Recommendation,
    TraceEntry,
)
from .rules import (
    FLAGLESS_DECISIONS,
    RULES,
    DecisionRule,
    Facts,
    FlagRule,
    derive,
    patient_values,
)


class RuleTableError(Exception):
    """A rule table that cannot decide: decision rules must come first and one must hold."""


Table = tuple[tuple[DecisionRule, ...], tuple[FlagRule, ...]]


def split_table(rules: Sequence[DecisionRule | FlagRule]) -> Table:
    """The decision rules and the flag rules of a table, checking that decisions come first."""
    decisions: list[DecisionRule] = []
    flags: list[FlagRule] = []
    for rule in rules:
        if isinstance(rule, DecisionRule):
            if flags:
                raise RuleTableError(f"{rule.id}: decision rules must come before flag rules")
            decisions.append(rule)
        else:
            flags.append(rule)
    return tuple(decisions), tuple(flags)


_DEFAULT_TABLE = split_table(RULES)


def _fill(template: str, values: dict[str, object]) -> str:
    return template.format_map(values) if "{" in template else template


def recommend(
    assessment: Assessment, rules: Sequence[DecisionRule | FlagRule] = RULES
) -> Recommendation:
    """The recommendation for one assessment, with the trace of every rule in `rules`."""
    decision_rules, flag_rules = _DEFAULT_TABLE if rules is RULES else split_table(rules)
    facts = derive(assessment)

    for decided_at, decided in enumerate(decision_rules):  # noqa: B007 - used after the loop
        if decided.holds(facts):
            break
    else:
        raise RuleTableError("no decision rule held")
    decision = decided.decision

    raised: tuple[bool, ...] = ()
    flags: list[Flag] = []
    flag_sources: dict[Flag, tuple[str, ...]] = {}
    if decision not in FLAGLESS_DECISIONS:
        raised = tuple(rule.holds(facts, decision) for rule in flag_rules)
        for rule, up in zip(flag_rules, raised, strict=True):
            if up:
                flags.append(rule.flag)
                flag_sources[rule.flag] = rule.source_ids
        flags.sort()

    facts.values["decision"] = decision.value
    deciding_reason = _fill(decided.if_true, facts.values)
    outcome = decided.outcome(facts)
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
        trace=LazyTrace(partial(_explain, facts, decision_rules, flag_rules, decided_at, raised)),
    )


def _explain(
    facts: Facts,
    decision_rules: tuple[DecisionRule, ...],
    flag_rules: tuple[FlagRule, ...],
    decided_at: int,
    raised: tuple[bool, ...],
) -> list[TraceEntry]:
    """One trace entry per rule, in table order, each with its reason in the patient's values."""
    values = patient_values(facts)
    decided = decision_rules[decided_at]
    trace: list[TraceEntry] = []
    for i, rule in enumerate(decision_rules):
        if i < decided_at:
            fired, reason = False, _fill(rule.if_false, values)
        elif i == decided_at:
            fired, reason = True, _fill(rule.if_true, values)
        elif rule.holds(facts):
            fired = False
            reason = (
                f"{_fill(rule.if_true, values)} — but {decided.id} "
                f"({decided.decision.value}) takes precedence"
            )
        else:
            fired, reason = False, _fill(rule.if_false, values)
        trace.append(TraceEntry(rule.id, rule.title, fired, reason, rule.source_ids))
    if not raised:
        reason = f"not raised: {decided.decision.value} shows nothing else"
        for flag_rule in flag_rules:
            trace.append(
                TraceEntry(flag_rule.id, flag_rule.title, False, reason, flag_rule.source_ids)
            )
        return trace
    for flag_rule, up in zip(flag_rules, raised, strict=True):
        reason = _fill(flag_rule.if_true if up else flag_rule.if_false, values)
        trace.append(TraceEntry(flag_rule.id, flag_rule.title, up, reason, flag_rule.source_ids))
    return trace
