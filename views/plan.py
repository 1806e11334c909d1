"""Plan: week by week from this week's dose to the WalkBack target, with no setbacks."""

import streamlit as st

import ui
from walkback_rules.charts import plan_spec, plan_table
from walkback_rules.core.cards import DECISION_NAMES
from walkback_rules.plan import project

assessment = ui.require_assessment()
rec = ui.recommendation()
plan = project(assessment, rec)

st.title("Plan")
if not plan.weeks:
    name = DECISION_NAMES[rec.decision].lower()
    st.info(f"**No walking plan ({name}).** {plan.note}", icon=":material/block:")
    st.stop()

first = plan.weeks[0]
a, b, c = st.columns(3)
a.metric("This week", f"{first.short} min")
b.metric("Target reached", f"Week {plan.target_week}" if plan.target_week else "Not reached")
c.metric(
    "Minutes this week",
    first.weekly_minutes
    if first.top is None
    else f"{first.weekly_minutes}–{first.top_weekly_minutes}",
)
st.markdown(plan.note)
st.caption(
    "One progression step a week (more walks until 5, then 5 more minutes a walk until 30; "
    "walks over 30 minutes share the week's minutes over one more walk), assuming no "
    "setbacks. A range steps up from whichever end the person did. Pain that rises and "
    "settles means repeat the week; pain that does not settle within 24 hours means step "
    "back."
)
st.vega_lite_chart(plan_spec(plan), width="content")
st.dataframe(plan_table(plan), hide_index=True)
