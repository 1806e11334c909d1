"""The clinic's recurrence curve beside the trial's medians, as a Vega-Lite spec with its
text alternative and the table of every figure it draws (as `charts` does for the others)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..charts import GREY, INK, PALE, _described
from ..core.evidence import TRIAL_ARMS
from .cohort import Comparison
from .psfs import WHEN, Psfs


def curve_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """The curve as table rows: day 0, then each day with a recurrence."""
    curve = comparison.curve
    if curve is None:
        return []
    rows = [
        {
            "Days since discharge": 0,
            "At risk": curve.subjects,
            "Recurrences": 0,
            "No recurrence yet": 1.0,
            "95% CI low": None,
            "95% CI high": None,
        }
    ]
    rows += [
        {
            "Days since discharge": int(step.time),
            "At risk": step.at_risk,
            "Recurrences": step.events,
            "No recurrence yet": round(step.survival, 4),
            "95% CI low": None if step.lower is None else round(step.lower, 4),
            "95% CI high": None if step.upper is None else round(step.upper, 4),
        }
        for step in curve.steps
    ]
    return rows


def curve_words(comparison: Comparison) -> str:
    """The chart in words: the curve's size and median, the trial's medians, the verdict."""
    curve = comparison.curve
    if curve is None:
        return "No curve yet: " + comparison.words
    median = (
        "not reached"
        if curve.median is None
        else f"{curve.median:.0f} days"
        + (
            ""
            if curve.median_lower is None
            else f" (95% CI {curve.median_lower:.0f} to "
            + ("not yet bounded" if curve.median_upper is None else f"{curve.median_upper:.0f}")
            + ")"
        )
    )
    arms = "; ".join(
        f"{a.name} {a.median_days} days (95% CI {a.ci_low} to {a.ci_high})" for a in TRIAL_ARMS
    )
    return (
        f"Chart of the share of the clinic's patients with no activity-limiting recurrence, by "
        f"days since discharge: {curve.subjects} people followed, {curve.events} recurrences, "
        f"median {median}. The WalkBack trial's medians: {arms}. {comparison.words}"
    )


def curve_spec(comparison: Comparison, width: int | None = None) -> dict[str, Any]:
    """The curve as a step line in its pointwise 95% band, with the trial's medians and their
    intervals drawn at one half."""
    rows = curve_rows(comparison)
    if rows and comparison.longest > rows[-1]["Days since discharge"]:
        # The curve runs on, flat, to the longest follow-up.
        rows = [*rows, {**rows[-1], "Days since discharge": comparison.longest, "Recurrences": 0}]
    # Each arm's median and interval just above (the programme) or below (no programme) the
    # halfway line, so the two never overlap.
    arms = [
        {"Arm": a.name, "Median": a.median_days, "Low": a.ci_low, "High": a.ci_high, "Half": at}
        for a, at in zip(TRIAL_ARMS, (0.53, 0.47), strict=True)
    ]
    x = {"field": "Days since discharge", "type": "quantitative", "title": "Days since discharge"}
    y = {"field": "No recurrence yet", "type": "quantitative", "title": "No recurrence yet",
         "scale": {"domain": [0, 1]}, "axis": {"format": "%"}}  # fmt: skip
    return _described({
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container" if width is None else width,
        "height": 320,
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "area", "interpolate": "step-after", "color": PALE,
                         "opacity": 0.6},
                "encoding": {"x": x, "y": {"field": "95% CI low", "type": "quantitative"},
                             "y2": {"field": "95% CI high"}},
            },
            {
                "data": {"values": rows},
                "mark": {"type": "line", "interpolate": "step-after", "color": INK,
                         "strokeWidth": 2.5},
                "encoding": {"x": x, "y": y, "tooltip": [
                    {"field": k, "type": "quantitative"} for k in rows[0]] if rows else []},
            },
            {
                "data": {"values": [{"Half": 0.5}]},
                "mark": {"type": "rule", "color": GREY, "strokeDash": [4, 4]},
                "encoding": {"y": {"field": "Half", "type": "quantitative"}},
            },
            {
                "data": {"values": arms},
                "mark": {"type": "rule", "color": GREY, "strokeWidth": 6, "opacity": 0.7},
                "encoding": {"x": {"field": "Low", "type": "quantitative"}, "x2": {"field": "High"},
                             "y": {"field": "Half", "type": "quantitative"}},
            },
            {
                "data": {"values": arms},
                "mark": {"type": "point", "filled": True, "size": 90, "color": INK,
                         "shape": "diamond"},
                "encoding": {"x": {"field": "Median", "type": "quantitative"},
                             "y": {"field": "Half", "type": "quantitative"},
                             "tooltip": [{"field": f, "type": "nominal" if f == "Arm" else
                                          "quantitative"} for f in ("Arm", "Median", "Low",
                                                                    "High")]},
            },
            {
                "data": {"values": arms},
                "mark": {"type": "text", "align": "right", "dx": -8, "color": INK},
                "encoding": {"x": {"field": "Low", "type": "quantitative"},
                             "y": {"field": "Half", "type": "quantitative"},
                             "text": {"field": "Arm"}},
            },
        ],
    }, curve_words(comparison))  # fmt: skip


def at_risk_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """People still followed and free of a recurrence at the reading days: one row, a
    column a day, as numbers at risk are printed under a curve."""
    return [
        {"Days since discharge": "Still followed", **{str(t): n for t, n in comparison.at_risk}}
    ]


def psfs_spec(ratings: Sequence[Psfs]) -> dict[str, Any]:
    """The Patient-Specific Functional Scale's average over time, 0 to 10, with the text
    alternative giving each rating."""
    values = [
        {"Day": r.day.isoformat(), "Average": round(float(r.average), 1), "At": WHEN[r.when]}
        for r in ratings
    ]
    words = (
        "Chart of the Patient-Specific Functional Scale's average (0 to 10): "
        + "; ".join(f"{v['Day']} ({v['At']}) {v['Average']}" for v in values)
        + "."
    )
    x = {"field": "Day", "type": "temporal", "title": None}
    y = {"field": "Average", "type": "quantitative", "title": "Average (0-10)",
         "scale": {"domain": [0, 10]}}  # fmt: skip
    return _described({
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": values},
        "width": "container",
        "height": 180,
        "mark": {"type": "line", "point": True, "color": INK},
        "encoding": {"x": x, "y": y, "tooltip": [{"field": "Day", "type": "temporal"},
                                                 {"field": "At", "type": "nominal"},
                                                 {"field": "Average", "type": "quantitative"}]},
    }, words)  # fmt: skip
