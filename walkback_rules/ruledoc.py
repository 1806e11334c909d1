"""docs/RULES.md: the clinical tables as one document, generated from the code.

A reader of the repository reviews the rules here without any outside file; a test keeps
the committed document equal to what the tables say now (`tools/update_docs.py` rewrites it).
"""

from __future__ import annotations

from collections.abc import Sequence

from .core.cards import DECISION_NAMES
from .core.codes import RULESET_VERSION
from .core.evidence import SOURCES
from .core.rules import ALLOWED_FLAGS, DECISION_RULES, FLAG_RULES, DecisionRule, FlagRule
from .core.screens import CONDITION_INFO, FEATURES, TIER_RULES


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows),
        "",
    ]


def _rules_table(sets: str, rules: Sequence[DecisionRule | FlagRule]) -> list[str]:
    """One row a rule: what it sets (code and words), its condition, evidence, rationale."""

    def named(rule: DecisionRule | FlagRule) -> str:
        if isinstance(rule, DecisionRule):
            return f"`{rule.sets}` ({DECISION_NAMES[rule.decision]})"
        return f"`{rule.sets}`"

    return _table(
        ("id", sets, "condition", "evidence", "sources", "rationale"),
        [
            (r.id, named(r), r.condition, r.evidence_level, ", ".join(r.source_ids), r.rationale)
            for r in rules
        ],
    )


def rules_document() -> str:
    """The whole rule set as Markdown: features, tiers, decisions, flags and sources."""
    lines = [
        f"# WalkBack CDS rules, ruleset {RULESET_VERSION}",
        "",
        "Generated from `walkback_rules/core` by `uv run python tools/update_docs.py`; a test "
        "fails when this file and the code disagree. The clinical specification this "
        f"implements is the product owner's RULES_SPEC.md, ruleset {RULESET_VERSION}.",
        "",
        "## 1. Features the clinician ticks",
        "",
        *_table(
            ("code", "condition", "what the clinician ticks"),
            [(f"`{f.code}`", f"`{f.condition}`", f.wording) for f in FEATURES.values()],
        ),
        "## 2. Screens: the tier each condition reaches",
        "",
        "A condition's tier is the highest any of its rows gives: emergency > same_day > "
        "urgent > routine > monitor. A referral is made when a condition reaches routine or "
        "above; its urgency is the highest tier.",
        "",
        *_table(
            ("id", "condition", "when", "tier"),
            [
                (r.id, f"{CONDITION_INFO[r.condition].name} (`{r.condition}`)", r.when, r.tier)
                for r in TIER_RULES
            ],
        ),
        "## 3. Decisions, in order of precedence",
        "",
        "The first rule whose condition holds decides.",
        "",
        *_rules_table("decision", DECISION_RULES),
        "## 4. Flags",
        "",
        "Every flag whose condition holds is raised, except that "
        + "; ".join(
            f"`{d.value}` shows only {', '.join(f'`{f.value}`' for f in sorted(flags))}"
            for d, flags in ALLOWED_FLAGS.items()
        )
        + ".",
        "",
        *_rules_table("flag", FLAG_RULES),
        "## 5. Sources",
        "",
        *_table(
            ("id", "reference", "evidence level"),
            [(s.id, s.reference, s.level) for s in SOURCES.values()],
        ),
    ]
    return "\n".join(lines)
