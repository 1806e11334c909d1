"""The charts of the plan, a patient's course and the trial, as plain Vega-Lite specs: the app
draws them as they are (no chart library checks them on every run), a handout prints them.

Each spec carries its text alternative (`description`, which the drawn chart gives as its
accessible name) with the same facts the chart shows, and a table with every figure sits
beside each chart. Colours are greys and one dark blue, with dashes for targets, so they
read in print too.
"""

from __future__ import annotations

from typing import Any

from .core.dosing import TARGET_WALKS, TARGET_WEEKLY_MINUTES
from .core.evidence import TRIAL_ARMS
from .handouts.i18n import N_, _
from .plan import Plan

INK = "#1f3b57"
GREY = "#8a8f94"
PALE = "#b7c7d8"  # the upper end of a range week


_COMPOSITE = ("errorbar", "errorband", "boxplot")


def _described(spec: dict[str, Any], words: str) -> dict[str, Any]:
    """The spec with its text alternative: the words name the whole chart (the table beside
    it gives every figure), and each layer of marks is named by what it draws, so no part
    of the drawing is an image without a name."""

    def name(view: dict[str, Any]) -> None:
        mark = view.get("mark")
        if mark is not None:
            kind = mark if isinstance(mark, str) else mark["type"]
            fields = [
                str(channel.get("field") or channel.get("value"))
                for key, channel in view.get("encoding", {}).items()
                if isinstance(channel, dict) and key in ("x", "y", "text")
            ]
            if kind not in _COMPOSITE:
                what = f"{kind} marks: {', '.join(fields)}"
                view["mark"] = {"type": kind, "description": what} if isinstance(mark, str) else {
                    **mark, "description": what}  # fmt: skip
                point = view["mark"].get("point")
                if point:  # a line's points are marks of their own
                    view["mark"]["point"] = {**(point if isinstance(point, dict) else {}),
                                             "description": f"points of the {what}"}  # fmt: skip
        for part in (*view.get("layer", ()), *view.get("vconcat", ())):
            name(part)

    name(spec)
    return {"$schema": spec.pop("$schema"), "description": words, **spec}


def plan_table(plan: Plan) -> list[dict[str, Any]]:
    """The plan as table rows, one a week, after the dose walked so far ("Now")."""
    weeks = ((plan.now,) if plan.now is not None else ()) + plan.weeks
    return [
        {
            "Week": str(w.week) if w.week else "Now",
            "Dose": w.short,
            "Walks a week": w.walks,
            "Minutes per walk": w.minutes,
            "Minutes a week": w.weekly_minutes,
            # The top of a range week (3–4 walks of 5–10 minutes): up to this many minutes.
            "Up to minutes a week": w.top_weekly_minutes,
            "Target met": "yes" if w.target_met else "",
        }
        for w in weeks
    ]


PRINT_TITLE = N_("Minutes a week (dashed line: the {minutes}-minute goal)")


def print_chart(plan: Plan) -> dict[str, Any]:
    """The plan chart as the print renderer draws it (templates/chart.typ): one panel of
    minutes a week, each bar labelled with its dose ("4 × 10") and a range's upper end pale
    behind, and the dashed weekly goal. Data only: the same rows as the app's chart, with
    its words in the language being printed."""
    return {
        "title": _(PRINT_TITLE).format(minutes=TARGET_WEEKLY_MINUTES),
        "axis-words": _("Week"),
        "target": TARGET_WEEKLY_MINUTES,
        "weeks": [
            {
                "week": _("Now") if row["Week"] == "Now" else row["Week"],
                "short": row["Dose"].replace(" × ", " ×\n").split("\n"),
                "minutes": row["Minutes a week"],
                "top": (
                    row["Up to minutes a week"]
                    if row["Up to minutes a week"] != row["Minutes a week"]
                    else None
                ),
            }
            for row in plan_table(plan)
        ],
    }


