"""Altair charts for the plan and the trial (altair loads only when a chart is drawn).

Colours are greys and one dark blue, with dashes for targets, so they read in print too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .dosing import TARGET_WALKS, TARGET_WEEKLY_MINUTES
from .evidence import TRIAL_ARMS
from .plan import Plan

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

INK = "#1f3b57"
GREY = "#8a8f94"


def plan_table(plan: Plan) -> list[dict[str, Any]]:
    """The plan as table rows, one a week, after the dose walked so far ("Now")."""
    weeks = ((plan.now,) if plan.now is not None else ()) + plan.weeks
    return [
        {
            "Week": str(w.week) if w.week else "Now",
            "Walks a week": w.walks,
            "Minutes per walk": w.minutes,
            "Minutes a week": w.weekly_minutes,
            "Target met": "yes" if w.target_met else "",
        }
        for w in weeks
    ]


def plan_chart(plan: Plan) -> alt.VConcatChart:
    """Minutes a week (bars, with the 150-minute target) above walks a week (line, target 5)."""
    import altair as alt

    rows = plan_table(plan)
    data = {"values": rows}
    x = alt.X("Week:O", title="Week", sort=None, axis=alt.Axis(labelAngle=0))
    top_walks = max([TARGET_WALKS + 1] + [row["Walks a week"] for row in rows])
    step = alt.Step(44)
    minutes = (
        alt.Chart(data)
        .mark_bar(color=INK)
        .encode(
            x=x,
            y=alt.Y("Minutes a week:Q", title="Minutes a week"),
            tooltip=["Week:O", "Walks a week:Q", "Minutes per walk:Q", "Minutes a week:Q"],
        )
    )
    minutes_target = (
        alt.Chart({"values": [{"target": TARGET_WEEKLY_MINUTES}]})
        .mark_rule(color=GREY, strokeDash=[6, 4], size=2)
        .encode(y="target:Q")
    )
    walks = (
        alt.Chart(data)
        .mark_line(color=INK, point=alt.OverlayMarkDef(color=INK))
        .encode(
            x=x,
            y=alt.Y("Walks a week:Q", title="Walks a week", scale=alt.Scale(domain=[0, top_walks])),
            tooltip=["Week:O", "Walks a week:Q"],
        )
    )
    walks_target = (
        alt.Chart({"values": [{"target": TARGET_WALKS}]})
        .mark_rule(color=GREY, strokeDash=[6, 4], size=2)
        .encode(y="target:Q")
    )
    return alt.vconcat(
        (minutes + minutes_target).properties(
            width=step, height=200, title="Minutes a week (dashed: 150-minute target)"
        ),
        (walks + walks_target).properties(
            width=step, height=120, title="Walks a week (dashed: 5-walk target)"
        ),
    )


def trial_chart(width: int = 520) -> alt.LayerChart:
    """Median days to recurrence in each arm of the WalkBack trial, with 95% intervals."""
    import altair as alt

    data = {
        "values": [
            {
                "Arm": arm.name,
                "Median days": arm.median_days,
                "95% CI low": arm.ci_low,
                "95% CI high": arm.ci_high,
            }
            for arm in TRIAL_ARMS
        ]
    }
    y = alt.Y("Arm:N", title=None, sort=None, axis=alt.Axis(labelLimit=220, labelFontSize=12))
    bars = (
        alt.Chart(data)
        .mark_errorbar(color=GREY, thickness=2, ticks=True)
        .encode(
            x=alt.X(
                "95% CI low:Q", title="Days to an activity-limiting recurrence (median, 95% CI)"
            ),
            x2="95% CI high:Q",
            y=y,
        )
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=120, color=INK)
        .encode(
            x="Median days:Q",
            y=y,
            tooltip=["Arm:N", "Median days:Q", "95% CI low:Q", "95% CI high:Q"],
        )
    )
    labels = points.mark_text(dy=-14, color=INK).encode(text="Median days:Q")
    chart: alt.LayerChart = (bars + points + labels).properties(width=width, height=160)
    return chart
