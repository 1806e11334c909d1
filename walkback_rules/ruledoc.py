"""docs/RULES.md: the clinical tables as one document, generated from the code.

A reader of the repository reviews the rules here without any outside file; a test keeps
the committed document equal to what the tables say now (`tools/update_docs.py` rewrites it).
"""

from __future__ import annotations

from .core.cards import DECISION_NAMES
from .core.codes import RULESET_VERSION
from .core.evidence import SOURCES
from .core.rules import ALLOWED_FLAGS, DECISION_RULES, FLAG_RULES
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


def rules_document() -> str:
    """The whole rule set as Markdown: features, tiers, decisions, flags and sources."""
    lines = [
        f"# WalkBack CDS rules, ruleset {RULESET_VERSION}",
        "",
        "Generated from `walkback_rules/core` by `uv run python tools/update_docs.py`; a test "
        "fails when this file and the code disagree. The clinical specification this "
        "implements is the product owner's RULES_SPEC.md, ruleset 2.0.",
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
        *_table(
            ("id", "decision", "condition", "evidence", "sources", "rationale"),
            [
                (
                    r.id,
                    f"`{r.decision.value}` ({DECISION_NAMES[r.decision]})",
                    r.condition,
                    r.evidence_level,
                    ", ".join(r.source_ids),
                    r.rationale,
                )
                for r in DECISION_RULES
            ],
        ),
        "## 4. Flags",
        "",
        "Every flag whose condition holds is raised, except that "
        + "; ".join(
            f"`{d.value}` shows only {', '.join(f'`{f.value}`' for f in sorted(flags))}"
            for d, flags in ALLOWED_FLAGS.items()
        )
        + ".",
        "",
        *_table(
            ("id", "flag", "condition", "evidence", "sources", "rationale"),
            [
                (
                    r.id,
                    f"`{r.flag.value}`",
                    r.condition,
                    r.evidence_level,
                    ", ".join(r.source_ids),
                    r.rationale,
                )
                for r in FLAG_RULES
            ],
        ),
        "## 5. Sources",
        "",
        *_table(
            ("id", "reference", "evidence level"),
            [(s.id, s.reference, s.level) for s in SOURCES.values()],
        ),
    ]
    return "\n".join(lines)