def plan_spec(plan: Plan) -> dict[str, Any]:
    """The plan chart as a Vega-Lite spec: minutes a week (bars, dashed 150-minute target)
    above walks a week (line, dashed 5-walk target).

    Plain data for the app's chart, each week a fixed step. Print draws the same rows
    natively (`print_chart`).
    """
    rows = plan_table(plan)
    top_walks = max([TARGET_WALKS + 1] + [row["Walks a week"] for row in rows])
    size: Any = {"step": 44}
    week = {
        "field": "Week",
        "type": "ordinal",
        "title": "Week",
        "sort": None,
        "axis": {"labelAngle": 0},
    }

    def target(name: str) -> dict[str, Any]:
        return {
            "data": {"name": name},
            "mark": {"type": "rule", "color": GREY, "strokeDash": [6, 4], "size": 2},
            "encoding": {"y": {"field": "target", "type": "quantitative"}},
        }

    minutes = {
        "title": f"Minutes a week (dashed: {TARGET_WEEKLY_MINUTES}-minute target)",
        "width": size,
        "height": 200,
        "layer": [
            {
                # A range week's upper end, pale behind its lower end.
                "data": {"name": "plan"},
                "mark": {"type": "bar", "color": PALE},
                "encoding": {
                    "x": week,
                    "y": {"field": "Up to minutes a week", "type": "quantitative"},
                },
            },
            {
                "data": {"name": "plan"},
                "mark": {"type": "bar", "color": INK},
                "encoding": {
                    "x": week,
                    "y": {
                        "field": "Minutes a week",
                        "type": "quantitative",
                        "title": "Minutes a week",
                    },
                    "tooltip": [
                        {"field": f, "type": t}
                        for f, t in (
                            ("Week", "ordinal"),
                            ("Dose", "nominal"),
                            ("Walks a week", "quantitative"),
                            ("Minutes per walk", "quantitative"),
                            ("Minutes a week", "quantitative"),
                        )
                    ],
                },
            },
            target("minutes_target"),
        ],
    }
    walks = {
        "title": f"Walks a week (dashed: {TARGET_WALKS}-walk target)",
        "width": size,
        "height": 120,
        "layer": [
            {
                "data": {"name": "plan"},
                "mark": {"type": "line", "color": INK, "point": {"color": INK}},
                "encoding": {
                    "x": week,
                    "y": {
                        "field": "Walks a week",
                        "type": "quantitative",
                        "title": "Walks a week",
                        "scale": {"domain": [0, top_walks]},
                    },
                    "tooltip": [
                        {"field": "Week", "type": "ordinal"},
                        {"field": "Walks a week", "type": "quantitative"},
                    ],
                },
            },
            target("walks_target"),
        ],
    }
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "datasets": {
            "plan": rows,
            "minutes_target": [{"target": TARGET_WEEKLY_MINUTES}],
            "walks_target": [{"target": TARGET_WALKS}],
        },
        "vconcat": [minutes, walks],
    }
    return _described(spec, plan_words(plan))


def plan_words(plan: Plan) -> str:
    """The plan chart in words: where the weeks start and end, and when the target is met."""
    rows = plan_table(plan)
    if not rows:
        return "No walking plan."
    first, last = rows[0], rows[-1]
    reached = (
        f"the target of {TARGET_WALKS} walks and {TARGET_WEEKLY_MINUTES} minutes a week is "
        f"reached in week {plan.target_week}"
        if plan.target_week
        else "the target is not reached within these weeks"
    )
    return (
        f"Chart of the walking plan, week by week: from {first['Dose']} "
        f"({first['Week'].lower() if first['Week'] == 'Now' else 'week ' + first['Week']}) "
        f"to {last['Dose']} (week {last['Week']}); {reached}. The table below gives every week."
    )


