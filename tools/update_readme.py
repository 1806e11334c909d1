"""Regenerate the README's rule table from the rule table itself.

Run: uv run python tools/update_readme.py   (tests/test_docs.py fails when it is stale)
"""

from __future__ import annotations

import re
from pathlib import Path

from walkback_rules.cli import rule_table_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)", re.DOTALL)


def rendered(text: str) -> str:
    """The README text with its rule-table block replaced by the current table."""
    return BLOCK.sub(lambda m: m.group(1) + rule_table_markdown() + m.group(2), text)


if __name__ == "__main__":
    README.write_text(rendered(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")
