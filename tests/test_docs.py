"""The README stays true: its rule table is the table the engine runs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_rule_table_is_current() -> None:
    """The README's rule table equals `walkback rules` (run tools/update_readme.py if not)."""

    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "tools/update_readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (ROOT / "README.md").read_text(encoding="utf-8")

    assert "<!-- rules:start -->" in text
    assert module.rendered(text) == text
