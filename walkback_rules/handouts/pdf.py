"""The patient handout as a tagged PDF (PDF/UA-1), typeset by Typst from
`templates/handout.typ`: 12 pt body text, the bundled Unicode font, a footer on every page.

The handout's content model (`content.Handout`) becomes plain data; the template lays it
out. Every string is shown as text, never read as markup, so a clinic name such as
``<script>`` or ``*#set`` prints as those characters.
"""

from __future__ import annotations

from typing import Any

from ..charts import print_chart
from .content import (
    Block,
    Bullets,
    DoseBox,
    Handout,
    HelpBox,
    Paragraph,
    PlanChart,
    StaffNote,
    WalkingLog,
)
from .i18n import _, speaking
from .typeset import PAGE_WORDS, typeset

BODY = 12  # points; the handout never sets patient text smaller


def block_data(block: Block) -> dict[str, Any]:
    """One block of a section as the template reads it."""
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text}
    if isinstance(block, Bullets):
        return {"kind": "bullets", "lead": block.lead, "items": list(block.items)}
    if isinstance(block, DoseBox):
        return {"kind": "dose", "heading": block.heading, "lines": list(block.lines)}
    if isinstance(block, WalkingLog):
        return {
            "kind": "log",
            "instruction": block.instruction,
            "first": block.first_column,
            "days": list(block.days),
            "totals": list(block.totals),
            "weeks": block.weeks,
        }
    if isinstance(block, PlanChart):
        return {
            "kind": "chart",
            "caption": block.caption,
            "alt": block.alt_text(),
            **print_chart(block.plan),
        }
    if isinstance(block, StaffNote):
        # The receiving team's facts are the letter's clinical English on any sheet.
        return {"kind": "staff", "lead": block.lead, "lines": list(block.lines), "lang": "en"}
    assert isinstance(block, HelpBox)
    return {
        "kind": "help",
        "groups": [
            {
                "heading": g.heading,
                "signs": list(g.signs),
                "action": g.action,
                "warning": g.warning,
            }
            for g in block.groups
        ],
        "contact": list(block.contact),
    }


def handout_data(handout: Handout) -> dict[str, Any]:
    """The handout as the template reads it, worded in the handout's language."""
    with speaking(handout.language):
        return _handout_data(handout)


def _handout_data(handout: Handout) -> dict[str, Any]:
    return {
        "title": handout.title,
        "lang": handout.language,
        "paper": handout.paper,
        "footer": handout.footer(),
        "page-words": _(PAGE_WORDS),
        "notice": list(handout.notice),
        "warning": handout.warning,
        "intro": handout.intro,
        "strip": handout.strip,
        "sections": [
            {
                "title": s.title,
                "warning": s.key == "help" or s.warning,
                "blocks": [block_data(b) for b in s.blocks if _drawn(b)],
            }
            for s in handout.sections
        ],
    }


def _drawn(block: Block) -> bool:
    """A plan chart with no weeks draws nothing."""
    return not isinstance(block, PlanChart) or bool(block.plan.weeks)


def handout_pdf(handout: Handout) -> bytes:
    """The handout as PDF bytes."""
    return typeset("handout", handout_data(handout), sheet="patient handout", issued=handout.issued)


def chart_svg(chart: PlanChart) -> str:
    """The plan chart as an SVG drawing for the web page, drawn by the same template as
    print, in the language being printed. The page gives it its words
    (`PlanChart.alt_text`)."""
    from .i18n import language

    data = {"title": "", "lang": language(), "paper": "a4", "chart": print_chart(chart.plan)}
    svg = typeset("plan-chart", data, sheet="plan chart", issued=None, fmt="svg").decode("utf-8")
    return svg[svg.index("<svg") :]
