"""decide() and recommend(): run the rule table in order.

`decide()` gives what the rules conclude (decision, doses, referral, flags) without any
text, for the what-if explorer, teaching and brief batch output. `recommend()` builds the
whole explained recommendation, cards and trace included, complete and frozen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cards import build_cards, decision_card, referral_for
from .codes import RULESET_VERSION, Decision, Flag, Urgency
from .models import FLARE_DECISIONS, Assessment, NextDose, Recommendation, TraceEntry
from .rules import ALLOWED_FLAGS, RULES, DecisionRule, Facts, FlagRule, Outcome, derive
from .screens import Screening


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
_ALL_FIELDS = set(Recommendation.model_fields)


@dataclass(frozen=True, slots=True)
class Decided:
    """What the rules conclude for one assessment, without words."""

    decision: Decision
    rule_id: str  # the deciding rule
    next_dose: NextDose | None
    resume_dose: NextDose | None
    urgency: Urgency | None  # the referral's urgency, if any
    conditions: tuple[str, ...]  # the referral's conditions, highest tier first
    flags: tuple[Flag, ...]  # sorted
    ice_or_heat: bool
    medication_discussion: bool
    review_in_days: int | None
    screening: Screening


@dataclass(frozen=True, slots=True)
class _Run:
    facts: Facts
    decided_at: int
    outcome: Outcome
    raised: tuple[bool, ...]  # one per flag rule: held and allowed


def _run(a: Assessment, table: Table) -> _Run:
    decision_rules, flag_rules = table
    facts = derive(a)
    decided_at = next((i for i, r in enumerate(decision_rules) if r.holds(facts)), None)
    if decided_at is None:
        raise RuleTableError("no decision rule held")
    decided = decision_rules[decided_at]
    decision = facts.decision = decided.decision
    allowed = ALLOWED_FLAGS.get(decision)
    raised = tuple(
        (allowed is None or r.flag in allowed) and r.holds(facts, decision) for r in flag_rules
    )
    return _Run(facts, decided_at, decided.outcome(facts), raised)


def _table(rules: Sequence[DecisionRule | FlagRule]) -> Table:
    return _DEFAULT_TABLE if rules is RULES else split_table(rules)


def _care(facts: Facts, decision: Decision) -> tuple[bool, bool]:
    """Flare care (§6): a cold or heat pack, and a pain-relief talk with the GP or pharmacist."""
    if decision in (Decision.EMERGENCY_REFERRAL, Decision.OUT_OF_SCOPE):
        return False, False
    return facts.level in ("moderate", "severe"), facts.level == "severe"


def decide(assessment: Assessment, rules: Sequence[DecisionRule | FlagRule] = RULES) -> Decided:
    """What the rules conclude for one assessment: decision, doses, referral and flags."""
    table = _table(rules)
    run = _run(assessment, table)
    decision = table[0][run.decided_at].decision
    screening = run.facts.screening
    ice, medication = _care(run.facts, decision)
    flags = sorted(r.flag for r, up in zip(table[1], run.raised, strict=True) if up)
    return Decided(
        decision=decision,
        rule_id=table[0][run.decided_at].id,
        next_dose=run.outcome.next_dose,
        resume_dose=run.outcome.resume_dose,
        urgency=screening.urgency,
        conditions=tuple(t.condition for t in screening.referred),
        flags=tuple(flags),
        ice_or_heat=ice,
        medication_discussion=medication,
        review_in_days=run.outcome.review_in_days,
        screening=screening,
    )


def recommend(
    assessment: Assessment, rules: Sequence[DecisionRule | FlagRule] = RULES
) -> Recommendation:
    """The explained recommendation for one assessment, with the trace of every rule."""
    table = _table(rules)
    decision_rules, flag_rules = table
    run = _run(assessment, table)
    facts, decided_at = run.facts, run.decided_at
    decided = decision_rules[decided_at]
    decision = decided.decision
    outcome = run.outcome
    screening = facts.screening
    ice, medication = _care(facts, decision)
    referral = referral_for(screening)

    trace: list[TraceEntry] = []
    emergency = decision is Decision.EMERGENCY_REFERRAL
    for i, rule in enumerate(decision_rules):
        if i == decided_at:
            fired, reason = True, rule.if_true(facts)
        elif emergency and i > decided_at and rule.reads_consultation:
            # An emergency needs only what decides it (§2, invariant 12): the rules that read
            # the flare, the walking or the history are not read, whether or not they were asked.
            fired, reason = False, f"not read: {decided.id} ({decision.value}) decides first"
        elif i > decided_at and rule.holds(facts):
            fired = False
            reason = f"{rule.if_true(facts)} — but {decided.id} ({decision.value}) decides first"
        else:
            fired, reason = False, rule.if_false(facts)
        trace.append(TraceEntry(rule.id, rule.title, fired, reason, rule.source_ids))
    deciding_reason = trace[decided_at].reason

    allowed = ALLOWED_FLAGS.get(decision)
    flag_texts: list[tuple[Flag, str, tuple[str, ...]]] = []
    for flag_rule, up in zip(flag_rules, run.raised, strict=True):
        if up:
            reason = flag_rule.if_true(facts)
            flag_texts.append((flag_rule.flag, reason, flag_rule.source_ids))
        elif allowed is not None and flag_rule.flag not in allowed:
            reason = f"not shown: {decision.value} shows only what is safe to show"
        else:
            reason = flag_rule.if_false(facts)
        trace.append(TraceEntry(flag_rule.id, flag_rule.title, up, reason, flag_rule.source_ids))

    headline = decision_card(
        decision,
        deciding_reason,
        decided.source_ids,
        outcome.next_dose,
        outcome.resume_dose if decision in FLARE_DECISIONS else None,
        referral,
        screening,
        outcome.review_in_days,
        None if assessment.walking is None else facts.dose,
    )
    # Every value above was built by the engine from a validated assessment, so it is put
    # together without validating again (model_construct, with every field set).
    return Recommendation.model_construct(
        _ALL_FIELDS,
        ruleset_version=RULESET_VERSION,
        decision=decision,
        next_dose=outcome.next_dose,
        resume_dose=outcome.resume_dose,
        flags=tuple(sorted(f for f, _, _ in flag_texts)),
        referral=referral,
        ice_or_heat=ice,
        medication_discussion=medication,
        review_in_days=outcome.review_in_days,
        cards=build_cards(headline, referral, screening, ice, medication, flag_texts),
        trace=tuple(trace),
    )
