"""The plan chart as a PNG for print (vl-convert renders the same Vega-Lite spec as the app)."""

from __future__ import annotations

from ..charts import plan_spec
from ..plan import Plan

WIDTH_PX = 440  # the chart's drawing width before scaling; about 9 cm on the page


def plan_png(plan: Plan, scale: float = 1.5) -> bytes:
    """The plan chart as PNG bytes, sized for a printed page and legible in grey."""
    import vl_convert

    spec = plan_spec(plan, WIDTH_PX)
    png: bytes = vl_convert.vegalite_to_png(spec, scale=scale)
    return png