def trial_spec(width: int | None = None) -> dict[str, Any]:
    """Median days to recurrence in each arm of the WalkBack trial, with 95% intervals; as
    wide as its container unless a `width` is given."""
    rows = [
        {
            "Arm": arm.name,
            "Median days": arm.median_days,
            "95% CI low": arm.ci_low,
            "95% CI high": arm.ci_high,
        }
        for arm in TRIAL_ARMS
    ]
    y = {"field": "Arm", "type": "nominal", "title": None, "sort": None,
         "axis": {"labelLimit": 220, "labelFontSize": 12}}  # fmt: skip
    point = {"type": "point", "filled": True, "size": 120, "color": INK}
    median = {"field": "Median days", "type": "quantitative"}
    words = (
        "Chart of the WalkBack trial: median days to an activity-limiting recurrence, "
        + "; ".join(
            f"{r['Arm']} {r['Median days']} days (95% CI {r['95% CI low']} to {r['95% CI high']})"
            for r in rows
        )
        + "."
    )
    return _described({
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": rows},
        "width": "container" if width is None else width,
        "height": 160,
        "layer": [
            {
                "mark": {"type": "errorbar", "color": GREY, "thickness": 2, "ticks": True},
                "encoding": {
                    "x": {"field": "95% CI low", "type": "quantitative",
                          "title": "Days to recurrence (median, 95% CI)"},
                    "x2": {"field": "95% CI high"},
                    "y": y,
                },
            },
            {
                "mark": point,
                "encoding": {
                    "x": median,
                    "y": y,
                    "tooltip": [{"field": f, "type": "quantitative" if f != "Arm" else "nominal"}
                                for f in ("Arm", "Median days", "95% CI low", "95% CI high")],
                },
            },
            {
                "mark": {"type": "text", "dy": -14, "color": INK},
                "encoding": {"x": median, "y": y, "text": median},
            },
        ],
    }, words)  # fmt: skip


def history_words(visits: list[dict[str, Any]], weeks: list[dict[str, Any]]) -> str:
    """The history chart in words: the visits with their decisions and plans, the diary weeks
    with their minutes, and the flare-ups."""
    parts = ["Chart of the patient's course."]
    if visits:
        parts.append(
            f"{len(visits)} consultation{'s' if len(visits) != 1 else ''}: "
            + "; ".join(
                f"{v['Date']} {v['Decision']}, planned {v['Planned walking']}" for v in visits
            )
            + "."
        )
    flares = [f"{v['Date']} ({v['Flare']})" for v in visits if v.get("Flare") not in ("none",)]
    if flares:
        parts.append("Flare-ups: " + ", ".join(flares) + ".")
    if weeks:
        minutes = [int(w["Reported minutes"]) for w in weeks]
        pains = [int(w["Worst pain"]) for w in weeks]
        parts.append(
            f"{len(weeks)} diary week{'s' if len(weeks) != 1 else ''} from {weeks[0]['Week of']} "
            f"to {weeks[-1]['Week of']}: {min(minutes)} to {max(minutes)} minutes a week "
            f"reported, worst pain {min(pains)} to {max(pains)} out of 10."
        )
    parts.append("The Consultations and Walking diary tables below give every figure.")
    return " ".join(parts)


# The filters the history chart's layers use, each named once: the spec carries the Vega
# expression, and Python reads the same test to leave out a layer with nothing to draw.
PLANNED = "isValid(datum['Planned minutes a week'])"
UNPLANNED = "!isValid(datum['Planned minutes a week'])"
FLARED = "datum.Flare != 'none'"
_FILTERS: dict[str, Any] = {
    PLANNED: lambda r: r.get("Planned minutes a week") is not None,
    UNPLANNED: lambda r: r.get("Planned minutes a week") is None,
    FLARED: lambda r: r.get("Flare") != "none",
}


