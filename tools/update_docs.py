"""Regenerate docs/RULES.md from the rule tables (tests/test_docs.py fails when it is stale).

Run: uv run python tools/update_docs.py
"""

from __future__ import annotations

from pathlib import Path

from walkback_rules.ruledoc import rules_document

RULES_DOC = Path(__file__).resolve().parent.parent / "docs" / "RULES.md"

if __name__ == "__main__":
    RULES_DOC.write_text(rules_document(), encoding="utf-8")
    print(f"updated {RULES_DOC}")
