"""The documents stay true: docs/RULES.md is the tables the engine runs."""

from __future__ import annotations

from pathlib import Path

from walkback_rules import DECISION_RULES, FLAG_RULES, TIER_RULES
from walkback_rules.ruledoc import rules_document

ROOT = Path(__file__).resolve().parent.parent


def test_rules_document_is_current() -> None:
    """docs/RULES.md equals the document the tables give (run tools/update_docs.py if not)."""

    assert (ROOT / "docs" / "RULES.md").read_text(encoding="utf-8") == rules_document()


def test_rules_document_holds_every_rule() -> None:
    """Every screen, decision and flag rule appears in the document, by id."""

    text = rules_document()

    assert all(f"| {r.id} |" in text for r in (*TIER_RULES, *DECISION_RULES, *FLAG_RULES))


def test_readme_points_to_the_rules_and_uses_uv_run() -> None:
    """The README links the generated rules and writes every command as `uv run walkback`."""

    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert "docs/RULES.md" in readme
    commands = [line for line in readme.splitlines() if line.lstrip().startswith("walkback ")]
    assert commands == []