def _with_rows(
    layers: list[dict[str, Any]], datasets: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The layers that have at least one row to draw after their filters."""
    kept = []
    for layer in layers:
        rows = datasets[layer["data"]["name"]]
        for step in layer.get("transform", ()):
            rows = [r for r in rows if _FILTERS[step["filter"]](r)]
        if rows:
            kept.append(layer)
    return kept


def history_spec(
    visits: list[dict[str, Any]], weeks: list[dict[str, Any]], width: int = 680
) -> dict[str, Any]:
    """A patient's course as Vega-Lite: minutes a week planned (step line) against reported
    (bars), worst pain below; each consultation a dashed rule labelled with its decision,
    and flare-ups marked with a triangle. Rows come from `history.timeline`.
    """
    time = {"field": "Date", "type": "temporal", "title": None}
    decisions = {
        "data": {"name": "visits"},
        "mark": {"type": "rule", "color": GREY, "strokeDash": [2, 3]},
        "encoding": {
            "x": time,
            "tooltip": [
                {"field": "Date", "type": "temporal"},
                {"field": "Decision", "type": "nominal"},
                {"field": "Summary", "type": "nominal"},
            ],
        },
    }
    minutes: dict[str, Any] = {
        "title": "Minutes of walking a week: planned (line) and reported (bars)",
        "width": width,
        "height": 220,
        "layer": [
            decisions,
            {
                "data": {"name": "weeks"},
                "mark": {"type": "bar", "color": "#9fb4c8", "width": {"band": 0.8}},
                "encoding": {
                    "x": {"field": "Week of", "type": "temporal", "title": None},
                    "y": {"field": "Reported minutes", "type": "quantitative",
                          "title": "Minutes a week"},
                    "tooltip": [{"field": f, "type": "nominal"} for f in
                                ("Week of", "Walks", "Reported minutes", "Worst pain")],
                },
            },
            {
                # Each visit's plan as a level from that visit to the next (or its review).
                "data": {"name": "visits"},
                "transform": [{"filter": PLANNED}],
                "mark": {"type": "rule", "color": INK, "strokeWidth": 2},
                "encoding": {
                    "x": time,
                    "x2": {"field": "Until"},
                    "y": {"field": "Planned minutes a week", "type": "quantitative"},
                    "tooltip": [{"field": "Date", "type": "temporal"},
                                {"field": "Planned walking", "type": "nominal"}],
                },
            },
            {
                # Short walks "as tolerated" (a moderate flare) have no weekly total: said,
                # not drawn as 0.
                "data": {"name": "visits"},
                "transform": [{"filter": UNPLANNED}],
                "mark": {"type": "text", "align": "left", "dx": 6, "dy": -10, "color": INK,
                         "fontSize": 10},
                "encoding": {"x": time, "y": {"value": 200}, "text": {"value": "short walks"}},
            },
            {
                "data": {"name": "visits"},
                "mark": {"type": "text", "angle": 270, "align": "left", "dx": 4, "dy": -4,
                         "baseline": "bottom", "color": "#444", "fontSize": 10},
                "encoding": {"x": time, "y": {"value": 0}, "text": {"field": "Decision"}},
            },
        ],
    }  # fmt: skip
    pain: dict[str, Any] = {
        "title": "Pain (0–10): worst in the week (line), at the visit (dots); ▲ flare-up",
        "width": width,
        "height": 110,
        "layer": [
            decisions,
            {
                "data": {"name": "weeks"},
                "mark": {"type": "line", "color": "#9fb4c8", "point": True},
                "encoding": {
                    "x": {"field": "Week of", "type": "temporal", "title": None},
                    "y": {"field": "Worst pain", "type": "quantitative", "title": "Pain",
                          "scale": {"domain": [0, 10]}},
                },
            },
            {
                "data": {"name": "visits"},
                "mark": {"type": "point", "filled": True, "color": INK, "size": 50},
                # The same 0-10 scale as the weeks' line: without diary weeks, a pain of 0 at
                # every visit drew an axis of one value, labelled "0.000000".
                "encoding": {"x": time, "y": {"field": "Pain at visit", "type": "quantitative",
                                              "title": "Pain", "scale": {"domain": [0, 10]}}},
            },
            {
                "data": {"name": "visits"},
                "transform": [{"filter": FLARED}],
                "mark": {"type": "point", "shape": "triangle-up", "filled": True,
                         "color": "#b00020", "size": 110},
                "encoding": {
                    "x": time,
                    "y": {"value": 6},
                    "tooltip": [{"field": "Date", "type": "temporal"},
                                {"field": "Flare", "type": "nominal"}],
                },
            },
        ],
    }  # fmt: skip
    # A layer with nothing to draw (no diary yet, no flare-up) is left out: Vega would draw
    # it as an empty, unnamed image.
    datasets = {"visits": visits, "weeks": weeks}
    for panel in (minutes, pain):
        panel["layer"] = _with_rows(panel["layer"], datasets)
    return _described(
        {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "datasets": datasets,
            "vconcat": [minutes, pain],
            "resolve": {"scale": {"x": "shared"}},
        },
        history_words(visits, weeks),
    )
