"""Cards drawn as the core words them, live or as stored, and short citations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from walkback_rules.core.evidence import SOURCES

if TYPE_CHECKING:
    from walkback_rules.core.models import Card

from . import base

_BOX = {"critical": st.error, "warning": st.warning, "info": st.info}


_ICON = {
    "critical": ":material/emergency:",
    "warning": ":material/warning:",
    "info": ":material/info:",
}


def card(c: Card, headline: bool = False) -> None:
    """A card coloured by its indicator: critical red, warning amber, info blue."""
    text = f"## {c.summary}\n\n{c.detail}" if headline else f"**{c.summary}**\n\n{c.detail}"
    _BOX[c.indicator](text, icon=_ICON[c.indicator])


def stored_card(stored: dict[str, Any], headline: bool = False) -> None:
    """A card as a saved consultation recorded it, drawn as `card` draws a live one. Bold
    is the only markup a card's words carry; anything else shows exactly as stored."""
    given = stored.get("indicator")
    indicator = given if isinstance(given, str) and given in _BOX else "info"
    summary = base.md_text(str(stored.get("summary", ""))).replace(base._BOLD, "**")
    detail = base.md_text(str(stored.get("detail", ""))).replace(base._BOLD, "**")
    body = f"## {summary}\n\n{detail}" if headline else f"**{summary}**\n\n{detail}"
    _BOX[indicator](body, icon=_ICON[indicator])


def citations(source_ids: tuple[str, ...] | list[str]) -> str:
    """Short citations for display."""
    return "; ".join(SOURCES[s].short for s in source_ids)
